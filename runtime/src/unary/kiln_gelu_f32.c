/* kiln_gelu_f32: ONNX Gelu (approximate="none"), through the fused-epilogue
 * code. */
#include "internal/kiln_internal.h"

/**
 * @brief ONNX Gelu (approximate="none"): 0.5 x (1 + erf(x / sqrt 2)).
 *
 * @param[in]  in    count elements
 * @param[out] out   count elements; may equal in (in place)
 * @param[in]  count >= 0
 * @return KILN_OK; KILN_ERR_NULL if in or out is NULL; KILN_ERR_ARG if
 *         count < 0.
 */
kiln_status kiln_gelu_f32(const float *in, float *out, int32_t count) {
  /* Same code path as the conv/gemm epilogue, so fused and unfused graphs
   * compute bit-identical results. */
  const kiln_activation act = {KILN_ACT_GELU, 0.0f, 0.0f, 0.0f, 0.0f};
  return kiln_internal_epilogue_f32(&act, NULL, in, out, count);
}
