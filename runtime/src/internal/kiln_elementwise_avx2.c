/* The fused epilogue as a standalone loop (relu, sigmoid, ... kernels), AVX2.
 */
#include "kiln_avx2.h"
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
    const __m256i mask = kiln_avx2_tail_mask(count - i);
    __m256 v = _mm256_maskload_ps(in + i, mask);
    if (residual != NULL)
      v = _mm256_add_ps(v, _mm256_maskload_ps(residual + i, mask));
    _mm256_maskstore_ps(out + i, mask, kiln_avx2_act(act, v));
  }
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
