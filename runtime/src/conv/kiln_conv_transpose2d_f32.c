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
  kiln_status st =
      kiln_internal_check_nchw(params, in_shape, input, out_shape, output);
  if (st != KILN_OK)
    return st;
  if (filter_shape == NULL || weights == NULL)
    return KILN_ERR_NULL;
  if (filter_shape->rank != 4 || params->groups < 1)
    return KILN_ERR_ARG;

  const int32_t batch = in_shape->dims[0], ch = in_shape->dims[1];
  const int32_t h = in_shape->dims[2], w = in_shape->dims[3];
  const int32_t m = out_shape->dims[1];
  const int32_t oh_n = out_shape->dims[2], ow_n = out_shape->dims[3];
  const int32_t kh_n = filter_shape->dims[2], kw_n = filter_shape->dims[3];
  const int32_t c_per_g = ch / params->groups, m_per_g = m / params->groups;
  const int32_t out_plane = oh_n * ow_n;

  for (int32_t n = 0; n < batch; ++n)
    for (int32_t oc = 0; oc < m; ++oc) {
      float *dst = output + ((ptrdiff_t)n * m + oc) * out_plane;
      for (int32_t i = 0; i < out_plane; ++i)
        dst[i] = bias ? bias[oc] : 0.0f;
    }

  for (int32_t n = 0; n < batch; ++n) {
    for (int32_t ic = 0; ic < ch; ++ic) {
      const int32_t oc0 = (ic / c_per_g) * m_per_g;
      const float *plane = input + ((ptrdiff_t)n * ch + ic) * h * w;
      for (int32_t ih = 0; ih < h; ++ih) {
        for (int32_t iw = 0; iw < w; ++iw) {
          const float x = plane[ih * w + iw];
          for (int32_t mo = 0; mo < m_per_g; ++mo) {
            const float *taps =
                weights + ((ptrdiff_t)ic * m_per_g + mo) * kh_n * kw_n;
            float *dst = output + ((ptrdiff_t)n * m + oc0 + mo) * out_plane;
            for (int32_t kh = 0; kh < kh_n; ++kh) {
              const int32_t oh = ih * params->stride[0] - params->pad[0] +
                                 kh * params->dilation[0];
              if (oh < 0 || oh >= oh_n)
                continue;
              for (int32_t kw = 0; kw < kw_n; ++kw) {
                const int32_t ow = iw * params->stride[1] - params->pad[1] +
                                   kw * params->dilation[1];
                if (ow >= 0 && ow < ow_n)
                  dst[oh * ow_n + ow] += x * taps[kh * kw_n + kw];
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
