/* kiln_global_avg_pool_s8: int8 GlobalAveragePool with requantisation. */
#include "internal/kiln_internal_s8.h"
#include "internal/kiln_iter.h"

/**
 * @brief out[n][c] = clamp(output_offset + requant(sum over the spatial dims
 *        of (q + input_offset)), act_min, act_max).
 *
 * requant folds in_scale / (out_scale * count), count being the number of
 * spatial elements. The int32 sum wraps modulo 2^32 (no overflow below 2^23
 * elements per channel).
 *
 * @param[in]  in_shape      N, C, spatial...: rank 3..KILN_MAX_RANK
 * @param[in]  input         kiln_numel(in_shape) int8
 * @param[in]  input_offset  -input zero point, in [-127, 128]
 * @param[in]  requant       multiplier in [0, 2^31), shift in [-31, 30]
 * @param[in]  output_offset output zero point, in [-128, 127]
 * @param[in]  act_min       >= -128
 * @param[in]  act_max       act_min <= act_max <= 127
 * @param[out] output        N*C int8 (out shape N, C, 1, ...)
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when the
 *         rank is outside 3..KILN_MAX_RANK or a parameter is out of range.
 */
kiln_status kiln_global_avg_pool_s8(const kiln_shape *in_shape,
                                    const int8_t *input, int32_t input_offset,
                                    kiln_requant requant, int32_t output_offset,
                                    int32_t act_min, int32_t act_max,
                                    int8_t *output) {
  if (in_shape == NULL || input == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (in_shape->rank < 3 || in_shape->rank > KILN_MAX_RANK ||
      !kiln_s8_input_offset_ok(input_offset) ||
      !kiln_s8_output_offset_ok(output_offset) ||
      !kiln_s8_act_ok(act_min, act_max) || !kiln_s8_requant_ok(requant))
    return KILN_ERR_ARG;
  const int32_t planes = kiln_dims_product(in_shape, 0, 2);
  const int32_t size = kiln_dims_product(in_shape, 2, in_shape->rank);
  for (int32_t pl = 0; pl < planes; ++pl) {
    const int8_t *x = input + (ptrdiff_t)pl * size;
    int32_t sum = 0;
    for (int32_t i = 0; i < size; ++i)
      sum = kiln_wrap_add(sum, x[i] + input_offset);
    output[pl] =
        kiln_requant_to_s8(sum, requant, output_offset, act_min, act_max);
  }
  return KILN_OK;
}
