/* kiln_conv2d_f32: ONNX Conv (2-D, NCHW) with groups and a fused epilogue. */
#include "internal/kiln_act.h"
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"

/**
 * @brief ONNX Conv on NCHW: out = act(conv(input, weights) + bias + residual).
 *
 * Direct convolution; groups == C == M is depthwise. The compiler resolves
 * auto_pad into explicit pads and derives out_shape.
 *
 * @param[in]  params       stride >= 1, dilation >= 1, pad >= 0 (top, left,
 *                          bottom, right), groups >= 1 dividing C and M, act
 * @param[in]  in_shape     N, C, H, W (rank 4)
 * @param[in]  input        N*C*H*W elements
 * @param[in]  filter_shape M, C/groups, kH, kW (rank 4)
 * @param[in]  weights      M*(C/groups)*kH*kW elements
 * @param[in]  bias         M elements, or NULL for none
 * @param[in]  residual     out-shaped tensor added before act, or NULL
 * @param[in]  out_shape    N, M, OH, OW with
 *                          OH = (H + pt + pb - ((kH-1)*dH + 1)) / sH + 1
 * @param[out] output       N*M*OH*OW elements; must not alias input or weights
 *                          (it may alias residual)
 * @param      scratch      kiln_conv2d_f32_scratch_size() bytes; unused (NULL
 *                          is fine) by the reference
 * @return KILN_OK; KILN_ERR_NULL when a required pointer is NULL; KILN_ERR_ARG
 *         when a shape is not rank 4 or groups < 1.
 */
kiln_status kiln_conv2d_f32(const kiln_conv_params *params,
                            const kiln_shape *in_shape, const float *input,
                            const kiln_shape *filter_shape,
                            const float *weights, const float *bias,
                            const float *residual, const kiln_shape *out_shape,
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

  int32_t o = 0;
  for (int32_t n = 0; n < batch; ++n) {
    for (int32_t oc = 0; oc < m; ++oc) {
      const int32_t ic0 = (oc / m_per_g) * c_per_g;
      const float *filt = weights + (ptrdiff_t)oc * c_per_g * kh_n * kw_n;
      for (int32_t oh = 0; oh < oh_n; ++oh) {
        const int32_t h0 = oh * params->stride[0] - params->pad[0];
        for (int32_t ow = 0; ow < ow_n; ++ow, ++o) {
          const int32_t w0 = ow * params->stride[1] - params->pad[1];
          float acc = bias ? bias[oc] : 0.0f;
          for (int32_t c = 0; c < c_per_g; ++c) {
            const float *plane = input + ((ptrdiff_t)n * ch + ic0 + c) * h * w;
            const float *taps = filt + (ptrdiff_t)c * kh_n * kw_n;
            for (int32_t kh = 0; kh < kh_n; ++kh) {
              const int32_t ih = h0 + kh * params->dilation[0];
              if (ih < 0 || ih >= h)
                continue;
              for (int32_t kw = 0; kw < kw_n; ++kw) {
                const int32_t iw = w0 + kw * params->dilation[1];
                if (iw >= 0 && iw < w)
                  acc += plane[ih * w + iw] * taps[kh * kw_n + kw];
              }
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
