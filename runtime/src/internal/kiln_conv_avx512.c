/* AVX-512 depthwise convolution: masked row loads instead of edge code. */
#include "kiln_avx512.h"

#if KILN_HAVE_AVX512

/* Lanes t of a load starting at column s with s + t inside [0, w): the
 * padding columns read as zero and nothing outside the row is touched. */
static inline uint32_t kiln_avx512_cols(int32_t s, int32_t w, int32_t lanes) {
  const int32_t lo = s < 0 ? -s : 0;
  const int32_t hi = w - s < lanes ? w - s : lanes;
  if (hi <= lo)
    return 0;
  const uint32_t upto_hi = hi >= 32 ? 0xffffffffu : (1u << hi) - 1u;
  return upto_hi & ~((1u << lo) - 1u);
}

/* One output vector: 16 outputs of one row, from the K input rows whose
 * first (padded) column is `src` (row ki at src + ki * w). Called with
 * constant K and S, so the tap loops unroll, the column masks stay in mask
 * registers and every tap is an FMA with an embedded broadcast. Rows outside
 * the input ([ki_lo, ki_hi) are inside) are skipped. One accumulator per
 * kernel row keeps the FMA chains short; consecutive calls are independent,
 * so out-of-order execution overlaps them. */
static inline __attribute__((always_inline)) __m512
kiln_avx512_dw_vec(const float *src, ptrdiff_t w, const float *taps,
                   const __mmask16 *mlo, const __mmask16 *mhi, int32_t ki_lo,
                   int32_t ki_hi, const int K, const int S) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                                         22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21,
                                        23, 25, 27, 29, 31);
  __m512 acc[7];
#pragma GCC unroll 7
  for (int ki = 0; ki < K; ++ki) {
    acc[ki] = _mm512_setzero_ps();
    if (ki < ki_lo || ki >= ki_hi)
      continue;
    const float *row = src + ki * w;
    const float *t = taps + ki * K;
    if (S == 1) {
#pragma GCC unroll 7
      for (int kj = 0; kj < K; ++kj)
        acc[ki] =
            _mm512_fmadd_ps(_mm512_set1_ps(t[kj]),
                            _mm512_maskz_loadu_ps(mlo[kj], row + kj), acc[ki]);
    } else {
      /* A pair of loads at column kj serves kj (even lanes) and kj + 1 (odd
       * lanes): the masks cover every address of the 32. */
#pragma GCC unroll 4
      for (int kj = 0; kj < K; kj += 2) {
        const __m512 lo = _mm512_maskz_loadu_ps(mlo[kj], row + kj);
        const __m512 hi = _mm512_maskz_loadu_ps(mhi[kj], row + kj + 16);
        acc[ki] =
            _mm512_fmadd_ps(_mm512_set1_ps(t[kj]),
                            _mm512_permutex2var_ps(lo, even, hi), acc[ki]);
        if (kj + 1 < K)
          acc[ki] =
              _mm512_fmadd_ps(_mm512_set1_ps(t[kj + 1]),
                              _mm512_permutex2var_ps(lo, odd, hi), acc[ki]);
      }
    }
  }
#pragma GCC unroll 7
  for (int ki = 1; ki < K; ++ki)
    acc[0] = _mm512_add_ps(acc[0], acc[ki]);
  return acc[0];
}

/* All output rows of one 16-wide column block of one channel. */
static inline __attribute__((always_inline)) void
kiln_avx512_dw_column(const kiln_conv_params *pr, const kiln_conv_geometry *g,
                      const float *plane, const float *taps, __m512 bias,
                      const float *res, float *out, int32_t ow0, const int K,
                      const int S) {
  const int32_t s0 = ow0 * S - pr->pad[1];
  __mmask16 mlo[7], mhi[7];
#pragma GCC unroll 7
  for (int kj = 0; kj < K; ++kj) {
    const uint32_t m = kiln_avx512_cols(s0 + kj, g->w, 16 * S);
    mlo[kj] = (__mmask16)m;
    mhi[kj] = (__mmask16)(m >> 16);
  }
  const __mmask16 keep = kiln_avx512_mask(g->ow - ow0);
  const int32_t sh = pr->stride[0];
  for (int32_t oh = 0; oh < g->oh; ++oh) {
    const int32_t h0 = oh * sh - pr->pad[0];
    const int32_t ki_lo = h0 < 0 ? -h0 : 0;
    const int32_t ki_hi = g->h - h0 < K ? g->h - h0 : K;
    /* Rows above the input are never read: the row pointer is formed from
     * the first valid one. */
    const float *src =
        plane + (ptrdiff_t)(h0 + ki_lo) * g->w + s0 - (ptrdiff_t)ki_lo * g->w;
    __m512 v = _mm512_add_ps(bias, kiln_avx512_dw_vec(src, g->w, taps, mlo, mhi,
                                                      ki_lo, ki_hi, K, S));
    const ptrdiff_t o = (ptrdiff_t)oh * g->ow + ow0;
    if (res != NULL)
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(keep, res + o));
    _mm512_mask_storeu_ps(out + o, keep, kiln_avx512_act(&pr->act, v));
  }
}

/* Limits of kiln_avx512_pack_conv_b's per-panel tables: taps of a filter
 * (7x7) and runs of columns sharing an output row in one 32-column panel
 * (output rows of >= 5 columns); kiln_avx512_pack_conv_ok() checks them. */
#define KILN_AVX512_DW_TAPS 49
#define KILN_AVX512_PACK_RUNS 8

int kiln_avx512_pack_conv_ok(const kiln_conv_params *params, int32_t kh,
                             int32_t kw, int32_t ow) {
  return params->stride[1] <= 2 && kh * kw <= KILN_AVX512_DW_TAPS &&
         ow >= (KILN_AVX512_NR + KILN_AVX512_PACK_RUNS - 3) /
                   (KILN_AVX512_PACK_RUNS - 2);
}

/* Bits [lo, hi) of a 64-bit mask (empty when hi <= lo). */
static inline uint64_t kiln_avx512_bits(int32_t lo, int32_t hi) {
  if (hi <= lo)
    return 0;
  const uint64_t upto = hi >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << hi) - 1u;
  return upto & ~(((uint64_t)1 << lo) - 1u);
}

void kiln_avx512_pack_conv_b(const void *ctx, int32_t p0, int32_t kc,
                             int32_t j0, int32_t nc, int32_t nr, float *panel) {
  const kiln_avx2_conv_b *cb = (const kiln_avx2_conv_b *)ctx;
  const kiln_conv_params *pr = cb->params;
  const int32_t sw = pr->stride[1];
  (void)nr; /* always KILN_AVX512_NR */
  /* Runs of panel columns that share one output row: where each starts,
   * its length, and the input row/column of its first tap (0, 0). */
  int32_t run_col[KILN_AVX512_NR], run_len[KILN_AVX512_NR];
  int32_t run_ih[KILN_AVX512_NR], run_iw[KILN_AVX512_NR];
  int32_t n_runs = 0;
  for (int32_t col = 0; col < nc;) {
    const int32_t j = j0 + col, oh = j / cb->ow, ow = j % cb->ow;
    const int32_t len = cb->ow - ow < nc - col ? cb->ow - ow : nc - col;
    run_col[n_runs] = col;
    run_len[n_runs] = len;
    run_ih[n_runs] = oh * pr->stride[0] - pr->pad[0];
    run_iw[n_runs] = ow * sw - pr->pad[1];
    ++n_runs;
    col += len;
  }
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                                         22, 24, 26, 28, 30);
  const int32_t taps = cb->kh * cb->kw;
  /* Which lanes each run loads, and from where in the channel's plane,
   * depend only on the tap (ki, kj): computed once per panel for every tap,
   * then every channel reuses them. Panel column q of a run starting at
   * column `col` reads input column iw + sw * (q - col), so each run is one
   * masked load per 16 addresses from a base shifted by the run's start;
   * masked-off lanes (padding, other runs) are never read. */
  uint64_t tap_mask[KILN_AVX512_DW_TAPS * KILN_AVX512_PACK_RUNS];
  ptrdiff_t tap_off[KILN_AVX512_DW_TAPS * KILN_AVX512_PACK_RUNS];
  for (int32_t t = 0; t < taps; ++t) {
    const int32_t ki = t / cb->kw, kj = t % cb->kw;
    for (int32_t r = 0; r < n_runs; ++r) {
      const int32_t e = t * KILN_AVX512_PACK_RUNS + r;
      const int32_t ih = run_ih[r] + ki * pr->dilation[0];
      const int32_t iw = run_iw[r] + kj * pr->dilation[1];
      /* Columns of the run whose input column lies inside the row. */
      const int32_t skip = iw < 0 ? (-iw + sw - 1) / sw : 0;
      const int32_t fit = iw < cb->w ? (cb->w - iw + sw - 1) / sw : 0;
      const int32_t lo = run_col[r] + skip;
      const int32_t hi = run_col[r] + (fit < run_len[r] ? fit : run_len[r]);
      const int inside = ih >= 0 && ih < cb->h;
      tap_mask[e] =
          !inside   ? 0
          : sw == 1 ? kiln_avx512_bits(lo, hi)
                    /* column q's input is address 2q: even bits */
                    : kiln_avx512_bits(2 * lo, 2 * hi) & 0x5555555555555555ull;
      tap_off[e] =
          inside ? (ptrdiff_t)ih * cb->w + iw - (ptrdiff_t)sw * run_col[r] : 0;
    }
  }
  int32_t t = p0 % taps;
  const float *plane = cb->input + (ptrdiff_t)(p0 / taps) * cb->h * cb->w;
  for (int32_t p = 0; p < kc; ++p) {
    float *dst = panel + (ptrdiff_t)p * KILN_AVX512_NR;
    const uint64_t *mask = tap_mask + t * KILN_AVX512_PACK_RUNS;
    const ptrdiff_t *off = tap_off + t * KILN_AVX512_PACK_RUNS;
    /* Zero-masked loads OR-ed together (the runs' lanes are disjoint):
     * merge-masking would chain every load on the previous one. */
    __m512 v0 = _mm512_setzero_ps(), v1 = v0;
    if (sw == 1) {
      for (int32_t r = 0; r < n_runs; ++r) {
        v0 = _mm512_or_ps(
            v0, _mm512_maskz_loadu_ps((__mmask16)mask[r], plane + off[r]));
        v1 = _mm512_or_ps(v1, _mm512_maskz_loadu_ps((__mmask16)(mask[r] >> 16),
                                                    plane + off[r] + 16));
      }
    } else {
      __m512 v2 = v0, v3 = v0;
      for (int32_t r = 0; r < n_runs; ++r) {
        const float *base = plane + off[r];
        v0 = _mm512_or_ps(v0, _mm512_maskz_loadu_ps((__mmask16)mask[r], base));
        v1 = _mm512_or_ps(
            v1, _mm512_maskz_loadu_ps((__mmask16)(mask[r] >> 16), base + 16));
        v2 = _mm512_or_ps(
            v2, _mm512_maskz_loadu_ps((__mmask16)(mask[r] >> 32), base + 32));
        v3 = _mm512_or_ps(
            v3, _mm512_maskz_loadu_ps((__mmask16)(mask[r] >> 48), base + 48));
      }
      v0 = _mm512_permutex2var_ps(v0, even, v1);
      v1 = _mm512_permutex2var_ps(v2, even, v3);
    }
    _mm512_store_ps(dst, v0);
    _mm512_store_ps(dst + 16, v1);
    if (++t == taps) {
      t = 0;
      plane += (ptrdiff_t)cb->h * cb->w;
    }
  }
}

/* The 16 inputs starting d columns from the current block, from the
 * previous, current and next blocks of the same row (|d| <= 3): register
 * shifts instead of unaligned reloads, which split cache lines. */
static inline __attribute__((always_inline)) __m512
kiln_avx512_shifted(__m512 prev, __m512 cur, __m512 next, const int d) {
  switch (d) {
  case -3:
    return _mm512_castsi512_ps(_mm512_alignr_epi32(
        _mm512_castps_si512(cur), _mm512_castps_si512(prev), 13));
  case -2:
    return _mm512_castsi512_ps(_mm512_alignr_epi32(
        _mm512_castps_si512(cur), _mm512_castps_si512(prev), 14));
  case -1:
    return _mm512_castsi512_ps(_mm512_alignr_epi32(
        _mm512_castps_si512(cur), _mm512_castps_si512(prev), 15));
  case 1:
    return _mm512_castsi512_ps(_mm512_alignr_epi32(
        _mm512_castps_si512(next), _mm512_castps_si512(cur), 1));
  case 2:
    return _mm512_castsi512_ps(_mm512_alignr_epi32(
        _mm512_castps_si512(next), _mm512_castps_si512(cur), 2));
  case 3:
    return _mm512_castsi512_ps(_mm512_alignr_epi32(
        _mm512_castps_si512(next), _mm512_castps_si512(cur), 3));
  default:
    return cur;
  }
}

/* One output row at stride 1 with "same" left padding (K / 2): the row is
 * walked in 16-column blocks, each input row loaded once per block and
 * shifted in registers. Input rows outside the image get an all-zero load
 * mask (so they read as zero padding without touching memory, and the loop
 * has no branches). `rows[ki]` is input row oh - pad + ki, or any valid
 * address when that row is outside. */
static inline __attribute__((always_inline)) void
kiln_avx512_dw_row_s1(const float *const *rows, const __mmask16 *row_on,
                      int32_t w, int32_t ow, const float *taps, __m512 bias,
                      const float *res, float *out, const kiln_activation *act,
                      const int K) {
  const int P = K / 2;
  __m512 t[49];
#pragma GCC unroll 49
  for (int i = 0; i < K * K; ++i)
    t[i] = _mm512_set1_ps(taps[i]);
  __m512 prev[7], cur[7];
  const __mmask16 first = kiln_avx512_mask(w);
#pragma GCC unroll 7
  for (int ki = 0; ki < K; ++ki) {
    prev[ki] = _mm512_setzero_ps();
    cur[ki] = _mm512_maskz_loadu_ps(first & row_on[ki], rows[ki]);
  }
  for (int32_t ow0 = 0; ow0 < ow; ow0 += 16) {
    const __mmask16 next_cols = kiln_avx512_mask(w - ow0 - 16);
    __m512 acc[7];
#pragma GCC unroll 7
    for (int ki = 0; ki < K; ++ki) {
      const __m512 next =
          _mm512_maskz_loadu_ps(next_cols & row_on[ki], rows[ki] + ow0 + 16);
      acc[ki] = ki == 0 ? bias : _mm512_setzero_ps();
#pragma GCC unroll 7
      for (int kj = 0; kj < K; ++kj)
        acc[ki] = _mm512_fmadd_ps(
            t[ki * K + kj],
            kiln_avx512_shifted(prev[ki], cur[ki], next, kj - P), acc[ki]);
      prev[ki] = cur[ki];
      cur[ki] = next;
    }
#pragma GCC unroll 7
    for (int ki = 1; ki < K; ++ki)
      acc[0] = _mm512_add_ps(acc[0], acc[ki]);
    const __mmask16 keep = kiln_avx512_mask(ow - ow0);
    if (res != NULL)
      acc[0] = _mm512_add_ps(acc[0], _mm512_maskz_loadu_ps(keep, res + ow0));
    _mm512_mask_storeu_ps(out + ow0, keep, kiln_avx512_act(act, acc[0]));
  }
}

/* The plane of one channel, row by row; K fixed per instantiation so each
 * has its own registers (taps stay in zmm for 3x3). */
static inline __attribute__((always_inline)) void
kiln_avx512_dw_plane_s1(const kiln_conv_params *pr, const kiln_conv_geometry *g,
                        const float *plane, const float *taps, __m512 bias,
                        const float *res, float *out, const int K) {
  for (int32_t oh = 0; oh < g->oh; ++oh) {
    const float *rows[7];
    __mmask16 on[7];
#pragma GCC unroll 7
    for (int ki = 0; ki < K; ++ki) {
      const int32_t ih = oh - pr->pad[0] + ki;
      const int inside = ih >= 0 && ih < g->h;
      rows[ki] = inside ? plane + (ptrdiff_t)ih * g->w : plane;
      on[ki] = inside ? (__mmask16)0xffff : (__mmask16)0;
    }
    const ptrdiff_t o = (ptrdiff_t)oh * g->ow;
    kiln_avx512_dw_row_s1(rows, on, g->w, g->ow, taps, bias,
                          res ? res + o : NULL, out + o, &pr->act, K);
  }
}

static __attribute__((noinline)) void
kiln_avx512_dw3x3_s1(const kiln_conv_params *pr, const kiln_conv_geometry *g,
                     const float *plane, const float *taps, __m512 bias,
                     const float *res, float *out) {
  kiln_avx512_dw_plane_s1(pr, g, plane, taps, bias, res, out, 3);
}

static __attribute__((noinline)) void
kiln_avx512_dw5x5_s1(const kiln_conv_params *pr, const kiln_conv_geometry *g,
                     const float *plane, const float *taps, __m512 bias,
                     const float *res, float *out) {
  kiln_avx512_dw_plane_s1(pr, g, plane, taps, bias, res, out, 5);
}

/* Small planes at stride 1 with the output as wide as the input (DS-CNN's
 * 25x5, the 7x7 and 14x14 stages of MobileNet and EfficientNet): a row of
 * w < 16 columns would fill w of the 16 lanes, so the plane is walked as one
 * flat run of outputs instead. Output j = oh * w + ow reads input
 * j + (ki - pad_top) * w + (kj - pad_left) for tap (ki, kj): one shifted load
 * per tap and 16 outputs, whose lane mask (taps that fall in the padding
 * read as zero, never touching memory) depends only on the geometry, so it is
 * computed once per call and shared by every channel. */
#define KILN_AVX512_FLAT_BLOCKS 16

typedef struct {
  int32_t blocks, count;
  ptrdiff_t off[49];
  __mmask16 mask[KILN_AVX512_FLAT_BLOCKS * 49];
} kiln_avx512_flat_plan;

static int kiln_avx512_flat_ok(const kiln_conv_params *pr,
                               const kiln_conv_geometry *g) {
  return pr->stride[0] == 1 && pr->stride[1] == 1 && g->ow == g->w &&
         g->w < 16 && g->oh * g->ow <= 16 * KILN_AVX512_FLAT_BLOCKS;
}

static void kiln_avx512_flat_prepare(const kiln_conv_params *pr,
                                     const kiln_conv_geometry *g, int K,
                                     kiln_avx512_flat_plan *plan) {
  plan->count = g->oh * g->ow;
  plan->blocks = (plan->count + 15) / 16;
  for (int t = 0; t < K * K; ++t)
    plan->off[t] =
        (ptrdiff_t)(t / K - pr->pad[0]) * g->w + (t % K - pr->pad[1]);
  for (int32_t i = 0; i < plan->blocks * K * K; ++i)
    plan->mask[i] = 0;
  /* Output by output with (oh, ow) stepped, not divided: this runs on every
   * call, and DS-CNN's whole conv is a few microseconds. */
  int32_t oh = 0, ow = 0;
  for (int32_t j = 0; j < plan->count; ++j) {
    __mmask16 *m = plan->mask + (j >> 4) * K * K;
    const __mmask16 bit = (__mmask16)(1u << (j & 15));
    for (int ki = 0; ki < K; ++ki) {
      const int32_t ih = oh - pr->pad[0] + ki;
      if (ih < 0 || ih >= g->h)
        continue;
      for (int kj = 0; kj < K; ++kj) {
        const int32_t iw = ow - pr->pad[1] + kj;
        if (iw >= 0 && iw < g->w)
          m[ki * K + kj] |= bit;
      }
    }
    if (++ow == g->ow) {
      ow = 0;
      ++oh;
    }
  }
}

static inline __attribute__((always_inline)) void
kiln_avx512_dw_flat(const kiln_avx512_flat_plan *plan, const float *plane,
                    const float *taps, __m512 bias, const float *res,
                    float *out, const kiln_activation *act, const int K) {
  __m512 t[49];
#pragma GCC unroll 49
  for (int i = 0; i < K * K; ++i)
    t[i] = _mm512_set1_ps(taps[i]);
  for (int32_t b = 0; b < plan->blocks; ++b) {
    const __mmask16 *m = plan->mask + b * K * K;
    const float *src = plane + (ptrdiff_t)b * 16;
    /* Three chains so the FMAs of one block overlap. */
    __m512 acc[3] = {bias, _mm512_setzero_ps(), _mm512_setzero_ps()};
#pragma GCC unroll 49
    for (int i = 0; i < K * K; ++i)
      acc[i % 3] = _mm512_fmadd_ps(
          t[i], _mm512_maskz_loadu_ps(m[i], src + plan->off[i]), acc[i % 3]);
    __m512 v = _mm512_add_ps(acc[0], _mm512_add_ps(acc[1], acc[2]));
    const __mmask16 keep = kiln_avx512_mask(plan->count - b * 16);
    if (res != NULL)
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(keep, res + b * 16));
    _mm512_mask_storeu_ps(out + b * 16, keep, kiln_avx512_act(act, v));
  }
}

static __attribute__((noinline)) void
kiln_avx512_dw_flat3(const kiln_avx512_flat_plan *plan, const float *plane,
                     const float *taps, __m512 bias, const float *res,
                     float *out, const kiln_activation *act) {
  kiln_avx512_dw_flat(plan, plane, taps, bias, res, out, act, 3);
}

static __attribute__((noinline)) void
kiln_avx512_dw_flat5(const kiln_avx512_flat_plan *plan, const float *plane,
                     const float *taps, __m512 bias, const float *res,
                     float *out, const kiln_activation *act) {
  kiln_avx512_dw_flat(plan, plane, taps, bias, res, out, act, 5);
}

static __attribute__((noinline)) void
kiln_avx512_dw_flat7(const kiln_avx512_flat_plan *plan, const float *plane,
                     const float *taps, __m512 bias, const float *res,
                     float *out, const kiln_activation *act) {
  kiln_avx512_dw_flat(plan, plane, taps, bias, res, out, act, 7);
}

/* Square 3x3, 5x5 and 7x7 kernels at stride 1 or 2 get a specialised loop;
 * dilated, wider or other shapes go to the AVX2 kernel. */
void kiln_avx512_conv_depthwise(const kiln_conv_params *pr,
                                const kiln_conv_geometry *g, const float *input,
                                const float *weights, const float *bias,
                                const float *residual, float *output) {
  const int32_t sw = pr->stride[1], k = g->kw;
  if (g->kh != k || (k != 3 && k != 5 && k != 7) || sw > 2 ||
      pr->dilation[0] != 1 || pr->dilation[1] != 1) {
    kiln_avx2_conv_depthwise(pr, g, input, weights, bias, residual, output);
    return;
  }
  const ptrdiff_t plane_out = (ptrdiff_t)g->oh * g->ow;
  kiln_avx512_flat_plan flat;
  const int use_flat = kiln_avx512_flat_ok(pr, g);
  if (use_flat)
    kiln_avx512_flat_prepare(pr, g, k, &flat);
  for (int32_t n = 0; n < g->batch; ++n) {
    for (int32_t oc = 0; oc < g->m; ++oc) {
      const float *plane =
          input + ((ptrdiff_t)n * g->ch + oc / g->m_per_g) * g->h * g->w;
      const float *taps = weights + (ptrdiff_t)oc * k * k;
      const ptrdiff_t off = ((ptrdiff_t)n * g->m + oc) * plane_out;
      const float *res = residual ? residual + off : NULL;
      const __m512 b = _mm512_set1_ps(bias ? bias[oc] : 0.0f);
      float *out = output + off;
      if (use_flat) {
        if (k == 3)
          kiln_avx512_dw_flat3(&flat, plane, taps, b, res, out, &pr->act);
        else if (k == 5)
          kiln_avx512_dw_flat5(&flat, plane, taps, b, res, out, &pr->act);
        else
          kiln_avx512_dw_flat7(&flat, plane, taps, b, res, out, &pr->act);
        continue;
      }
      if (sw == 1 && pr->stride[0] == 1 && pr->pad[1] == k / 2 && k < 7) {
        if (k == 3)
          kiln_avx512_dw3x3_s1(pr, g, plane, taps, b, res, out);
        else
          kiln_avx512_dw5x5_s1(pr, g, plane, taps, b, res, out);
        continue;
      }
      for (int32_t ow0 = 0; ow0 < g->ow; ow0 += 16) {
        if (k == 3 && sw == 1)
          kiln_avx512_dw_column(pr, g, plane, taps, b, res, out, ow0, 3, 1);
        else if (k == 3)
          kiln_avx512_dw_column(pr, g, plane, taps, b, res, out, ow0, 3, 2);
        else if (k == 5 && sw == 1)
          kiln_avx512_dw_column(pr, g, plane, taps, b, res, out, ow0, 5, 1);
        else if (k == 5)
          kiln_avx512_dw_column(pr, g, plane, taps, b, res, out, ow0, 5, 2);
        else if (sw == 1)
          kiln_avx512_dw_column(pr, g, plane, taps, b, res, out, ow0, 7, 1);
        else
          kiln_avx512_dw_column(pr, g, plane, taps, b, res, out, ow0, 7, 2);
      }
    }
  }
}

#endif /* KILN_HAVE_AVX512 */
