/* kiln_global_max_pool_nhwc_f32: ONNX GlobalMaxPool on NHWC. */
#include "internal/kiln_nhwc.h"

/**
 * @brief ONNX GlobalMaxPool on channels-last data: the maximum over H and W
 *        of each channel; a NaN anywhere in the plane gives NaN.
 *
 * @param[in]  in_shape N, H, W, C (rank 4)
 * @param[in]  input    N*H*W*C elements
 * @param[out] output   N*C elements (out shape N, 1, 1, C); must not alias
 *                      input
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when the rank
 *         is not 4.
 */
kiln_status kiln_global_max_pool_nhwc_f32(const kiln_shape *in_shape,
                                          const float *input, float *output) {
  return kiln_internal_global_pool_nhwc_f32(KILN_REDUCE_MAX, in_shape, input,
                                            output);
}
