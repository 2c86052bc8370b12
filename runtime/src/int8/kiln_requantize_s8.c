/* kiln_requantize_s8: int8 -> int8 under another scale and zero point. */
#include "internal/kiln_internal_s8.h"

/**
 * @brief out = clamp(output_offset + requant(q + input_offset), -128, 127).
 *
 * @param[in]  input         count int8
 * @param[in]  input_offset  -input zero point, in [-127, 128]
 * @param[in]  requant       in_scale / out_scale: multiplier in [0, 2^31),
 *                           shift in [-31, 30]
 * @param[in]  output_offset output zero point, in [-128, 127]
 * @param[out] output        count int8; may be input (in place)
 * @param[in]  count         >= 0
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for count
 *         < 0 or a parameter out of range.
 */
kiln_status kiln_requantize_s8(const int8_t *input, int32_t input_offset,
                               kiln_requant requant, int32_t output_offset,
                               int8_t *output, int32_t count) {
  if (input == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (count < 0 || !kiln_s8_input_offset_ok(input_offset) ||
      !kiln_s8_output_offset_ok(output_offset) || !kiln_s8_requant_ok(requant))
    return KILN_ERR_ARG;
  for (int32_t i = 0; i < count; ++i)
    output[i] = kiln_requant_to_s8(input[i] + input_offset, requant,
                                   output_offset, -128, 127);
  return KILN_OK;
}
