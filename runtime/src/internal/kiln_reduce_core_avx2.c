/* Sum/mean over trailing axes (global average pool, ReduceMean), AVX2. */
#include "kiln_avx2.h"
#include "kiln_iter.h"
#include "kiln_ref.h"

#if KILN_HAVE_AVX2
/* Same contract as the reference (kiln_reduce_core.c). When the reduced axes
 * are a trailing block (GlobalAveragePool, ReduceMean over H and W), every
 * output is the sum of one contiguous run, summed in four vector lanes
 * groups (a reassociation within the fp32 tolerance); every other case goes
 * to the reference's odometer walk. */
kiln_status kiln_internal_reduce_f32(kiln_reduce_kind kind,
                                     const kiln_shape *in_shape,
                                     const float *input, uint32_t axes_mask,
                                     float *output) {
  if (in_shape == NULL || input == NULL || output == NULL ||
      !kiln_rank_ok(in_shape) || axes_mask == 0u ||
      (axes_mask >> in_shape->rank) != 0u ||
      (kind != KILN_REDUCE_SUM && kind != KILN_REDUCE_MEAN))
    return kiln_internal_reduce_f32_ref(kind, in_shape, input, axes_mask,
                                        output);
  const int32_t rank = in_shape->rank;
  int32_t first = 0;
  while (!(axes_mask & (1u << first)))
    ++first;
  const uint32_t trailing = ((1u << rank) - 1u) & ~((1u << first) - 1u);
  if (axes_mask != trailing)
    return kiln_internal_reduce_f32_ref(kind, in_shape, input, axes_mask,
                                        output);
  int32_t outer = 1, inner = 1;
  for (int32_t d = 0; d < rank; ++d)
    *(d < first ? &outer : &inner) *= in_shape->dims[d];
  const float inv = inner > 0 ? 1.0f / (float)inner : 1.0f;
  for (int32_t o = 0; o < outer; ++o) {
    const float *x = input + (ptrdiff_t)o * inner;
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    int32_t i = 0;
    for (; i + 32 <= inner; i += 32) {
      s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + i));
      s1 = _mm256_add_ps(s1, _mm256_loadu_ps(x + i + 8));
      s2 = _mm256_add_ps(s2, _mm256_loadu_ps(x + i + 16));
      s3 = _mm256_add_ps(s3, _mm256_loadu_ps(x + i + 24));
    }
    for (; i < inner; i += 8)
      s0 = _mm256_add_ps(s0, kiln_avx2_load_n(x + i, inner - i));
    const __m256 s =
        _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
    __m128 h =
        _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_movehdup_ps(h));
    const float sum = _mm_cvtss_f32(h);
    output[o] = kind == KILN_REDUCE_MEAN && inner > 0 ? sum * inv : sum;
  }
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
