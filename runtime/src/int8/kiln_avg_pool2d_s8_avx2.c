/* kiln_avg_pool2d_s8, AVX2: 16 outputs of a row, exact division in float. */
#include "internal/kiln_avx2_s8.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
/* trunc((sum +- count/2) / count) per lane through a float division. Exact
 * for count <= 2^16: |sum| <= 128 count, so the numerator (< 2^24) and count
 * are exact floats; the quotient q has |q| <= 129 and the rounded one is off
 * by at most |q| 2^-24 < 2^-16 <= 1/count, less than the distance from a
 * non-integer q to the next integer, so truncation sees the true q. */
static inline __m256i kiln_avx2_div_round_away(__m256i sum, __m256i half,
                                               __m256 count) {
  /* sum > 0 adds half, otherwise subtracts it (sum == 0 gives -half /
   * count, which truncates to 0 like the reference): negate where m = -1. */
  const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(1), sum);
  const __m256i signed_half = _mm256_sub_epi32(_mm256_xor_si256(half, m), m);
  const __m256 num = _mm256_cvtepi32_ps(_mm256_add_epi32(sum, signed_half));
  return _mm256_cvttps_epi32(_mm256_div_ps(num, count));
}

/* Same contract as the reference (kiln_avg_pool2d_s8.c), bit for bit. Every
 * interior output of a row has the same divisor (all kW taps inside the
 * input, the same rows), so 16 outputs share one vector division. */
kiln_status kiln_avg_pool2d_s8(const kiln_pool_params *params, int32_t act_min,
                               int32_t act_max, const kiln_shape *in_shape,
                               const int8_t *input, const kiln_shape *out_shape,
                               int8_t *output) {
  kiln_pool_s8_geometry g;
  kiln_status st = kiln_internal_pool_s8_check(
      params, act_min, act_max, in_shape, input, out_shape, output, &g);
  if (st != KILN_OK)
    return st;
  const kiln_pool_params *p = params;
  const int32_t sw = p->stride[1];
  int32_t ow_lo, ow_hi;
  kiln_avx2_interior_cols(g.ow, sw, p->pad[1],
                          (p->kernel[1] - 1) * p->dilation[1] + 1, g.w, &ow_lo,
                          &ow_hi);
  const int vector_ok =
      ow_hi - ow_lo >= 16 && (int64_t)p->kernel[0] * p->kernel[1] <= 65536;
  const __m256i lo = _mm256_set1_epi32(act_min);
  const __m256i hi = _mm256_set1_epi32(act_max);
  for (int32_t pl = 0; pl < g.planes; ++pl) {
    const int8_t *plane = input + (ptrdiff_t)pl * g.h * g.w;
    int8_t *dst = output + (ptrdiff_t)pl * g.oh * g.ow;
    for (int32_t oh = 0; oh < g.oh; ++oh) {
      int8_t *row = dst + (ptrdiff_t)oh * g.ow;
      const int32_t h0 = oh * p->stride[0] - p->pad[0];
      int32_t ow = 0;
      const int32_t count =
          vector_ok ? kiln_internal_avg_pool_s8_count(p, &g, oh, ow_lo) : 0;
      if (count > 0) {
        for (; ow < ow_lo; ++ow)
          row[ow] = (int8_t)kiln_clamp_s32(
              kiln_internal_avg_pool_s8_at(p, &g, plane, oh, ow), act_min,
              act_max);
        const __m256 countv = _mm256_set1_ps((float)count);
        const __m256i half = _mm256_set1_epi32(count / 2);
        for (int32_t blk = ow_lo; blk < ow_hi; blk += 16) {
          const int32_t o = blk + 16 <= ow_hi ? blk : ow_hi - 16;
          const int8_t *src = plane + (ptrdiff_t)o * sw - p->pad[1];
          __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
          for (int32_t ki = 0; ki < p->kernel[0]; ++ki) {
            const int32_t ih = h0 + ki * p->dilation[0];
            if (ih < 0 || ih >= g.h)
              continue;
            for (int32_t kj = 0; kj < p->kernel[1]; ++kj) {
              const __m128i x = kiln_avx2_load16_s8(
                  src + (ptrdiff_t)ih * g.w + kj * p->dilation[1], sw);
              s0 = _mm256_add_epi32(s0, _mm256_cvtepi8_epi32(x));
              s1 = _mm256_add_epi32(s1,
                                    _mm256_cvtepi8_epi32(_mm_srli_si128(x, 8)));
            }
          }
          const __m256i v0 = _mm256_min_epi32(
              _mm256_max_epi32(kiln_avx2_div_round_away(s0, half, countv), lo),
              hi);
          const __m256i v1 = _mm256_min_epi32(
              _mm256_max_epi32(kiln_avx2_div_round_away(s1, half, countv), lo),
              hi);
          _mm_storeu_si128((__m128i *)(row + o), kiln_avx2_pack16_s8(v0, v1));
        }
        ow = ow_hi;
      }
      for (; ow < g.ow; ++ow)
        row[ow] = (int8_t)kiln_clamp_s32(
            kiln_internal_avg_pool_s8_at(p, &g, plane, oh, ow), act_min,
            act_max);
    }
  }
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
