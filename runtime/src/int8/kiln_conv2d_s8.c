/* kiln_conv2d_s8: int8 Conv (2-D, NCHW), groups and depthwise, TFLite scheme.
 */
#include "internal/kiln_internal_s8.h"
#include "internal/kiln_ref_s8.h"

/**
 * @brief Quantised Conv on NCHW:
 *        out = clamp(output_offset + requant[m](bias[m] +
 *              sum (in + input_offset) * w), act_min, act_max).
 *
 * Direct convolution; groups == C == M is depthwise. Padding taps are the
 * input zero point, i.e. contribute 0. The int32 accumulator wraps modulo
 * 2^32 (it cannot overflow while C/groups*kH*kW <= 65793 and |bias| < 2^30).
 *
 * @param[in]  params       stride >= 1, dilation >= 1, pad >= 0 (top, left,
 *                          bottom, right); groups >= 1 dividing C and M;
 *                          input_offset in [-127, 128]; output_offset in
 *                          [-128, 127]; -128 <= act_min <= act_max <= 127
 * @param[in]  requant      M factors: multiplier in [0, 2^31) (the scheme
 *                          uses [2^30, 2^31) or 0), shift in [-31, 30]
 * @param[in]  in_shape     N, C, H, W (rank 4)
 * @param[in]  input        N*C*H*W int8
 * @param[in]  filter_shape M, C/groups, kH, kW (rank 4)
 * @param[in]  weights      M*(C/groups)*kH*kW int8, zero point 0
 * @param[in]  bias         M int32 (scale in_scale * w_scale[m]), or NULL
 * @param[in]  out_shape    N, M, OH, OW with
 *                          OH = (H + pt + pb - ((kH-1)*dH + 1)) / sH + 1
 * @param[out] output       N*M*OH*OW int8; must not alias input or weights
 * @param      scratch      kiln_conv2d_s8_scratch_size() bytes, no alignment
 *                          needed; unused by the reference (NULL is fine)
 * @return KILN_OK; KILN_ERR_NULL for a NULL required pointer; KILN_ERR_ARG when
 *         a shape is not rank 4, the shapes disagree, or a parameter is out of
 *         the ranges above.
 */
kiln_status KILN_REF(kiln_conv2d_s8)(
    const kiln_conv_s8_params *params, const kiln_requant *requant,
    const kiln_shape *in_shape, const int8_t *input,
    const kiln_shape *filter_shape, const int8_t *weights, const int32_t *bias,
    const kiln_shape *out_shape, int8_t *output, void *scratch) {
  (void)scratch;
  kiln_conv_geometry g;
  kiln_status st = kiln_internal_conv_s8_geometry(params, requant, in_shape,
                                                  input, filter_shape, weights,
                                                  out_shape, output, &g);
  if (st != KILN_OK)
    return st;
  const int32_t off = params->input_offset;
  ptrdiff_t o = 0;
  for (int32_t n = 0; n < g.batch; ++n) {
    for (int32_t oc = 0; oc < g.m; ++oc) {
      const int32_t ic0 = (oc / g.m_per_g) * g.c_per_g;
      const int8_t *filt = weights + (ptrdiff_t)oc * g.c_per_g * g.kh * g.kw;
      for (int32_t oh = 0; oh < g.oh; ++oh) {
        const int32_t h0 = oh * params->stride[0] - params->pad[0];
        for (int32_t ow = 0; ow < g.ow; ++ow, ++o) {
          const int32_t w0 = ow * params->stride[1] - params->pad[1];
          int32_t acc = bias ? bias[oc] : 0;
          for (int32_t c = 0; c < g.c_per_g; ++c) {
            const int8_t *plane =
                input + ((ptrdiff_t)n * g.ch + ic0 + c) * g.h * g.w;
            const int8_t *taps = filt + (ptrdiff_t)c * g.kh * g.kw;
            for (int32_t kh = 0; kh < g.kh; ++kh) {
              const int32_t ih = h0 + kh * params->dilation[0];
              if (ih < 0 || ih >= g.h)
                continue;
              for (int32_t kw = 0; kw < g.kw; ++kw) {
                const int32_t iw = w0 + kw * params->dilation[1];
                if (iw >= 0 && iw < g.w)
                  acc = kiln_wrap_add(acc, (plane[ih * g.w + iw] + off) *
                                               taps[kh * g.kw + kw]);
              }
            }
          }
          output[o] =
              kiln_requant_to_s8(acc, requant[oc], params->output_offset,
                                 params->act_min, params->act_max);
        }
      }
    }
  }
  return KILN_OK;
}
