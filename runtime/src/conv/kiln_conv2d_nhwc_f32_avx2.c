/* kiln_conv2d_nhwc_f32, AVX2/FMA and AVX-512 builds: the ISA entry point. */
#include "internal/kiln_nhwc.h"

#if KILN_HAVE_AVX2
/* Same contract as the reference (kiln_conv2d_nhwc_f32.c). */
kiln_status kiln_conv2d_nhwc_f32(const kiln_conv_params *params,
                                 const kiln_shape *in_shape, const float *input,
                                 const kiln_shape *filter_shape,
                                 const float *weights, const float *bias,
                                 const float *residual,
                                 const kiln_shape *out_shape, float *output,
                                 void *scratch) {
  return kiln_conv2d_nhwc_f32_ref(params, in_shape, input, filter_shape,
                                  weights, bias, residual, out_shape, output,
                                  scratch);
}
#endif /* KILN_HAVE_AVX2 */
