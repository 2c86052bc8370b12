/* kiln_log_f32: ONNX Log, elementwise. */
#include "internal/kiln_internal.h"
#include <math.h>

static float kiln_log_op(float x) { return logf(x); }

/**
 * @brief ONNX Log (x < 0 gives NaN, 0 gives -inf): out[i] = logf(in[i]).
 *
 * @param[in]  in    count elements
 * @param[out] out   count elements; may equal in (in place)
 * @param[in]  count >= 0
 * @return KILN_OK; KILN_ERR_NULL if in or out is NULL; KILN_ERR_ARG if
 *         count < 0.
 */
kiln_status kiln_log_f32(const float *in, float *out, int32_t count) {
  return kiln_internal_map_f32(kiln_log_op, in, out, count);
}
