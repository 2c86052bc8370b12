/* The AVX-512 GEMM core: 12x32 register tiles over a packed B panel. */
#include "kiln_avx512.h"

#if KILN_HAVE_AVX512

#define KILN_AVX512_MR 12

__m512 kiln_avx512_act_slow(const kiln_activation *act, __m512 x) {
  const __m256 lo = kiln_avx2_act(act, _mm512_castps512_ps256(x));
  const __m256 hi = kiln_avx2_act(act, _mm512_extractf32x8_ps(x, 1));
  return _mm512_insertf32x8(_mm512_castps256_ps512(lo), hi, 1);
}

/* One k step of row r: broadcast a_r[p], two FMAs into the row's zmm pair. */
#define KILN_AVX512_ROW(r)                                                     \
  do {                                                                         \
    const __m512 ar = _mm512_set1_ps(rows[r][off]);                            \
    c##r##0 = _mm512_fmadd_ps(ar, b0, c##r##0);                                \
    c##r##1 = _mm512_fmadd_ps(ar, b1, c##r##1);                                \
  } while (0)

#define KILN_AVX512_ZERO(r)                                                    \
  __m512 c##r##0 = _mm512_setzero_ps(), c##r##1 = _mm512_setzero_ps()
#define KILN_AVX512_OUT(r) acc[2 * (r)] = c##r##0, acc[2 * (r) + 1] = c##r##1

/* acc[2r], acc[2r+1] += a_r[p] * panel[p][0..32) for rows r < MR, where MR
 * is 12, 8 or 4 (the smallest that covers the tile): 24 accumulators, two B
 * vectors and one broadcast use 27 of the 32 zmm registers. Each size has its
 * own loop so the accumulators stay in registers. */
static void kiln_avx512_tile12(int32_t kc, const float *const *rows,
                               int32_t a_col, const float *panel, __m512 *acc) {
  KILN_AVX512_ZERO(0);
  KILN_AVX512_ZERO(1);
  KILN_AVX512_ZERO(2);
  KILN_AVX512_ZERO(3);
  KILN_AVX512_ZERO(4);
  KILN_AVX512_ZERO(5);
  KILN_AVX512_ZERO(6);
  KILN_AVX512_ZERO(7);
  KILN_AVX512_ZERO(8);
  KILN_AVX512_ZERO(9);
  KILN_AVX512_ZERO(10);
  KILN_AVX512_ZERO(11);
  ptrdiff_t off = 0;
  for (int32_t p = 0; p < kc; ++p, off += a_col) {
    const __m512 b0 = _mm512_load_ps(panel);
    const __m512 b1 = _mm512_load_ps(panel + 16);
    panel += KILN_AVX512_NR;
    KILN_AVX512_ROW(0);
    KILN_AVX512_ROW(1);
    KILN_AVX512_ROW(2);
    KILN_AVX512_ROW(3);
    KILN_AVX512_ROW(4);
    KILN_AVX512_ROW(5);
    KILN_AVX512_ROW(6);
    KILN_AVX512_ROW(7);
    KILN_AVX512_ROW(8);
    KILN_AVX512_ROW(9);
    KILN_AVX512_ROW(10);
    KILN_AVX512_ROW(11);
  }
  KILN_AVX512_OUT(0);
  KILN_AVX512_OUT(1);
  KILN_AVX512_OUT(2);
  KILN_AVX512_OUT(3);
  KILN_AVX512_OUT(4);
  KILN_AVX512_OUT(5);
  KILN_AVX512_OUT(6);
  KILN_AVX512_OUT(7);
  KILN_AVX512_OUT(8);
  KILN_AVX512_OUT(9);
  KILN_AVX512_OUT(10);
  KILN_AVX512_OUT(11);
}

static void kiln_avx512_tile8(int32_t kc, const float *const *rows,
                              int32_t a_col, const float *panel, __m512 *acc) {
  KILN_AVX512_ZERO(0);
  KILN_AVX512_ZERO(1);
  KILN_AVX512_ZERO(2);
  KILN_AVX512_ZERO(3);
  KILN_AVX512_ZERO(4);
  KILN_AVX512_ZERO(5);
  KILN_AVX512_ZERO(6);
  KILN_AVX512_ZERO(7);
  ptrdiff_t off = 0;
  for (int32_t p = 0; p < kc; ++p, off += a_col) {
    const __m512 b0 = _mm512_load_ps(panel);
    const __m512 b1 = _mm512_load_ps(panel + 16);
    panel += KILN_AVX512_NR;
    KILN_AVX512_ROW(0);
    KILN_AVX512_ROW(1);
    KILN_AVX512_ROW(2);
    KILN_AVX512_ROW(3);
    KILN_AVX512_ROW(4);
    KILN_AVX512_ROW(5);
    KILN_AVX512_ROW(6);
    KILN_AVX512_ROW(7);
  }
  KILN_AVX512_OUT(0);
  KILN_AVX512_OUT(1);
  KILN_AVX512_OUT(2);
  KILN_AVX512_OUT(3);
  KILN_AVX512_OUT(4);
  KILN_AVX512_OUT(5);
  KILN_AVX512_OUT(6);
  KILN_AVX512_OUT(7);
}

static void kiln_avx512_tile4(int32_t kc, const float *const *rows,
                              int32_t a_col, const float *panel, __m512 *acc) {
  KILN_AVX512_ZERO(0);
  KILN_AVX512_ZERO(1);
  KILN_AVX512_ZERO(2);
  KILN_AVX512_ZERO(3);
  ptrdiff_t off = 0;
  for (int32_t p = 0; p < kc; ++p, off += a_col) {
    const __m512 b0 = _mm512_load_ps(panel);
    const __m512 b1 = _mm512_load_ps(panel + 16);
    panel += KILN_AVX512_NR;
    KILN_AVX512_ROW(0);
    KILN_AVX512_ROW(1);
    KILN_AVX512_ROW(2);
    KILN_AVX512_ROW(3);
  }
  KILN_AVX512_OUT(0);
  KILN_AVX512_OUT(1);
  KILN_AVX512_OUT(2);
  KILN_AVX512_OUT(3);
}

/* One k step of row r for a panel of at most 16 columns: one FMA. */
#define KILN_AVX512_ROW16(r)                                                   \
  c##r##0 = _mm512_fmadd_ps(_mm512_set1_ps(rows[r][off]), b0, c##r##0)
#define KILN_AVX512_ZERO16(r) __m512 c##r##0 = _mm512_setzero_ps()
#define KILN_AVX512_OUT16(r) acc[2 * (r)] = c##r##0

/* The last panel of a width that is not a multiple of 32 (ResNet's 14x14 =
 * 196 columns end in a panel of 4) computes only the first 16 columns:
 * acc[2r] for rows r < 12; acc[2r + 1] is left unset, and finish_tile does
 * not read it for nc <= 16. */
static void kiln_avx512_tile12_n16(int32_t kc, const float *const *rows,
                                   int32_t a_col, const float *panel,
                                   __m512 *acc) {
  KILN_AVX512_ZERO16(0);
  KILN_AVX512_ZERO16(1);
  KILN_AVX512_ZERO16(2);
  KILN_AVX512_ZERO16(3);
  KILN_AVX512_ZERO16(4);
  KILN_AVX512_ZERO16(5);
  KILN_AVX512_ZERO16(6);
  KILN_AVX512_ZERO16(7);
  KILN_AVX512_ZERO16(8);
  KILN_AVX512_ZERO16(9);
  KILN_AVX512_ZERO16(10);
  KILN_AVX512_ZERO16(11);
  ptrdiff_t off = 0;
  for (int32_t p = 0; p < kc; ++p, off += a_col) {
    const __m512 b0 = _mm512_load_ps(panel);
    panel += KILN_AVX512_NR;
    KILN_AVX512_ROW16(0);
    KILN_AVX512_ROW16(1);
    KILN_AVX512_ROW16(2);
    KILN_AVX512_ROW16(3);
    KILN_AVX512_ROW16(4);
    KILN_AVX512_ROW16(5);
    KILN_AVX512_ROW16(6);
    KILN_AVX512_ROW16(7);
    KILN_AVX512_ROW16(8);
    KILN_AVX512_ROW16(9);
    KILN_AVX512_ROW16(10);
    KILN_AVX512_ROW16(11);
  }
  KILN_AVX512_OUT16(0);
  KILN_AVX512_OUT16(1);
  KILN_AVX512_OUT16(2);
  KILN_AVX512_OUT16(3);
  KILN_AVX512_OUT16(4);
  KILN_AVX512_OUT16(5);
  KILN_AVX512_OUT16(6);
  KILN_AVX512_OUT16(7);
  KILN_AVX512_OUT16(8);
  KILN_AVX512_OUT16(9);
  KILN_AVX512_OUT16(10);
  KILN_AVX512_OUT16(11);
}

/* The C term of Gemm for 16 columns, whatever its broadcast strides. */
static inline __m512 kiln_avx512_load_add(const kiln_avx2_epilogue *ep,
                                          int32_t i, int32_t j, int32_t nc) {
  const float *src =
      ep->add + (ptrdiff_t)i * ep->add_row + (ptrdiff_t)j * ep->add_col;
  if (ep->add_col == 1)
    return _mm512_maskz_loadu_ps(kiln_avx512_mask(nc), src);
  if (ep->add_col == 0)
    return _mm512_set1_ps(*src);
  float lanes[16] = {0};
  for (int32_t l = 0; l < nc && l < 16; ++l)
    lanes[l] = src[(ptrdiff_t)l * ep->add_col];
  return _mm512_loadu_ps(lanes);
}

/* Stores rows [0, mr) of a finished or partial tile. `first`/`last` say
 * which k-chunk this is: later chunks add onto what earlier ones stored. */
static void kiln_avx512_finish_tile(const __m512 *acc, int32_t i0, int32_t mr,
                                    int32_t j0, int32_t nc, int first, int last,
                                    float *c, int32_t ldc,
                                    const kiln_avx2_epilogue *ep) {
  const __mmask16 mask[2] = {kiln_avx512_mask(nc), kiln_avx512_mask(nc - 16)};
  const int halves = nc > 16 ? 2 : 1;
  for (int32_t r = 0; r < mr; ++r) {
    const int32_t i = i0 + r;
    float *crow = c + (ptrdiff_t)i * ldc + j0;
    for (int h = 0; h < halves; ++h) {
      __m512 v = acc[2 * r + h];
      if (!first)
        v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask[h], crow + 16 * h));
      else if (ep->residual != NULL)
        v = _mm512_add_ps(
            v, _mm512_maskz_loadu_ps(mask[h], ep->residual +
                                                  (ptrdiff_t)i * ep->res_ld +
                                                  j0 + 16 * h));
      if (last) {
        if (ep->alpha != 1.0f)
          v = _mm512_mul_ps(v, _mm512_set1_ps(ep->alpha));
        if (ep->add != NULL)
          v = _mm512_fmadd_ps(
              _mm512_set1_ps(ep->add_scale),
              kiln_avx512_load_add(ep, i, j0 + 16 * h, nc - 16 * h), v);
        if (ep->row_bias != NULL)
          v = _mm512_add_ps(v, _mm512_set1_ps(ep->row_bias[i]));
        if (ep->act != NULL)
          v = kiln_avx512_act(ep->act, v);
      }
      _mm512_mask_storeu_ps(crow + 16 * h, mask[h], v);
    }
  }
}

/* Rows of A whose k-chunk (KILN_AVX512_KC floats each) stays in L2 while
 * every B panel of that chunk streams past: about 240 KB. */
#define KILN_AVX512_MC_MAX 240

void kiln_avx512_gemm(int32_t m, int32_t n, int32_t k, const float *a,
                      int32_t a_row, int32_t a_col, kiln_avx2_pack_b_fn pack_b,
                      const void *b_ctx, float *c, int32_t ldc,
                      const kiln_avx2_epilogue *ep) {
  _Alignas(64) float panel[KILN_AVX512_KC * KILN_AVX512_NR];
  /* Loop order: row block, k-chunk, column panel, row tile. A row block's
   * k-chunk is read once from memory and reused from L2 by every column
   * panel; the B panel is packed once per (row block, chunk, panel) and
   * reused from L1 by every tile of the block. With j outermost (as
   * before), a layer with more weights than L2 (ResNet-18's 3x3 convs of
   * 256 and 512 channels: 2.4 and 9.4 MB) streamed all of A from L3 or
   * memory once per 32-column panel. Each C tile still receives its
   * k-chunks in order, so `first`/`last` mean what they did. */
  const int32_t blocks = (m + KILN_AVX512_MC_MAX - 1) / KILN_AVX512_MC_MAX;
  int32_t mc = blocks > 0 ? (m + blocks - 1) / blocks : 1;
  mc = (mc + KILN_AVX512_MR - 1) / KILN_AVX512_MR * KILN_AVX512_MR;
  for (int32_t m0 = 0; m0 < m; m0 += mc) {
    const int32_t m1 = m - m0 < mc ? m : m0 + mc;
    /* k == 0 still runs one (empty) chunk so the epilogue is applied. */
    for (int32_t p0 = 0;; p0 += KILN_AVX512_KC) {
      const int32_t kc = k - p0 < KILN_AVX512_KC ? k - p0 : KILN_AVX512_KC;
      const int first = p0 == 0, last = p0 + kc >= k;
      for (int32_t j0 = 0; j0 < n; j0 += KILN_AVX512_NR) {
        const int32_t nc = n - j0 < KILN_AVX512_NR ? n - j0 : KILN_AVX512_NR;
        pack_b(b_ctx, p0, kc, j0, nc, KILN_AVX512_NR, panel);
        for (int32_t i0 = m0; i0 < m1; i0 += KILN_AVX512_MR) {
          const int32_t mr =
              m1 - i0 < KILN_AVX512_MR ? m1 - i0 : KILN_AVX512_MR;
          /* Rows past the block re-read its last row: wasted lanes, never
           * bad reads. */
          const float *rows[KILN_AVX512_MR];
          for (int32_t r = 0; r < KILN_AVX512_MR; ++r)
            rows[r] = a + (ptrdiff_t)(i0 + (r < mr ? r : mr - 1)) * a_row +
                      (ptrdiff_t)p0 * a_col;
          __m512 acc[2 * KILN_AVX512_MR];
          if (nc <= 16)
            kiln_avx512_tile12_n16(kc, rows, a_col, panel, acc);
          else if (mr > 8)
            kiln_avx512_tile12(kc, rows, a_col, panel, acc);
          else if (mr > 4)
            kiln_avx512_tile8(kc, rows, a_col, panel, acc);
          else
            kiln_avx512_tile4(kc, rows, a_col, panel, acc);
          kiln_avx512_finish_tile(acc, i0, mr, j0, nc, first, last, c, ldc, ep);
        }
      }
      if (last)
        break;
    }
  }
}

#endif /* KILN_HAVE_AVX512 */
