/* kiln_pad: ONNX Pad in constant, reflect and edge modes, any element size. */
#include "internal/kiln_iter.h"

#include <string.h>

/* Mirror index without repeating the edge (ONNX reflect), for any distance. */
static int32_t kiln_reflect_index(int32_t i, int32_t n) {
  if (n == 1)
    return 0;
  const int32_t period = 2 * (n - 1);
  i %= period;
  if (i < 0)
    i += period;
  return i < n ? i : period - i;
}

/**
 * @brief ONNX Pad. Negative pads crop; out dims are in + begin + end.
 *
 * @param[in]  in_shape  rank 0..KILN_MAX_RANK
 * @param[in]  input     kiln_numel(in_shape) elements
 * @param[in]  pads      2*rank entries: begins for axes 0..rank-1, then ends
 *                       (ONNX order); each in + begin + end >= 0
 * @param[in]  mode      constant, reflect or edge; reflect and edge need a
 *                       non-empty input on every padded axis
 * @param[in]  value     constant mode: one element of elem_size bytes, or NULL
 *                       for all-zero bytes (0.0f, 0); ignored otherwise
 * @param[out] output    product of the out dims elements; no aliasing
 * @param[in]  elem_size 1..8
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a bad
 *         rank, elem_size, mode, a negative out dim, or an empty axis that
 *         reflect/edge would have to read.
 */
kiln_status kiln_pad(const kiln_shape *in_shape, const void *input,
                     const int32_t *pads, kiln_pad_mode mode, const void *value,
                     void *output, int32_t elem_size) {
  if (in_shape == NULL || input == NULL || output == NULL ||
      (pads == NULL && in_shape->rank > 0))
    return KILN_ERR_NULL;
  if (!kiln_rank_ok(in_shape) || !kiln_elem_size_ok(elem_size) ||
      (mode != KILN_PAD_CONSTANT && mode != KILN_PAD_REFLECT &&
       mode != KILN_PAD_EDGE))
    return KILN_ERR_ARG;
  const int32_t rank = in_shape->rank;
  kiln_shape out_shape;
  out_shape.rank = rank;
  for (int32_t d = 0; d < rank; ++d) {
    out_shape.dims[d] = in_shape->dims[d] + pads[d] + pads[rank + d];
    if (out_shape.dims[d] < 0 ||
        (mode != KILN_PAD_CONSTANT && in_shape->dims[d] == 0 &&
         out_shape.dims[d] > 0))
      return KILN_ERR_ARG;
  }
  int32_t strides[KILN_MAX_RANK];
  kiln_contiguous_strides(in_shape, strides);
  kiln_iter it;
  kiln_iter_init(&it, &out_shape);
  const int32_t count = kiln_numel(&out_shape);
  for (int32_t i = 0; i < count; ++i, kiln_iter_next(&it)) {
    unsigned char *dst = kiln_elem_mut(output, i, elem_size);
    int32_t off = 0;
    int inside = 1;
    for (int32_t d = 0; d < rank && inside; ++d) {
      const int32_t n = in_shape->dims[d];
      int32_t src = it.idx[d] - pads[d];
      if (src < 0 || src >= n) {
        if (mode == KILN_PAD_CONSTANT)
          inside = 0;
        else if (mode == KILN_PAD_EDGE)
          src = src < 0 ? 0 : n - 1;
        else
          src = kiln_reflect_index(src, n);
      }
      off += src * strides[d];
    }
    if (inside)
      memcpy(dst, kiln_elem(input, off, elem_size), (size_t)elem_size);
    else if (value != NULL)
      memcpy(dst, value, (size_t)elem_size);
    else
      memset(dst, 0, (size_t)elem_size);
  }
  return KILN_OK;
}
