/* kiln_add_s8, AVX2: same-shape and one-element operands, 8 lanes at a time.
 */
#include "internal/kiln_avx2_s8.h"
#include "internal/kiln_iter.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
static int kiln_s8_same_shape(const kiln_shape *x, const kiln_shape *y) {
  if (x->rank != y->rank)
    return 0;
  for (int32_t d = 0; d < x->rank; ++d)
    if (x->dims[d] != y->dims[d])
      return 0;
  return 1;
}

/* 8 int8 (count < 8 reads only count) as int32 lanes. */
static inline __m256i kiln_s8_load8(const int8_t *p, int32_t count) {
  int64_t bits = 0;
  memcpy(&bits, p, (size_t)(count < 8 ? count : 8));
  return _mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bits));
}

/* Same contract as the reference (kiln_add_s8.c), bit for bit; every other
 * broadcast goes to the reference. */
kiln_status kiln_add_s8(const kiln_add_s8_params *params,
                        const kiln_shape *a_shape, const int8_t *a,
                        const kiln_shape *b_shape, const int8_t *b,
                        const kiln_shape *out_shape, int8_t *out) {
  if (params == NULL || a_shape == NULL || a == NULL || b_shape == NULL ||
      b == NULL || out_shape == NULL || out == NULL ||
      !kiln_rank_ok(out_shape) || !kiln_rank_ok(a_shape) ||
      !kiln_rank_ok(b_shape))
    return kiln_add_s8_ref(params, a_shape, a, b_shape, b, out_shape, out);
  const int a_full = kiln_s8_same_shape(a_shape, out_shape);
  const int b_full = kiln_s8_same_shape(b_shape, out_shape);
  const int a_one =
      a_shape->rank <= out_shape->rank && kiln_numel(a_shape) == 1;
  const int b_one =
      b_shape->rank <= out_shape->rank && kiln_numel(b_shape) == 1;
  const kiln_add_s8_params *p = params;
  if (!((a_full || a_one) && (b_full || b_one)) ||
      !kiln_s8_input_offset_ok(p->a_offset) ||
      !kiln_s8_input_offset_ok(p->b_offset) || p->left_shift < 0 ||
      p->left_shift > 20 || !kiln_s8_requant_ok(p->a_requant) ||
      !kiln_s8_requant_ok(p->b_requant) ||
      !kiln_s8_requant_ok(p->output_requant) ||
      !kiln_s8_output_offset_ok(p->output_offset) ||
      !kiln_s8_act_ok(p->act_min, p->act_max))
    return kiln_add_s8_ref(params, a_shape, a, b_shape, b, out_shape, out);
  const kiln_avx2_requant rq_a = kiln_avx2_requant_set1(p->a_requant);
  const kiln_avx2_requant rq_b = kiln_avx2_requant_set1(p->b_requant);
  const kiln_avx2_requant rq_o = kiln_avx2_requant_set1(p->output_requant);
  const kiln_avx2_clamp_s8 clamp =
      kiln_avx2_clamp_s8_set(p->output_offset, p->act_min, p->act_max);
  const __m128i shift = _mm_cvtsi32_si128(p->left_shift);
  const __m256i off_a = _mm256_set1_epi32(p->a_offset);
  const __m256i off_b = _mm256_set1_epi32(p->b_offset);
  const int32_t count = kiln_numel(out_shape);
  for (int32_t i = 0; i < count; i += 8) {
    const int32_t lanes = count - i < 8 ? count - i : 8;
    const __m256i qa =
        a_full ? kiln_s8_load8(a + i, lanes) : _mm256_set1_epi32(a[0]);
    const __m256i qb =
        b_full ? kiln_s8_load8(b + i, lanes) : _mm256_set1_epi32(b[0]);
    /* (q + offset) << 20 < 2^29: the shift cannot wrap. */
    const __m256i xa = kiln_avx2_requant_apply(
        _mm256_sll_epi32(_mm256_add_epi32(qa, off_a), shift), &rq_a);
    const __m256i xb = kiln_avx2_requant_apply(
        _mm256_sll_epi32(_mm256_add_epi32(qb, off_b), shift), &rq_b);
    const __m256i v = kiln_avx2_clamp_apply(
        kiln_avx2_requant_apply(_mm256_add_epi32(xa, xb), &rq_o), &clamp);
    kiln_avx2_store_s8(out + i, kiln_avx2_pack16_s8(v, v), lanes);
  }
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
