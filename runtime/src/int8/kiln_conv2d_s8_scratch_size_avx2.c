/* kiln_conv2d_s8_scratch_size, AVX2: (interim) forwards to the reference. */
#include "internal/kiln_isa.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
int32_t kiln_conv2d_s8_scratch_size(const kiln_conv_s8_params *params,
                                    const kiln_shape *in_shape,
                                    const kiln_shape *filter_shape,
                                    const kiln_shape *out_shape) {
  return kiln_conv2d_s8_scratch_size_ref(params, in_shape, filter_shape,
                                         out_shape);
}
#endif /* KILN_HAVE_AVX2 */
