/* kiln_global_avg_pool_f32: ONNX GlobalAveragePool over all spatial dims. */
#include "internal/kiln_internal.h"

/**
 * @brief ONNX GlobalAveragePool: reduces every dim after N, C.
 *
 * @param[in]  in_shape N, C, spatial...: rank 3..KILN_MAX_RANK
 * @param[in]  input    kiln_numel(in_shape) elements
 * @param[out] output   N * C elements (out shape N, C, 1, ...)
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when the rank
 *         is outside 3..KILN_MAX_RANK.
 */
kiln_status kiln_global_avg_pool_f32(const kiln_shape *in_shape,
                                     const float *input, float *output) {
  return kiln_internal_global_pool_f32(KILN_REDUCE_MEAN, in_shape, input,
                                       output);
}
