/* kiln_erf_f32, AVX2/FMA: the polynomial kiln_avx2_erf (kiln_avx2.h). */
#include "internal/kiln_avx2.h"
#include "internal/kiln_ref.h"

#if KILN_HAVE_AVX2
/* Same contract as the reference (kiln_erf_f32.c), within rtol 1e-3 /
 * atol 1e-5 of it over the whole float range. */
kiln_status kiln_erf_f32(const float *in, float *out, int32_t count) {
  return kiln_avx2_map(kiln_avx2_erf, in, out, count);
}
#endif /* KILN_HAVE_AVX2 */
