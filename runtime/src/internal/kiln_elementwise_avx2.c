/* AVX2 elementwise: fused epilogue, unary maps, binary fast paths. */
#include "kiln_avx2.h"
#include "kiln_iter.h"
#include "kiln_ref.h"

#if KILN_HAVE_AVX2
kiln_status kiln_internal_epilogue_f32(const kiln_activation *act,
                                       const float *residual, const float *in,
                                       float *out, int32_t count) {
  static const kiln_activation identity = {KILN_ACT_NONE, 0.f, 0.f, 0.f, 0.f};
  if (in == NULL || out == NULL)
    return KILN_ERR_NULL;
  if (count < 0)
    return KILN_ERR_ARG;
  if (act == NULL)
    act = &identity;
  for (int32_t i = 0; i < count; i += 8) {
    __m256 v = kiln_avx2_load_n(in + i, count - i);
    if (residual != NULL)
      v = _mm256_add_ps(v, kiln_avx2_load_n(residual + i, count - i));
    kiln_avx2_store_n(out + i, kiln_avx2_act(act, v), count - i);
  }
  return KILN_OK;
}

kiln_status kiln_avx2_map(kiln_avx2_unary_fn fn, const float *in, float *out,
                          int32_t count) {
  if (in == NULL || out == NULL)
    return KILN_ERR_NULL;
  if (count < 0)
    return KILN_ERR_ARG;
  for (int32_t i = 0; i < count; i += 8)
    kiln_avx2_store_n(out + i, fn(kiln_avx2_load_n(in + i, count - i)),
                      count - i);
  return KILN_OK;
}

static int kiln_same_shape(const kiln_shape *x, const kiln_shape *y) {
  if (x->rank != y->rank)
    return 0;
  for (int32_t d = 0; d < x->rank; ++d)
    if (x->dims[d] != y->dims[d])
      return 0;
  return 1;
}

int kiln_avx2_binary_fast(kiln_avx2_binary_fn fn, const kiln_shape *a_shape,
                          const float *a, const kiln_shape *b_shape,
                          const float *b, const kiln_shape *out_shape,
                          float *out) {
  if (a_shape == NULL || a == NULL || b_shape == NULL || b == NULL ||
      out_shape == NULL || out == NULL || out_shape->rank < 0 ||
      out_shape->rank > KILN_MAX_RANK)
    return 0;
  /* A one-element operand of any rank <= out's broadcasts to every lane. */
  const int a_full = kiln_same_shape(a_shape, out_shape);
  const int b_full = kiln_same_shape(b_shape, out_shape);
  const int a_one =
      a_shape->rank <= out_shape->rank && kiln_numel(a_shape) == 1;
  const int b_one =
      b_shape->rank <= out_shape->rank && kiln_numel(b_shape) == 1;
  if (!((a_full || a_one) && (b_full || b_one)))
    return 0;
  const int32_t count = kiln_numel(out_shape);
  for (int32_t i = 0; i < count; i += 8) {
    const __m256 x =
        a_full ? kiln_avx2_load_n(a + i, count - i) : _mm256_broadcast_ss(a);
    const __m256 y =
        b_full ? kiln_avx2_load_n(b + i, count - i) : _mm256_broadcast_ss(b);
    kiln_avx2_store_n(out + i, fn(x, y), count - i);
  }
  return 1;
}
#endif /* KILN_HAVE_AVX2 */
