/* kiln_dequantize_s8_f32: ONNX DequantizeLinear from int8_t, per tensor or per
 * axis. */
#include "internal/kiln_internal.h"

/**
 * @brief ONNX DequantizeLinear: y = (x - zp) * scale.
 *
 * The tensor is viewed as [outer, axis_size, inner] with one scale and zero
 * point per axis position: per-tensor is outer = 1, axis_size = 1,
 * inner = count; per-axis on axis a is outer = prod(dims < a),
 * axis_size = dims[a], inner = prod(dims > a).
 *
 * @param[in]  input      outer * axis_size * inner values of int8_t
 * @param[out] output     same count of floats
 * @param[in]  scale      axis_size values
 * @param[in]  zero_point axis_size values, or NULL for 0
 * @param[in]  outer      >= 0
 * @param[in]  axis_size  >= 0
 * @param[in]  inner      >= 0
 * @return KILN_OK; KILN_ERR_NULL when input, output or scale is NULL;
 *         KILN_ERR_ARG for a negative size.
 */
kiln_status kiln_dequantize_s8_f32(const int8_t *input, float *output,
                                   const float *scale, const int8_t *zero_point,
                                   int32_t outer, int32_t axis_size,
                                   int32_t inner) {
  return kiln_internal_dequantize(1, input, output, scale, zero_point, outer,
                                  axis_size, inner);
}
