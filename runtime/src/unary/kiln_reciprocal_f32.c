/* kiln_reciprocal_f32: ONNX Reciprocal, elementwise. */
#include "internal/kiln_internal.h"

static float kiln_reciprocal_op(float x) { return 1.0f / x; }

/**
 * @brief ONNX Reciprocal (1 / 0 gives inf): out[i] = 1.0f / in[i].
 *
 * @param[in]  in    count elements
 * @param[out] out   count elements; may equal in (in place)
 * @param[in]  count >= 0
 * @return KILN_OK; KILN_ERR_NULL if in or out is NULL; KILN_ERR_ARG if
 *         count < 0.
 */
kiln_status kiln_reciprocal_f32(const float *in, float *out, int32_t count) {
  return kiln_internal_map_f32(kiln_reciprocal_op, in, out, count);
}
