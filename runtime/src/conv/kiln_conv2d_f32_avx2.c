/* kiln_conv2d_f32, AVX2/FMA and AVX-512: implicit GEMM, depthwise direct. */
#include "internal/kiln_avx512.h"
#include "internal/kiln_ref.h"

#if KILN_HAVE_AVX2
/* Same contract as the reference (kiln_conv2d_f32.c); needs no scratch. 1x1
 * stride-1 unpadded convolutions read the input as B in place; other shapes
 * gather B panels from the input on the fly; one input channel per group
 * (with groups > 1) goes to the direct depthwise loop. */
kiln_status kiln_conv2d_f32(const kiln_conv_params *params,
                            const kiln_shape *in_shape, const float *input,
                            const kiln_shape *filter_shape,
                            const float *weights, const float *bias,
                            const float *residual, const kiln_shape *out_shape,
                            float *output, void *scratch) {
  (void)scratch;
  kiln_conv_geometry g;
  kiln_status st = kiln_internal_conv_geometry(
      params, in_shape, input, filter_shape, weights, out_shape, output, &g);
  if (st != KILN_OK)
    return st;
  /* Depthwise only when there are groups: a single-channel image into many
   * filters (an audio front end's first conv) is a GEMM with k = kh * kw,
   * which the tile keeps busy; the direct loop would walk the plane once per
   * filter. */
  if (g.c_per_g == 1 && params->groups > 1) {
#if KILN_HAVE_AVX512
    if (params->dilation[0] == 1 && params->dilation[1] == 1 &&
        params->stride[1] <= 2) {
      kiln_avx512_conv_depthwise(params, &g, input, weights, bias, residual,
                                 output);
      return KILN_OK;
    }
#endif
    kiln_avx2_conv_depthwise(params, &g, input, weights, bias, residual,
                             output);
    return KILN_OK;
  }
  const int32_t groups = params->groups;
  const int32_t k = g.c_per_g * g.kh * g.kw, hw_out = g.oh * g.ow;
  const int direct_b = g.kh == 1 && g.kw == 1 && params->stride[0] == 1 &&
                       params->stride[1] == 1 && params->pad[0] == 0 &&
                       params->pad[1] == 0 && g.oh == g.h && g.ow == g.w;
  for (int32_t n = 0; n < g.batch; ++n) {
    for (int32_t gi = 0; gi < groups; ++gi) {
      const float *in_g =
          input + ((ptrdiff_t)n * g.ch + (ptrdiff_t)gi * g.c_per_g) * g.h * g.w;
      const ptrdiff_t out_off =
          ((ptrdiff_t)n * g.m + (ptrdiff_t)gi * g.m_per_g) * hw_out;
      const kiln_avx2_epilogue ep = {
          1.0f,        residual ? residual + out_off : NULL,
          hw_out,      NULL,
          0,           0,
          0.0f,        bias ? bias + (ptrdiff_t)gi * g.m_per_g : NULL,
          &params->act};
      const float *a = weights + (ptrdiff_t)gi * g.m_per_g * k;
      if (direct_b && hw_out == 1) {
        /* One output position (squeeze-excite convs on a pooled 1x1 map):
         * a GEMM tile would fill one of its 32 columns, so each output
         * channel is a dot product of its filter row with the input
         * vector, the filters streamed once. out = x . W^T with the bias
         * as a per-column add. */
        const kiln_avx2_epilogue dot = {
            1.0f, ep.residual, 0,           bias ? ep.row_bias : NULL, 0, 1,
            1.0f, NULL,        &params->act};
        kiln_avx2_gemm_bt_rows(1, g.m_per_g, k, in_g, k, a, k, output + out_off,
                               g.m_per_g, &dot);
        continue;
      }
      if (direct_b) {
        const kiln_avx2_strided_b b = {in_g, g.h * g.w, 1};
        kiln_x86_gemm(g.m_per_g, hw_out, k, a, k, 1, kiln_avx2_pack_strided_b,
                      &b, output + out_off, hw_out, &ep);
      } else {
        const kiln_avx2_conv_b b = {in_g, params, g.h, g.w, g.ow, g.kh, g.kw};
        kiln_avx2_pack_b_fn pack = kiln_avx2_pack_conv_b;
#if KILN_HAVE_AVX512
        if (kiln_avx512_pack_conv_ok(params, g.kh, g.kw, g.ow))
          pack = kiln_avx512_pack_conv_b;
#endif
        kiln_x86_gemm(g.m_per_g, hw_out, k, a, k, 1, pack, &b, output + out_off,
                      hw_out, &ep);
      }
    }
  }
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
