/* Max-shifted softmax shared by Softmax and LogSoftmax. */
#include "kiln_internal.h"

#include <math.h>
#include <stddef.h>

kiln_status kiln_internal_softmax_f32(int is_log, const float *input,
                                      float *output, int32_t outer,
                                      int32_t axis_size, int32_t inner) {
  if (input == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (outer < 0 || axis_size < 0 || inner < 0)
    return KILN_ERR_ARG;
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t i = 0; i < inner; ++i) {
      const ptrdiff_t base = (ptrdiff_t)o * axis_size * inner + i;
      const float *x = input + base;
      float *y = output + base;
      /* Subtracting the max keeps expf in range; the result is unchanged. */
      float max = -INFINITY;
      for (int32_t j = 0; j < axis_size; ++j)
        max = x[j * inner] > max ? x[j * inner] : max;
      float sum = 0.0f;
      for (int32_t j = 0; j < axis_size; ++j)
        sum += expf(x[j * inner] - max);
      if (is_log) {
        const float log_sum = logf(sum);
        for (int32_t j = 0; j < axis_size; ++j)
          y[j * inner] = x[j * inner] - max - log_sum;
      } else {
        const float inv = 1.0f / sum;
        for (int32_t j = 0; j < axis_size; ++j)
          y[j * inner] = expf(x[j * inner] - max) * inv;
      }
    }
  }
  return KILN_OK;
}
