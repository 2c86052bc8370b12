/* kiln_concat: ONNX Concat of n tensors along one axis, any element size. */
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"

/* Upper bound on inputs so the per-part sizes live on the stack. */
#define KILN_CONCAT_MAX_INPUTS 64

/**
 * @brief ONNX Concat along `axis`.
 *
 * The compiler aliases concat inputs into the output where it can; this
 * kernel serves the cases it cannot.
 *
 * @param[in]  n_inputs  1..64
 * @param[in]  inputs    n_inputs pointers, each kiln_numel(&in_shapes[i])
 *                       elements (NULL allowed for an empty input)
 * @param[in]  in_shapes n_inputs shapes of equal rank 1..KILN_MAX_RANK that
 *                       agree on every dim except axis
 * @param[in]  axis      0..rank-1
 * @param[out] output    sum of the input sizes; must not alias an input
 * @param[in]  elem_size 1..8
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a bad
 *         count, rank, axis or elem_size.
 */
kiln_status kiln_concat(int32_t n_inputs, const void *const *inputs,
                        const kiln_shape *in_shapes, int32_t axis, void *output,
                        int32_t elem_size) {
  if (inputs == NULL || in_shapes == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (n_inputs < 1 || n_inputs > KILN_CONCAT_MAX_INPUTS ||
      !kiln_elem_size_ok(elem_size) || !kiln_rank_ok(&in_shapes[0]) ||
      axis < 0 || axis >= in_shapes[0].rank)
    return KILN_ERR_ARG;
  const int32_t outer = kiln_dims_product(&in_shapes[0], 0, axis);
  const int32_t inner =
      kiln_dims_product(&in_shapes[0], axis + 1, in_shapes[0].rank);
  int32_t part_bytes[KILN_CONCAT_MAX_INPUTS];
  for (int32_t i = 0; i < n_inputs; ++i) {
    part_bytes[i] = in_shapes[i].dims[axis] * inner * elem_size;
    if (inputs[i] == NULL && part_bytes[i] != 0)
      return KILN_ERR_NULL;
  }
  /* The shared block mover never writes parts when gathering into the whole,
   * so dropping const here is safe. */
  kiln_internal_blocks(1, outer, n_inputs, part_bytes, output,
                       (void *const *)inputs);
  return KILN_OK;
}
