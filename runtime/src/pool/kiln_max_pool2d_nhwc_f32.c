/* kiln_max_pool2d_nhwc_f32: ONNX MaxPool on NHWC, asymmetric pads, dilations.
 */
#include "internal/kiln_nhwc.h"

/**
 * @brief ONNX MaxPool on channels-last data: the maximum of each window;
 *        padding never wins, a NaN in the window gives NaN.
 *
 * Bit-identical, per channel, with kiln_max_pool2d_f32 on the NCHW
 * transpose of the input.
 *
 * @param[in]  params    kernel, stride, dilation >= 1; pads >= 0
 *                       (count_include_pad is ignored)
 * @param[in]  in_shape  N, H, W, C (rank 4)
 * @param[in]  input     N*H*W*C elements
 * @param[in]  out_shape N, OH, OW, C with OH = floor or ceil of
 *                       (H + pad_top + pad_bottom - ((kH-1)*dH + 1)) / sH + 1
 * @param[out] output    N*OH*OW*C elements; must not alias input
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when a shape
 *         is not rank 4.
 */
kiln_status kiln_max_pool2d_nhwc_f32(const kiln_pool_params *params,
                                     const kiln_shape *in_shape,
                                     const float *input,
                                     const kiln_shape *out_shape,
                                     float *output) {
  return kiln_internal_pool2d_nhwc_f32(1, params, in_shape, input, out_shape,
                                       output);
}
