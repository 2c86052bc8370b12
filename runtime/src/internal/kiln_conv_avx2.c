/* AVX2 convolution pieces: the implicit-GEMM B packer and depthwise direct. */
#include "kiln_avx2.h"

#if KILN_HAVE_AVX2
#include <string.h>

/* A run of panel columns that share one output row. */
typedef struct {
  int32_t col, len, oh, ow0;
} kiln_conv_run;

void kiln_avx2_pack_conv_b(const void *ctx, int32_t p0, int32_t kc, int32_t j0,
                           int32_t nc, int32_t nr, float *panel) {
  const kiln_avx2_conv_b *cb = (const kiln_avx2_conv_b *)ctx;
  const kiln_conv_params *pr = cb->params;
  kiln_conv_run runs[32];
  int32_t n_runs = 0;
  for (int32_t col = 0; col < nc;) {
    const int32_t j = j0 + col;
    kiln_conv_run r = {col, 0, j / cb->ow, j % cb->ow};
    r.len = cb->ow - r.ow0 < nc - col ? cb->ow - r.ow0 : nc - col;
    runs[n_runs++] = r;
    col += r.len;
  }
  /* Row p0 + p is (channel, ki, kj); step the three instead of dividing. */
  const int32_t taps = cb->kh * cb->kw;
  int32_t c = p0 / taps, ki = (p0 % taps) / cb->kw, kj = p0 % cb->kw;
  const float *plane = cb->input + (ptrdiff_t)c * cb->h * cb->w;
  for (int32_t p = 0; p < kc; ++p) {
    float *dst = panel + (ptrdiff_t)p * nr;
    memset(dst, 0, sizeof(float) * (size_t)nr);
    for (int32_t r = 0; r < n_runs; ++r) {
      const kiln_conv_run *run = &runs[r];
      const int32_t ih =
          run->oh * pr->stride[0] - pr->pad[0] + ki * pr->dilation[0];
      if (ih < 0 || ih >= cb->h)
        continue;
      const float *src = plane + (ptrdiff_t)ih * cb->w;
      const int32_t iw0 =
          run->ow0 * pr->stride[1] - pr->pad[1] + kj * pr->dilation[1];
      if (pr->stride[1] == 1) {
        /* Contiguous: copy the in-bounds part, the rest stays zero. */
        const int32_t lo = iw0 < 0 ? -iw0 : 0;
        const int32_t hi = cb->w - iw0 < run->len ? cb->w - iw0 : run->len;
        if (hi > lo)
          memcpy(dst + run->col + lo, src + iw0 + lo,
                 sizeof(float) * (size_t)(hi - lo));
        continue;
      }
      for (int32_t t = 0; t < run->len; ++t) {
        const int32_t iw = iw0 + t * pr->stride[1];
        if (iw >= 0 && iw < cb->w)
          dst[run->col + t] = src[iw];
      }
    }
    if (++kj == cb->kw) {
      kj = 0;
      if (++ki == cb->kh) {
        ki = 0;
        plane += (ptrdiff_t)cb->h * cb->w;
      }
    }
  }
}

/* 8 input values at p, p + s, ... p + 7s. */
static inline __m256 kiln_avx2_load_stride(const float *p, int32_t s) {
  if (s == 1)
    return _mm256_loadu_ps(p);
  if (s == 2) {
    const __m256 lo = _mm256_loadu_ps(p), hi = _mm256_loadu_ps(p + 8);
    const __m256 even = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(
        _mm256_permute4x64_pd(_mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0)));
  }
  const __m256i idx = _mm256_mullo_epi32(
      _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(s));
  return _mm256_i32gather_ps(p, idx, 4);
}

/* Sum over the taps for 8 outputs whose windows may cross the input's
 * edges: lanes reading outside are masked out of a gather. */
static __m256 kiln_avx2_dw_edge(const kiln_conv_params *pr,
                                const kiln_conv_geometry *g, const float *plane,
                                const float *taps, int32_t h0, int32_t w0,
                                int32_t cols) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i valid_lane = kiln_avx2_tail_mask(cols);
  __m256 acc = _mm256_setzero_ps();
  for (int32_t ki = 0; ki < g->kh; ++ki) {
    const int32_t ih = h0 + ki * pr->dilation[0];
    if (ih < 0 || ih >= g->h)
      continue;
    const float *src = plane + (ptrdiff_t)ih * g->w;
    for (int32_t kj = 0; kj < g->kw; ++kj) {
      const __m256i iw = _mm256_add_epi32(
          _mm256_set1_epi32(w0 + kj * pr->dilation[1]),
          _mm256_mullo_epi32(lane, _mm256_set1_epi32(pr->stride[1])));
      const __m256i inside = _mm256_andnot_si256(
          _mm256_or_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), iw),
                          _mm256_cmpgt_epi32(iw, _mm256_set1_epi32(g->w - 1))),
          valid_lane);
      /* Masked-off lanes are never read, so the row's edges are safe. */
      const __m256 x =
          pr->stride[1] == 1
              ? _mm256_maskload_ps(src + w0 + kj * pr->dilation[1], inside)
              : _mm256_mask_i32gather_ps(_mm256_setzero_ps(), src, iw,
                                         _mm256_castsi256_ps(inside), 4);
      acc =
          _mm256_fmadd_ps(_mm256_broadcast_ss(taps + ki * g->kw + kj), x, acc);
    }
  }
  return acc;
}

/* Interior outputs, 8 * KILN_DW_BLOCKS at a time: independent accumulators
 * hide the FMA latency of the tap chain. */
#define KILN_DW_BLOCKS 4
static inline void kiln_avx2_dw_interior(const kiln_conv_params *pr,
                                         const kiln_conv_geometry *g,
                                         const float *plane, const float *taps,
                                         int32_t h0, int32_t w0, int32_t blocks,
                                         __m256 *acc) {
  const int32_t sw = pr->stride[1], step = 8 * sw;
  for (int32_t b = 0; b < blocks; ++b)
    acc[b] = _mm256_setzero_ps();
  for (int32_t ki = 0; ki < g->kh; ++ki) {
    const int32_t ih = h0 + ki * pr->dilation[0];
    if (ih < 0 || ih >= g->h)
      continue;
    const float *src = plane + (ptrdiff_t)ih * g->w + w0;
    for (int32_t kj = 0; kj < g->kw; ++kj) {
      const __m256 wt = _mm256_broadcast_ss(taps + ki * g->kw + kj);
      const float *x = src + kj * pr->dilation[1];
      for (int32_t b = 0; b < blocks; ++b)
        acc[b] = _mm256_fmadd_ps(wt, kiln_avx2_load_stride(x + b * step, sw),
                                 acc[b]);
    }
  }
}

void kiln_avx2_conv_depthwise(const kiln_conv_params *pr,
                              const kiln_conv_geometry *g, const float *input,
                              const float *weights, const float *bias,
                              const float *residual, float *output) {
  const int32_t sw = pr->stride[1];
  /* Outputs [ow_lo, ow_hi) read only inside their input row (stride 2 loads
   * one float past its last lane). */
  int32_t ow_lo = 0;
  while (ow_lo < g->ow && ow_lo * sw - pr->pad[1] < 0)
    ++ow_lo;
  int32_t ow_hi = g->ow;
  while (ow_hi > ow_lo && (ow_hi - 1) * sw - pr->pad[1] +
                                  (g->kw - 1) * pr->dilation[1] + (sw == 2) >=
                              g->w)
    --ow_hi;
  const ptrdiff_t plane_out = (ptrdiff_t)g->oh * g->ow;
  for (int32_t n = 0; n < g->batch; ++n) {
    for (int32_t oc = 0; oc < g->m; ++oc) {
      const float *plane =
          input + ((ptrdiff_t)n * g->ch + oc / g->m_per_g) * g->h * g->w;
      const float *taps = weights + (ptrdiff_t)oc * g->kh * g->kw;
      const ptrdiff_t base = ((ptrdiff_t)n * g->m + oc) * plane_out;
      const __m256 b = _mm256_set1_ps(bias ? bias[oc] : 0.0f);
      for (int32_t oh = 0; oh < g->oh; ++oh) {
        const int32_t h0 = oh * pr->stride[0] - pr->pad[0];
        const ptrdiff_t row = base + (ptrdiff_t)oh * g->ow;
        for (int32_t ow = 0; ow < g->ow;) {
          const int32_t w0 = ow * sw - pr->pad[1];
          __m256 acc[KILN_DW_BLOCKS];
          int32_t blocks = 0;
          if (ow >= ow_lo)
            while (blocks < KILN_DW_BLOCKS && ow + 8 * (blocks + 1) <= ow_hi)
              ++blocks;
          /* Constant block counts let the accumulators live in registers. */
          if (blocks == KILN_DW_BLOCKS)
            kiln_avx2_dw_interior(pr, g, plane, taps, h0, w0, KILN_DW_BLOCKS,
                                  acc);
          else if (blocks > 0)
            kiln_avx2_dw_interior(pr, g, plane, taps, h0, w0, blocks = 1, acc);
          else
            acc[blocks++] =
                kiln_avx2_dw_edge(pr, g, plane, taps, h0, w0, g->ow - ow);
          for (int32_t bi = 0; bi < blocks; ++bi, ow += 8) {
            __m256 v = _mm256_add_ps(acc[bi], b);
            if (residual != NULL)
              v = _mm256_add_ps(
                  v, kiln_avx2_load_n(residual + row + ow, g->ow - ow));
            kiln_avx2_store_n(output + row + ow, kiln_avx2_act(&pr->act, v),
                              g->ow - ow);
          }
        }
      }
    }
  }
}

#endif /* KILN_HAVE_AVX2 */
