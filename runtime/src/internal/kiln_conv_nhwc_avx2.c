/* NHWC convolution, AVX2/FMA: indirect GEMM over HWIO panels, depthwise
 * across channels. */
#include "kiln_avx2.h"
#include "kiln_nhwc.h"

#include <string.h>

#if KILN_HAVE_AVX2

#define KILN_NHWC2_MR 6
/* Taps per chunk: bounds the stack table of row pointers (3 KB). */
#define KILN_NHWC2_TAPS 64

/* acc[2r + h] += a_r[t][p] * panel[t][p][8h..8h+8) over ntaps taps of kc
 * channels each, for 6 output pixels (ptrs[t * 6 + r]: pixel r's input for
 * tap t, or zeros in the padding) and H 8-column halves of the panel (2, or
 * 1 when it has at most 8 columns: the last panel of M = 24, 40, 56, whose
 * second half is zero padding); the 6H accumulators stay in ymm registers
 * across the chunk's taps. Each output's FMA sequence is the same for
 * either H. */
static inline __attribute__((always_inline)) void
kiln_nhwc2_tile(int32_t ntaps, int32_t kc, const float *const *ptrs,
                const float *panel, __m256 *acc, const int H) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
  __m256 c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00;
  __m256 c50 = c00, c51 = c00;
  for (int32_t t = 0; t < ntaps; ++t, ptrs += KILN_NHWC2_MR) {
    const float *a0 = ptrs[0], *a1 = ptrs[1], *a2 = ptrs[2];
    const float *a3 = ptrs[3], *a4 = ptrs[4], *a5 = ptrs[5];
    for (int32_t p = 0; p < kc; ++p, panel += KILN_AVX2_NR) {
      const __m256 b0 = _mm256_load_ps(panel);
      const __m256 b1 = H > 1 ? _mm256_load_ps(panel + 8) : b0;
#define KILN_NHWC2_ROW(r)                                                      \
  do {                                                                         \
    const __m256 x = _mm256_broadcast_ss(a##r + p);                            \
    c##r##0 = _mm256_fmadd_ps(x, b0, c##r##0);                                 \
    if (H > 1)                                                                 \
      c##r##1 = _mm256_fmadd_ps(x, b1, c##r##1);                               \
  } while (0)
      KILN_NHWC2_ROW(0);
      KILN_NHWC2_ROW(1);
      KILN_NHWC2_ROW(2);
      KILN_NHWC2_ROW(3);
      KILN_NHWC2_ROW(4);
      KILN_NHWC2_ROW(5);
#undef KILN_NHWC2_ROW
    }
  }
  acc[0] = c00, acc[1] = c01, acc[2] = c10, acc[3] = c11;
  acc[4] = c20, acc[5] = c21, acc[6] = c30, acc[7] = c31;
  acc[8] = c40, acc[9] = c41, acc[10] = c50, acc[11] = c51;
}

/* kiln_nhwc_gemm_isa.pack, 16 columns wide. */
static void kiln_nhwc2_pack(const float *w_cols, int32_t m, int32_t run,
                            int32_t t0, int32_t ntaps, int32_t c0, int32_t kc,
                            int32_t nc, float *panel) {
  for (int32_t t = 0; t < ntaps; ++t)
    for (int32_t c = 0; c < kc; ++c, panel += KILN_AVX2_NR) {
      const float *src = w_cols + ((ptrdiff_t)(t0 + t) * run + c0 + c) * m;
      _mm256_store_ps(panel, kiln_avx2_load_n(src, nc));
      _mm256_store_ps(panel + 8, nc > 8 ? kiln_avx2_load_n(src + 8, nc - 8)
                                        : _mm256_setzero_ps());
    }
}

/* Adds the tile's rows [0, mr) to the output (kiln_nhwc_tile_job says how). */
static inline __attribute__((always_inline)) void
kiln_nhwc2_finish(const __m256 *acc, int32_t mr, int32_t nc, int first,
                  int last, const __m256 *bv, const float *residual, float *out,
                  int32_t ldo, const kiln_activation *act) {
  const int32_t halves = nc > 8 ? 2 : 1;
  for (int32_t r = 0; r < mr; ++r, out += ldo) {
    for (int32_t h = 0; h < halves; ++h) {
      const int32_t cnt = nc - 8 * h;
      __m256 v = acc[2 * r + h];
      if (!first)
        v = _mm256_add_ps(v, kiln_avx2_load_n(out + 8 * h, cnt));
      else if (residual != NULL)
        v = _mm256_add_ps(
            v, kiln_avx2_load_n(residual + (ptrdiff_t)r * ldo + 8 * h, cnt));
      if (last)
        v = kiln_avx2_act(act, _mm256_add_ps(v, bv[h]));
      kiln_avx2_store_n(out + 8 * h, v, cnt);
    }
  }
}

static inline void kiln_nhwc2_bias(const float *bias, int32_t nc, __m256 *bv) {
  bv[0] = bv[1] = _mm256_setzero_ps();
  if (bias != NULL) {
    bv[0] = kiln_avx2_load_n(bias, nc);
    if (nc > 8)
      bv[1] = kiln_avx2_load_n(bias + 8, nc - 8);
  }
}

/* The activation with its kind a constant at the call (hoisted out of the
 * store loop, as in the AVX-512 tile); the same operations as
 * kiln_avx2_act, so the same bits. */
static inline __attribute__((always_inline)) __m256
kiln_nhwc2_act_k(const int kind, const kiln_activation *act, __m256 x) {
  switch (kind) {
  case KILN_ACT_NONE:
    return x;
  case KILN_ACT_RELU:
    return _mm256_max_ps(_mm256_setzero_ps(), x);
  case KILN_ACT_CLIP:
    return kiln_avx2_clamp(x, _mm256_set1_ps(act->min),
                           _mm256_set1_ps(act->max));
  default:
    return kiln_avx2_act(act, x);
  }
}

/* The finish of a full 6-pixel tile whose chunk is all of K: out =
 * act(acc (+ residual) + bias) in kiln_nhwc2_finish's order, H and the
 * activation kind constant (accumulators stay in registers); only the last
 * half may be partial (nc - 8 (H - 1) columns). */
static inline __attribute__((always_inline)) void
kiln_nhwc2_store_full(const __m256 *acc, const int H, const int kind,
                      int32_t nc, const __m256 *bv, const float *residual,
                      float *out, int32_t ldo, const kiln_activation *act) {
  const int32_t last_cnt = nc - 8 * (H - 1);
#pragma GCC unroll 6
  for (int r = 0; r < KILN_NHWC2_MR; ++r)
#pragma GCC unroll 2
    for (int h = 0; h < H; ++h) {
      const int32_t cnt = h == H - 1 ? last_cnt : 8;
      float *o = out + (ptrdiff_t)r * ldo + 8 * h;
      __m256 v = acc[2 * r + h];
      if (residual != NULL)
        v = _mm256_add_ps(
            v, kiln_avx2_load_n(residual + (ptrdiff_t)r * ldo + 8 * h, cnt));
      kiln_avx2_store_n(o, kiln_nhwc2_act_k(kind, act, _mm256_add_ps(v, bv[h])),
                        cnt);
    }
}

/* The tile over H halves and its finish: kiln_nhwc2_store_full (with its
 * own copy of the multiply, so acc never has its address taken) for a full
 * tile in one chunk, else kiln_nhwc2_finish. */
static inline __attribute__((always_inline)) void
kiln_nhwc2_tile_run(const kiln_nhwc_tile_job *j, const int H) {
  __m256 bv[2];
  kiln_nhwc2_bias(j->last ? j->bias : NULL, j->nc, bv);
  if (j->first && j->last && j->mr == KILN_NHWC2_MR) {
    __m256 acc[2 * KILN_NHWC2_MR];
    kiln_nhwc2_tile(j->ntaps, j->kc, j->ptrs, j->panel, acc, H);
    switch (j->act->kind) {
    case KILN_ACT_NONE:
      kiln_nhwc2_store_full(acc, H, KILN_ACT_NONE, j->nc, bv, j->residual,
                            j->out, j->ldo, j->act);
      return;
    case KILN_ACT_RELU:
      kiln_nhwc2_store_full(acc, H, KILN_ACT_RELU, j->nc, bv, j->residual,
                            j->out, j->ldo, j->act);
      return;
    case KILN_ACT_CLIP:
      kiln_nhwc2_store_full(acc, H, KILN_ACT_CLIP, j->nc, bv, j->residual,
                            j->out, j->ldo, j->act);
      return;
    default:
      kiln_nhwc2_store_full(acc, H, -1, j->nc, bv, j->residual, j->out,
                            j->ldo, j->act);
      return;
    }
  }
  __m256 acc[2 * KILN_NHWC2_MR];
  kiln_nhwc2_tile(j->ntaps, j->kc, j->ptrs, j->panel, acc, H);
  kiln_nhwc2_finish(acc, j->mr, j->nc, j->first, j->last, bv, j->residual,
                    j->out, j->ldo, j->act);
}

/* kiln_nhwc_gemm_isa.tile: the 6-pixel tile over 16 or (nc <= 8) 8
 * columns, then its finish (which reads only the halves nc covers). */
static void kiln_nhwc2_tile_job(const kiln_nhwc_tile_job *j) {
  if (j->nc > 8)
    kiln_nhwc2_tile_run(j, 2);
  else
    kiln_nhwc2_tile_run(j, 1);
}

/* kiln_nhwc_gemm_isa.tile_rows: the one 6-pixel tile serves every job. */
static int32_t kiln_nhwc2_tile_rows(int32_t mr) {
  (void)mr;
  return KILN_NHWC2_MR;
}

static const kiln_nhwc_gemm_isa kiln_nhwc2_isa = {
    KILN_NHWC2_MR,       KILN_AVX2_NR, KILN_AVX2_KC, KILN_NHWC2_TAPS,
    kiln_nhwc2_pack,     kiln_nhwc2_tile_job,         32,
    kiln_nhwc2_tile_rows};

const kiln_nhwc_gemm_isa *kiln_avx2_nhwc_gemm_isa(void) {
  return &kiln_nhwc2_isa;
}

void kiln_avx2_conv_nhwc_gemm(const kiln_conv_params *pr,
                              const kiln_conv_geometry *g, const float *input,
                              const float *weights, const float *bias,
                              const float *residual, float *output) {
  _Alignas(32) float panel[KILN_AVX2_KC * KILN_AVX2_NR];
  _Alignas(32) float zeros[KILN_AVX2_KC];
  _Alignas(32) float edge[KILN_NHWC2_MR * KILN_AVX2_KC];
  const float *ptrs[KILN_NHWC2_TAPS * KILN_NHWC2_MR];
  kiln_internal_nhwc_gemm(&kiln_nhwc2_isa, pr, g, input, weights, bias,
                          residual, output, panel, zeros, edge, ptrs);
}

/* NP adjacent output pixels (px_step apart in the input) of one 8-channel
 * block, every tap inside the image: kernel rows [0, nkh), K columns, then
 * bias, residual and activation, stored. With K and NP constant the loops
 * unroll, the NP accumulators stay in registers and each weight vector is
 * loaded once for the NP pixels. */
static inline __attribute__((always_inline)) void
kiln_nhwc2_dw(const float *src, ptrdiff_t row_step, ptrdiff_t tap_step,
              ptrdiff_t px_step, const float *wts, ptrdiff_t w_row,
              ptrdiff_t w_tap, int32_t nkh, int32_t cnt, __m256 b0,
              const float *res, float *out, ptrdiff_t out_step,
              const kiln_activation *act, const int K, const int NP) {
  __m256 acc[4];
#pragma GCC unroll 4
  for (int i = 0; i < NP; ++i)
    acc[i] = b0;
  for (int32_t kh = 0; kh < nkh; ++kh) {
    const float *row = src + kh * row_step;
    const float *wr = wts + kh * w_row;
#pragma GCC unroll 7
    for (int kw = 0; kw < K; ++kw) {
      const __m256 wv = kiln_avx2_load_n(wr + kw * w_tap, cnt);
#pragma GCC unroll 4
      for (int i = 0; i < NP; ++i)
        acc[i] = _mm256_fmadd_ps(
            kiln_avx2_load_n(row + kw * tap_step + i * px_step, cnt), wv,
            acc[i]);
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < NP; ++i) {
    __m256 v = acc[i];
    if (res != NULL)
      v = _mm256_add_ps(v, kiln_avx2_load_n(res + i * out_step, cnt));
    kiln_avx2_store_n(out + i * out_step, kiln_avx2_act(act, v), cnt);
  }
}

/* Output columns [ow0, ow1) of one row and 8-channel block of a 3x3,
 * stride-1 depthwise conv with all three kernel rows and every tap inside
 * the image: the nine weight vectors stay in registers and each input
 * vector is loaded once and used by the three outputs it feeds (a sliding
 * window), so a pixel costs three loads instead of nine. `src` is the input
 * at kernel row 0, column ow0's first tap. */
static void kiln_nhwc2_dw3s1(const float *src, ptrdiff_t row_step, ptrdiff_t px,
                             ptrdiff_t tap_step, const float *wts,
                             ptrdiff_t w_row, ptrdiff_t w_tap, int32_t cnt,
                             __m256 b0, const float *res, float *out,
                             int32_t count, const kiln_activation *act) {
  const float *r0 = src, *r1 = src + row_step, *r2 = src + 2 * row_step;
  const __m256 w00 = kiln_avx2_load_n(wts, cnt);
  const __m256 w01 = kiln_avx2_load_n(wts + w_tap, cnt);
  const __m256 w02 = kiln_avx2_load_n(wts + 2 * w_tap, cnt);
  const __m256 w10 = kiln_avx2_load_n(wts + w_row, cnt);
  const __m256 w11 = kiln_avx2_load_n(wts + w_row + w_tap, cnt);
  const __m256 w12 = kiln_avx2_load_n(wts + w_row + 2 * w_tap, cnt);
  const __m256 w20 = kiln_avx2_load_n(wts + 2 * w_row, cnt);
  const __m256 w21 = kiln_avx2_load_n(wts + 2 * w_row + w_tap, cnt);
  const __m256 w22 = kiln_avx2_load_n(wts + 2 * w_row + 2 * w_tap, cnt);
  /* Columns 0 and 1 of the window; dilation is tap_step / px apart. */
  __m256 a0 = kiln_avx2_load_n(r0, cnt),
         a1 = kiln_avx2_load_n(r0 + tap_step, cnt);
  __m256 b0v = kiln_avx2_load_n(r1, cnt),
         b1 = kiln_avx2_load_n(r1 + tap_step, cnt);
  __m256 c0 = kiln_avx2_load_n(r2, cnt),
         c1 = kiln_avx2_load_n(r2 + tap_step, cnt);
  for (int32_t i = 0; i < count; ++i) {
    const ptrdiff_t o = (ptrdiff_t)i * px;
    const __m256 a2 = kiln_avx2_load_n(r0 + o + 2 * tap_step, cnt);
    const __m256 b2 = kiln_avx2_load_n(r1 + o + 2 * tap_step, cnt);
    const __m256 c2 = kiln_avx2_load_n(r2 + o + 2 * tap_step, cnt);
    /* The reference's tap order (row by row) in two chains. */
    __m256 acc = _mm256_fmadd_ps(a0, w00, b0);
    acc = _mm256_fmadd_ps(a1, w01, acc);
    acc = _mm256_fmadd_ps(a2, w02, acc);
    __m256 acc2 = _mm256_mul_ps(b0v, w10);
    acc2 = _mm256_fmadd_ps(b1, w11, acc2);
    acc2 = _mm256_fmadd_ps(b2, w12, acc2);
    acc2 = _mm256_fmadd_ps(c0, w20, acc2);
    acc2 = _mm256_fmadd_ps(c1, w21, acc2);
    acc2 = _mm256_fmadd_ps(c2, w22, acc2);
    __m256 v = _mm256_add_ps(acc, acc2);
    if (res != NULL)
      v = _mm256_add_ps(v, kiln_avx2_load_n(res + o, cnt));
    kiln_avx2_store_n(out + o, v, cnt);
    a0 = a1, a1 = a2, b0v = b1, b1 = b2, c0 = c1, c1 = c2;
  }
  /* The activation in a second pass over the (L1-resident) outputs, so its
   * switch does not push the weights and the window out of registers. */
  if (act->kind != KILN_ACT_NONE)
    for (int32_t i = 0; i < count; ++i) {
      float *q = out + (ptrdiff_t)i * px;
      kiln_avx2_store_n(q, kiln_avx2_act(act, kiln_avx2_load_n(q, cnt)), cnt);
    }
}

/* One output pixel (input column wi of kernel column 0) of CB adjacent
 * 8-channel blocks (the last one `last` channels, 1..8), kernel rows
 * [0, nkh) and columns [kw0, kw1) (the taps inside the image), then bias,
 * residual and activation, stored. A pixel's taps are one serial FMA chain
 * per block (the reference's order), so the CB blocks' chains run side by
 * side rather than one latency-bound chain per pass. `src`, `wc`, `bias`,
 * `res` and `out` are at the first block's channel. */
static inline __attribute__((always_inline)) void
kiln_nhwc2_dw_px(const float *src, ptrdiff_t row_step, ptrdiff_t ch, int32_t wi,
                 int32_t dw, int32_t kw0, int32_t kw1, const float *wc,
                 ptrdiff_t w_row, ptrdiff_t w_tap, int32_t nkh, int32_t last,
                 const float *bias, const float *res, float *out,
                 const kiln_activation *act, const int CB) {
  __m256 acc[4];
#pragma GCC unroll 4
  for (int b = 0; b < CB; ++b)
    acc[b] = bias != NULL
                 ? kiln_avx2_load_n(bias + 8 * b, b == CB - 1 ? last : 8)
                 : _mm256_setzero_ps();
  for (int32_t kh = 0; kh < nkh; ++kh)
    for (int32_t kw = kw0; kw < kw1; ++kw) {
      const float *x = src + kh * row_step + (ptrdiff_t)(wi + kw * dw) * ch;
      const float *wv = wc + kh * w_row + kw * w_tap;
#pragma GCC unroll 4
      for (int b = 0; b < CB; ++b) {
        const int32_t cnt = b == CB - 1 ? last : 8;
        acc[b] = _mm256_fmadd_ps(kiln_avx2_load_n(x + 8 * b, cnt),
                                 kiln_avx2_load_n(wv + 8 * b, cnt), acc[b]);
      }
    }
#pragma GCC unroll 4
  for (int b = 0; b < CB; ++b) {
    const int32_t cnt = b == CB - 1 ? last : 8;
    __m256 v = acc[b];
    if (res != NULL)
      v = _mm256_add_ps(v, kiln_avx2_load_n(res + 8 * b, cnt));
    kiln_avx2_store_n(out + 8 * b, kiln_avx2_act(act, v), cnt);
  }
}

/* kiln_nhwc2_dw_px over all channels: four blocks at a time (the last
 * four possibly partial), then the remaining one to three. */
static void kiln_nhwc2_dw_pixel(const float *img_row, ptrdiff_t row_step,
                                int32_t ch, int32_t wi, int32_t dw, int32_t kw0,
                                int32_t kw1, const float *w_first,
                                ptrdiff_t w_row, ptrdiff_t w_tap, int32_t nkh,
                                const float *bias, const float *res, float *out,
                                const kiln_activation *act) {
  int32_t c = 0;
  for (; ch - c > 24; c += 32) {
    const int32_t last = ch - c - 24 < 8 ? ch - c - 24 : 8;
    kiln_nhwc2_dw_px(img_row + c, row_step, ch, wi, dw, kw0, kw1, w_first + c,
                     w_row, w_tap, nkh, last, bias != NULL ? bias + c : NULL,
                     res != NULL ? res + c : NULL, out + c, act, 4);
  }
  if (c >= ch)
    return;
  const float *b = bias != NULL ? bias + c : NULL;
  const float *r = res != NULL ? res + c : NULL;
  const int32_t left = ch - c; /* 1..24 */
  if (left > 16)
    kiln_nhwc2_dw_px(img_row + c, row_step, ch, wi, dw, kw0, kw1, w_first + c,
                     w_row, w_tap, nkh, left - 16, b, r, out + c, act, 3);
  else if (left > 8)
    kiln_nhwc2_dw_px(img_row + c, row_step, ch, wi, dw, kw0, kw1, w_first + c,
                     w_row, w_tap, nkh, left - 8, b, r, out + c, act, 2);
  else
    kiln_nhwc2_dw_px(img_row + c, row_step, ch, wi, dw, kw0, kw1, w_first + c,
                     w_row, w_tap, nkh, left, b, r, out + c, act, 1);
}

/* NP adjacent output pixels of one row (S input columns apart) of one
 * 8-channel block (`cnt` channels, 1..8), 5 kernel columns at dilation 1,
 * kernel rows [0, nkh): the AVX2 form of kiln_nhwc512_dw_win. Per kernel
 * row the five weight vectors are loaded once and each input column of the
 * window once, then fed to every pixel it is a tap of: (NP - 1) * S + 5
 * input loads instead of 5 * NP. One block (5 weights + NP accumulators of
 * the 16 ymm registers). CLIP 1 (windows over the padding): columns
 * outside [0, wdt) are skipped, so edge pixels are clipped as
 * kiln_nhwc2_dw_px clips them. Each output sums its taps in one chain, row
 * by row, column by column (the reference's order). `w0` is the input
 * column of pixel 0's kernel column 0; `src`, `wc`, `res` and `out` are at
 * the block's channel. */
static inline __attribute__((always_inline)) void
kiln_nhwc2_dw_win(const float *src, ptrdiff_t row_step, ptrdiff_t ch,
                  int32_t w0, int32_t wdt, const float *wc, ptrdiff_t w_row,
                  ptrdiff_t w_tap, int32_t nkh, int32_t cnt, __m256 b0,
                  const float *res, float *out, const kiln_activation *act,
                  const int S, const int NP, const int CLIP) {
  enum { K = 5 };
  __m256 acc[4];
#pragma GCC unroll 4
  for (int i = 0; i < NP; ++i)
    acc[i] = b0;
  for (int32_t kh = 0; kh < nkh; ++kh) {
    const float *row = src + kh * row_step;
    const float *wr = wc + kh * w_row;
    __m256 wv[K];
#pragma GCC unroll 8
    for (int kw = 0; kw < K; ++kw)
      wv[kw] = kiln_avx2_load_n(wr + kw * w_tap, cnt);
#pragma GCC unroll 16
    for (int j = 0; j < (NP - 1) * S + K; ++j) {
      if (CLIP && (uint32_t)(w0 + j) >= (uint32_t)wdt)
        continue;
      const __m256 x = kiln_avx2_load_n(row + (ptrdiff_t)(w0 + j) * ch, cnt);
#pragma GCC unroll 4
      for (int i = 0; i < NP; ++i) {
        const int kw = j - i * S;
        if (kw >= 0 && kw < K)
          acc[i] = _mm256_fmadd_ps(x, wv[kw], acc[i]);
      }
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < NP; ++i) {
    __m256 v = acc[i];
    if (res != NULL)
      v = _mm256_add_ps(v, kiln_avx2_load_n(res + (ptrdiff_t)i * ch, cnt));
    kiln_avx2_store_n(out + (ptrdiff_t)i * ch, kiln_avx2_act(act, v), cnt);
  }
}

/* One output row of a 5-column, stride-S, dilation-1 depthwise conv through
 * kiln_nhwc2_dw_win, 4 or 2 pixels at a time (inside windows first, then
 * windows over the edges with the padding clipped), a last single pixel
 * through kiln_nhwc2_dw_pixel; as kiln_nhwc512_dw_rowks. `img_row` is the
 * input at the first kernel row inside the image, column 0, channel 0. */
static inline __attribute__((always_inline)) void kiln_nhwc2_dw_row5(
    const float *img_row, ptrdiff_t row_step, int32_t ch, int32_t wdt,
    int32_t ow_n, int32_t pad_l, const float *w_first, ptrdiff_t w_row,
    ptrdiff_t w_tap, int32_t nkh, const float *bias, const float *res,
    float *out, const kiln_activation *act, const int S) {
  enum { K = 5 };
  int32_t ow = 0;
  while (ow < ow_n) {
    const int32_t w0 = ow * S - pad_l;
    int clip;
    const int32_t np = kiln_nhwc_dw_step(ow, ow_n, S, K, pad_l, wdt, &clip);
    const ptrdiff_t o = (ptrdiff_t)ow * ch;
    if (np == 1) {
      int32_t kw0, kw1;
      kiln_nhwc_tap_range(w0, 1, K, wdt, &kw0, &kw1);
      kiln_nhwc2_dw_pixel(img_row, row_step, ch, w0, 1, kw0, kw1, w_first,
                          w_row, w_tap, nkh, bias, res != NULL ? res + o : NULL,
                          out + o, act);
      ow += 1;
      continue;
    }
    for (int32_t c = 0; c < ch; c += 8) {
      const int32_t cnt = ch - c;
      const __m256 b0 = bias != NULL ? kiln_avx2_load_n(bias + c, cnt)
                                     : _mm256_setzero_ps();
      const float *r = res != NULL ? res + o + c : NULL;
#define KILN_DW2_WIN(NP, CLIP)                                                 \
  kiln_nhwc2_dw_win(img_row + c, row_step, ch, w0, wdt, w_first + c, w_row,    \
                    w_tap, nkh, cnt, b0, r, out + o + c, act, S, NP, CLIP)
      if (np == 4)
        clip ? KILN_DW2_WIN(4, 1) : KILN_DW2_WIN(4, 0);
      else
        clip ? KILN_DW2_WIN(2, 1) : KILN_DW2_WIN(2, 0);
#undef KILN_DW2_WIN
    }
    ow += np;
  }
}

/* The stride 1 and 2 instances, out of line so each row loop is compiled
 * once. */
static void kiln_nhwc2_dw_row5s1(const float *img_row, ptrdiff_t row_step,
                                 int32_t ch, int32_t wdt, int32_t ow_n,
                                 int32_t pad_l, const float *w_first,
                                 ptrdiff_t w_row, ptrdiff_t w_tap, int32_t nkh,
                                 const float *bias, const float *res,
                                 float *out, const kiln_activation *act) {
  kiln_nhwc2_dw_row5(img_row, row_step, ch, wdt, ow_n, pad_l, w_first, w_row,
                     w_tap, nkh, bias, res, out, act, 1);
}
static void kiln_nhwc2_dw_row5s2(const float *img_row, ptrdiff_t row_step,
                                 int32_t ch, int32_t wdt, int32_t ow_n,
                                 int32_t pad_l, const float *w_first,
                                 ptrdiff_t w_row, ptrdiff_t w_tap, int32_t nkh,
                                 const float *bias, const float *res,
                                 float *out, const kiln_activation *act) {
  kiln_nhwc2_dw_row5(img_row, row_step, ch, wdt, ow_n, pad_l, w_first, w_row,
                     w_tap, nkh, bias, res, out, act, 2);
}

void kiln_avx2_conv_nhwc_depthwise(const kiln_conv_params *pr,
                                   const kiln_conv_geometry *g,
                                   const float *input, const float *weights,
                                   const float *bias, const float *residual,
                                   float *output) {
  const int32_t ch = g->ch, sw = pr->stride[1], dw = pr->dilation[1];
  const ptrdiff_t row_step = (ptrdiff_t)pr->dilation[0] * g->w * ch;
  const ptrdiff_t tap_step = (ptrdiff_t)dw * ch, px_step = (ptrdiff_t)sw * ch;
  const ptrdiff_t w_row = (ptrdiff_t)g->kw * g->m, w_tap = g->m;
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
      int32_t kh0, kh1;
      kiln_nhwc_tap_range(h0, pr->dilation[0], g->kh, g->h, &kh0, &kh1);
      const ptrdiff_t row_out = ((ptrdiff_t)n * g->oh + oh) * g->ow;
      /* The first kernel row inside the image, and its weights; a row with
       * none inside (only possible with huge padding) keeps the image start
       * and reads nothing. */
      const int32_t nkh = kh1 - kh0;
      const float *img_row =
          nkh > 0 ? img + (ptrdiff_t)(h0 + kh0 * pr->dilation[0]) * g->w * ch
                  : img;
      const float *w_first = weights + (ptrdiff_t)kh0 * w_row;
      /* 5 kernel columns at stride 1 or 2, dilation 1: the whole row,
       * edges included, through the sliding windows of kiln_nhwc2_dw_win. */
      if (g->kw == 5 && dw == 1 && (sw == 1 || sw == 2)) {
        (sw == 1 ? kiln_nhwc2_dw_row5s1 : kiln_nhwc2_dw_row5s2)(
            img_row, row_step, ch, g->w, g->ow, pr->pad[1], w_first, w_row,
            w_tap, nkh, bias, residual != NULL ? residual + row_out * ch : NULL,
            output + row_out * ch, &pr->act);
        continue;
      }
      /* 3x3, stride 1, every kernel row inside: the interior columns go
       * through the sliding window, channel block by channel block. */
      const int slide =
          g->kw == 3 && sw == 1 && dw == 1 && nkh == 3 && ow_hi > ow_lo;
      if (slide)
        for (int32_t c = 0; c < ch; c += 8) {
          const int32_t cnt = ch - c;
          const ptrdiff_t o = (row_out + ow_lo) * ch + c;
          kiln_nhwc2_dw3s1(img_row + (ptrdiff_t)(ow_lo - pr->pad[1]) * ch + c,
                           row_step, ch, ch, w_first + c, w_row, w_tap, cnt,
                           bias != NULL ? kiln_avx2_load_n(bias + c, cnt)
                                        : _mm256_setzero_ps(),
                           residual != NULL ? residual + o : NULL, output + o,
                           ow_hi - ow_lo, &pr->act);
        }
      int32_t ow = 0;
      while (ow < g->ow) {
        if (slide && ow == ow_lo) {
          ow = ow_hi;
          continue;
        }
        /* Four interior pixels at a time (3 or 5 kernel columns); single
         * pixels (edges with their taps in the padding skipped, the end of
         * the interior, other kernel widths) with four channel blocks side
         * by side. */
        const int interior = ow >= ow_lo && ow < ow_hi;
        const int32_t np =
            interior && ow + 4 <= ow_hi && (g->kw == 3 || g->kw == 5) ? 4 : 1;
        const int32_t w0 = ow * sw - pr->pad[1];
        if (np == 1) {
          int32_t kw0, kw1;
          kiln_nhwc_tap_range(w0, dw, g->kw, g->w, &kw0, &kw1);
          const ptrdiff_t o = (row_out + ow) * ch;
          kiln_nhwc2_dw_pixel(img_row, row_step, ch, w0, dw, kw0, kw1, w_first,
                              w_row, w_tap, nkh, bias,
                              residual != NULL ? residual + o : NULL,
                              output + o, &pr->act);
          ow += 1;
          continue;
        }
        const float *src = img_row + (ptrdiff_t)w0 * ch;
        for (int32_t c = 0; c < ch; c += 8) {
          const int32_t cnt = ch - c;
          const __m256 b0 = bias != NULL ? kiln_avx2_load_n(bias + c, cnt)
                                         : _mm256_setzero_ps();
          const float *wc = w_first + c;
          const ptrdiff_t o = (row_out + ow) * ch + c;
          const float *res = residual != NULL ? residual + o : NULL;
          if (g->kw == 3)
            kiln_nhwc2_dw(src + c, row_step, tap_step, px_step, wc, w_row,
                          w_tap, nkh, cnt, b0, res, output + o, ch, &pr->act, 3,
                          4);
          else
            kiln_nhwc2_dw(src + c, row_step, tap_step, px_step, wc, w_row,
                          w_tap, nkh, cnt, b0, res, output + o, ch, &pr->act, 5,
                          4);
        }
        ow += np;
      }
    }
  }
}

#endif /* KILN_HAVE_AVX2 */
