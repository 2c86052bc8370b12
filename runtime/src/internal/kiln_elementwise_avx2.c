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
    __m256 v = kiln_avx2_load_n(in + i, count - i);
    if (residual != NULL)
      v = _mm256_add_ps(v, kiln_avx2_load_n(residual + i, count - i));
    kiln_avx2_store_n(out + i, kiln_avx2_act(act, v), count - i);
  }
  return KILN_OK;
}
#endif /* KILN_HAVE_AVX2 */
