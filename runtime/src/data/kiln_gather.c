/* kiln_gather: ONNX Gather with int64 indices, any element size. */
#include "internal/kiln_iter.h"

#include <string.h>

/**
 * @brief ONNX Gather along `axis`. Indices are data, so this is the one
 *        data-movement kernel that range-checks every index at run time.
 *
 * out = data dims before axis, then the (flattened) indices, then data dims
 * after axis, all in row-major order.
 *
 * @param[in]  data_shape rank 1..KILN_MAX_RANK
 * @param[in]  data       kiln_numel(data_shape) elements
 * @param[in]  axis       0..rank-1 (negative axes resolved by the compiler)
 * @param[in]  indices    n_indices values in [-dim, dim) where dim is
 *                        data dims[axis]; negative counts from the end
 * @param[in]  n_indices  >= 0 (NULL indices allowed when 0)
 * @param[out] output     outer * n_indices * inner elements; no aliasing
 * @param[in]  elem_size  1..8
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a bad
 *         rank, axis, count or elem_size, or any index out of range (output
 *         is then left untouched).
 */
kiln_status kiln_gather(const kiln_shape *data_shape, const void *data,
                        int32_t axis, const int64_t *indices, int32_t n_indices,
                        void *output, int32_t elem_size) {
  if (data_shape == NULL || data == NULL || output == NULL ||
      (indices == NULL && n_indices > 0))
    return KILN_ERR_NULL;
  if (data_shape->rank < 1 || data_shape->rank > KILN_MAX_RANK || axis < 0 ||
      axis >= data_shape->rank || n_indices < 0 ||
      !kiln_elem_size_ok(elem_size))
    return KILN_ERR_ARG;
  const int32_t dim = data_shape->dims[axis];
  /* Validate everything first so a bad index leaves no half-written output. */
  for (int32_t j = 0; j < n_indices; ++j)
    if (indices[j] < -(int64_t)dim || indices[j] >= (int64_t)dim)
      return KILN_ERR_ARG;
  const int32_t outer = kiln_dims_product(data_shape, 0, axis);
  const size_t inner_bytes =
      (size_t)kiln_dims_product(data_shape, axis + 1, data_shape->rank) *
      (size_t)elem_size;
  unsigned char *dst = (unsigned char *)output;
  for (int32_t o = 0; o < outer; ++o) {
    for (int32_t j = 0; j < n_indices; ++j) {
      const int32_t idx =
          (int32_t)(indices[j] < 0 ? indices[j] + dim : indices[j]);
      const unsigned char *src =
          (const unsigned char *)data +
          ((size_t)o * (size_t)dim + (size_t)idx) * inner_bytes;
      memcpy(dst, src, inner_bytes);
      dst += inner_bytes;
    }
  }
  return KILN_OK;
}
