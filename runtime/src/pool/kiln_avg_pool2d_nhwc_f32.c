/* kiln_avg_pool2d_nhwc_f32: ONNX AveragePool on NHWC, asymmetric pads and
 * dilations. */
#include "internal/kiln_nhwc.h"

/**
 * @brief ONNX AveragePool on channels-last data: the mean of each window.
 *
 * Bit-identical, per channel, with kiln_avg_pool2d_f32 on the NCHW
 * transpose of the input.
 *
 * @param[in]  params    kernel, stride, dilation >= 1; pads >= 0;
 *                       count_include_pad: 1 divides by the window clipped to
 *                       the padded extent, 0 by the valid taps
 * @param[in]  in_shape  N, H, W, C (rank 4)
 * @param[in]  input     N*H*W*C elements
 * @param[in]  out_shape N, OH, OW, C with OH = floor or ceil of
 *                       (H + pad_top + pad_bottom - ((kH-1)*dH + 1)) / sH + 1
 * @param[out] output    N*OH*OW*C elements; must not alias input
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when a shape
 *         is not rank 4.
 */
kiln_status kiln_avg_pool2d_nhwc_f32(const kiln_pool_params *params,
                                     const kiln_shape *in_shape,
                                     const float *input,
                                     const kiln_shape *out_shape,
                                     float *output) {
  return kiln_internal_pool2d_nhwc_f32(0, params, in_shape, input, out_shape,
                                       output);
}
