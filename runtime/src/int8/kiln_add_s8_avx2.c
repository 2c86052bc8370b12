/* kiln_add_s8, AVX2: (interim) forwards to the reference. */
#include "internal/kiln_isa.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
kiln_status kiln_add_s8(const kiln_add_s8_params *params,
                        const kiln_shape *a_shape, const int8_t *a,
                        const kiln_shape *b_shape, const int8_t *b,
                        const kiln_shape *out_shape, int8_t *out) {
  return kiln_add_s8_ref(params, a_shape, a, b_shape, b, out_shape, out);
}
#endif /* KILN_HAVE_AVX2 */
