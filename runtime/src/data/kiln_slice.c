/* kiln_slice: ONNX Slice with positive or negative steps, any element size. */
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"

/**
 * @brief ONNX Slice with starts already normalised by the compiler.
 *
 * Axis d reads in[starts[d] + i * steps[d]] for i in 0..out.dims[d]-1, so a
 * negative step walks backwards. Axes the ONNX node does not slice have
 * start 0, step 1 and the full dim.
 *
 * @param[in]  in_shape  rank 0..KILN_MAX_RANK
 * @param[in]  input     kiln_numel(in_shape) elements
 * @param[in]  starts    rank entries: first index read per axis
 * @param[in]  steps     rank entries, non-zero
 * @param[in]  out_shape same rank as in_shape
 * @param[out] output    kiln_numel(out_shape) elements; must not alias input
 * @param[in]  elem_size 1..8
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a rank
 *         mismatch, bad elem_size, or a first/last index outside the input.
 */
kiln_status kiln_slice(const kiln_shape *in_shape, const void *input,
                       const int32_t *starts, const int32_t *steps,
                       const kiln_shape *out_shape, void *output,
                       int32_t elem_size) {
  if (in_shape == NULL || input == NULL || starts == NULL || steps == NULL ||
      out_shape == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (!kiln_rank_ok(in_shape) || out_shape->rank != in_shape->rank ||
      !kiln_elem_size_ok(elem_size))
    return KILN_ERR_ARG;
  int32_t in_strides[KILN_MAX_RANK], strides[KILN_MAX_RANK];
  kiln_contiguous_strides(in_shape, in_strides);
  int32_t base = 0;
  for (int32_t d = 0; d < in_shape->rank; ++d) {
    const int32_t n = out_shape->dims[d];
    const int32_t last = starts[d] + (n - 1) * steps[d];
    /* Checking both ends per axis bounds every read, at O(rank) cost. */
    if (n > 0 && (starts[d] < 0 || starts[d] >= in_shape->dims[d] || last < 0 ||
                  last >= in_shape->dims[d]))
      return KILN_ERR_ARG;
    base += starts[d] * in_strides[d];
    strides[d] = steps[d] * in_strides[d];
  }
  kiln_internal_strided_copy(out_shape, strides, base, input, output,
                             elem_size);
  return KILN_OK;
}
