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

/* kiln_avx2_exp on 16 lanes: the same polynomial, constants and two-step
 * 2^n scale, so both builds give the same values. */
static inline __m512 kiln_avx512_exp(__m512 x) {
  const __m512 clamped = _mm512_max_ps(_mm512_set1_ps(-104.0f),
                                       _mm512_min_ps(_mm512_set1_ps(89.0f), x));
  const __m512 n = _mm512_roundscale_ps(
      _mm512_mul_ps(clamped, _mm512_set1_ps(1.44269504088896341f)),
      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), clamped);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r),
                      _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  const __m512i ni = _mm512_cvtps_epi32(n);
  const __m512i half = _mm512_srai_epi32(ni, 1);
  const __m512i bias = _mm512_set1_epi32(127);
  const __m512 s1 =
      _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(half, bias), 23));
  const __m512 s2 = _mm512_castsi512_ps(_mm512_slli_epi32(
      _mm512_add_epi32(_mm512_sub_epi32(ni, half), bias), 23));
  const __m512 y = _mm512_mul_ps(_mm512_mul_ps(p, s1), s2);
  /* NaN in, NaN out (the clamps above would have turned it into a number). */
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), y, x);
}

/* 1 / (1 + e^-x). The division is a 14-bit reciprocal estimate refined by
 * one Newton step (relative error ~1e-7, well inside the contract), as a
 * zmm divide costs several times an FMA; where 1 + e^-x is infinite or
 * beyond 2^126 the estimate (0, or NaN for NaN) is already the answer and
 * the Newton step, which would make NaN of inf * 0, is skipped. */
static inline __m512 kiln_avx512_sigmoid(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 d = _mm512_add_ps(
      one, kiln_avx512_exp(_mm512_sub_ps(_mm512_setzero_ps(), x)));
  const __m512 r = _mm512_rcp14_ps(d);
  const __m512 refined = _mm512_fmadd_ps(r, _mm512_fnmadd_ps(d, r, one), r);
  return _mm512_mask_blend_ps(
      _mm512_cmp_ps_mask(d, _mm512_set1_ps(8.5070592e37f), _CMP_LT_OQ), r,
      refined);
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
