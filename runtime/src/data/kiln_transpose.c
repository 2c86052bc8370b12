/* kiln_transpose: ONNX Transpose for any element size. */
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"

/**
 * @brief ONNX Transpose: out.dims[i] = in.dims[perm[i]].
 *
 * @param[in]  in_shape  rank 0..KILN_MAX_RANK
 * @param[in]  input     kiln_numel(in_shape) elements
 * @param[in]  perm      in_shape->rank distinct axes in 0..rank-1 (NULL is
 *                       allowed only for rank 0)
 * @param[out] output    kiln_numel(in_shape) elements; must not alias input
 * @param[in]  elem_size 1..8
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a bad
 *         rank, elem_size or an axis outside the rank.
 */
kiln_status kiln_transpose(const kiln_shape *in_shape, const void *input,
                           const int32_t *perm, void *output,
                           int32_t elem_size) {
  if (in_shape == NULL || input == NULL || output == NULL ||
      (perm == NULL && in_shape->rank > 0))
    return KILN_ERR_NULL;
  if (!kiln_rank_ok(in_shape) || !kiln_elem_size_ok(elem_size))
    return KILN_ERR_ARG;
  int32_t in_strides[KILN_MAX_RANK], strides[KILN_MAX_RANK];
  kiln_contiguous_strides(in_shape, in_strides);
  kiln_shape out_shape;
  out_shape.rank = in_shape->rank;
  for (int32_t d = 0; d < in_shape->rank; ++d) {
    /* A bad axis would read out of bounds, and perm can come from a runtime
     * shape computation, so it is worth the check. */
    if (perm[d] < 0 || perm[d] >= in_shape->rank)
      return KILN_ERR_ARG;
    out_shape.dims[d] = in_shape->dims[perm[d]];
    strides[d] = in_strides[perm[d]];
  }
  kiln_internal_strided_copy(&out_shape, strides, 0, input, output, elem_size);
  return KILN_OK;
}
