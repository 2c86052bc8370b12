/* kiln_avg_pool2d_f32: ONNX AveragePool on NCHW, asymmetric pads and dilations.
 */
#include "internal/kiln_internal.h"

/**
 * @brief ONNX AveragePool: the mean of each window.
 *
 * @param[in]  params    kernel, stride, dilation >= 1; pads >= 0
 *                       count_include_pad: 1 divides by the window clipped to
 *                       the padded extent, 0 by the valid taps
 * @param[in]  in_shape  N, C, H, W (rank 4)
 * @param[in]  input     N*C*H*W elements
 * @param[in]  out_shape N, C, OH, OW with OH = floor or ceil of
 *                       (H + pad_top + pad_bottom - ((kH-1)*dH + 1)) / sH + 1
 * @param[out] output    N*C*OH*OW elements; must not alias input
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when a shape
 *         is not rank 4.
 */
kiln_status kiln_avg_pool2d_f32(const kiln_pool_params *params,
                                const kiln_shape *in_shape, const float *input,
                                const kiln_shape *out_shape, float *output) {
  kiln_status st =
      kiln_internal_check_nchw(params, in_shape, input, out_shape, output);
  if (st != KILN_OK)
    return st;
  /* One unpadded window over the whole plane (DS-CNN's head) is a
   * GlobalAveragePool: a contiguous reduction per channel, which the ISA
   * builds vectorise, instead of one window walked a lane at a time. Without
   * padding both count modes divide by H * W. */
  if (out_shape->dims[2] == 1 && out_shape->dims[3] == 1 &&
      params->kernel[0] == in_shape->dims[2] &&
      params->kernel[1] == in_shape->dims[3] && params->pad[0] == 0 &&
      params->pad[1] == 0 && params->pad[2] == 0 && params->pad[3] == 0)
    return kiln_internal_global_pool_f32(KILN_REDUCE_MEAN, in_shape, input,
                                         output);
  return kiln_internal_pool2d_f32(0, params, in_shape, input, out_shape,
                                  output);
}
