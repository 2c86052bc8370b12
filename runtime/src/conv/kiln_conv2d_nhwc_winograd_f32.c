/* kiln_conv2d_nhwc_winograd_f32: 3x3 stride-1 NHWC conv by Winograd
 * F(4x4, 3x3), with a fused epilogue. */
#include "internal/kiln_act.h"
#include "internal/kiln_conv_winograd.h"

/* One 6x6 input tile of one channel, rows from top (ih0) and columns from
 * left (iw0) in the image, zero outside it, into v = B^T d B:
 *   B^T = [4  0 -5  0 1 0]
 *         [0 -4 -4  1 1 0]
 *         [0  4 -4 -1 1 0]
 *         [0 -2 -1  2 1 0]
 *         [0  2 -1 -2 1 0]
 *         [0  4  0 -5 0 1] */
static void kiln_wino_ref_input(const float *img, int32_t h, int32_t w,
                                int32_t ch, int32_t ih0, int32_t iw0,
                                float v[6][6]) {
  float d[6][6], t[6][6];
  for (int32_t i = 0; i < 6; ++i)
    for (int32_t j = 0; j < 6; ++j) {
      const int32_t ih = ih0 + i, iw = iw0 + j;
      d[i][j] = ih >= 0 && ih < h && iw >= 0 && iw < w
                    ? img[((ptrdiff_t)ih * w + iw) * ch]
                    : 0.0f;
    }
  /* t = B^T d (down the columns), then v = t B (along the rows). */
  for (int32_t j = 0; j < 6; ++j) {
    const float x0 = d[0][j], x1 = d[1][j], x2 = d[2][j], x3 = d[3][j],
                x4 = d[4][j], x5 = d[5][j];
    t[0][j] = 4.0f * x0 - 5.0f * x2 + x4;
    t[1][j] = -4.0f * (x1 + x2) + x3 + x4;
    t[2][j] = 4.0f * (x1 - x2) - x3 + x4;
    t[3][j] = 2.0f * (x3 - x1) - x2 + x4;
    t[4][j] = 2.0f * (x1 - x3) - x2 + x4;
    t[5][j] = 4.0f * x1 - 5.0f * x3 + x5;
  }
  for (int32_t i = 0; i < 6; ++i) {
    const float x0 = t[i][0], x1 = t[i][1], x2 = t[i][2], x3 = t[i][3],
                x4 = t[i][4], x5 = t[i][5];
    v[i][0] = 4.0f * x0 - 5.0f * x2 + x4;
    v[i][1] = -4.0f * (x1 + x2) + x3 + x4;
    v[i][2] = 4.0f * (x1 - x2) - x3 + x4;
    v[i][3] = 2.0f * (x3 - x1) - x2 + x4;
    v[i][4] = 2.0f * (x1 - x3) - x2 + x4;
    v[i][5] = 4.0f * x1 - 5.0f * x3 + x5;
  }
}

/* y = A^T m A for one output channel:
 *   A^T = [1 1  1 1  1 0]
 *         [0 1 -1 2 -2 0]
 *         [0 1  1 4  4 0]
 *         [0 1 -1 8 -8 1] */
static void kiln_wino_ref_output(const float m[36], float y[4][4]) {
  float t[4][6];
  for (int32_t j = 0; j < 6; ++j) {
    const float m0 = m[j], m1 = m[6 + j], m2 = m[12 + j], m3 = m[18 + j],
                m4 = m[24 + j], m5 = m[30 + j];
    t[0][j] = m0 + (m1 + m2) + (m3 + m4);
    t[1][j] = (m1 - m2) + 2.0f * (m3 - m4);
    t[2][j] = (m1 + m2) + 4.0f * (m3 + m4);
    t[3][j] = (m1 - m2) + 8.0f * (m3 - m4) + m5;
  }
  for (int32_t i = 0; i < 4; ++i) {
    const float m0 = t[i][0], m1 = t[i][1], m2 = t[i][2], m3 = t[i][3],
                m4 = t[i][4], m5 = t[i][5];
    y[i][0] = m0 + (m1 + m2) + (m3 + m4);
    y[i][1] = (m1 - m2) + 2.0f * (m3 - m4);
    y[i][2] = (m1 + m2) + 4.0f * (m3 + m4);
    y[i][3] = (m1 - m2) + 8.0f * (m3 - m4) + m5;
  }
}

/**
 * @brief 3x3, stride-1 conv on channels-last data by Winograd F(4x4, 3x3):
 *        out = act(conv(input, filter) + bias + residual).
 *
 * Each 4x4 block of outputs comes from a 6x6 input tile d (zero where it
 * overhangs the image) and every output channel's 6x6 transformed filter u
 * as A^T [sum_c u (.) B^T d B] A: 36 multiplies per (tile, c, m) instead of
 * the direct conv's 144. Edge tiles compute the whole 4x4 block and store
 * only what lies inside the output. Results agree with kiln_conv2d_nhwc_f32
 * to rounding: the transforms' constants (up to 8 in A^T, the fractions of
 * G) cost a few ulps of the sum of |x * w| per output, not bit-exactness.
 *
 * @param[in]  params       stride 1, dilation 1, groups 1, pads >= 0, act
 * @param[in]  in_shape     N, H, W, C (rank 4)
 * @param[in]  input        N*H*W*C elements; must not alias output
 * @param[in]  filter_shape P, 6, 6, C, NR (rank 5) with 1 <= NR <= 64 and
 *                          P = ceil(M / NR)
 * @param[in]  weights      the Winograd-domain filter (runtime.h) from
 *                          kiln_conv2d_nhwc_winograd_filter_f32
 * @param[in]  bias         M elements, or NULL for none
 * @param[in]  residual     out-shaped (NHWC) tensor added before act, or NULL;
 *                          may alias output
 * @param[in]  out_shape    N, OH, OW, M with OH = H + pt + pb - 2 >= 1 and
 *                          OW = W + pl + pr - 2 >= 1
 * @param[out] output       N*OH*OW*M elements
 * @param      scratch      kiln_conv2d_nhwc_winograd_f32_scratch_size()
 *                          bytes, float aligned (64-byte aligned is the
 *                          x86 variants' fast case)
 * @return KILN_OK; KILN_ERR_NULL when a required pointer is NULL; KILN_ERR_ARG
 *         when a shape, stride, dilation, groups or pad is not as above.
 */
kiln_status KILN_REF(kiln_conv2d_nhwc_winograd_f32)(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const float *bias, const float *residual, const kiln_shape *out_shape,
    float *output, void *scratch) {
  kiln_wino_geometry g;
  kiln_status st = kiln_internal_wino_geometry(params, in_shape, filter_shape,
                                               out_shape, &g);
  if (st != KILN_OK)
    return st;
  if (input == NULL || weights == NULL || output == NULL || scratch == NULL)
    return KILN_ERR_NULL;
  /* V[point][c] of the current tile. */
  float *v = (float *)scratch;
  for (int32_t n = 0; n < g.batch; ++n) {
    const float *img = input + (ptrdiff_t)n * g.h * g.w * g.ch;
    for (int32_t th = 0; th < g.tiles_h; ++th)
      for (int32_t tw = 0; tw < g.tiles_w; ++tw) {
        const int32_t oh0 = th * 4, ow0 = tw * 4;
        for (int32_t c = 0; c < g.ch; ++c) {
          float vt[6][6];
          kiln_wino_ref_input(img + c, g.h, g.w, g.ch, oh0 - g.pt, ow0 - g.pl,
                              vt);
          for (int32_t k = 0; k < 36; ++k)
            v[(ptrdiff_t)k * g.ch + c] = vt[k / 6][k % 6];
        }
        const int32_t vh = g.oh - oh0 < 4 ? g.oh - oh0 : 4;
        const int32_t vw = g.ow - ow0 < 4 ? g.ow - ow0 : 4;
        for (int32_t oc = 0; oc < g.m; ++oc) {
          const int32_t p = oc / g.nr, l = oc % g.nr;
          float mm[36], y[4][4];
          for (int32_t k = 0; k < 36; ++k) {
            const float *u =
                weights + ((ptrdiff_t)p * 36 + k) * g.ch * g.nr + l;
            const float *vk = v + (ptrdiff_t)k * g.ch;
            float acc = 0.0f;
            for (int32_t c = 0; c < g.ch; ++c)
              acc += vk[c] * u[(ptrdiff_t)c * g.nr];
            mm[k] = acc;
          }
          kiln_wino_ref_output(mm, y);
          /* Each output's residual is read just before that output is
           * written, so residual may be the output buffer. */
          for (int32_t i = 0; i < vh; ++i)
            for (int32_t j = 0; j < vw; ++j) {
              const ptrdiff_t o =
                  (((ptrdiff_t)n * g.oh + oh0 + i) * g.ow + ow0 + j) * g.m + oc;
              float r = y[i][j] + (bias ? bias[oc] : 0.0f);
              if (residual)
                r += residual[o];
              output[o] = kiln_act_apply(&params->act, r);
            }
        }
      }
  }
  return KILN_OK;
}
