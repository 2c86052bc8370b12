/* AVX-512 int8 fully connected: 64-byte dot products, 4 rows per input pass. */
#include "kiln_avx512_s8.h"

#if KILN_HAVE_AVX512

/* Same result as kiln_fully_connected_s8_ref bit for bit: the input is
 * biased to unsigned once per 64-byte chunk and shared by four weight rows,
 * the (input_offset - 128) * sum(w) correction folds into the bias, and the
 * k % 64 tail is a masked load (masked-off weights are 0). Sums of 8 rows are
 * requantised together with the AVX2 per-lane requantisation. */
void kiln_avx512_fully_connected_s8(const kiln_fc_s8_params *params,
                                    const kiln_requant *requant,
                                    const int8_t *input, const int8_t *weights,
                                    const int32_t *bias, int8_t *output) {
  const int32_t k = params->k, n = params->n;
  const int32_t fold = params->input_offset - 128;
  const int32_t k64 = k / 64 * 64;
  const __mmask64 tail_mask =
      k - k64 == 0 ? 0 : (((uint64_t)1 << (k - k64)) - 1);
  const __m512i flip = _mm512_set1_epi8((char)0x80);
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
        __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(),
                          _mm512_setzero_si512(), _mm512_setzero_si512()};
        for (int32_t i = 0; i < k64; i += 64) {
          const __m512i xv =
              _mm512_xor_si512(_mm512_loadu_si512((const void *)(x + i)), flip);
          for (int32_t r = 0; r < 4; ++r)
            acc[r] = kiln_avx512_dot4_u8s8(
                acc[r], xv, _mm512_loadu_si512((const void *)(w[r] + i)));
        }
        if (tail_mask) {
          const __m512i xv = _mm512_xor_si512(
              _mm512_maskz_loadu_epi8(tail_mask, (const void *)(x + k64)),
              flip);
          for (int32_t r = 0; r < 4; ++r)
            acc[r] = kiln_avx512_dot4_u8s8(
                acc[r], xv,
                _mm512_maskz_loadu_epi8(tail_mask, (const void *)(w[r] + k64)));
        }
        for (int32_t r = 0; r < 4 && r0 + r < rows; ++r) {
          const int32_t j = j0 + r0 + r;
          sums[r0 + r] =
              kiln_wrap_add(kiln_wrap_add(_mm512_reduce_add_epi32(acc[r]),
                                          bias ? bias[j] : 0),
                            kiln_wrap_mul(fold, kiln_avx512_sum_s8(w[r], k)));
        }
      }
      const kiln_avx2_requant rq = kiln_avx2_requant_load(requant + j0, rows);
      const __m256i v = kiln_avx2_clamp_apply(
          kiln_avx2_requant_apply(_mm256_loadu_si256((const __m256i *)sums),
                                  &rq),
          &clamp);
      kiln_avx2_store_s8(y + j0, kiln_avx2_pack16_s8(v, v), rows);
    }
  }
}

#endif /* KILN_HAVE_AVX512 */
