/* kiln_fully_connected_s8, AVX2: (interim) forwards to the reference. */
#include "internal/kiln_isa.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
kiln_status kiln_fully_connected_s8(const kiln_fc_s8_params *params,
                                    const kiln_requant *requant,
                                    const int8_t *input, const int8_t *weights,
                                    const int32_t *bias, int8_t *output) {
  return kiln_fully_connected_s8_ref(params, requant, input, weights, bias,
                                     output);
}
#endif /* KILN_HAVE_AVX2 */
