/* kiln_activate_f32: applies a fused-epilogue descriptor to a buffer. */
#include "internal/kiln_internal.h"

/**
 * @brief Applies `act` elementwise: the standalone form of the epilogue that
 *        conv and gemm fuse, for activations the compiler could not fuse.
 *
 * @param[in]  act   activation descriptor, or NULL for identity (a copy)
 * @param[in]  in    count elements
 * @param[out] out   count elements; may equal in (in place)
 * @param[in]  count >= 0
 * @return KILN_OK; KILN_ERR_NULL if in or out is NULL; KILN_ERR_ARG if
 *         count < 0.
 */
kiln_status kiln_activate_f32(const kiln_activation *act, const float *in,
                              float *out, int32_t count) {
  return kiln_internal_epilogue_f32(act, NULL, in, out, count);
}
