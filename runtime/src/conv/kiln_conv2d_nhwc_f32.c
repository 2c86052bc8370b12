/* kiln_conv2d_nhwc_f32: ONNX Conv (2-D, NHWC, HWIO filters) with groups and a
 * fused epilogue. */
#include "internal/kiln_act.h"
#include "internal/kiln_nhwc.h"

/**
 * @brief ONNX Conv on channels-last data:
 *        out = act(conv(input, weights) + bias + residual).
 *
 * Direct convolution; groups == C == M is depthwise. The compiler resolves
 * auto_pad into explicit pads and derives out_shape. Per output the sum runs
 * over (kh, kw, c), where kiln_conv2d_f32 runs over (c, kh, kw): the two
 * layouts agree to rounding, not bit for bit.
 *
 * @param[in]  params       stride >= 1, dilation >= 1, pad >= 0 (top, left,
 *                          bottom, right), groups >= 1 dividing C and M, act
 * @param[in]  in_shape     N, H, W, C (rank 4)
 * @param[in]  input        N*H*W*C elements
 * @param[in]  filter_shape kH, kW, C/groups, M (rank 4, HWIO: ONNX's OIHW
 *                          transposed by perm [2, 3, 1, 0]), or the
 *                          pre-packed G, P, kH, kW, C/G, NR (rank 6, from
 *                          kiln_conv2d_nhwc_pack_filter_f32) with G ==
 *                          groups, G * C/G == C, P = ceil((M/G) / NR),
 *                          1 <= NR <= 64: same results bit for bit
 * @param[in]  weights      kH*kW*(C/groups)*M elements (HWIO) or
 *                          G*P*kH*kW*(C/G)*NR (packed)
 * @param[in]  bias         M elements, or NULL for none
 * @param[in]  residual     out-shaped (NHWC) tensor added before act, or NULL
 * @param[in]  out_shape    N, OH, OW, M with
 *                          OH = (H + pt + pb - ((kH-1)*dH + 1)) / sH + 1
 * @param[out] output       N*OH*OW*M elements; must not alias input or
 *                          weights (it may alias residual)
 * @param      scratch      kiln_conv2d_nhwc_f32_scratch_size() bytes; unused
 *                          (NULL is fine) by the reference
 * @return KILN_OK; KILN_ERR_NULL when a required pointer is NULL; KILN_ERR_ARG
 *         when a shape is not rank 4 (filter: 4 or 6), groups < 1, or a
 *         packed filter does not match groups, C and M as above.
 */
kiln_status KILN_REF(kiln_conv2d_nhwc_f32)(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const float *bias, const float *residual, const kiln_shape *out_shape,
    float *output, void *scratch) {
  (void)scratch;
  kiln_conv_geometry g;
  kiln_status st = kiln_internal_conv_geometry_nhwc(
      params, in_shape, input, filter_shape, weights, out_shape, output, &g);
  if (st != KILN_OK)
    return st;

  /* Each output is finished (residual read, then written) before the next,
   * so an output buffer that is also the residual reads every residual value
   * before overwriting it. */
  ptrdiff_t o = 0;
  for (int32_t n = 0; n < g.batch; ++n) {
    const float *img = input + (ptrdiff_t)n * g.h * g.w * g.ch;
    for (int32_t oh = 0; oh < g.oh; ++oh) {
      const int32_t h0 = oh * params->stride[0] - params->pad[0];
      for (int32_t ow = 0; ow < g.ow; ++ow) {
        const int32_t w0 = ow * params->stride[1] - params->pad[1];
        for (int32_t oc = 0; oc < g.m; ++oc, ++o) {
          const int32_t ic0 = (oc / g.m_per_g) * g.c_per_g;
          /* HWIO and pre-packed filters differ only in where a weight
           * lies; the sum runs in the same order, so their results are
           * bit-identical. */
          const kiln_nhwc_filter_index f = kiln_nhwc_filter_at(&g, oc);
          float acc = bias ? bias[oc] : 0.0f;
          for (int32_t kh = 0; kh < g.kh; ++kh) {
            const int32_t ih = h0 + kh * params->dilation[0];
            if (ih < 0 || ih >= g.h)
              continue;
            for (int32_t kw = 0; kw < g.kw; ++kw) {
              const int32_t iw = w0 + kw * params->dilation[1];
              if (iw < 0 || iw >= g.w)
                continue;
              const float *px = img + ((ptrdiff_t)ih * g.w + iw) * g.ch + ic0;
              const float *taps =
                  weights + f.base + (ptrdiff_t)(kh * g.kw + kw) * f.tap_step;
              for (int32_t c = 0; c < g.c_per_g; ++c)
                acc += px[c] * taps[(ptrdiff_t)c * f.c_step];
            }
          }
          if (residual)
            acc += residual[o];
          output[o] = kiln_act_apply(&params->act, acc);
        }
      }
    }
  }
  return KILN_OK;
}
