/* kiln_erf_f32: ONNX Erf, elementwise. */
#include "internal/kiln_ref.h"
#include <math.h>

static float kiln_erf_op(float x) { return erff(x); }

/**
 * @brief ONNX Erf: out[i] = erff(in[i]).
 *
 * @param[in]  in    count elements
 * @param[out] out   count elements; may equal in (in place)
 * @param[in]  count >= 0
 * @return KILN_OK; KILN_ERR_NULL if in or out is NULL; KILN_ERR_ARG if
 *         count < 0.
 */
kiln_status KILN_REF(kiln_erf_f32)(const float *in, float *out, int32_t count) {
  return kiln_internal_map_f32(kiln_erf_op, in, out, count);
}
