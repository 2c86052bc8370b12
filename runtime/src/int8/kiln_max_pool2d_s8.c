/* kiln_max_pool2d_s8: int8 MaxPool on NCHW, asymmetric pads and dilations. */
#include "internal/kiln_internal_s8.h"
#include "internal/kiln_ref_s8.h"

/**
 * @brief ONNX MaxPool on int8: the window maximum, clamped to
 *        [act_min, act_max]; scale and zero point pass through unchanged.
 *
 * Padding never wins; a window with no input tap (pads at least the kernel
 * extent) gives -128 before the clamp, as -inf does in the float kernel.
 *
 * @param[in]  params    kernel, stride, dilation >= 1; kH*kW <= 2^24;
 *                       pads >= 0; count_include_pad is ignored
 * @param[in]  act_min   >= -128
 * @param[in]  act_max   act_min <= act_max <= 127
 * @param[in]  in_shape  N, C, H, W (rank 4)
 * @param[in]  input     N*C*H*W int8
 * @param[in]  out_shape N, C, OH, OW with OH = floor or ceil of
 *                       (H + pad_top + pad_bottom - ((kH-1)*dH + 1)) / sH + 1
 * @param[out] output    N*C*OH*OW int8; must not alias input
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when a shape
 *         is not rank 4, N or C differ, or a parameter is out of range.
 */
kiln_status KILN_REF(kiln_max_pool2d_s8)(const kiln_pool_params *params,
                                         int32_t act_min, int32_t act_max,
                                         const kiln_shape *in_shape,
                                         const int8_t *input,
                                         const kiln_shape *out_shape,
                                         int8_t *output) {
  return kiln_internal_pool2d_s8(1, params, act_min, act_max, in_shape, input,
                                 out_shape, output);
}
