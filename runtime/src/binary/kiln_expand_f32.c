/* kiln_expand_f32: ONNX Expand, a broadcast copy. */
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"

/**
 * @brief ONNX Expand: copies input broadcast to out_shape.
 *
 * The compiler computes out_shape = broadcast(in_shape, shape input).
 *
 * @param[in]  in_shape  rank 0..KILN_MAX_RANK, broadcastable to out_shape
 * @param[in]  input     kiln_numel(in_shape) elements
 * @param[in]  out_shape rank in_shape->rank..KILN_MAX_RANK
 * @param[out] output    kiln_numel(out_shape) elements; must not alias input
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when a rank
 *         exceeds KILN_MAX_RANK or in_shape does not broadcast.
 */
kiln_status kiln_expand_f32(const kiln_shape *in_shape, const float *input,
                            const kiln_shape *out_shape, float *output) {
  if (input == NULL || output == NULL)
    return KILN_ERR_NULL;
  kiln_iter it;
  kiln_status st = kiln_iter_init_broadcast(&it, out_shape, 1, &in_shape);
  if (st != KILN_OK)
    return st;
  kiln_internal_strided_copy(out_shape, it.strides[0], 0, input, output,
                             (int32_t)sizeof(float));
  return KILN_OK;
}
