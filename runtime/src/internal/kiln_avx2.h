/* AVX2/FMA building blocks: vector math, the fused epilogue, the GEMM core. */
#ifndef KILN_INTERNAL_AVX2_H
#define KILN_INTERNAL_AVX2_H

#include "kiln_internal.h"

#if KILN_HAVE_AVX2

#include <immintrin.h>
#include <stddef.h>

/* e^x = 2^n e^r: n = round(x log2 e), r = x - n ln2 in one FMA (its
 * error, n times ln2's rounding, stays below 3e-7 relative for |n| <= 150),
 * and e^r by a degree-5 minimax polynomial on [-ln2/2, ln2/2] (7.5e-8).
 * Max rel. error 4.3e-7 over every float in [-104, 88.7] against double
 * exp; the contract is 1e-3. The kiln_avx512.h forms use the same
 * constants. */
#define KILN_EXP_LOG2E 1.44269504088896341f
#define KILN_EXP_LN2 0.693147180559945309f
#define KILN_EXP_C0 1.000000119e+00f
#define KILN_EXP_C1 9.999997020e-01f
#define KILN_EXP_C2 4.999889433e-01f
#define KILN_EXP_C3 1.666757464e-01f
#define KILN_EXP_C4 4.191538319e-02f
#define KILN_EXP_C5 8.297654800e-03f

/* 2^n p for n integral in [-151, 129] and p in [0.7, 1.5): two halves of
 * the scale, so that results in the denormal range and the overflow to
 * +inf come out as expf gives them. */
static inline __m256 kiln_avx2_scale2n(__m256 p, __m256 n) {
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i half = _mm256_srai_epi32(ni, 1);
  const __m256i bias = _mm256_set1_epi32(127);
  const __m256 s1 =
      _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, bias), 23));
  const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(
      _mm256_add_epi32(_mm256_sub_epi32(ni, half), bias), 23));
  return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

static inline __m256 kiln_avx2_exp(__m256 x) {
  /* NaN passes both clamps (min/max return their second operand) and
   * stays NaN through the polynomial and the scale. */
  const __m256 c = _mm256_max_ps(_mm256_set1_ps(-104.0f),
                                 _mm256_min_ps(_mm256_set1_ps(89.0f), x));
  const __m256 n =
      _mm256_round_ps(_mm256_mul_ps(c, _mm256_set1_ps(KILN_EXP_LOG2E)),
                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(KILN_EXP_LN2), c);
  __m256 p = _mm256_set1_ps(KILN_EXP_C5);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(KILN_EXP_C4));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(KILN_EXP_C3));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(KILN_EXP_C2));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(KILN_EXP_C1));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(KILN_EXP_C0));
  return kiln_avx2_scale2n(p, n);
}

/* 1 / (1 + e^-x): e^-x as kiln_avx2_exp with the negation folded into the
 * reduction (q = x + n ln2 is minus the reduced argument, so the odd
 * coefficients are negated). The division stays a divide: a 12-bit
 * rcpps estimate plus one Newton step gives 1 - 2^-24, not 1, where e^-x
 * is below half an ulp of 1; e^-x overflowing to inf gives exactly 0. */
static inline __m256 kiln_avx2_sigmoid(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 c = _mm256_max_ps(_mm256_set1_ps(-89.0f),
                                 _mm256_min_ps(_mm256_set1_ps(104.0f), x));
  const __m256 n =
      _mm256_round_ps(_mm256_mul_ps(c, _mm256_set1_ps(-KILN_EXP_LOG2E)),
                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m256 q = _mm256_fmadd_ps(n, _mm256_set1_ps(KILN_EXP_LN2), c);
  __m256 p = _mm256_set1_ps(-KILN_EXP_C5);
  p = _mm256_fmadd_ps(p, q, _mm256_set1_ps(KILN_EXP_C4));
  p = _mm256_fmadd_ps(p, q, _mm256_set1_ps(-KILN_EXP_C3));
  p = _mm256_fmadd_ps(p, q, _mm256_set1_ps(KILN_EXP_C2));
  p = _mm256_fmadd_ps(p, q, _mm256_set1_ps(-KILN_EXP_C1));
  p = _mm256_fmadd_ps(p, q, _mm256_set1_ps(KILN_EXP_C0));
  return _mm256_div_ps(one, _mm256_add_ps(one, kiln_avx2_scale2n(p, n)));
}

/* Odd polynomial near 0 (where 1 - 2/(e^2x + 1) cancels), that formula
 * elsewhere; the sign is restored from x. */
static inline __m256 kiln_avx2_tanh(__m256 x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 ax = _mm256_andnot_ps(sign, x);
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 e = kiln_avx2_exp(_mm256_add_ps(ax, ax));
  const __m256 big = _mm256_sub_ps(
      one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
  const __m256 x2 = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(-5.70498872745e-3f);
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(2.06390887954e-2f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-5.37397155531e-2f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(1.33314422036e-1f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-3.33332819422e-1f));
  const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, x2), ax, ax);
  const __m256 y = _mm256_blendv_ps(
      big, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ));
  /* NaN keeps itself: ax is NaN, big is NaN, the blend picks big. */
  return _mm256_or_ps(y, _mm256_and_ps(sign, x));
}

/* erf: Maclaurin series (degree 11) below |x| = 0.5 for relative accuracy
 * near 0, Abramowitz-Stegun 7.1.26 (abs. error < 1.5e-7) above. */
static inline __m256 kiln_avx2_erf(__m256 x) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const __m256 ax =
      _mm256_min_ps(_mm256_set1_ps(6.0f), _mm256_andnot_ps(sign, x));
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 t =
      _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), ax, one));
  __m256 q = _mm256_set1_ps(1.061405429f);
  q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(-1.453152027f));
  q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(1.421413741f));
  q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(-0.284496736f));
  q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(0.254829592f));
  const __m256 x2 = _mm256_mul_ps(ax, ax);
  const __m256 e = kiln_avx2_exp(_mm256_sub_ps(_mm256_setzero_ps(), x2));
  const __m256 big = _mm256_fnmadd_ps(_mm256_mul_ps(q, t), e, one);
  /* 2/sqrt(pi) * (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320) */
  __m256 s = _mm256_set1_ps(-1.0f / 1320.0f);
  s = _mm256_fmadd_ps(s, x2, _mm256_set1_ps(1.0f / 216.0f));
  s = _mm256_fmadd_ps(s, x2, _mm256_set1_ps(-1.0f / 42.0f));
  s = _mm256_fmadd_ps(s, x2, _mm256_set1_ps(1.0f / 10.0f));
  s = _mm256_fmadd_ps(s, x2, _mm256_set1_ps(-1.0f / 3.0f));
  s = _mm256_fmadd_ps(s, x2, one);
  const __m256 small =
      _mm256_mul_ps(_mm256_mul_ps(s, ax), _mm256_set1_ps(1.12837916709551257f));
  __m256 y = _mm256_blendv_ps(
      big, small, _mm256_cmp_ps(ax, _mm256_set1_ps(0.5f), _CMP_LT_OQ));
  y = _mm256_or_ps(y, _mm256_and_ps(sign, x));
  return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

static inline __m256 kiln_avx2_gelu(__m256 x) {
  const __m256 half_x = _mm256_mul_ps(_mm256_set1_ps(0.5f), x);
  const __m256 e =
      kiln_avx2_erf(_mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f)));
  return _mm256_fmadd_ps(half_x, e, half_x);
}

/* min(max(x, lo), hi) with NaN passing through: max/min return their second
 * operand when either is NaN. */
static inline __m256 kiln_avx2_clamp(__m256 x, __m256 lo, __m256 hi) {
  return _mm256_min_ps(hi, _mm256_max_ps(lo, x));
}

/* Tanh and gelu (and any other kind) on 8 lanes, out of line
 * (kiln_gemm_avx2.c), so the inlined fast path below stays small. */
__m256 kiln_avx2_act_slow(const kiln_activation *act, __m256 x);

/* The vector form of kiln_act_apply (kiln_act.h). Always inlined, as
 * kiln_avx512_act: GCC had kept it out of line (its tanh/erf cases made it
 * large), and the call in every epilogue, which spills the caller's live
 * ymm registers, was 25% of efficientnet_b0's samples on x86-64-avx2. */
static inline __attribute__((always_inline)) __m256
kiln_avx2_act(const kiln_activation *act, __m256 x) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256 one = _mm256_set1_ps(1.0f);
  switch (act->kind) {
  case KILN_ACT_NONE:
    return x;
  case KILN_ACT_RELU:
    return _mm256_max_ps(zero, x);
  case KILN_ACT_CLIP:
    return kiln_avx2_clamp(x, _mm256_set1_ps(act->min),
                           _mm256_set1_ps(act->max));
  case KILN_ACT_LEAKY_RELU:
    return _mm256_blendv_ps(x, _mm256_mul_ps(_mm256_set1_ps(act->alpha), x),
                            _mm256_cmp_ps(x, zero, _CMP_LT_OQ));
  case KILN_ACT_SIGMOID:
    return kiln_avx2_sigmoid(x);
  case KILN_ACT_HARD_SIGMOID:
    return kiln_avx2_clamp(_mm256_fmadd_ps(_mm256_set1_ps(act->alpha), x,
                                           _mm256_set1_ps(act->beta)),
                           zero, one);
  case KILN_ACT_HARD_SWISH:
    return _mm256_mul_ps(
        x, kiln_avx2_clamp(_mm256_fmadd_ps(x, _mm256_set1_ps(1.0f / 6.0f),
                                           _mm256_set1_ps(0.5f)),
                           zero, one));
  case KILN_ACT_SILU:
    return _mm256_mul_ps(x, kiln_avx2_sigmoid(x));
  default:
    return kiln_avx2_act_slow(act, x);
  }
}

/* Lanes [0, count) of an 8-lane mask; count may be <= 0 or >= 8. */
static inline __m256i kiln_avx2_tail_mask(int32_t count) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lane);
}

/* Loads/stores the first `count` of 8 lanes (masked lanes read as 0). AMD
 * cores microcode masked stores, so full vectors take the plain path. */
static inline __m256 kiln_avx2_load_n(const float *p, int32_t count) {
  return count >= 8 ? _mm256_loadu_ps(p)
                    : _mm256_maskload_ps(p, kiln_avx2_tail_mask(count));
}

static inline void kiln_avx2_store_n(float *p, __m256 v, int32_t count) {
  if (count >= 8)
    _mm256_storeu_ps(p, v);
  else
    _mm256_maskstore_ps(p, kiln_avx2_tail_mask(count), v);
}

/* What the GEMM core does to a finished tile, in this order:
 * v = alpha * (A.B + residual) + add_scale * add + row_bias; out = act(v).
 * The residual enters with the first k-chunk, so it may alias the output. */
typedef struct {
  float alpha;
  const float *residual; /* NULL or m x n with row stride res_ld */
  int32_t res_ld;
  const float *add; /* NULL or add[i * add_row + j * add_col] (broadcasts) */
  int32_t add_row, add_col;
  float add_scale;
  const float *row_bias;      /* NULL or m values */
  const kiln_activation *act; /* NULL is identity */
} kiln_avx2_epilogue;

/* Columns per packed B panel (two ymm) and the k-depth of one packing. */
#define KILN_AVX2_NR 16
#define KILN_AVX2_KC 256

/* Writes rows [p0, p0 + kc) x columns [j0, j0 + nc) of the logical B into
 * `panel` as kc rows of `nr` floats (the core's panel width: KILN_AVX2_NR, or
 * KILN_AVX512_NR), columns >= nc zeroed; nc <= nr <= 32. */
typedef void (*kiln_avx2_pack_b_fn)(const void *ctx, int32_t p0, int32_t kc,
                                    int32_t j0, int32_t nc, int32_t nr,
                                    float *panel);

/* B given as a strided matrix (b[p * row + j * col]). */
typedef struct {
  const float *b;
  int32_t row, col;
} kiln_avx2_strided_b;
void kiln_avx2_pack_strided_b(const void *ctx, int32_t p0, int32_t kc,
                              int32_t j0, int32_t nc, int32_t nr, float *panel);

/* c[m x n] (row stride ldc) = epilogue(A[m x k] . B[k x n]); A is read in
 * place through strides, B through `pack_b` into a bounded stack panel. */
void kiln_avx2_gemm(int32_t m, int32_t n, int32_t k, const float *a,
                    int32_t a_row, int32_t a_col, kiln_avx2_pack_b_fn pack_b,
                    const void *b_ctx, float *c, int32_t ldc,
                    const kiln_avx2_epilogue *ep);

/* The same product for B given transposed (row j of b is column j of B,
 * row stride ldb) and A row-major, as dot products of contiguous rows: for
 * few rows of A (a classifier head, m = batch) this streams B once instead
 * of transposing it into panels. */
void kiln_avx2_gemm_bt_rows(int32_t m, int32_t n, int32_t k, const float *a,
                            int32_t lda, const float *b, int32_t ldb, float *c,
                            int32_t ldc, const kiln_avx2_epilogue *ep);

/* out[i] = fn(in[i]) eight lanes at a time; validates like
 * kiln_internal_map_f32. */
typedef __m256 (*kiln_avx2_unary_fn)(__m256);
kiln_status kiln_avx2_map(kiln_avx2_unary_fn fn, const float *in, float *out,
                          int32_t count);

/* The fast paths of a binary kernel: same shapes, one side a single
 * element, one value per outer index (a per-channel scale on NCHW) or one
 * inner run (a bias row). Returns 0, touching nothing, when none applies, so
 * the caller falls back to the broadcasting reference. The operation is a
 * kind rather than a function pointer so that each is compiled into its own
 * loop (an indirect call per vector cost as much as the multiply). */
typedef enum { KILN_AVX2_BINARY_ADD, KILN_AVX2_BINARY_MUL } kiln_avx2_binary_op;
int kiln_avx2_binary_fast(kiln_avx2_binary_op op, const kiln_shape *a_shape,
                          const float *a, const kiln_shape *b_shape,
                          const float *b, const kiln_shape *out_shape,
                          float *out);

/* B of the implicit GEMM of a convolution: row p = (c, kh, kw) of the
 * filter, column j = (oh, ow) of the output, read from the NCHW input of one
 * image and group with zero padding; nothing like im2col is materialised. */
typedef struct {
  const float *input; /* first channel of the group in this image */
  const kiln_conv_params *params;
  int32_t h, w, ow, kh, kw;
} kiln_avx2_conv_b;
void kiln_avx2_pack_conv_b(const void *ctx, int32_t p0, int32_t kc, int32_t j0,
                           int32_t nc, int32_t nr, float *panel);

/* Direct convolution for one input channel per group (depthwise, with any
 * channel multiplier): vectorised along each output row. */
void kiln_avx2_conv_depthwise(const kiln_conv_params *params,
                              const kiln_conv_geometry *g, const float *input,
                              const float *weights, const float *bias,
                              const float *residual, float *output);

#endif /* KILN_HAVE_AVX2 */
#endif /* KILN_INTERNAL_AVX2_H */
