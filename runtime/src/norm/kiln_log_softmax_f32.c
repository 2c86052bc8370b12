/* kiln_log_softmax_f32: ONNX LogSoftmax (opset 13) along one axis. */
#include "internal/kiln_internal.h"

/**
 * @brief ONNX LogSoftmax, opset 13: y = x - max - log(sum(exp(x - max))) along
 * the axis.
 *
 * The tensor is viewed as [outer, axis_size, inner]: outer is the product of
 * the dims before the axis, inner of those after it.
 *
 * @param[in]  input     outer * axis_size * inner elements
 * @param[out] output    same count; may equal input (in place)
 * @param[in]  outer     >= 0
 * @param[in]  axis_size >= 0
 * @param[in]  inner     >= 0
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a
 *         negative size.
 */
kiln_status kiln_log_softmax_f32(const float *input, float *output,
                                 int32_t outer, int32_t axis_size,
                                 int32_t inner) {
  return kiln_internal_softmax_f32(1, input, output, outer, axis_size, inner);
}
