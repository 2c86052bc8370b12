/* kiln_split: ONNX Split of one tensor along an axis, any element size. */
#include "internal/kiln_internal.h"
#include "internal/kiln_iter.h"

/* Upper bound on outputs so the per-part sizes live on the stack. */
#define KILN_SPLIT_MAX_OUTPUTS 64

/**
 * @brief ONNX Split along `axis` into parts of split_sizes[i].
 *
 * @param[in]  in_shape    rank 1..KILN_MAX_RANK
 * @param[in]  input       kiln_numel(in_shape) elements
 * @param[in]  axis        0..rank-1
 * @param[in]  n_outputs   1..64
 * @param[in]  split_sizes n_outputs sizes >= 0 summing to in dims[axis]
 * @param[out] outputs     n_outputs pointers to disjoint buffers (NULL allowed
 *                         for an empty part)
 * @param[in]  elem_size   1..8
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a bad
 *         count, rank, axis, elem_size, or sizes that do not sum to the dim.
 */
kiln_status kiln_split(const kiln_shape *in_shape, const void *input,
                       int32_t axis, int32_t n_outputs,
                       const int32_t *split_sizes, void *const *outputs,
                       int32_t elem_size) {
  if (in_shape == NULL || input == NULL || split_sizes == NULL ||
      outputs == NULL)
    return KILN_ERR_NULL;
  if (n_outputs < 1 || n_outputs > KILN_SPLIT_MAX_OUTPUTS ||
      !kiln_elem_size_ok(elem_size) || !kiln_rank_ok(in_shape) || axis < 0 ||
      axis >= in_shape->rank)
    return KILN_ERR_ARG;
  const int32_t outer = kiln_dims_product(in_shape, 0, axis);
  const int32_t inner = kiln_dims_product(in_shape, axis + 1, in_shape->rank);
  int32_t part_bytes[KILN_SPLIT_MAX_OUTPUTS];
  int32_t total = 0;
  for (int32_t i = 0; i < n_outputs; ++i) {
    if (split_sizes[i] < 0)
      return KILN_ERR_ARG;
    part_bytes[i] = split_sizes[i] * inner * elem_size;
    total += split_sizes[i];
    if (outputs[i] == NULL && part_bytes[i] != 0)
      return KILN_ERR_NULL;
  }
  /* Sizes can come from a runtime `split` input; a mismatch would overrun. */
  if (total != in_shape->dims[axis])
    return KILN_ERR_ARG;
  /* The block mover only reads `whole` when scattering into the parts. */
  kiln_internal_blocks(0, outer, n_outputs, part_bytes, (void *)input, outputs);
  return KILN_OK;
}
