/* kiln_conv2d_s8, AVX2: (interim) forwards to the reference. */
#include "internal/kiln_isa.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
kiln_status kiln_conv2d_s8(const kiln_conv_s8_params *params,
                           const kiln_requant *requant,
                           const kiln_shape *in_shape, const int8_t *input,
                           const kiln_shape *filter_shape,
                           const int8_t *weights, const int32_t *bias,
                           const kiln_shape *out_shape, int8_t *output,
                           void *scratch) {
  return kiln_conv2d_s8_ref(params, requant, in_shape, input, filter_shape,
                            weights, bias, out_shape, output, scratch);
}
#endif /* KILN_HAVE_AVX2 */
