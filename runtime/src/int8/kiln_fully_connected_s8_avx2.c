/* kiln_fully_connected_s8, AVX2 (int16 dot products) and AVX-512. */
#include "internal/kiln_avx512_s8.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
/* The four int32 sums of four vectors' lanes, in order. */
static inline __m128i kiln_hsum4(__m256i a0, __m256i a1, __m256i a2,
                                 __m256i a3) {
  const __m256i t =
      _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
  return _mm_add_epi32(_mm256_castsi256_si128(t),
                       _mm256_extracti128_si256(t, 1));
}

/* sum_i (x[i] + off) * w[i] over the k % 16 tail, wrapping like the
 * reference. */
static inline int32_t kiln_fc_tail(const int8_t *x, const int8_t *w,
                                   int32_t from, int32_t k, int32_t off) {
  int32_t acc = 0;
  for (int32_t i = from; i < k; ++i)
    acc = kiln_wrap_add(acc, (x[i] + off) * w[i]);
  return acc;
}

/* Same contract as the reference (kiln_fully_connected_s8.c), bit for bit.
 * Sixteen (x + offset) and weight values at a time are sign-extended to int16
 * and multiplied by vpmaddwd (exact pair sums; see kiln_avx2_s8.h for why
 * not vpmaddubsw); each input chunk serves four weight rows. The sums of 8
 * rows are requantised together with per-lane factors. */
kiln_status kiln_fully_connected_s8(const kiln_fc_s8_params *params,
                                    const kiln_requant *requant,
                                    const int8_t *input, const int8_t *weights,
                                    const int32_t *bias, int8_t *output) {
  if (params == NULL || requant == NULL || input == NULL || weights == NULL ||
      output == NULL)
    return KILN_ERR_NULL;
  if (params->batch < 1 || params->n < 1 || params->k < 1 ||
      !kiln_s8_input_offset_ok(params->input_offset) ||
      !kiln_s8_output_offset_ok(params->output_offset) ||
      !kiln_s8_act_ok(params->act_min, params->act_max) ||
      !kiln_s8_requant_all_ok(requant, params->n))
    return KILN_ERR_ARG;
#if KILN_HAVE_AVX512
  kiln_avx512_fully_connected_s8(params, requant, input, weights, bias, output);
  return KILN_OK;
#endif
  const int32_t k = params->k, n = params->n, off = params->input_offset;
  const int32_t k16 = k / 16 * 16;
  const __m256i offv = _mm256_set1_epi16((int16_t)off);
  const kiln_avx2_clamp_s8 clamp = kiln_avx2_clamp_s8_set(
      params->output_offset, params->act_min, params->act_max);
  for (int32_t b = 0; b < params->batch; ++b) {
    const int8_t *x = input + (ptrdiff_t)b * k;
    int8_t *y = output + (ptrdiff_t)b * n;
    for (int32_t j0 = 0; j0 < n; j0 += 8) {
      const int32_t rows = n - j0 < 8 ? n - j0 : 8;
      int32_t sums[8] = {0};
      for (int32_t r0 = 0; r0 < rows; r0 += 4) {
        const int8_t *w[4];
        for (int32_t r = 0; r < 4; ++r) /* missing rows re-read the last */
          w[r] = weights +
                 (ptrdiff_t)(j0 + (r0 + r < rows ? r0 + r : rows - 1)) * k;
        __m256i acc[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(),
                          _mm256_setzero_si256(), _mm256_setzero_si256()};
        for (int32_t i = 0; i < k16; i += 16) {
          const __m256i xv = _mm256_add_epi16(
              _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + i))),
              offv);
          for (int32_t r = 0; r < 4; ++r)
            acc[r] = _mm256_add_epi32(
                acc[r],
                _mm256_madd_epi16(xv, _mm256_cvtepi8_epi16(_mm_loadu_si128(
                                          (const __m128i *)(w[r] + i)))));
        }
        int32_t part[4];
        _mm_storeu_si128((__m128i *)part,
                         kiln_hsum4(acc[0], acc[1], acc[2], acc[3]));
        for (int32_t r = 0; r < 4 && r0 + r < rows; ++r)
          sums[r0 + r] = kiln_wrap_add(
              kiln_wrap_add(part[r], kiln_fc_tail(x, w[r], k16, k, off)),
              bias ? bias[j0 + r0 + r] : 0);
      }
      const kiln_avx2_requant rq = kiln_avx2_requant_load(requant + j0, rows);
      const __m256i v = kiln_avx2_clamp_apply(
          kiln_avx2_requant_apply(_mm256_loadu_si256((const __m256i *)sums),
                                  &rq),
          &clamp);
      kiln_avx2_store_s8(y + j0, kiln_avx2_pack16_s8(v, v), rows);
    }
  }
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
