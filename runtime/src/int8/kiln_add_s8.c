/* kiln_add_s8: int8 Add with numpy broadcasting, TFLite's rescaling scheme. */
#include "internal/kiln_internal_s8.h"
#include "internal/kiln_iter.h"
#include "internal/kiln_ref_s8.h"

/**
 * @brief out = clamp(output_offset + requant_out(x_a + x_b), act_min, act_max)
 *        with x_i = requant_i((q_i + offset_i) << left_shift).
 *
 * The sum x_a + x_b wraps modulo 2^32 (it cannot overflow for factors < 1,
 * which is what the compiler emits for the inputs).
 *
 * @param[in]  params    a_offset, b_offset in [-127, 128]; left_shift in
 *                       [0, 20]; the three requant factors with multiplier in
 *                       [0, 2^31), shift in [-31, 30]; output_offset in
 *                       [-128, 127]; -128 <= act_min <= act_max <= 127
 * @param[in]  a_shape   rank 0..KILN_MAX_RANK; dims right-aligned to
 *                       out_shape, each equal to the out dim or 1
 * @param[in]  a         kiln_numel(a_shape) int8
 * @param[in]  b_shape   as a_shape
 * @param[in]  b         kiln_numel(b_shape) int8
 * @param[in]  out_shape the numpy broadcast of a_shape and b_shape
 * @param[out] out       kiln_numel(out_shape) int8; may alias a or b only when
 *                       that operand already has out_shape
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when the
 *         shapes do not broadcast or a parameter is out of range.
 */
kiln_status KILN_REF(kiln_add_s8)(const kiln_add_s8_params *params,
                                  const kiln_shape *a_shape, const int8_t *a,
                                  const kiln_shape *b_shape, const int8_t *b,
                                  const kiln_shape *out_shape, int8_t *out) {
  if (params == NULL || a == NULL || b == NULL || out == NULL)
    return KILN_ERR_NULL;
  if (!kiln_s8_input_offset_ok(params->a_offset) ||
      !kiln_s8_input_offset_ok(params->b_offset) || params->left_shift < 0 ||
      params->left_shift > 20 || !kiln_s8_requant_ok(params->a_requant) ||
      !kiln_s8_requant_ok(params->b_requant) ||
      !kiln_s8_requant_ok(params->output_requant) ||
      !kiln_s8_output_offset_ok(params->output_offset) ||
      !kiln_s8_act_ok(params->act_min, params->act_max))
    return KILN_ERR_ARG;
  const kiln_shape *const shapes[2] = {a_shape, b_shape};
  kiln_iter it;
  kiln_status st = kiln_iter_init_broadcast(&it, out_shape, 2, shapes);
  if (st != KILN_OK)
    return st;
  const int32_t count = kiln_numel(out_shape);
  const kiln_add_s8_params *p = params;
  for (int32_t i = 0; i < count; ++i, kiln_iter_next(&it)) {
    /* (q + offset) << 20 stays below 2^29: no wrap in the shift. */
    const int32_t xa =
        kiln_requant_apply((a[it.off[0]] + p->a_offset) * (1 << p->left_shift),
                           p->a_requant.multiplier, p->a_requant.shift);
    const int32_t xb =
        kiln_requant_apply((b[it.off[1]] + p->b_offset) * (1 << p->left_shift),
                           p->b_requant.multiplier, p->b_requant.shift);
    out[i] = kiln_requant_to_s8(kiln_wrap_add(xa, xb), p->output_requant,
                                p->output_offset, p->act_min, p->act_max);
  }
  return KILN_OK;
}
