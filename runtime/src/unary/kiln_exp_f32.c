/* kiln_exp_f32: ONNX Exp, elementwise. */
#include "internal/kiln_ref.h"
#include <math.h>

static float kiln_exp_op(float x) { return expf(x); }

/**
 * @brief ONNX Exp: out[i] = ein[i]pf(in[i]).
 *
 * @param[in]  in    count elements
 * @param[out] out   count elements; may equal in (in place)
 * @param[in]  count >= 0
 * @return KILN_OK; KILN_ERR_NULL if in or out is NULL; KILN_ERR_ARG if
 *         count < 0.
 */
kiln_status KILN_REF(kiln_exp_f32)(const float *in, float *out, int32_t count) {
  return kiln_internal_map_f32(kiln_exp_op, in, out, count);
}
