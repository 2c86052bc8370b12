/* kiln_conv2d_f32: ONNX Conv (2-D, NCHW) with groups and a fused epilogue. */
#include "internal/kiln_act.h"
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"
#include "internal/kiln_ref.h"

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
kiln_status KILN_REF(kiln_conv2d_f32)(
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

  int32_t o = 0;
  for (int32_t n = 0; n < g.batch; ++n) {
    for (int32_t oc = 0; oc < g.m; ++oc) {
      const int32_t ic0 = (oc / g.m_per_g) * g.c_per_g;
      const float *filt = weights + (ptrdiff_t)oc * g.c_per_g * g.kh * g.kw;
      for (int32_t oh = 0; oh < g.oh; ++oh) {
        const int32_t h0 = oh * params->stride[0] - params->pad[0];
        for (int32_t ow = 0; ow < g.ow; ++ow, ++o) {
          const int32_t w0 = ow * params->stride[1] - params->pad[1];
          float acc = bias ? bias[oc] : 0.0f;
          for (int32_t c = 0; c < g.c_per_g; ++c) {
            const float *plane =
                input + ((ptrdiff_t)n * g.ch + ic0 + c) * g.h * g.w;
            const float *taps = filt + (ptrdiff_t)c * g.kh * g.kw;
            for (int32_t kh = 0; kh < g.kh; ++kh) {
              const int32_t ih = h0 + kh * params->dilation[0];
              if (ih < 0 || ih >= g.h)
                continue;
              for (int32_t kw = 0; kw < g.kw; ++kw) {
                const int32_t iw = w0 + kw * params->dilation[1];
                if (iw >= 0 && iw < g.w)
                  acc += plane[ih * g.w + iw] * taps[kh * g.kw + kw];
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
