/* AVX-512 building blocks: the 12x32 GEMM core, depthwise, the epilogue. */
#ifndef KILN_INTERNAL_AVX512_H
#define KILN_INTERNAL_AVX512_H

#include "kiln_avx2.h"

#if KILN_HAVE_AVX512

/* Columns per packed B panel (two zmm) and the k-depth of one packing: a
 * 32 KB panel, which stays in Zen 4/5's 32-48 KB L1 while the A rows stream. */
#define KILN_AVX512_NR 32
#define KILN_AVX512_KC 256

/* Lanes [0, count) of a 16-lane mask; count may be <= 0 or >= 16. */
static inline __mmask16 kiln_avx512_mask(int32_t count) {
  return count >= 16  ? (__mmask16)0xffff
         : count <= 0 ? (__mmask16)0
                      : (__mmask16)((1u << count) - 1u);
}

/* e^x on 16 lanes with kiln_avx2_exp's polynomial and reduction (so both
 * builds agree to the last bit outside the denormal range); the 2^n scale is
 * one vscalefps, which also gives the overflow to +inf, the gradual
 * underflow to denormals and 0 as expf does. Max rel. error 4.3e-7 (every
 * float in [-104, 88.7] against double exp). */
static inline __m512 kiln_avx512_exp(__m512 x) {
  /* NaN passes both clamps (min/max return their second operand). */
  const __m512 c = _mm512_max_ps(_mm512_set1_ps(-104.0f),
                                 _mm512_min_ps(_mm512_set1_ps(89.0f), x));
  const __m512 n = _mm512_roundscale_ps(
      _mm512_mul_ps(c, _mm512_set1_ps(KILN_EXP_LOG2E)),
      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(KILN_EXP_LN2), c);
  __m512 p = _mm512_set1_ps(KILN_EXP_C5);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(KILN_EXP_C4));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(KILN_EXP_C3));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(KILN_EXP_C2));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(KILN_EXP_C1));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(KILN_EXP_C0));
  return _mm512_scalef_ps(p, n);
}

/* 1 / (1 + e^-x), the fused epilogues' hot path (SiLU = x * this), in 16
 * vector ops where the old form took 31. e^-x is kiln_avx512_exp of -x
 * with the negation folded into the reduction: q = x + n ln2 is minus the
 * reduced argument, so the polynomial runs in q with its odd coefficients
 * negated. The division is a 14-bit reciprocal estimate refined by one
 * Newton step, as a zmm divide costs several times an FMA; where 1 + e^-x
 * is infinite or beyond 2^126 (x < -87.3) the estimate (0, or NaN for NaN)
 * is already the answer and the Newton step, which would make NaN of
 * inf * 0, is masked off. Max rel. error 3.6e-7 (SiLU 4.1e-7), every float
 * with a normal result, against double. */
static inline __m512 kiln_avx512_sigmoid(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 c = _mm512_max_ps(_mm512_set1_ps(-89.0f),
                                 _mm512_min_ps(_mm512_set1_ps(104.0f), x));
  const __m512 n = _mm512_roundscale_ps(
      _mm512_mul_ps(c, _mm512_set1_ps(-KILN_EXP_LOG2E)),
      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 q = _mm512_fmadd_ps(n, _mm512_set1_ps(KILN_EXP_LN2), c);
  __m512 p = _mm512_set1_ps(-KILN_EXP_C5);
  p = _mm512_fmadd_ps(p, q, _mm512_set1_ps(KILN_EXP_C4));
  p = _mm512_fmadd_ps(p, q, _mm512_set1_ps(-KILN_EXP_C3));
  p = _mm512_fmadd_ps(p, q, _mm512_set1_ps(KILN_EXP_C2));
  p = _mm512_fmadd_ps(p, q, _mm512_set1_ps(-KILN_EXP_C1));
  p = _mm512_fmadd_ps(p, q, _mm512_set1_ps(KILN_EXP_C0));
  const __m512 d = _mm512_add_ps(one, _mm512_scalef_ps(p, n));
  const __m512 r = _mm512_rcp14_ps(d);
  const __mmask16 finite =
      _mm512_cmp_ps_mask(d, _mm512_set1_ps(8.5070592e37f), _CMP_LT_OQ);
  return _mm512_mask3_fmadd_ps(_mm512_fnmadd_ps(d, r, one), r, r, finite);
}

/* Tanh, gelu and the other transcendental kinds: the tested
 * 8-lane polynomials of kiln_avx2.h on each half, so both builds round the
 * same. Out of line, so the inlined fast path below stays small. */
__m512 kiln_avx512_act_slow(const kiln_activation *act, __m512 x);

/* The vector form of kiln_act_apply (kiln_act.h). Always inlined: a call
 * here would spill every live zmm register of the caller's loop (they are
 * all caller-saved), so only the rare transcendental kinds leave the loop. */
static inline __attribute__((always_inline)) __m512
kiln_avx512_act(const kiln_activation *act, __m512 x) {
  const __m512 zero = _mm512_setzero_ps();
  switch (act->kind) {
  case KILN_ACT_NONE:
    return x;
  case KILN_ACT_RELU:
    /* max(0, x) with NaN passing through, as _mm256_max_ps(zero, x). */
    return _mm512_max_ps(zero, x);
  case KILN_ACT_CLIP:
    return _mm512_min_ps(_mm512_set1_ps(act->max),
                         _mm512_max_ps(_mm512_set1_ps(act->min), x));
  case KILN_ACT_HARD_SWISH:
    return _mm512_mul_ps(
        x, _mm512_min_ps(_mm512_set1_ps(1.0f),
                         _mm512_max_ps(zero, _mm512_fmadd_ps(
                                                 x, _mm512_set1_ps(1.0f / 6.0f),
                                                 _mm512_set1_ps(0.5f)))));
  case KILN_ACT_SIGMOID:
    return kiln_avx512_sigmoid(x);
  case KILN_ACT_SILU:
    return _mm512_mul_ps(x, kiln_avx512_sigmoid(x));
  default:
    return kiln_avx512_act_slow(act, x);
  }
}

/* c[m x n] (row stride ldc) = epilogue(A[m x k] . B[k x n]), as
 * kiln_avx2_gemm but with 12x32 register tiles (24 zmm accumulators) and
 * 32-column panels (pack_b is called with nr = KILN_AVX512_NR). */
void kiln_avx512_gemm(int32_t m, int32_t n, int32_t k, const float *a,
                      int32_t a_row, int32_t a_col, kiln_avx2_pack_b_fn pack_b,
                      const void *b_ctx, float *c, int32_t ldc,
                      const kiln_avx2_epilogue *ep);

/* kiln_avx2_pack_conv_b for 32-column panels at stride 1 or 2: each panel
 * row is assembled in two zmm registers by masked loads (one per run of
 * columns sharing an output row), with no memset or memcpy calls. */
void kiln_avx512_pack_conv_b(const void *ctx, int32_t p0, int32_t kc,
                             int32_t j0, int32_t nc, int32_t nr, float *panel);
/* Whether kiln_avx512_pack_conv_b serves this convolution (stride <= 2, at
 * most 7x7 taps, output rows wide enough for its per-panel tables). */
int kiln_avx512_pack_conv_ok(const kiln_conv_params *params, int32_t kh,
                             int32_t kw, int32_t ow);

/* Direct depthwise convolution (one input channel per group, any channel
 * multiplier, stride 1 or 2, dilation 1), 16 outputs of a row per zmm; the
 * padding is handled by fault-suppressing masked loads, not by edge code. */
void kiln_avx512_conv_depthwise(const kiln_conv_params *params,
                                const kiln_conv_geometry *g, const float *input,
                                const float *weights, const float *bias,
                                const float *residual, float *output);

#endif /* KILN_HAVE_AVX512 */

#if KILN_HAVE_AVX2
/* The GEMM core the x86 wrappers (Gemm, MatMul, Conv) call: the widest one
 * this build has, so each build keeps one definition of each public kernel. */
static inline void kiln_x86_gemm(int32_t m, int32_t n, int32_t k,
                                 const float *a, int32_t a_row, int32_t a_col,
                                 kiln_avx2_pack_b_fn pack_b, const void *b_ctx,
                                 float *c, int32_t ldc,
                                 const kiln_avx2_epilogue *ep) {
#if KILN_HAVE_AVX512
  kiln_avx512_gemm(m, n, k, a, a_row, a_col, pack_b, b_ctx, c, ldc, ep);
#else
  kiln_avx2_gemm(m, n, k, a, a_row, a_col, pack_b, b_ctx, c, ldc, ep);
#endif
}
#endif /* KILN_HAVE_AVX2 */

#endif /* KILN_INTERNAL_AVX512_H */
