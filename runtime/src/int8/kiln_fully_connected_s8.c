/* kiln_fully_connected_s8: int8 Gemm with weights [n, k], TFLite scheme. */
#include "internal/kiln_internal_s8.h"
#include "internal/kiln_ref_s8.h"

/**
 * @brief out[b][j] = clamp(output_offset + requant[j](bias[j] +
 *        sum_i (in[b][i] + input_offset) * w[j][i]), act_min, act_max).
 *
 * The int32 accumulator wraps modulo 2^32 (no overflow for k <= 65793 and
 * |bias| < 2^30).
 *
 * @param[in]  params  batch, n, k >= 1; input_offset in [-127, 128];
 *                     output_offset in [-128, 127];
 *                     -128 <= act_min <= act_max <= 127
 * @param[in]  requant n factors: multiplier in [0, 2^31), shift in [-31, 30]
 * @param[in]  input   batch*k int8, row-major [batch, k]
 * @param[in]  weights n*k int8, row-major [n, k], zero point 0
 * @param[in]  bias    n int32, or NULL
 * @param[out] output  batch*n int8, row-major [batch, n]; must not alias
 * @return KILN_OK; KILN_ERR_NULL for a NULL required pointer; KILN_ERR_ARG for
 *         a parameter outside the ranges above.
 */
kiln_status KILN_REF(kiln_fully_connected_s8)(const kiln_fc_s8_params *params,
                                              const kiln_requant *requant,
                                              const int8_t *input,
                                              const int8_t *weights,
                                              const int32_t *bias,
                                              int8_t *output) {
  if (params == NULL || requant == NULL || input == NULL || weights == NULL ||
      output == NULL)
    return KILN_ERR_NULL;
  if (params->batch < 1 || params->n < 1 || params->k < 1 ||
      !kiln_s8_input_offset_ok(params->input_offset) ||
      !kiln_s8_output_offset_ok(params->output_offset) ||
      !kiln_s8_act_ok(params->act_min, params->act_max) ||
      !kiln_s8_requant_all_ok(requant, params->n))
    return KILN_ERR_ARG;
  const int32_t k = params->k, off = params->input_offset;
  for (int32_t b = 0; b < params->batch; ++b) {
    const int8_t *x = input + (ptrdiff_t)b * k;
    for (int32_t j = 0; j < params->n; ++j) {
      const int8_t *w = weights + (ptrdiff_t)j * k;
      int32_t acc = bias ? bias[j] : 0;
      for (int32_t i = 0; i < k; ++i)
        acc = kiln_wrap_add(acc, (x[i] + off) * w[i]);
      output[(ptrdiff_t)b * params->n + j] =
          kiln_requant_to_s8(acc, requant[j], params->output_offset,
                             params->act_min, params->act_max);
    }
  }
  return KILN_OK;
}
