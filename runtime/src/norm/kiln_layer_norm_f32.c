/* kiln_layer_norm_f32: ONNX LayerNormalization over the trailing dims. */
#include "kiln/runtime.h"

#include <math.h>
#include <stddef.h>

/**
 * @brief ONNX LayerNormalization (opset 17):
 *        y = (x - mean) / sqrt(var + epsilon) * scale + bias per row.
 *
 * The tensor is viewed as [outer, norm_size], where norm_size is the product
 * of the dims from `axis` on; mean and the biased variance are per row.
 *
 * @param[in]  input     outer * norm_size elements
 * @param[in]  scale     norm_size elements
 * @param[in]  bias      norm_size elements, or NULL for none
 * @param[in]  epsilon   > 0 (ONNX default 1e-5)
 * @param[out] output    outer * norm_size elements; may equal input
 * @param[in]  outer     >= 0
 * @param[in]  norm_size >= 1
 * @return KILN_OK; KILN_ERR_NULL when input, scale or output is NULL;
 *         KILN_ERR_ARG when outer < 0 or norm_size < 1.
 */
kiln_status kiln_layer_norm_f32(const float *input, const float *scale,
                                const float *bias, float epsilon, float *output,
                                int32_t outer, int32_t norm_size) {
  if (input == NULL || scale == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (outer < 0 || norm_size < 1)
    return KILN_ERR_ARG;
  const float inv_n = 1.0f / (float)norm_size;
  for (int32_t r = 0; r < outer; ++r) {
    const float *x = input + (ptrdiff_t)r * norm_size;
    float *y = output + (ptrdiff_t)r * norm_size;
    /* Two passes (mean, then squared deviations) instead of E[x^2] - E[x]^2,
     * which cancels catastrophically in fp32 for large-mean rows. */
    float mean = 0.0f;
    for (int32_t j = 0; j < norm_size; ++j)
      mean += x[j];
    mean *= inv_n;
    float var = 0.0f;
    for (int32_t j = 0; j < norm_size; ++j)
      var += (x[j] - mean) * (x[j] - mean);
    const float inv_std = 1.0f / sqrtf(var * inv_n + epsilon);
    for (int32_t j = 0; j < norm_size; ++j)
      y[j] = (x[j] - mean) * inv_std * scale[j] + (bias ? bias[j] : 0.0f);
  }
  return KILN_OK;
}
