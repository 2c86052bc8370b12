/* kiln_quantize_f32_u8: ONNX QuantizeLinear to uint8_t, per tensor or per axis.
 */
#include "internal/kiln_internal.h"

/**
 * @brief ONNX QuantizeLinear: y = saturate(round_half_even(x / scale) + zp).
 *
 * The tensor is viewed as [outer, axis_size, inner] with one scale and zero
 * point per axis position: per-tensor is outer = 1, axis_size = 1,
 * inner = count; per-axis on axis a is outer = prod(dims < a),
 * axis_size = dims[a], inner = prod(dims > a).
 *
 * @param[in]  input      outer * axis_size * inner floats; NaN maps to zp
 * @param[out] output     same count of uint8_t
 * @param[in]  scale      axis_size values, > 0
 * @param[in]  zero_point axis_size values, or NULL for 0
 * @param[in]  outer      >= 0
 * @param[in]  axis_size  >= 0
 * @param[in]  inner      >= 0
 * @return KILN_OK; KILN_ERR_NULL when input, output or scale is NULL;
 *         KILN_ERR_ARG for a negative size.
 */
kiln_status kiln_quantize_f32_u8(const float *input, uint8_t *output,
                                 const float *scale, const uint8_t *zero_point,
                                 int32_t outer, int32_t axis_size,
                                 int32_t inner) {
  return kiln_internal_quantize(0, input, output, scale, zero_point, outer,
                                axis_size, inner);
}
