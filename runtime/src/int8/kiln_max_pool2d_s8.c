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
 * @param[in]  params    kernel, stride, dilation >= 1; pads >= 0;
 *                       count_include_pad is ignored
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
  kiln_pool_s8_geometry g;
  kiln_status st = kiln_internal_pool_s8_check(
      params, act_min, act_max, in_shape, input, out_shape, output, &g);
  if (st != KILN_OK)
    return st;
  for (int32_t pl = 0; pl < g.planes; ++pl) {
    const int8_t *plane = input + (ptrdiff_t)pl * g.h * g.w;
    int8_t *dst = output + (ptrdiff_t)pl * g.oh * g.ow;
    for (int32_t oh = 0; oh < g.oh; ++oh)
      for (int32_t ow = 0; ow < g.ow; ++ow)
        dst[oh * g.ow + ow] = (int8_t)kiln_clamp_s32(
            kiln_internal_max_pool_s8_at(params, &g, plane, oh, ow), act_min,
            act_max);
  }
  return KILN_OK;
}
