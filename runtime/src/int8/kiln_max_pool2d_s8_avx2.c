/* kiln_max_pool2d_s8, AVX2: 16 outputs of a row per vpmaxsb chain. */
#include "internal/kiln_avx2_s8.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
/* Same contract as the reference (kiln_max_pool2d_s8.c), bit for bit. The
 * interior columns of each row (every tap inside the input row) run 16 at a
 * time, the last block moved back to end at the interior's edge; the rest
 * go through the reference's per-output window. */
kiln_status kiln_max_pool2d_s8(const kiln_pool_params *params, int32_t act_min,
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
  const int vector_ok = ow_hi - ow_lo >= 16;
  const __m128i lo = _mm_set1_epi8((char)act_min);
  const __m128i hi = _mm_set1_epi8((char)act_max);
  for (int32_t pl = 0; pl < g.planes; ++pl) {
    const int8_t *plane = input + (ptrdiff_t)pl * g.h * g.w;
    int8_t *dst = output + (ptrdiff_t)pl * g.oh * g.ow;
    for (int32_t oh = 0; oh < g.oh; ++oh) {
      int8_t *row = dst + (ptrdiff_t)oh * g.ow;
      const int32_t h0 = oh * p->stride[0] - p->pad[0];
      int32_t ow = 0;
      if (vector_ok) {
        for (; ow < ow_lo; ++ow)
          row[ow] = (int8_t)kiln_clamp_s32(
              kiln_internal_max_pool_s8_at(p, &g, plane, oh, ow), act_min,
              act_max);
        for (int32_t blk = ow_lo; blk < ow_hi; blk += 16) {
          const int32_t o = blk + 16 <= ow_hi ? blk : ow_hi - 16;
          const int8_t *src = plane + (ptrdiff_t)o * sw - p->pad[1];
          /* No row inside the input: -128, as the reference. */
          __m128i best = _mm_set1_epi8(-128);
          for (int32_t ki = 0; ki < p->kernel[0]; ++ki) {
            const int32_t ih = h0 + ki * p->dilation[0];
            if (ih < 0 || ih >= g.h)
              continue;
            for (int32_t kj = 0; kj < p->kernel[1]; ++kj)
              best = _mm_max_epi8(
                  best,
                  kiln_avx2_load16_s8(
                      src + (ptrdiff_t)ih * g.w + kj * p->dilation[1], sw));
          }
          _mm_storeu_si128((__m128i *)(row + o),
                           _mm_min_epi8(_mm_max_epi8(best, lo), hi));
        }
        ow = ow_hi;
      }
      for (; ow < g.ow; ++ow)
        row[ow] = (int8_t)kiln_clamp_s32(
            kiln_internal_max_pool_s8_at(p, &g, plane, oh, ow), act_min,
            act_max);
    }
  }
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
