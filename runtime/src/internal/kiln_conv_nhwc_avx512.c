/* NHWC convolution, AVX-512: indirect GEMM over HWIO panels, depthwise
 * across channels. */
#include "kiln_avx512.h"
#include "kiln_nhwc.h"

#include <string.h>

#if KILN_HAVE_AVX512

#define KILN_NHWC512_MR 12
/* Taps per chunk: bounds the stack table of row pointers (6 KB). */
#define KILN_NHWC512_TAPS 64
/* Panel rows (128 bytes each) the tile prefetches ahead: 32 = 4 KB. In a
 * model the pre-packed weights come from memory on their first use;
 * prefetching them into L1 ahead of the loads made ResNet-18 6.4% faster
 * end to end (Zen 5; 8 rows 4%, 16 to 128 rows 6-7%). Past the chunk's last
 * row the prefetch touches the next chunk's rows of the same panel (or a
 * harmless address: prefetches never fault). Loads and FMAs are unchanged,
 * so are the bits. */
#define KILN_NHWC512_PF 32

/* acc[2r + h] += a_r[t][p] * panel[t][p][16h..16h+16) over ntaps taps of kc
 * channels each, for R output pixels (R = 12; 10 for the tiles of a 7x7 image,
 * 49 = 4 x 10 + 9, which 12-pixel tiles would leave a 1-pixel tail; 8 or 4
 * for other tails) and H 16-column halves
 * of the panel (2, or 1 for a panel of at most 16 columns: M = 16 layers and
 * the 16-column tail of M = 48, 80, 144, whose second half is all zero
 * padding and would double the FMAs): a_r[t] (ptrs[t * 12 + r]) is pixel
 * r's input for tap t, or zeros where the tap falls in the padding. R and H
 * are constants at each call, so the rows and halves past them fold away
 * and the H * R accumulators stay in registers across all taps of the
 * chunk. Each output's FMA sequence is the same for every (R, H), so the
 * variants agree bit for bit. */
static inline __attribute__((always_inline)) void
kiln_nhwc512_tile(int32_t ntaps, int32_t kc, const float *const *ptrs,
                  const float *panel, __m512 *acc, const int R, const int H) {
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
  __m512 c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00;
  __m512 c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
  __m512 c80 = c00, c81 = c00, c90 = c00, c91 = c00, ca0 = c00, ca1 = c00;
  __m512 cb0 = c00, cb1 = c00;
  for (int32_t t = 0; t < ntaps; ++t, ptrs += KILN_NHWC512_MR) {
    /* Rows past R alias row 0 and are never read. */
    const float *a0 = ptrs[0], *a1 = ptrs[1], *a2 = ptrs[2], *a3 = ptrs[3];
    const float *a4 = ptrs[R > 4 ? 4 : 0], *a5 = ptrs[R > 4 ? 5 : 0];
    const float *a6 = ptrs[R > 4 ? 6 : 0], *a7 = ptrs[R > 4 ? 7 : 0];
    const float *a8 = ptrs[R > 8 ? 8 : 0], *a9 = ptrs[R > 8 ? 9 : 0];
    const float *aa = ptrs[R > 10 ? 10 : 0], *ab = ptrs[R > 10 ? 11 : 0];
    for (int32_t p = 0; p < kc; ++p, panel += KILN_AVX512_NR) {
      const __m512 b0 = _mm512_load_ps(panel);
      const __m512 b1 = H > 1 ? _mm512_load_ps(panel + 16) : b0;
      /* Integer arithmetic: the address may lie past the weights array. */
      const uintptr_t pf = (uintptr_t)panel + KILN_NHWC512_PF * 128u;
      _mm_prefetch((const char *)pf, _MM_HINT_T0);
      if (H > 1)
        _mm_prefetch((const char *)(pf + 64u), _MM_HINT_T0);
#define KILN_NHWC512_ROW(r)                                                    \
  do {                                                                         \
    const __m512 x = _mm512_set1_ps(a##r[p]);                                  \
    c##r##0 = _mm512_fmadd_ps(x, b0, c##r##0);                                 \
    if (H > 1)                                                                 \
      c##r##1 = _mm512_fmadd_ps(x, b1, c##r##1);                               \
  } while (0)
      KILN_NHWC512_ROW(0);
      KILN_NHWC512_ROW(1);
      KILN_NHWC512_ROW(2);
      KILN_NHWC512_ROW(3);
      if (R > 4) {
        KILN_NHWC512_ROW(4);
        KILN_NHWC512_ROW(5);
        KILN_NHWC512_ROW(6);
        KILN_NHWC512_ROW(7);
      }
      if (R > 8) {
        KILN_NHWC512_ROW(8);
        KILN_NHWC512_ROW(9);
      }
      if (R > 10) {
        KILN_NHWC512_ROW(a);
        KILN_NHWC512_ROW(b);
      }
#undef KILN_NHWC512_ROW
    }
  }
  acc[0] = c00, acc[1] = c01, acc[2] = c10, acc[3] = c11;
  acc[4] = c20, acc[5] = c21, acc[6] = c30, acc[7] = c31;
  if (R <= 4)
    return;
  acc[8] = c40, acc[9] = c41, acc[10] = c50, acc[11] = c51;
  acc[12] = c60, acc[13] = c61, acc[14] = c70, acc[15] = c71;
  if (R <= 8)
    return;
  acc[16] = c80, acc[17] = c81, acc[18] = c90, acc[19] = c91;
  if (R <= 10)
    return;
  acc[20] = ca0, acc[21] = ca1, acc[22] = cb0, acc[23] = cb1;
}

/* kiln_nhwc_gemm_isa.pack, 32 columns wide. */
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

/* Adds the tile's rows [0, mr) to the output (kiln_nhwc_tile_job says how). */
static inline __attribute__((always_inline)) void
kiln_nhwc512_finish(const __m512 *acc, int32_t mr, int32_t nc, int first,
                    int last, const __m512 *bv, const float *residual,
                    float *out, int32_t ldo, const kiln_activation *act) {
  const __mmask16 mk[2] = {kiln_avx512_mask(nc), kiln_avx512_mask(nc - 16)};
  const int32_t halves = nc > 16 ? 2 : 1;
  for (int32_t r = 0; r < mr; ++r, out += ldo) {
    for (int32_t h = 0; h < halves; ++h) {
      __m512 v = acc[2 * r + h];
      if (!first)
        v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk[h], out + 16 * h));
      else if (residual != NULL)
        v = _mm512_add_ps(
            v, _mm512_maskz_loadu_ps(mk[h],
                                     residual + (ptrdiff_t)r * ldo + 16 * h));
      if (last)
        v = kiln_avx512_act(act, _mm512_add_ps(v, bv[h]));
      _mm512_mask_storeu_ps(out + 16 * h, mk[h], v);
    }
  }
}

static inline void kiln_nhwc512_bias(const float *bias, int32_t nc,
                                     __m512 *bv) {
  bv[0] = bv[1] = _mm512_setzero_ps();
  if (bias != NULL) {
    bv[0] = _mm512_maskz_loadu_ps(kiln_avx512_mask(nc), bias);
    bv[1] = _mm512_maskz_loadu_ps(kiln_avx512_mask(nc - 16), bias + 16);
  }
}

/* The activation with its kind a constant at the call (the epilogue's
 * switch is hoisted out of its row loop; inside it, the per-vector switch of
 * kiln_avx512_act was a compare and an indirect jump per store, a fifth of a
 * K = 16 tile's time). Same operations as kiln_avx512_act, so same bits. */
static inline __attribute__((always_inline)) __m512
kiln_nhwc512_act_k(const int kind, const kiln_activation *act, __m512 x) {
  switch (kind) {
  case KILN_ACT_NONE:
    return x;
  case KILN_ACT_RELU:
    return _mm512_max_ps(_mm512_setzero_ps(), x);
  case KILN_ACT_CLIP:
    return _mm512_min_ps(_mm512_set1_ps(act->max),
                         _mm512_max_ps(_mm512_set1_ps(act->min), x));
  default:
    return kiln_avx512_act(act, x);
  }
}

/* kiln_nhwc512_finish for a full tile (all R rows) of any chunk, R and H
 * constant so the accumulators stay in registers: partial sums of a later
 * chunk add onto the output, the residual enters with the first, bias and
 * activation come with the last (ResNet's 3x3 layers, K split into 256-deep
 * chunks), the same operations in the same order. A chunk that is both
 * first and last (all of K at once: the pointwise convs) passes them as
 * constants, and `kind` the activation kind (-1: read it from act at run
 * time), so no flag or activation switch is left in the loop. Only the last
 * half's stores (and loads) take the column mask (all ones for a full
 * panel; M = 24's panels of 24 columns need it). */
static inline __attribute__((always_inline)) void
kiln_nhwc512_store_tile(const __m512 *acc, const int R, const int H,
                        int first, int last, const int kind, int32_t nc,
                        const __m512 *bv, const float *residual, float *out,
                        int32_t ldo, const kiln_activation *act) {
  const __mmask16 ml = kiln_avx512_mask(nc - 16 * (H - 1));
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 2
    for (int h = 0; h < H; ++h) {
      float *o = out + (ptrdiff_t)r * ldo + 16 * h;
      __m512 v = acc[2 * r + h];
      if (!first)
        v = _mm512_add_ps(v, h == H - 1 ? _mm512_maskz_loadu_ps(ml, o)
                                        : _mm512_loadu_ps(o));
      else if (residual != NULL) {
        const float *q = residual + (ptrdiff_t)r * ldo + 16 * h;
        v = _mm512_add_ps(v, h == H - 1 ? _mm512_maskz_loadu_ps(ml, q)
                                        : _mm512_loadu_ps(q));
      }
      if (last)
        v = kiln_nhwc512_act_k(kind, act, _mm512_add_ps(v, bv[h]));
      if (h == H - 1)
        _mm512_mask_storeu_ps(o, ml, v);
      else
        _mm512_storeu_ps(o, v);
    }
}

/* The R x H tile and its finish: kiln_nhwc512_store_tile for a full tile
 * (in one chunk with constant flags and activation kind), else
 * kiln_nhwc512_finish. */
static inline __attribute__((always_inline)) void
kiln_nhwc512_tile_run(const kiln_nhwc_tile_job *j, const int R, const int H) {
  __m512 bv[2];
  kiln_nhwc512_bias(j->last ? j->bias : NULL, j->nc, bv);
  if (j->first && j->last && j->mr == R) {
    /* Its own copy of the multiply: acc never has its address taken on
     * this path, so it stays in registers (with one array for both paths,
     * GCC spilled all 24 accumulators before choosing the finish). */
    __m512 acc[2 * KILN_NHWC512_MR];
    kiln_nhwc512_tile(j->ntaps, j->kc, j->ptrs, j->panel, acc, R, H);
    switch (j->act->kind) {
    case KILN_ACT_NONE:
      kiln_nhwc512_store_tile(acc, R, H, 1, 1, KILN_ACT_NONE, j->nc, bv,
                              j->residual, j->out, j->ldo, j->act);
      return;
    case KILN_ACT_RELU:
      kiln_nhwc512_store_tile(acc, R, H, 1, 1, KILN_ACT_RELU, j->nc, bv,
                              j->residual, j->out, j->ldo, j->act);
      return;
    case KILN_ACT_CLIP:
      kiln_nhwc512_store_tile(acc, R, H, 1, 1, KILN_ACT_CLIP, j->nc, bv,
                              j->residual, j->out, j->ldo, j->act);
      return;
    default:
      kiln_nhwc512_store_tile(acc, R, H, 1, 1, -1, j->nc, bv, j->residual,
                              j->out, j->ldo, j->act);
      return;
    }
  }
  if (j->mr == R) {
    __m512 acc[2 * KILN_NHWC512_MR];
    kiln_nhwc512_tile(j->ntaps, j->kc, j->ptrs, j->panel, acc, R, H);
    kiln_nhwc512_store_tile(acc, R, H, j->first, j->last, -1, j->nc, bv,
                            j->residual, j->out, j->ldo, j->act);
    return;
  }
  __m512 acc[2 * KILN_NHWC512_MR];
  kiln_nhwc512_tile(j->ntaps, j->kc, j->ptrs, j->panel, acc, R, H);
  kiln_nhwc512_finish(acc, j->mr, j->nc, j->first, j->last, bv, j->residual,
                      j->out, j->ldo, j->act);
}

/* One function per (R, H) tile: in a single function holding all of them
 * GCC gave up on allocating registers loop by loop (IRA's limit on loops
 * per function) and spilled the 12-pixel tile's accumulators, which halved
 * ResNet-18's speed when the 10-pixel tile was added. */
#define KILN_NHWC512_TILE_FN(R, H)                                             \
  static __attribute__((noinline)) void kiln_nhwc512_tile_##R##x##H(          \
      const kiln_nhwc_tile_job *j) {                                           \
    kiln_nhwc512_tile_run(j, R, H);                                            \
  }
KILN_NHWC512_TILE_FN(12, 2)
KILN_NHWC512_TILE_FN(10, 2)
KILN_NHWC512_TILE_FN(8, 2)
KILN_NHWC512_TILE_FN(4, 2)
KILN_NHWC512_TILE_FN(12, 1)
KILN_NHWC512_TILE_FN(10, 1)
KILN_NHWC512_TILE_FN(8, 1)
#undef KILN_NHWC512_TILE_FN

/* kiln_nhwc_gemm_isa.tile: the 12-, 10-, 8- or 4-pixel tile over 32 or
 * (nc <= 16) 16 columns, then its finish (which reads only the rows and
 * halves the job covers). The 8-pixel tile serves tails of 5 to 8 pixels
 * over 32 columns (DS-CNN's 25x5 = 10 x 12 + 5): 16 accumulators, two thirds
 * of the 12-pixel tile's FMAs. Over 16 columns the 4-pixel tile's 4 chains
 * are bound by the FMA latency, so tails of 1 to 8 pixels all take the
 * 8-pixel one, which costs the same time. */
static void kiln_nhwc512_tile_job(const kiln_nhwc_tile_job *j) {
  if (j->nc > 16) {
    if (j->mr > 10)
      kiln_nhwc512_tile_12x2(j);
    else if (j->mr > 8)
      kiln_nhwc512_tile_10x2(j);
    else if (j->mr > 4)
      kiln_nhwc512_tile_8x2(j);
    else
      kiln_nhwc512_tile_4x2(j);
  } else {
    if (j->mr > 10)
      kiln_nhwc512_tile_12x1(j);
    else if (j->mr > 8)
      kiln_nhwc512_tile_10x1(j);
    else
      kiln_nhwc512_tile_8x1(j);
  }
}

/* kiln_nhwc_gemm_isa.tile_rows: the tile kiln_nhwc512_tile_job picks (the
 * 4-pixel one only serves 32 columns; counted as 4 all the same). */
static int32_t kiln_nhwc512_tile_rows(int32_t mr) {
  return mr > 10 ? 12 : mr > 8 ? 10 : mr > 4 ? 8 : 4;
}

static const kiln_nhwc_gemm_isa kiln_nhwc512_isa = {
    KILN_NHWC512_MR,       KILN_AVX512_NR, KILN_AVX512_KC, KILN_NHWC512_TAPS,
    kiln_nhwc512_pack,     kiln_nhwc512_tile_job,          64,
    kiln_nhwc512_tile_rows};

const kiln_nhwc_gemm_isa *kiln_avx512_nhwc_gemm_isa(void) {
  return &kiln_nhwc512_isa;
}

void kiln_avx512_conv_nhwc_gemm(const kiln_conv_params *pr,
                                const kiln_conv_geometry *g, const float *input,
                                const float *weights, const float *bias,
                                const float *residual, float *output) {
  _Alignas(64) float panel[KILN_AVX512_KC * KILN_AVX512_NR];
  _Alignas(64) float zeros[KILN_AVX512_KC];
  _Alignas(64) float edge[KILN_NHWC512_MR * KILN_AVX512_KC];
  const float *ptrs[KILN_NHWC512_TAPS * KILN_NHWC512_MR];
  kiln_internal_nhwc_gemm(&kiln_nhwc512_isa, pr, g, input, weights, bias,
                          residual, output, panel, zeros, edge, ptrs);
}

/* NP adjacent output pixels (px_step apart in the input) of one 16-channel
 * block, every tap inside the image: kernel rows [0, nkh), K columns, then
 * bias, residual and activation, stored. With K and NP constant the loops
 * unroll, the NP accumulators stay in registers and each weight vector is
 * loaded once for the NP pixels. */
static inline __attribute__((always_inline)) void
kiln_nhwc512_dw(const float *src, ptrdiff_t row_step, ptrdiff_t tap_step,
                ptrdiff_t px_step, const float *wts, ptrdiff_t w_row,
                ptrdiff_t w_tap, int32_t nkh, __mmask16 mk, __m512 b0,
                const float *res, float *out, ptrdiff_t out_step,
                const kiln_activation *act, const int K, const int NP) {
  __m512 acc[4];
#pragma GCC unroll 4
  for (int i = 0; i < NP; ++i)
    acc[i] = b0;
  for (int32_t kh = 0; kh < nkh; ++kh) {
    const float *row = src + kh * row_step;
    const float *wr = wts + kh * w_row;
#pragma GCC unroll 7
    for (int kw = 0; kw < K; ++kw) {
      const __m512 wv = _mm512_maskz_loadu_ps(mk, wr + kw * w_tap);
#pragma GCC unroll 4
      for (int i = 0; i < NP; ++i)
        acc[i] = _mm512_fmadd_ps(
            _mm512_maskz_loadu_ps(mk, row + kw * tap_step + i * px_step), wv,
            acc[i]);
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < NP; ++i) {
    __m512 v = acc[i];
    if (res != NULL)
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk, res + i * out_step));
    _mm512_mask_storeu_ps(out + i * out_step, mk, kiln_avx512_act(act, v));
  }
}

/* Output columns [ow0, ow1) of one row and 16-channel block of a 3x3,
 * stride-1 depthwise conv with all three kernel rows and every tap inside
 * the image: the nine weight vectors stay in registers and each input
 * vector is loaded once and used by the three outputs it feeds (a sliding
 * window), so a pixel costs three loads instead of nine. `src` is the input
 * at kernel row 0, column ow0's first tap. KIND >= 0: that activation,
 * as a constant, in the loop; -1: act in a second pass. */
static inline __attribute__((always_inline)) void
kiln_nhwc512_dw3s1_body(const float *src, ptrdiff_t row_step, ptrdiff_t px,
                        ptrdiff_t tap_step, const float *wts, ptrdiff_t w_row,
                        ptrdiff_t w_tap, __mmask16 mk, __m512 b0,
                        const float *res, float *out, int32_t count,
                        const kiln_activation *act, const int KIND) {
  const float *r0 = src, *r1 = src + row_step, *r2 = src + 2 * row_step;
  const __m512 w00 = _mm512_maskz_loadu_ps(mk, wts);
  const __m512 w01 = _mm512_maskz_loadu_ps(mk, wts + w_tap);
  const __m512 w02 = _mm512_maskz_loadu_ps(mk, wts + 2 * w_tap);
  const __m512 w10 = _mm512_maskz_loadu_ps(mk, wts + w_row);
  const __m512 w11 = _mm512_maskz_loadu_ps(mk, wts + w_row + w_tap);
  const __m512 w12 = _mm512_maskz_loadu_ps(mk, wts + w_row + 2 * w_tap);
  const __m512 w20 = _mm512_maskz_loadu_ps(mk, wts + 2 * w_row);
  const __m512 w21 = _mm512_maskz_loadu_ps(mk, wts + 2 * w_row + w_tap);
  const __m512 w22 = _mm512_maskz_loadu_ps(mk, wts + 2 * w_row + 2 * w_tap);
  /* Columns 0 and 1 of the window; dilation is tap_step / px apart. */
  __m512 a0 = _mm512_maskz_loadu_ps(mk, r0),
         a1 = _mm512_maskz_loadu_ps(mk, r0 + tap_step);
  __m512 b0v = _mm512_maskz_loadu_ps(mk, r1),
         b1 = _mm512_maskz_loadu_ps(mk, r1 + tap_step);
  __m512 c0 = _mm512_maskz_loadu_ps(mk, r2),
         c1 = _mm512_maskz_loadu_ps(mk, r2 + tap_step);
  for (int32_t i = 0; i < count; ++i) {
    const ptrdiff_t o = (ptrdiff_t)i * px;
    const __m512 a2 = _mm512_maskz_loadu_ps(mk, r0 + o + 2 * tap_step);
    const __m512 b2 = _mm512_maskz_loadu_ps(mk, r1 + o + 2 * tap_step);
    const __m512 c2 = _mm512_maskz_loadu_ps(mk, r2 + o + 2 * tap_step);
    /* The reference's tap order (row by row) in two chains. */
    __m512 acc = _mm512_fmadd_ps(a0, w00, b0);
    acc = _mm512_fmadd_ps(a1, w01, acc);
    acc = _mm512_fmadd_ps(a2, w02, acc);
    __m512 acc2 = _mm512_mul_ps(b0v, w10);
    acc2 = _mm512_fmadd_ps(b1, w11, acc2);
    acc2 = _mm512_fmadd_ps(b2, w12, acc2);
    acc2 = _mm512_fmadd_ps(c0, w20, acc2);
    acc2 = _mm512_fmadd_ps(c1, w21, acc2);
    acc2 = _mm512_fmadd_ps(c2, w22, acc2);
    __m512 v = _mm512_add_ps(acc, acc2);
    if (res != NULL)
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk, res + o));
    if (KIND >= 0) {
      kiln_activation a = *act;
      a.kind = (kiln_act_kind)KIND;
      v = kiln_avx512_act(&a, v);
    }
    _mm512_mask_storeu_ps(out + o, mk, v);
    a0 = a1, a1 = a2, b0v = b1, b1 = b2, c0 = c1, c1 = c2;
  }
  /* Other activations in a second pass over the (L1-resident) outputs:
   * their switch inside the loop above made the compiler spill the nine
   * weights and the window to the stack. */
  if (KIND < 0 && act->kind != KILN_ACT_NONE)
    for (int32_t i = 0; i < count; ++i) {
      float *q = out + (ptrdiff_t)i * px;
      _mm512_mask_storeu_ps(q, mk,
                            kiln_avx512_act(act, _mm512_maskz_loadu_ps(mk, q)));
    }
}

/* kiln_nhwc512_dw3s1_body with the common activations fused into its loop
 * as constants (none, ReLU, clip, SiLU): the second pass it needs
 * otherwise re-read every output and took a table jump per vector. Not
 * inlined: inlined into the driver next to the 5x5 row calls, the loop
 * measured 1.4x slower. */
static __attribute__((noinline)) void
kiln_nhwc512_dw3s1(const float *src, ptrdiff_t row_step, ptrdiff_t px,
                   ptrdiff_t tap_step, const float *wts, ptrdiff_t w_row,
                   ptrdiff_t w_tap, __mmask16 mk, __m512 b0, const float *res,
                   float *out, int32_t count, const kiln_activation *act) {
#define KILN_DW3S1(KIND)                                                       \
  kiln_nhwc512_dw3s1_body(src, row_step, px, tap_step, wts, w_row, w_tap, mk,  \
                          b0, res, out, count, act, KIND)
  switch (act->kind) {
  case KILN_ACT_NONE:
    KILN_DW3S1(KILN_ACT_NONE);
    break;
  case KILN_ACT_RELU:
    KILN_DW3S1(KILN_ACT_RELU);
    break;
  case KILN_ACT_CLIP:
    KILN_DW3S1(KILN_ACT_CLIP);
    break;
  case KILN_ACT_SILU:
    KILN_DW3S1(KILN_ACT_SILU);
    break;
  default:
    KILN_DW3S1(-1);
    break;
  }
#undef KILN_DW3S1
}

/* One output pixel (input column wi of kernel column 0) of CB adjacent
 * 16-channel blocks, kernel rows [0, nkh) and columns [kw0, kw1) (the taps
 * inside the image), then bias, residual and activation, stored. A pixel's
 * taps are one serial FMA chain per channel block (the reference's order),
 * so a pixel alone is bound by the FMA latency: the CB blocks' chains run
 * side by side instead (on a 7x7 map with a 5x5 kernel, 4 of 7 pixels per
 * row are edge pixels). mk[b] masks block b; `src`, `wc`, `bias`, `res` and
 * `out` are at the first block's channel. */
static inline __attribute__((always_inline)) void kiln_nhwc512_dw_px(
    const float *src, ptrdiff_t row_step, ptrdiff_t ch, int32_t wi, int32_t dw,
    int32_t kw0, int32_t kw1, const float *wc, ptrdiff_t w_row, ptrdiff_t w_tap,
    int32_t nkh, const __mmask16 *mk, const float *bias, const float *res,
    float *out, const kiln_activation *act, const int CB) {
  __m512 acc[4];
#pragma GCC unroll 4
  for (int b = 0; b < CB; ++b)
    acc[b] = bias != NULL ? _mm512_maskz_loadu_ps(mk[b], bias + 16 * b)
                          : _mm512_setzero_ps();
  for (int32_t kh = 0; kh < nkh; ++kh)
    for (int32_t kw = kw0; kw < kw1; ++kw) {
      const float *x = src + kh * row_step + (ptrdiff_t)(wi + kw * dw) * ch;
      const float *wv = wc + kh * w_row + kw * w_tap;
#pragma GCC unroll 4
      for (int b = 0; b < CB; ++b)
        acc[b] =
            _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mk[b], x + 16 * b),
                            _mm512_maskz_loadu_ps(mk[b], wv + 16 * b), acc[b]);
    }
#pragma GCC unroll 4
  for (int b = 0; b < CB; ++b) {
    __m512 v = acc[b];
    if (res != NULL)
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk[b], res + 16 * b));
    _mm512_mask_storeu_ps(out + 16 * b, mk[b], kiln_avx512_act(act, v));
  }
}

/* kiln_nhwc512_dw_px over all channels: four full blocks at a time, then
 * the remaining one to four (the last one masked). */
static void kiln_nhwc512_dw_pixel(const float *img_row, ptrdiff_t row_step,
                                  int32_t ch, int32_t wi, int32_t dw,
                                  int32_t kw0, int32_t kw1,
                                  const float *w_first, ptrdiff_t w_row,
                                  ptrdiff_t w_tap, int32_t nkh,
                                  const float *bias, const float *res,
                                  float *out, const kiln_activation *act) {
  int32_t c = 0;
  for (; c + 64 <= ch; c += 64) {
    const __mmask16 mk[4] = {0xffff, 0xffff, 0xffff, 0xffff};
    kiln_nhwc512_dw_px(img_row + c, row_step, ch, wi, dw, kw0, kw1, w_first + c,
                       w_row, w_tap, nkh, mk, bias != NULL ? bias + c : NULL,
                       res != NULL ? res + c : NULL, out + c, act, 4);
  }
  if (c == ch)
    return;
  const __mmask16 mk[4] = {
      kiln_avx512_mask(ch - c), kiln_avx512_mask(ch - c - 16),
      kiln_avx512_mask(ch - c - 32), kiln_avx512_mask(ch - c - 48)};
  const float *b = bias != NULL ? bias + c : NULL;
  const float *r = res != NULL ? res + c : NULL;
  if (ch - c > 48)
    kiln_nhwc512_dw_px(img_row + c, row_step, ch, wi, dw, kw0, kw1, w_first + c,
                       w_row, w_tap, nkh, mk, b, r, out + c, act, 4);
  else if (ch - c > 32)
    kiln_nhwc512_dw_px(img_row + c, row_step, ch, wi, dw, kw0, kw1, w_first + c,
                       w_row, w_tap, nkh, mk, b, r, out + c, act, 3);
  else if (ch - c > 16)
    kiln_nhwc512_dw_px(img_row + c, row_step, ch, wi, dw, kw0, kw1, w_first + c,
                       w_row, w_tap, nkh, mk, b, r, out + c, act, 2);
  else
    kiln_nhwc512_dw_px(img_row + c, row_step, ch, wi, dw, kw0, kw1, w_first + c,
                       w_row, w_tap, nkh, mk, b, r, out + c, act, 1);
}

/* NP adjacent output pixels of one row (S input columns apart) times CB
 * adjacent 16-channel blocks, K kernel columns at dilation 1, kernel rows
 * [0, nkh): for each kernel row its K x CB weight vectors are loaded once
 * into registers, and each input column of the window is loaded once and
 * fed to every pixel it is a tap of (a sliding window over pixels, at
 * stride 1 or 2): (NP - 1) * S + K loads per block and kernel row instead
 * of NP * K. The NP x CB accumulators are independent FMA chains (8 for
 * NP 4, CB 2), enough to cover the FMA latency that bounds a lone pixel;
 * NP 8 (16 chains) spilled accumulators and measured slower.
 * Each output still sums its taps in one chain, row by row, column by
 * column (the reference's order). CLIP 0: every window column is inside
 * the row. CLIP 1 (windows over the padding, the edge pixels): columns
 * outside [0, wdt) are skipped by a branch per column, the same each call,
 * so an edge pixel's taps are clipped as kiln_nhwc512_dw_pixel clips them
 * (and summed in the same order) while the inside columns are still loaded
 * once for all NP pixels. (Masking the padding columns instead, loads and
 * FMAs, made EfficientNet-B0's depthwise layers 6% slower.) `w0` is the
 * input column of pixel 0's kernel column 0; `src`, `wc`, `bias`, `res`
 * and `out` are at the first block's channel; mk[b] masks block b. */
static inline __attribute__((always_inline)) void
kiln_nhwc512_dw_win(const float *src, ptrdiff_t row_step, ptrdiff_t ch,
                    int32_t w0, int32_t wdt, const float *wc, ptrdiff_t w_row,
                    ptrdiff_t w_tap, int32_t nkh, const __mmask16 *mk,
                    const float *bias, const float *res, float *out,
                    const kiln_activation *act, const int K, const int S,
                    const int NP, const int CB, const int CLIP) {
  __m512 acc[8];
#pragma GCC unroll 4
  for (int i = 0; i < NP; ++i)
#pragma GCC unroll 4
    for (int b = 0; b < CB; ++b)
      acc[i * CB + b] = bias != NULL
                            ? _mm512_maskz_loadu_ps(mk[b], bias + 16 * b)
                            : _mm512_setzero_ps();
  for (int32_t kh = 0; kh < nkh; ++kh) {
    const float *row = src + kh * row_step;
    const float *wr = wc + kh * w_row;
    __m512 wv[5 * 2];
#pragma GCC unroll 8
    for (int kw = 0; kw < K; ++kw)
#pragma GCC unroll 4
      for (int b = 0; b < CB; ++b)
        wv[kw * CB + b] =
            _mm512_maskz_loadu_ps(mk[b], wr + kw * w_tap + 16 * b);
#pragma GCC unroll 32
    for (int j = 0; j < (NP - 1) * S + K; ++j) {
      if (CLIP && (uint32_t)(w0 + j) >= (uint32_t)wdt)
        continue;
#pragma GCC unroll 4
      for (int b = 0; b < CB; ++b) {
        const __m512 x = _mm512_maskz_loadu_ps(
            mk[b], row + (ptrdiff_t)(w0 + j) * ch + 16 * b);
#pragma GCC unroll 4
        for (int i = 0; i < NP; ++i) {
          const int kw = j - i * S;
          if (kw >= 0 && kw < K)
            acc[i * CB + b] =
                _mm512_fmadd_ps(x, wv[kw * CB + b], acc[i * CB + b]);
        }
      }
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < NP; ++i)
#pragma GCC unroll 4
    for (int b = 0; b < CB; ++b) {
      __m512 v = acc[i * CB + b];
      if (res != NULL)
        v = _mm512_add_ps(
            v, _mm512_maskz_loadu_ps(mk[b], res + (ptrdiff_t)i * ch + 16 * b));
      _mm512_mask_storeu_ps(out + (ptrdiff_t)i * ch + 16 * b, mk[b],
                            kiln_avx512_act(act, v));
    }
}

/* One output row of a K-column, stride-S, dilation-1 depthwise conv through
 * kiln_nhwc512_dw_win: 4 or 2 pixels at a time by two channel blocks
 * (one for a last block of 16 or fewer channels), windows inside the row
 * first, then windows over its edges with the padding columns clipped (on
 * a 7x7 map with a 5x5 kernel 4 of 7 pixels are edge pixels; one at a
 * time through kiln_nhwc512_dw_pixel each loaded all of its taps and
 * weights), and kiln_nhwc512_dw_pixel for a last single pixel. `img_row`
 * is the input at the first kernel row inside the image, column 0,
 * channel 0. */
static inline __attribute__((always_inline)) void kiln_nhwc512_dw_rowks(
    const float *img_row, ptrdiff_t row_step, int32_t ch, int32_t wdt,
    int32_t ow_n, int32_t pad_l, const float *w_first, ptrdiff_t w_row,
    ptrdiff_t w_tap, int32_t nkh, const float *bias, const float *res,
    float *out, const kiln_activation *act, const int K, const int S) {
  int32_t ow = 0;
  while (ow < ow_n) {
    const int32_t w0 = ow * S - pad_l;
    int clip;
    const int32_t np = kiln_nhwc_dw_step(ow, ow_n, S, K, pad_l, wdt, &clip);
    const ptrdiff_t o = (ptrdiff_t)ow * ch;
    if (np == 1) {
      int32_t kw0, kw1;
      kiln_nhwc_tap_range(w0, 1, K, wdt, &kw0, &kw1);
      kiln_nhwc512_dw_pixel(img_row, row_step, ch, w0, 1, kw0, kw1, w_first,
                            w_row, w_tap, nkh, bias,
                            res != NULL ? res + o : NULL, out + o, act);
      ow += 1;
      continue;
    }
    for (int32_t c = 0; c < ch; c += 32) {
      const __mmask16 mk[2] = {kiln_avx512_mask(ch - c),
                               kiln_avx512_mask(ch - c - 16)};
      const float *b = bias != NULL ? bias + c : NULL;
      const float *r = res != NULL ? res + o + c : NULL;
      const float *x = img_row + c;
      const float *wc = w_first + c;
      float *y = out + o + c;
#define KILN_DW_WIN(NP, CB, CLIP)                                              \
  kiln_nhwc512_dw_win(x, row_step, ch, w0, wdt, wc, w_row, w_tap, nkh, mk, b,  \
                      r, y, act, K, S, NP, CB, CLIP)
      if (ch - c > 16) {
        if (np == 4)
          clip ? KILN_DW_WIN(4, 2, 1) : KILN_DW_WIN(4, 2, 0);
        else
          clip ? KILN_DW_WIN(2, 2, 1) : KILN_DW_WIN(2, 2, 0);
      } else {
        if (np == 4)
          clip ? KILN_DW_WIN(4, 1, 1) : KILN_DW_WIN(4, 1, 0);
        else
          clip ? KILN_DW_WIN(2, 1, 1) : KILN_DW_WIN(2, 1, 0);
      }
#undef KILN_DW_WIN
    }
    ow += np;
  }
}

/* The 5x5 instances, out of line so each row's loop is compiled once. (3x3
 * at stride 2 measured the same as the four-pixel kernel below, and 3x3 at
 * stride 1 slower than kiln_nhwc512_dw3s1, so they keep those.) */
#define KILN_NHWC512_DW_ROW(NAME, K, S)                                        \
  static void NAME(const float *img_row, ptrdiff_t row_step, int32_t ch,       \
                   int32_t wdt, int32_t ow_n, int32_t pad_l,                   \
                   const float *w_first, ptrdiff_t w_row, ptrdiff_t w_tap,     \
                   int32_t nkh, const float *bias, const float *res,           \
                   float *out, const kiln_activation *act) {                   \
    kiln_nhwc512_dw_rowks(img_row, row_step, ch, wdt, ow_n, pad_l, w_first,    \
                          w_row, w_tap, nkh, bias, res, out, act, K, S);       \
  }
KILN_NHWC512_DW_ROW(kiln_nhwc512_dw_row5s1, 5, 1)
KILN_NHWC512_DW_ROW(kiln_nhwc512_dw_row5s2, 5, 2)
#undef KILN_NHWC512_DW_ROW

void kiln_avx512_conv_nhwc_depthwise(const kiln_conv_params *pr,
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
       * edges included, through the sliding windows of
       * kiln_nhwc512_dw_win. */
      if (g->kw == 5 && dw == 1 && (sw == 1 || sw == 2)) {
        (sw == 1 ? kiln_nhwc512_dw_row5s1 : kiln_nhwc512_dw_row5s2)(
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
        for (int32_t c = 0; c < ch; c += 16) {
          const __mmask16 mk = kiln_avx512_mask(ch - c);
          const ptrdiff_t o = (row_out + ow_lo) * ch + c;
          kiln_nhwc512_dw3s1(img_row + (ptrdiff_t)(ow_lo - pr->pad[1]) * ch + c,
                             row_step, ch, ch, w_first + c, w_row, w_tap, mk,
                             bias != NULL ? _mm512_maskz_loadu_ps(mk, bias + c)
                                          : _mm512_setzero_ps(),
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
         * the interior, other kernel widths) with all channel blocks side
         * by side. */
        const int interior = ow >= ow_lo && ow < ow_hi;
        const int32_t np =
            interior && ow + 4 <= ow_hi && (g->kw == 3 || g->kw == 5) ? 4 : 1;
        const int32_t w0 = ow * sw - pr->pad[1];
        if (np == 1) {
          int32_t kw0, kw1;
          kiln_nhwc_tap_range(w0, dw, g->kw, g->w, &kw0, &kw1);
          const ptrdiff_t o = (row_out + ow) * ch;
          kiln_nhwc512_dw_pixel(img_row, row_step, ch, w0, dw, kw0, kw1,
                                w_first, w_row, w_tap, nkh, bias,
                                residual != NULL ? residual + o : NULL,
                                output + o, &pr->act);
          ow += 1;
          continue;
        }
        const float *src = img_row + (ptrdiff_t)w0 * ch;
        for (int32_t c = 0; c < ch; c += 16) {
          const __mmask16 mk = kiln_avx512_mask(ch - c);
          const __m512 b0 = bias != NULL ? _mm512_maskz_loadu_ps(mk, bias + c)
                                         : _mm512_setzero_ps();
          const float *wc = w_first + c;
          const ptrdiff_t o = (row_out + ow) * ch + c;
          const float *res = residual != NULL ? residual + o : NULL;
          if (g->kw == 3)
            kiln_nhwc512_dw(src + c, row_step, tap_step, px_step, wc, w_row,
                            w_tap, nkh, mk, b0, res, output + o, ch, &pr->act,
                            3, 4);
          else
            kiln_nhwc512_dw(src + c, row_step, tap_step, px_step, wc, w_row,
                            w_tap, nkh, mk, b0, res, output + o, ch, &pr->act,
                            5, 4);
        }
        ow += np;
      }
    }
  }
}

#endif /* KILN_HAVE_AVX512 */
