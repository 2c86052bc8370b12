/* kiln_conv_transpose2d_f32: ONNX ConvTranspose (2-D, NCHW) with groups. */
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"

/**
 * @brief ONNX ConvTranspose on NCHW: out = act(convT(input) + bias + residual).
 *
 * Scatter form: each input pixel adds its weighted kernel footprint into the
 * output at ih * stride - pad_begin + k * dilation. output_padding and
 * output_shape only extend out_shape, so they arrive through out_shape.
 *
 * @param[in]  params       stride >= 1, dilation >= 1, pad >= 0 (top, left,
 *                          bottom, right), groups >= 1 dividing C and M, act
 * @param[in]  in_shape     N, C, H, W (rank 4)
 * @param[in]  input        N*C*H*W elements
 * @param[in]  filter_shape C, M/groups, kH, kW (rank 4; ONNX layout)
 * @param[in]  weights      C*(M/groups)*kH*kW elements
 * @param[in]  bias         M elements, or NULL for none
 * @param[in]  residual     out-shaped tensor added before act, or NULL
 * @param[in]  out_shape    N, M, OH, OW with OH = sH*(H-1) + output_padding_h
 *                          + (kH-1)*dH + 1 - pt - pb
 * @param[out] output       N*M*OH*OW elements; must not alias any input
 * @param      scratch      unused by the reference (NULL is fine)
 * @return KILN_OK; KILN_ERR_NULL when a required pointer is NULL; KILN_ERR_ARG
 *         when a shape is not rank 4 or groups < 1.
 */
kiln_status kiln_conv_transpose2d_f32(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const float *bias, const float *residual, const kiln_shape *out_shape,
    float *output, void *scratch) {
  (void)scratch;
  kiln_conv_geometry g;
  kiln_status st = kiln_internal_conv_geometry(
      params, in_shape, input, filter_shape, weights, out_shape, output, &g);
  if (st != KILN_OK)
    return st;
  const int32_t out_plane = g.oh * g.ow;

  for (int32_t n = 0; n < g.batch; ++n)
    for (int32_t oc = 0; oc < g.m; ++oc) {
      float *dst = output + ((ptrdiff_t)n * g.m + oc) * out_plane;
      for (int32_t i = 0; i < out_plane; ++i)
        dst[i] = bias ? bias[oc] : 0.0f;
    }

  for (int32_t n = 0; n < g.batch; ++n) {
    for (int32_t ic = 0; ic < g.ch; ++ic) {
      const int32_t oc0 = (ic / g.c_per_g) * g.m_per_g;
      const float *plane = input + ((ptrdiff_t)n * g.ch + ic) * g.h * g.w;
      for (int32_t ih = 0; ih < g.h; ++ih) {
        for (int32_t iw = 0; iw < g.w; ++iw) {
          const float x = plane[ih * g.w + iw];
          for (int32_t mo = 0; mo < g.m_per_g; ++mo) {
            const float *taps =
                weights + ((ptrdiff_t)ic * g.m_per_g + mo) * g.kh * g.kw;
            float *dst = output + ((ptrdiff_t)n * g.m + oc0 + mo) * out_plane;
            for (int32_t kh = 0; kh < g.kh; ++kh) {
              const int32_t oh = ih * params->stride[0] - params->pad[0] +
                                 kh * params->dilation[0];
              if (oh < 0 || oh >= g.oh)
                continue;
              for (int32_t kw = 0; kw < g.kw; ++kw) {
                const int32_t ow = iw * params->stride[1] - params->pad[1] +
                                   kw * params->dilation[1];
                if (ow >= 0 && ow < g.ow)
                  dst[oh * g.ow + ow] += x * taps[kh * g.kw + kw];
              }
            }
          }
        }
      }
    }
  }
  /* The scatter completes a pixel only at the very end, so the epilogue is a
   * separate pass rather than fused into the accumulation. */
  return kiln_internal_epilogue_f32(&params->act, residual, output, output,
                                    kiln_numel(out_shape));
}
