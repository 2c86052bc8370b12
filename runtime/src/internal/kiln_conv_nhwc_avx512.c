/* NHWC convolution, AVX-512: indirect GEMM over HWIO panels, depthwise
 * across channels. */
#include "kiln_avx512.h"
#include "kiln_nhwc.h"

#include <string.h>

#if KILN_HAVE_AVX512

#define KILN_NHWC512_MR 12
/* Taps per chunk: bounds the stack table of row pointers (6 KB). */
#define KILN_NHWC512_TAPS 64

/* acc[2r + h] += a_r[t][p] * panel[t][p][16h..16h+16) over ntaps taps of kc
 * channels each, for 12 output pixels: a_r[t] (ptrs[t * 12 + r]) is pixel
 * r's input for tap t, or zeros where the tap falls in the padding. The 24
 * accumulators stay in registers across all taps of the chunk. */
static void kiln_nhwc512_tile(int32_t ntaps, int32_t kc,
                              const float *const *ptrs, const float *panel,
                              __m512 *acc) {
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
  __m512 c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00;
  __m512 c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
  __m512 c80 = c00, c81 = c00, c90 = c00, c91 = c00, ca0 = c00, ca1 = c00;
  __m512 cb0 = c00, cb1 = c00;
  for (int32_t t = 0; t < ntaps; ++t, ptrs += KILN_NHWC512_MR) {
    const float *a0 = ptrs[0], *a1 = ptrs[1], *a2 = ptrs[2], *a3 = ptrs[3];
    const float *a4 = ptrs[4], *a5 = ptrs[5], *a6 = ptrs[6], *a7 = ptrs[7];
    const float *a8 = ptrs[8], *a9 = ptrs[9], *aa = ptrs[10], *ab = ptrs[11];
    for (int32_t p = 0; p < kc; ++p, panel += KILN_AVX512_NR) {
      const __m512 b0 = _mm512_load_ps(panel);
      const __m512 b1 = _mm512_load_ps(panel + 16);
#define KILN_NHWC512_ROW(r)                                                    \
  do {                                                                         \
    const __m512 x = _mm512_set1_ps(a##r[p]);                                  \
    c##r##0 = _mm512_fmadd_ps(x, b0, c##r##0);                                 \
    c##r##1 = _mm512_fmadd_ps(x, b1, c##r##1);                                 \
  } while (0)
      KILN_NHWC512_ROW(0);
      KILN_NHWC512_ROW(1);
      KILN_NHWC512_ROW(2);
      KILN_NHWC512_ROW(3);
      KILN_NHWC512_ROW(4);
      KILN_NHWC512_ROW(5);
      KILN_NHWC512_ROW(6);
      KILN_NHWC512_ROW(7);
      KILN_NHWC512_ROW(8);
      KILN_NHWC512_ROW(9);
      KILN_NHWC512_ROW(a);
      KILN_NHWC512_ROW(b);
#undef KILN_NHWC512_ROW
    }
  }
  acc[0] = c00, acc[1] = c01, acc[2] = c10, acc[3] = c11;
  acc[4] = c20, acc[5] = c21, acc[6] = c30, acc[7] = c31;
  acc[8] = c40, acc[9] = c41, acc[10] = c50, acc[11] = c51;
  acc[12] = c60, acc[13] = c61, acc[14] = c70, acc[15] = c71;
  acc[16] = c80, acc[17] = c81, acc[18] = c90, acc[19] = c91;
  acc[20] = ca0, acc[21] = ca1, acc[22] = cb0, acc[23] = cb1;
}

/* Panel rows (t, c) for taps [t0, t0 + ntaps) and channels [c0, c0 + kc):
 * HWIO row (t * c_per_g + c) is already a row of B, so this is a copy of
 * nc columns, zero-filled to the 32 the tile multiplies. */
static void kiln_nhwc512_pack(const float *w_cols, int32_t m, int32_t c_per_g,
                              int32_t t0, int32_t ntaps, int32_t c0, int32_t kc,
                              int32_t nc, float *panel) {
  const __mmask16 m0 = kiln_avx512_mask(nc), m1 = kiln_avx512_mask(nc - 16);
  for (int32_t t = 0; t < ntaps; ++t)
    for (int32_t c = 0; c < kc; ++c, panel += KILN_AVX512_NR) {
      const float *src = w_cols + ((ptrdiff_t)(t0 + t) * c_per_g + c0 + c) * m;
      _mm512_store_ps(panel, _mm512_maskz_loadu_ps(m0, src));
      _mm512_store_ps(panel + 16, _mm512_maskz_loadu_ps(m1, src + 16));
    }
}

void kiln_avx512_conv_nhwc_gemm(const kiln_conv_params *pr,
                                const kiln_conv_geometry *g, const float *input,
                                const float *weights, const float *bias,
                                const float *residual, float *output) {
  _Alignas(64) float panel[KILN_AVX512_KC * KILN_AVX512_NR];
  _Alignas(64) float zeros[KILN_AVX512_KC];
  memset(zeros, 0, sizeof zeros);
  const int32_t taps = g->kh * g->kw, cg = g->c_per_g;
  /* A chunk is whole taps of all channels when a tap fits the panel, else
   * one tap's channels in panel-deep slices. */
  const int32_t kc_max = cg < KILN_AVX512_KC ? cg : KILN_AVX512_KC;
  int32_t taps_per = cg < KILN_AVX512_KC ? KILN_AVX512_KC / cg : 1;
  if (taps_per > KILN_NHWC512_TAPS)
    taps_per = KILN_NHWC512_TAPS;
  const int32_t pixels = g->oh * g->ow;
  const float *ptrs[KILN_NHWC512_TAPS * KILN_NHWC512_MR];
  for (int32_t n = 0; n < g->batch; ++n) {
    const float *img = input + (ptrdiff_t)n * g->h * g->w * g->ch;
    const ptrdiff_t out_img = (ptrdiff_t)n * pixels * g->m;
    for (int32_t gi = 0; gi < pr->groups; ++gi) {
      const int32_t col0 = gi * g->m_per_g, ch0 = gi * cg;
      for (int32_t j0 = 0; j0 < g->m_per_g; j0 += KILN_AVX512_NR) {
        const int32_t nc =
            g->m_per_g - j0 < KILN_AVX512_NR ? g->m_per_g - j0 : KILN_AVX512_NR;
        const __mmask16 mk[2] = {kiln_avx512_mask(nc),
                                 kiln_avx512_mask(nc - 16)};
        const int32_t halves = nc > 16 ? 2 : 1;
        __m512 bv[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};
        if (bias != NULL)
          for (int32_t h = 0; h < halves; ++h)
            bv[h] = _mm512_maskz_loadu_ps(mk[h], bias + col0 + j0 + 16 * h);
        for (int32_t t0 = 0; t0 < taps; t0 += taps_per) {
          const int32_t ntaps = taps - t0 < taps_per ? taps - t0 : taps_per;
          for (int32_t c0 = 0; c0 < cg; c0 += kc_max) {
            const int32_t kc = cg - c0 < kc_max ? cg - c0 : kc_max;
            const int first = t0 == 0 && c0 == 0;
            const int last = t0 + ntaps >= taps && c0 + kc >= cg;
            kiln_nhwc512_pack(weights + col0 + j0, g->m, cg, t0, ntaps, c0, kc,
                              nc, panel);
            for (int32_t i0 = 0; i0 < pixels; i0 += KILN_NHWC512_MR) {
              const int32_t mr =
                  pixels - i0 < KILN_NHWC512_MR ? pixels - i0 : KILN_NHWC512_MR;
              /* Rows past the last pixel repeat it: wasted lanes, never bad
               * reads. */
              for (int32_t r = 0; r < KILN_NHWC512_MR; ++r) {
                const int32_t i = i0 + (r < mr ? r : mr - 1);
                const int32_t oh = i / g->ow, ow = i - oh * g->ow;
                const int32_t h0 = oh * pr->stride[0] - pr->pad[0];
                const int32_t w0 = ow * pr->stride[1] - pr->pad[1];
                for (int32_t t = 0; t < ntaps; ++t) {
                  const int32_t kh = (t0 + t) / g->kw, kw = (t0 + t) % g->kw;
                  const int32_t ih = h0 + kh * pr->dilation[0];
                  const int32_t iw = w0 + kw * pr->dilation[1];
                  ptrs[t * KILN_NHWC512_MR + r] =
                      ih >= 0 && ih < g->h && iw >= 0 && iw < g->w
                          ? img + ((ptrdiff_t)ih * g->w + iw) * g->ch + ch0 + c0
                          : zeros;
                }
              }
              __m512 acc[2 * KILN_NHWC512_MR];
              kiln_nhwc512_tile(ntaps, kc, ptrs, panel, acc);
              for (int32_t r = 0; r < mr; ++r) {
                const ptrdiff_t o =
                    out_img + (ptrdiff_t)(i0 + r) * g->m + col0 + j0;
                for (int32_t h = 0; h < halves; ++h) {
                  __m512 v = acc[2 * r + h];
                  /* Later chunks add onto the partial sums earlier ones
                   * stored; the residual enters with the first, so it may
                   * be the output buffer itself. */
                  if (!first)
                    v = _mm512_add_ps(
                        v, _mm512_maskz_loadu_ps(mk[h], output + o + 16 * h));
                  else if (residual != NULL)
                    v = _mm512_add_ps(
                        v, _mm512_maskz_loadu_ps(mk[h], residual + o + 16 * h));
                  if (last)
                    v = kiln_avx512_act(&pr->act, _mm512_add_ps(v, bv[h]));
                  _mm512_mask_storeu_ps(output + o + 16 * h, mk[h], v);
                }
              }
            }
          }
        }
      }
    }
  }
}

/* Four pixels of one 16-channel block: taps [kw0, kw1) of rows [kh0, kh1),
 * each weight vector loaded once for the four. */
static inline __attribute__((always_inline)) void
kiln_nhwc512_dw4(const kiln_conv_params *pr, const kiln_conv_geometry *g,
                 const float *img, const float *weights, int32_t h0, int32_t w0,
                 int32_t kh0, int32_t kh1, int32_t c, __mmask16 mk,
                 __m512 *acc) {
  const ptrdiff_t sw = (ptrdiff_t)pr->stride[1] * g->ch;
  for (int32_t kh = kh0; kh < kh1; ++kh) {
    const float *row =
        img + ((ptrdiff_t)(h0 + kh * pr->dilation[0]) * g->w + w0) * g->ch + c;
    const float *wrow = weights + (ptrdiff_t)kh * g->kw * g->m + c;
    for (int32_t kw = 0; kw < g->kw; ++kw) {
      const float *x = row + (ptrdiff_t)kw * pr->dilation[1] * g->ch;
      const __m512 wv = _mm512_maskz_loadu_ps(mk, wrow + (ptrdiff_t)kw * g->m);
      acc[0] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mk, x), wv, acc[0]);
      acc[1] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mk, x + sw), wv, acc[1]);
      acc[2] =
          _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mk, x + 2 * sw), wv, acc[2]);
      acc[3] =
          _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mk, x + 3 * sw), wv, acc[3]);
    }
  }
}

void kiln_avx512_conv_nhwc_depthwise(const kiln_conv_params *pr,
                                     const kiln_conv_geometry *g,
                                     const float *input, const float *weights,
                                     const float *bias, const float *residual,
                                     float *output) {
  const int32_t ch = g->ch, sw = pr->stride[1], dw = pr->dilation[1];
  /* Output columns whose every tap is inside the row: [ow_lo, ow_hi). */
  int32_t ow_lo = 0, ow_hi = g->ow;
  while (ow_lo < g->ow && ow_lo * sw - pr->pad[1] < 0)
    ++ow_lo;
  while (ow_hi > ow_lo &&
         (ow_hi - 1) * sw - pr->pad[1] + (g->kw - 1) * dw >= g->w)
    --ow_hi;
  for (int32_t n = 0; n < g->batch; ++n) {
    const float *img = input + (ptrdiff_t)n * g->h * g->w * ch;
    for (int32_t oh = 0; oh < g->oh; ++oh) {
      const int32_t h0 = oh * pr->stride[0] - pr->pad[0];
      int32_t kh0 = 0, kh1 = g->kh;
      while (kh0 < kh1 && h0 + kh0 * pr->dilation[0] < 0)
        ++kh0;
      while (kh1 > kh0 && h0 + (kh1 - 1) * pr->dilation[0] >= g->h)
        --kh1;
      const ptrdiff_t row_out = ((ptrdiff_t)n * g->oh + oh) * g->ow;
      int32_t ow = 0;
      while (ow < g->ow) {
        const int block = ow >= ow_lo && ow + 4 <= ow_hi;
        const int32_t w0 = ow * sw - pr->pad[1];
        for (int32_t c = 0; c < ch; c += 16) {
          const __mmask16 mk = kiln_avx512_mask(ch - c);
          const __m512 b0 = bias != NULL ? _mm512_maskz_loadu_ps(mk, bias + c)
                                         : _mm512_setzero_ps();
          __m512 acc[4] = {b0, b0, b0, b0};
          int32_t count = 1;
          if (block) {
            kiln_nhwc512_dw4(pr, g, img, weights, h0, w0, kh0, kh1, c, mk, acc);
            count = 4;
          } else {
            /* An edge pixel: taps in the padding are skipped. */
            for (int32_t kh = kh0; kh < kh1; ++kh) {
              const int32_t ih = h0 + kh * pr->dilation[0];
              for (int32_t kw = 0; kw < g->kw; ++kw) {
                const int32_t iw = w0 + kw * dw;
                if (iw < 0 || iw >= g->w)
                  continue;
                const __m512 wv = _mm512_maskz_loadu_ps(
                    mk, weights + (ptrdiff_t)(kh * g->kw + kw) * g->m + c);
                const __m512 x = _mm512_maskz_loadu_ps(
                    mk, img + ((ptrdiff_t)ih * g->w + iw) * ch + c);
                acc[0] = _mm512_fmadd_ps(x, wv, acc[0]);
              }
            }
          }
          for (int32_t i = 0; i < count; ++i) {
            const ptrdiff_t o = (row_out + ow + i) * ch + c;
            __m512 v = acc[i];
            if (residual != NULL)
              v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk, residual + o));
            _mm512_mask_storeu_ps(output + o, mk, kiln_avx512_act(&pr->act, v));
          }
        }
        ow += block ? 4 : 1;
      }
    }
  }
}

#endif /* KILN_HAVE_AVX512 */
