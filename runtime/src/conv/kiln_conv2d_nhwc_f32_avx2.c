/* kiln_conv2d_nhwc_f32, AVX2/FMA and AVX-512 builds: indirect GEMM over the
 * HWIO filter, depthwise across channels. */
#include "internal/kiln_nhwc.h"

#if KILN_HAVE_AVX2
/* Same contract as the reference (kiln_conv2d_nhwc_f32.c); needs no scratch
 * (the GEMM reads input pixels through per-tap row pointers and packs HWIO
 * rows, already rows of B, into a stack panel, or reads pre-packed panels
 * in place). One input and one output
 * channel per group (depthwise) takes the direct loop, 16 (8) channels per
 * vector; everything else, grouped or not, the GEMM. */
kiln_status kiln_conv2d_nhwc_f32(const kiln_conv_params *params,
                                 const kiln_shape *in_shape, const float *input,
                                 const kiln_shape *filter_shape,
                                 const float *weights, const float *bias,
                                 const float *residual,
                                 const kiln_shape *out_shape, float *output,
                                 void *scratch) {
  (void)scratch;
  kiln_conv_geometry g;
  kiln_status st = kiln_internal_conv_geometry_nhwc(
      params, in_shape, input, filter_shape, weights, out_shape, output, &g);
  if (st != KILN_OK)
    return st;
  const int depthwise = g.c_per_g == 1 && g.m_per_g == 1;
  /* Depthwise kernels read channels across lanes, which a packed filter
   * puts K * NR apart: the compiler never packs depthwise filters, so a
   * hand-packed one takes the reference rather than a strided copy. */
  if (depthwise && g.nr != 0)
    return kiln_conv2d_nhwc_f32_ref(params, in_shape, input, filter_shape,
                                    weights, bias, residual, out_shape, output,
                                    scratch);
#if KILN_HAVE_AVX512
  if (depthwise)
    kiln_avx512_conv_nhwc_depthwise(params, &g, input, weights, bias, residual,
                                    output);
  else
    kiln_avx512_conv_nhwc_gemm(params, &g, input, weights, bias, residual,
                               output);
#else
  if (depthwise)
    kiln_avx2_conv_nhwc_depthwise(params, &g, input, weights, bias, residual,
                                  output);
  else
    kiln_avx2_conv_nhwc_gemm(params, &g, input, weights, bias, residual,
                             output);
#endif
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
