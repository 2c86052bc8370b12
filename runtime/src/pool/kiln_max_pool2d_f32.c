/* kiln_max_pool2d_f32: ONNX MaxPool on NCHW, asymmetric pads and dilations. */
#include "internal/kiln_internal.h"

/**
 * @brief ONNX MaxPool: the maximum of each window; padding never wins.
 *
 * @param[in]  params    kernel, stride, dilation >= 1; pads >= 0
 * @param[in]  in_shape  N, C, H, W (rank 4)
 * @param[in]  input     N*C*H*W elements
 * @param[in]  out_shape N, C, OH, OW with OH = floor or ceil of
 *                       (H + pad_top + pad_bottom - ((kH-1)*dH + 1)) / sH + 1
 * @param[out] output    N*C*OH*OW elements; must not alias input
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when a shape
 *         is not rank 4.
 */
kiln_status kiln_max_pool2d_f32(const kiln_pool_params *params,
                                const kiln_shape *in_shape, const float *input,
                                const kiln_shape *out_shape, float *output) {
  return kiln_internal_pool2d_f32(1, params, in_shape, input, out_shape,
                                  output);
}
