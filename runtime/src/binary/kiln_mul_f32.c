/* kiln_mul_f32: ONNX Mul with numpy broadcasting. */
#include "internal/kiln_ref.h"

static float kiln_mul_op(float a, float b) { return a * b; }

/**
 * @brief ONNX Mul: out = a * b.
 *
 * @param[in]  a_shape   rank 0..KILN_MAX_RANK; dims right-aligned to out_shape,
 *                       each equal to the out dim or 1
 * @param[in]  a         kiln_numel(a_shape) elements
 * @param[in]  b_shape   as a_shape
 * @param[in]  b         kiln_numel(b_shape) elements
 * @param[in]  out_shape the numpy broadcast of a_shape and b_shape, rank 0..6
 * @param[out] out       kiln_numel(out_shape) elements; may alias a or b only
 *                       when that operand already has out_shape
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when a rank
 *         exceeds KILN_MAX_RANK or the shapes do not broadcast.
 */
kiln_status KILN_REF(kiln_mul_f32)(const kiln_shape *a_shape, const float *a,
                                   const kiln_shape *b_shape, const float *b,
                                   const kiln_shape *out_shape, float *out) {
  return kiln_internal_binary_f32(kiln_mul_op, a_shape, a, b_shape, b,
                                  out_shape, out);
}
