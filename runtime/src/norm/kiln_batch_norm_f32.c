/* kiln_batch_norm_f32: ONNX BatchNormalization in inference mode. */
#include "internal/kiln_iter.h"

#include <math.h>

/**
 * @brief ONNX BatchNormalization (inference):
 *        y = (x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c].
 *
 * The compiler usually folds this into the preceding conv; the kernel serves
 * the unfolded cases and the host evaluator.
 *
 * @param[in]  shape   N, C, ... (rank 2..KILN_MAX_RANK); channel is dim 1
 * @param[in]  input   kiln_numel(shape) elements
 * @param[in]  scale   C elements
 * @param[in]  bias    C elements
 * @param[in]  mean    C elements (running mean)
 * @param[in]  var     C elements (running variance), >= 0
 * @param[in]  epsilon > 0 (ONNX default 1e-5)
 * @param[out] output  kiln_numel(shape) elements; may equal input
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a rank
 *         outside 2..KILN_MAX_RANK.
 */
kiln_status kiln_batch_norm_f32(const kiln_shape *shape, const float *input,
                                const float *scale, const float *bias,
                                const float *mean, const float *var,
                                float epsilon, float *output) {
  if (shape == NULL || input == NULL || scale == NULL || bias == NULL ||
      mean == NULL || var == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (shape->rank < 2 || shape->rank > KILN_MAX_RANK)
    return KILN_ERR_ARG;
  const int32_t batch = shape->dims[0], ch = shape->dims[1];
  const int32_t inner = kiln_dims_product(shape, 2, shape->rank);
  ptrdiff_t i = 0;
  for (int32_t n = 0; n < batch; ++n) {
    for (int32_t c = 0; c < ch; ++c) {
      /* Folding to one multiply-add per element matches what the compiler's
       * BN->conv folding produces, keeping both paths numerically close. */
      const float mul = scale[c] / sqrtf(var[c] + epsilon);
      const float add = bias[c] - mean[c] * mul;
      for (int32_t j = 0; j < inner; ++j, ++i)
        output[i] = input[i] * mul + add;
    }
  }
  return KILN_OK;
}
