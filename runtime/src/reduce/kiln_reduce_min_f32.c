/* kiln_reduce_min_f32: ONNX ReduceMin over an axis bitmask. */
#include "internal/kiln_internal.h"

/**
 * @brief ONNX ReduceMin: the minimum (NaN propagates; empty gives +inf) over
 * the axes in axes_mask.
 *
 * The compiler resolves negative axes, and maps "no axes" to all axes unless
 * noop_with_empty_axes is set (then mask 0, a copy).
 *
 * @param[in]  in_shape  rank 0..KILN_MAX_RANK
 * @param[in]  input     kiln_numel(in_shape) elements
 * @param[in]  axes_mask bit i set reduces axis i; bits >= rank must be clear
 * @param[out] output    in_shape with reduced dims set to 1 (keepdims=0 has the
 *                       same layout); must not alias input
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a bad
 *         rank or a mask bit beyond the rank.
 */
kiln_status kiln_reduce_min_f32(const kiln_shape *in_shape, const float *input,
                                uint32_t axes_mask, float *output) {
  return kiln_internal_reduce_f32(KILN_REDUCE_MIN, in_shape, input, axes_mask,
                                  output);
}
