/* kiln_avg_pool2d_s8, AVX2: (interim) forwards to the reference. */
#include "internal/kiln_isa.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
kiln_status kiln_avg_pool2d_s8(const kiln_pool_params *params, int32_t act_min,
                               int32_t act_max, const kiln_shape *in_shape,
                               const int8_t *input, const kiln_shape *out_shape,
                               int8_t *output) {
  return kiln_avg_pool2d_s8_ref(params, act_min, act_max, in_shape, input,
                                out_shape, output);
}
#endif /* KILN_HAVE_AVX2 */
