/* kiln_copy: contiguous copy for Reshape/Flatten/Squeeze when not aliased. */
#include "internal/kiln_iter.h"

#include <string.h>

/**
 * @brief Copies count elements; the compiler emits it only where memory
 *        planning could not alias the output onto the input.
 *
 * @param[in]  input     count * elem_size bytes
 * @param[out] output    count * elem_size bytes; equal to input (no-op) or
 *                       not overlapping it
 * @param[in]  count     >= 0
 * @param[in]  elem_size 1..8
 * @return KILN_OK; KILN_ERR_NULL for a NULL pointer; KILN_ERR_ARG for a
 *         negative count or bad elem_size.
 */
kiln_status kiln_copy(const void *input, void *output, int32_t count,
                      int32_t elem_size) {
  if (input == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (count < 0 || !kiln_elem_size_ok(elem_size))
    return KILN_ERR_ARG;
  if (input != output)
    memcpy(output, input, (size_t)count * (size_t)elem_size);
  return KILN_OK;
}
