/* QuantizeLinear/DequantizeLinear loops, AVX2 and AVX-512, per contiguous row.
 */
#include "kiln_avx512.h"
#include "kiln_quant_ref.h"

#if KILN_HAVE_AVX2
#include <immintrin.h>
#include <stddef.h>

/* Both directions walk [outer, axis_size, inner] as outer * axis_size rows of
 * `inner` contiguous elements sharing one scale and zero point, so per-tensor
 * (one row) and per-axis (one row per channel) share the vector loop. Every
 * step mirrors the reference (kiln_quant_core.c) so results are bit-exact:
 * - x / scale is a true IEEE division (vdivps), as the reference divides;
 * - NaN becomes 0 (the reference's v != v test) before the clamps, because
 *   vmaxps/vminps would otherwise return the clamp bound for NaN;
 * - the clamps to [qmin - zp - 1, qmax - zp + 1] are the reference's;
 * - rounding is round-half-even by an immediate (vroundps / vrndscaleps with
 *   _MM_FROUND_TO_NEAREST_INT), independent of MXCSR like the reference's
 *   floorf-based rounding, and the integral result converts exactly;
 * - + zp and the final [qmin, qmax] saturation happen in int32.
 * Dequantise is (float)(q - zp) * scale: int32 subtract, exact conversion
 * (|q - zp| <= 510), one IEEE multiply. */

typedef struct {
  int32_t qmin, qmax;
} kiln_qrange;

static inline int32_t kiln_zp_at(int is_signed, const void *zero_point,
                                 int32_t a) {
  if (zero_point == NULL)
    return 0;
  return is_signed ? (int32_t)((const int8_t *)zero_point)[a]
                   : (int32_t)((const uint8_t *)zero_point)[a];
}

/* Byte address of element i of an int8 or uint8 array (same size). */
static inline const void *kiln_q_at(const void *base, ptrdiff_t i) {
  return (const int8_t *)base + i;
}

#if KILN_HAVE_AVX512
static void kiln_quantize_row(int is_signed, const float *x, void *y, int32_t n,
                              float scale, int32_t zp, const void *zpp,
                              kiln_qrange r) {
  const __m512 sv = _mm512_set1_ps(scale);
  const __m512 lo = _mm512_set1_ps((float)(r.qmin - zp - 1));
  const __m512 hi = _mm512_set1_ps((float)(r.qmax - zp + 1));
  const __m512i zv = _mm512_set1_epi32(zp);
  const __m512i qlo = _mm512_set1_epi32(r.qmin);
  const __m512i qhi = _mm512_set1_epi32(r.qmax);
  int8_t *out = (int8_t *)y; /* int8 and uint8 stores are the same bytes */
  for (int32_t i = 0; i < n; i += 16) {
    /* Masked tail: absent lanes load 0.0f and are never stored. */
    const __mmask16 m = kiln_avx512_mask(n - i);
    __m512 v = _mm512_div_ps(_mm512_maskz_loadu_ps(m, x + i), sv);
    v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v);
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    v = _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), zv);
    q = _mm512_min_epi32(_mm512_max_epi32(q, qlo), qhi);
    _mm_mask_storeu_epi8(out + i, m, _mm512_cvtepi32_epi8(q));
  }
  (void)is_signed; /* the [qmin, qmax] clamp already encodes the type */
  (void)zpp;       /* masked tail: no scalar remainder */
}

static void kiln_dequantize_row(int is_signed, const void *x, float *y,
                                int32_t n, float scale, int32_t zp) {
  const __m512 sv = _mm512_set1_ps(scale);
  const __m512i zv = _mm512_set1_epi32(zp);
  const int8_t *in = (const int8_t *)x;
  for (int32_t i = 0; i < n; i += 16) {
    const __mmask16 m = kiln_avx512_mask(n - i);
    const __m128i b = _mm_maskz_loadu_epi8(m, in + i);
    const __m512i q =
        is_signed ? _mm512_cvtepi8_epi32(b) : _mm512_cvtepu8_epi32(b);
    const __m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(q, zv));
    _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(f, sv));
  }
}
#else
static void kiln_quantize_row(int is_signed, const float *x, void *y, int32_t n,
                              float scale, int32_t zp, const void *zpp,
                              kiln_qrange r) {
  const __m256 sv = _mm256_set1_ps(scale);
  const __m256 lo = _mm256_set1_ps((float)(r.qmin - zp - 1));
  const __m256 hi = _mm256_set1_ps((float)(r.qmax - zp + 1));
  const __m256i zv = _mm256_set1_epi32(zp);
  const __m256i qlo = _mm256_set1_epi32(r.qmin);
  const __m256i qhi = _mm256_set1_epi32(r.qmax);
  int8_t *out = (int8_t *)y;
  int32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_div_ps(_mm256_loadu_ps(x + i), sv);
    v = _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q));
    v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
    v = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(v), zv);
    q = _mm256_min_epi32(_mm256_max_epi32(q, qlo), qhi);
    /* Already in [qmin, qmax], so the saturating packs only narrow. */
    const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(q),
                                      _mm256_extracti128_si256(q, 1));
    const __m128i b =
        is_signed ? _mm_packs_epi16(w, w) : _mm_packus_epi16(w, w);
    _mm_storel_epi64((__m128i *)(out + i), b);
  }
  /* Under 8 left: the reference loop itself on the same scale and zero
   * point, so the tail is exact by construction. */
  if (i < n)
    (void)kiln_internal_quantize_ref(is_signed, x + i, out + i, &scale, zpp, 1,
                                     1, n - i);
}

static void kiln_dequantize_row(int is_signed, const void *x, float *y,
                                int32_t n, float scale, int32_t zp) {
  const __m256 sv = _mm256_set1_ps(scale);
  const __m256i zv = _mm256_set1_epi32(zp);
  const int8_t *in = (const int8_t *)x;
  int32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i b = _mm_loadl_epi64((const __m128i *)(in + i));
    const __m256i q =
        is_signed ? _mm256_cvtepi8_epi32(b) : _mm256_cvtepu8_epi32(b);
    const __m256 f = _mm256_cvtepi32_ps(_mm256_sub_epi32(q, zv));
    _mm256_storeu_ps(y + i, _mm256_mul_ps(f, sv));
  }
  for (; i < n; ++i) {
    const int32_t q =
        is_signed ? (int32_t)in[i] : (int32_t)((const uint8_t *)in)[i];
    y[i] = (float)(q - zp) * scale;
  }
}
#endif

kiln_status kiln_internal_quantize(int is_signed, const float *input,
                                   void *output, const float *scale,
                                   const void *zero_point, int32_t outer,
                                   int32_t axis_size, int32_t inner) {
  if (input == NULL || output == NULL || scale == NULL)
    return KILN_ERR_NULL;
  if (outer < 0 || axis_size < 0 || inner < 0)
    return KILN_ERR_ARG;
  const kiln_qrange r = {is_signed ? -128 : 0, is_signed ? 127 : 255};
  ptrdiff_t idx = 0;
  for (int32_t o = 0; o < outer; ++o)
    for (int32_t a = 0; a < axis_size; ++a, idx += inner)
      kiln_quantize_row(is_signed, input + idx, (int8_t *)output + idx, inner,
                        scale[a], kiln_zp_at(is_signed, zero_point, a),
                        zero_point ? kiln_q_at(zero_point, a) : NULL, r);
  return KILN_OK;
}

kiln_status kiln_internal_dequantize(int is_signed, const void *input,
                                     float *output, const float *scale,
                                     const void *zero_point, int32_t outer,
                                     int32_t axis_size, int32_t inner) {
  if (input == NULL || output == NULL || scale == NULL)
    return KILN_ERR_NULL;
  if (outer < 0 || axis_size < 0 || inner < 0)
    return KILN_ERR_ARG;
  ptrdiff_t idx = 0;
  for (int32_t o = 0; o < outer; ++o)
    for (int32_t a = 0; a < axis_size; ++a, idx += inner)
      kiln_dequantize_row(is_signed, kiln_q_at(input, idx), output + idx, inner,
                          scale[a], kiln_zp_at(is_signed, zero_point, a));
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
