/* kiln_where_f32: ONNX Where with three-way numpy broadcasting. */
#include "internal/kiln_iter.h"

/**
 * @brief ONNX Where: out = cond ? x : y, all broadcast to out_shape.
 *
 * @param[in]  cond_shape rank 0..KILN_MAX_RANK, broadcastable to out_shape
 * @param[in]  cond       bool bytes; any non-zero byte selects x
 * @param[in]  x_shape    rank 0..KILN_MAX_RANK, broadcastable to out_shape
 * @param[in]  x          kiln_numel(x_shape) elements
 * @param[in]  y_shape    rank 0..KILN_MAX_RANK, broadcastable to out_shape
 * @param[in]  y          kiln_numel(y_shape) elements
 * @param[in]  out_shape  the broadcast of the three shapes, rank 0..6
 * @param[out] out        kiln_numel(out_shape) elements
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG when a rank
 *         exceeds KILN_MAX_RANK or a shape does not broadcast.
 */
kiln_status kiln_where_f32(const kiln_shape *cond_shape, const uint8_t *cond,
                           const kiln_shape *x_shape, const float *x,
                           const kiln_shape *y_shape, const float *y,
                           const kiln_shape *out_shape, float *out) {
  if (cond == NULL || x == NULL || y == NULL || out == NULL)
    return KILN_ERR_NULL;
  const kiln_shape *const shapes[3] = {cond_shape, x_shape, y_shape};
  kiln_iter it;
  kiln_status st = kiln_iter_init_broadcast(&it, out_shape, 3, shapes);
  if (st != KILN_OK)
    return st;
  const int32_t count = kiln_numel(out_shape);
  for (int32_t i = 0; i < count; ++i, kiln_iter_next(&it))
    out[i] = cond[it.off[0]] ? x[it.off[1]] : y[it.off[2]];
  return KILN_OK;
}
