/* kiln_add_f32, AVX2: vector loop for same-shape and scalar operands. */
#include "internal/kiln_avx2.h"
#include "internal/kiln_ref.h"

#if KILN_HAVE_AVX2
/* Same contract as the reference (kiln_add_f32.c), which serves every other
 * broadcast. */
kiln_status kiln_add_f32(const kiln_shape *a_shape, const float *a,
                         const kiln_shape *b_shape, const float *b,
                         const kiln_shape *out_shape, float *out) {
  if (kiln_avx2_binary_fast(KILN_AVX2_BINARY_ADD, a_shape, a, b_shape, b,
                            out_shape, out))
    return KILN_OK;
  return kiln_add_f32_ref(a_shape, a, b_shape, b, out_shape, out);
}
#endif /* KILN_HAVE_AVX2 */
