/* The AVX2/FMA GEMM core: 6x16 register tiles over a packed B panel. */
#include "kiln_avx2.h"

#if KILN_HAVE_AVX2
#include <string.h>

#define KILN_AVX2_MR 6

void kiln_avx2_pack_strided_b(const void *ctx, int32_t p0, int32_t kc,
                              int32_t j0, int32_t nc, int32_t nr,
                              float *panel) {
  const kiln_avx2_strided_b *s = (const kiln_avx2_strided_b *)ctx;
  const float *b = s->b + (ptrdiff_t)p0 * s->row + (ptrdiff_t)j0 * s->col;
  if (s->col == 1) {
    /* Row-major B: each panel row is a contiguous run of nc floats. */
    for (int32_t p = 0; p < kc; ++p) {
      const float *src = b + (ptrdiff_t)p * s->row;
      float *dst = panel + (ptrdiff_t)p * nr;
      int32_t j = 0;
      for (; j + 8 <= nc; j += 8)
        _mm256_storeu_ps(dst + j, _mm256_loadu_ps(src + j));
      if (j < nr)
        _mm256_storeu_ps(dst + j, kiln_avx2_load_n(src + j, nc - j));
      for (j += 8; j < nr; j += 8)
        _mm256_storeu_ps(dst + j, _mm256_setzero_ps());
    }
    return;
  }
  if (s->row == 1) {
    /* Transposed B (Gemm trans_b): walk each column's contiguous k run, so
     * the reads stream and only the L1-resident panel is written strided. */
    for (int32_t j = 0; j < nr; ++j) {
      const float *src = b + (ptrdiff_t)j * s->col;
      for (int32_t p = 0; p < kc; ++p)
        panel[(ptrdiff_t)p * nr + j] = j < nc ? src[p] : 0.0f;
    }
    return;
  }
  for (int32_t p = 0; p < kc; ++p) {
    const float *src = b + (ptrdiff_t)p * s->row;
    float *dst = panel + (ptrdiff_t)p * nr;
    int32_t j = 0;
    for (; j < nc; ++j)
      dst[j] = src[(ptrdiff_t)j * s->col];
    for (; j < nr; ++j)
      dst[j] = 0.0f;
  }
}

/* acc[2r], acc[2r+1] += a_r[p] * panel[p][0..16) for the 6 rows. Kept to one
 * loop body so the 12 accumulators stay in ymm registers. */
static inline void kiln_avx2_tile(int32_t kc, const float *const *rows,
                                  int32_t a_col, const float *panel,
                                  __m256 *acc) {
  const float *a0 = rows[0], *a1 = rows[1], *a2 = rows[2];
  const float *a3 = rows[3], *a4 = rows[4], *a5 = rows[5];
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int32_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_load_ps(panel);
    const __m256 b1 = _mm256_load_ps(panel + 8);
    panel += KILN_AVX2_NR;
    __m256 a = _mm256_broadcast_ss(a0);
    c00 = _mm256_fmadd_ps(a, b0, c00);
    c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(a1);
    c10 = _mm256_fmadd_ps(a, b0, c10);
    c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(a2);
    c20 = _mm256_fmadd_ps(a, b0, c20);
    c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(a3);
    c30 = _mm256_fmadd_ps(a, b0, c30);
    c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(a4);
    c40 = _mm256_fmadd_ps(a, b0, c40);
    c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(a5);
    c50 = _mm256_fmadd_ps(a, b0, c50);
    c51 = _mm256_fmadd_ps(a, b1, c51);
    a0 += a_col, a1 += a_col, a2 += a_col;
    a3 += a_col, a4 += a_col, a5 += a_col;
  }
  acc[0] = c00, acc[1] = c01, acc[2] = c10, acc[3] = c11;
  acc[4] = c20, acc[5] = c21, acc[6] = c30, acc[7] = c31;
  acc[8] = c40, acc[9] = c41, acc[10] = c50, acc[11] = c51;
}

/* The C term of Gemm for 8 columns, whatever its broadcast strides. */
static inline __m256 kiln_avx2_load_add(const kiln_avx2_epilogue *ep, int32_t i,
                                        int32_t j, int32_t nc) {
  const float *src =
      ep->add + (ptrdiff_t)i * ep->add_row + (ptrdiff_t)j * ep->add_col;
  if (ep->add_col == 1)
    return kiln_avx2_load_n(src, nc);
  if (ep->add_col == 0)
    return _mm256_broadcast_ss(src);
  float lanes[8] = {0};
  for (int32_t l = 0; l < nc && l < 8; ++l)
    lanes[l] = src[(ptrdiff_t)l * ep->add_col];
  return _mm256_loadu_ps(lanes);
}

/* Stores one finished or partial 6x16 tile. `first`/`last` say which k-chunk
 * this is: later chunks add onto what earlier ones stored in c. */
static void kiln_avx2_finish_tile(__m256 *acc, int32_t i0, int32_t mr,
                                  int32_t j0, int32_t nc, int first, int last,
                                  float *c, int32_t ldc,
                                  const kiln_avx2_epilogue *ep) {
  for (int32_t r = 0; r < mr; ++r) {
    const int32_t i = i0 + r;
    float *crow = c + (ptrdiff_t)i * ldc + j0;
    for (int32_t h = 0; h < 2; ++h) {
      const int32_t ncols = nc - 8 * h;
      if (ncols <= 0)
        break;
      __m256 v = acc[2 * r + h];
      if (!first)
        v = _mm256_add_ps(v, kiln_avx2_load_n(crow + 8 * h, ncols));
      else if (ep->residual != NULL)
        v = _mm256_add_ps(
            v,
            kiln_avx2_load_n(
                ep->residual + (ptrdiff_t)i * ep->res_ld + j0 + 8 * h, ncols));
      if (last) {
        if (ep->alpha != 1.0f)
          v = _mm256_mul_ps(v, _mm256_set1_ps(ep->alpha));
        if (ep->add != NULL)
          v = _mm256_fmadd_ps(_mm256_set1_ps(ep->add_scale),
                              kiln_avx2_load_add(ep, i, j0 + 8 * h, ncols), v);
        if (ep->row_bias != NULL)
          v = _mm256_add_ps(v, _mm256_broadcast_ss(ep->row_bias + i));
        if (ep->act != NULL)
          v = kiln_avx2_act(ep->act, v);
      }
      kiln_avx2_store_n(crow + 8 * h, v, ncols);
    }
  }
}

__m256 kiln_avx2_act_slow(const kiln_activation *act, __m256 x) {
  switch (act->kind) {
  case KILN_ACT_TANH:
    return kiln_avx2_tanh(x);
  case KILN_ACT_GELU:
    return kiln_avx2_gelu(x);
  default:
    /* Only tanh and gelu come here; an unknown kind is the identity, as in
     * kiln_act_apply. */
    return x;
  }
}

/* Sum of each of the 8 vectors' lanes, in lane order. */
static inline __m256 kiln_avx2_reduce8(const __m256 *v) {
  const __m256 s01 = _mm256_hadd_ps(v[0], v[1]);
  const __m256 s23 = _mm256_hadd_ps(v[2], v[3]);
  const __m256 s45 = _mm256_hadd_ps(v[4], v[5]);
  const __m256 s67 = _mm256_hadd_ps(v[6], v[7]);
  const __m256 s0123 = _mm256_hadd_ps(s01, s23);
  const __m256 s4567 = _mm256_hadd_ps(s45, s67);
  return _mm256_add_ps(_mm256_permute2f128_ps(s0123, s4567, 0x20),
                       _mm256_permute2f128_ps(s0123, s4567, 0x31));
}

void kiln_avx2_gemm_bt_rows(int32_t m, int32_t n, int32_t k, const float *a,
                            int32_t lda, const float *b, int32_t ldb, float *c,
                            int32_t ldc, const kiln_avx2_epilogue *ep) {
  for (int32_t i = 0; i < m; ++i) {
    const float *ai = a + (ptrdiff_t)i * lda;
    for (int32_t j0 = 0; j0 < n; j0 += 8) {
      const int32_t nc = n - j0 < 8 ? n - j0 : 8;
      /* Eight rows of B^T stream side by side; rows past n repeat the
       * last one and are not stored. */
      const float *bj[8];
      for (int32_t t = 0; t < 8; ++t)
        bj[t] = b + (ptrdiff_t)(j0 + (t < nc ? t : nc - 1)) * ldb;
      /* Full vectors in a loop of their own, the t loops unrolled: with the
       * tail test inside it GCC kept acc[] and bj[] on the stack (a load
       * and a store per FMA; 13% of MobileNetV3-Small's samples). */
      __m256 acc[8];
#pragma GCC unroll 8
      for (int32_t t = 0; t < 8; ++t)
        acc[t] = _mm256_setzero_ps();
      int32_t p = 0;
#if KILN_HAVE_AVX512
      /* 16 k per step in zmm, folded to ymm before the tail. */
      __m512 acc16[8];
#pragma GCC unroll 8
      for (int32_t t = 0; t < 8; ++t)
        acc16[t] = _mm512_setzero_ps();
      for (; p + 16 <= k; p += 16) {
        const __m512 av = _mm512_loadu_ps(ai + p);
#pragma GCC unroll 8
        for (int32_t t = 0; t < 8; ++t)
          acc16[t] = _mm512_fmadd_ps(av, _mm512_loadu_ps(bj[t] + p), acc16[t]);
      }
#pragma GCC unroll 8
      for (int32_t t = 0; t < 8; ++t)
        acc[t] = _mm256_add_ps(_mm512_castps512_ps256(acc16[t]),
                               _mm512_extractf32x8_ps(acc16[t], 1));
#endif
      for (; p + 8 <= k; p += 8) {
        const __m256 av = _mm256_loadu_ps(ai + p);
#pragma GCC unroll 8
        for (int32_t t = 0; t < 8; ++t)
          acc[t] = _mm256_fmadd_ps(av, _mm256_loadu_ps(bj[t] + p), acc[t]);
      }
      if (p < k) {
        const __m256 av = kiln_avx2_load_n(ai + p, k - p);
#pragma GCC unroll 8
        for (int32_t t = 0; t < 8; ++t)
          acc[t] =
              _mm256_fmadd_ps(av, kiln_avx2_load_n(bj[t] + p, k - p), acc[t]);
      }
      __m256 v = kiln_avx2_reduce8(acc);
      if (ep->residual != NULL)
        v = _mm256_add_ps(
            v, kiln_avx2_load_n(ep->residual + (ptrdiff_t)i * ep->res_ld + j0,
                                nc));
      if (ep->alpha != 1.0f)
        v = _mm256_mul_ps(v, _mm256_set1_ps(ep->alpha));
      if (ep->add != NULL)
        v = _mm256_fmadd_ps(_mm256_set1_ps(ep->add_scale),
                            kiln_avx2_load_add(ep, i, j0, nc), v);
      if (ep->row_bias != NULL)
        v = _mm256_add_ps(v, _mm256_broadcast_ss(ep->row_bias + i));
      if (ep->act != NULL)
        v = kiln_avx2_act(ep->act, v);
      kiln_avx2_store_n(c + (ptrdiff_t)i * ldc + j0, v, nc);
    }
  }
}

void kiln_avx2_gemm(int32_t m, int32_t n, int32_t k, const float *a,
                    int32_t a_row, int32_t a_col, kiln_avx2_pack_b_fn pack_b,
                    const void *b_ctx, float *c, int32_t ldc,
                    const kiln_avx2_epilogue *ep) {
  /* 16 KB: the panel stays in L1 while every row block of A streams by. */
  _Alignas(32) float panel[KILN_AVX2_KC * KILN_AVX2_NR];
  for (int32_t j0 = 0; j0 < n; j0 += KILN_AVX2_NR) {
    const int32_t nc = n - j0 < KILN_AVX2_NR ? n - j0 : KILN_AVX2_NR;
    /* k == 0 still runs one (empty) chunk so the epilogue is applied. */
    for (int32_t p0 = 0;; p0 += KILN_AVX2_KC) {
      const int32_t kc = k - p0 < KILN_AVX2_KC ? k - p0 : KILN_AVX2_KC;
      const int first = p0 == 0, last = p0 + kc >= k;
      pack_b(b_ctx, p0, kc, j0, nc, KILN_AVX2_NR, panel);
      for (int32_t i0 = 0; i0 < m; i0 += KILN_AVX2_MR) {
        const int32_t mr = m - i0 < KILN_AVX2_MR ? m - i0 : KILN_AVX2_MR;
        /* Rows past m re-read the last row: wasted lanes, never bad reads. */
        const float *rows[KILN_AVX2_MR];
        for (int32_t r = 0; r < KILN_AVX2_MR; ++r)
          rows[r] = a + (ptrdiff_t)(i0 + (r < mr ? r : mr - 1)) * a_row +
                    (ptrdiff_t)p0 * a_col;
        __m256 acc[2 * KILN_AVX2_MR];
        kiln_avx2_tile(kc, rows, a_col, panel, acc);
        kiln_avx2_finish_tile(acc, i0, mr, j0, nc, first, last, c, ldc, ep);
      }
      if (last)
        break;
    }
  }
}

#endif /* KILN_HAVE_AVX2 */
