/* kiln_resize_nearest: ONNX Resize mode=nearest over every axis. */
#include "internal/kiln_iter.h"
#include "internal/kiln_resize_coord.h"

#include <string.h>

/**
 * @brief ONNX Resize (mode "nearest") for any element size and rank.
 *
 * @param[in]  params    coord mode, nearest mode, per-axis scales (<= 0:
 *                       out/in); source coordinates are clamped to the input
 * @param[in]  in_shape  rank 1..KILN_MAX_RANK, every dim >= 1
 * @param[in]  input     kiln_numel(in_shape) elements
 * @param[in]  out_shape same rank as in_shape
 * @param[out] output    kiln_numel(out_shape) elements; no aliasing
 * @param[in]  elem_size 1..8
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a rank
 *         mismatch, an empty input axis or a bad elem_size.
 */
kiln_status kiln_resize_nearest(const kiln_resize_params *params,
                                const kiln_shape *in_shape, const void *input,
                                const kiln_shape *out_shape, void *output,
                                int32_t elem_size) {
  if (params == NULL || in_shape == NULL || input == NULL ||
      out_shape == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (!kiln_rank_ok(in_shape) || out_shape->rank != in_shape->rank ||
      !kiln_elem_size_ok(elem_size))
    return KILN_ERR_ARG;
  for (int32_t d = 0; d < in_shape->rank; ++d)
    if (in_shape->dims[d] < 1)
      return KILN_ERR_ARG;
  int32_t strides[KILN_MAX_RANK];
  kiln_contiguous_strides(in_shape, strides);
  kiln_iter it;
  kiln_iter_init(&it, out_shape);
  const int32_t count = kiln_numel(out_shape);
  for (int32_t i = 0; i < count; ++i, kiln_iter_next(&it)) {
    int32_t off = 0;
    for (int32_t d = 0; d < in_shape->rank; ++d) {
      const float x = kiln_resize_source(params, d, it.idx[d],
                                         in_shape->dims[d], out_shape->dims[d]);
      off += kiln_resize_nearest_index(params->nearest, x, in_shape->dims[d]) *
             strides[d];
    }
    memcpy(kiln_elem_mut(output, i, elem_size),
           kiln_elem(input, off, elem_size), (size_t)elem_size);
  }
  return KILN_OK;
}
