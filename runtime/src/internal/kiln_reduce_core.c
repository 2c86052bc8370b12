/* Axis-mask reduction behind ReduceSum/Mean/Max/Min and the global pools. */
#include "kiln_internal.h"
#include "kiln_iter.h"
#include "kiln_ref.h"

#include <math.h>

kiln_status KILN_REF(kiln_internal_reduce_f32)(kiln_reduce_kind kind,
                                               const kiln_shape *in_shape,
                                               const float *input,
                                               uint32_t axes_mask,
                                               float *output) {
  if (in_shape == NULL || input == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (!kiln_rank_ok(in_shape) || (axes_mask >> in_shape->rank) != 0u)
    return KILN_ERR_ARG;
  kiln_shape out_shape = *in_shape;
  int32_t reduced = 1;
  for (int32_t d = 0; d < in_shape->rank; ++d) {
    if (axes_mask & (1u << d)) {
      reduced *= in_shape->dims[d];
      out_shape.dims[d] = 1;
    }
  }
  float init = 0.0f;
  if (kind == KILN_REDUCE_MAX)
    init = -INFINITY;
  else if (kind == KILN_REDUCE_MIN)
    init = INFINITY;
  int32_t out_count = kiln_numel(&out_shape);
  for (int32_t i = 0; i < out_count; ++i)
    output[i] = init;

  /* Walk the input once in order; the output operand broadcasts along the
   * reduced axes, so each input element lands on its reduction slot. */
  kiln_iter it;
  kiln_iter_init(&it, in_shape);
  (void)kiln_iter_add_broadcast(&it, &out_shape, 1);
  int32_t in_count = kiln_numel(in_shape);
  for (int32_t i = 0; i < in_count; ++i, kiln_iter_next(&it)) {
    float v = input[i];
    float *acc = &output[it.off[0]];
    /* `v != v` lets NaN win, as a NaN anywhere in the window poisons ONNX
     * Max/Min; once acc is NaN no comparison replaces it. */
    if (kind == KILN_REDUCE_MAX)
      *acc = (v > *acc || v != v) ? v : *acc;
    else if (kind == KILN_REDUCE_MIN)
      *acc = (v < *acc || v != v) ? v : *acc;
    else
      *acc += v;
  }
  if (kind == KILN_REDUCE_MEAN && reduced > 0) {
    float inv = 1.0f / (float)reduced;
    for (int32_t i = 0; i < out_count; ++i)
      output[i] *= inv;
  }
  return KILN_OK;
}

kiln_status kiln_internal_global_pool_f32(kiln_reduce_kind kind,
                                          const kiln_shape *in_shape,
                                          const float *input, float *output) {
  if (in_shape == NULL)
    return KILN_ERR_NULL;
  if (in_shape->rank < 3 || in_shape->rank > KILN_MAX_RANK)
    return KILN_ERR_ARG;
  /* Every axis from 2 up: the mask with the low two bits clear. */
  const uint32_t spatial = ((1u << in_shape->rank) - 1u) & ~3u;
  return kiln_internal_reduce_f32(kind, in_shape, input, spatial, output);
}
