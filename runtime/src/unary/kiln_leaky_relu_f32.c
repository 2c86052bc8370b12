/* kiln_leaky_relu_f32: ONNX LeakyRelu, through the fused-epilogue code. */
#include "internal/kiln_internal.h"

/**
 * @brief ONNX LeakyRelu: x < 0 ? alpha * x : x.
 *
 * @param[in]  in    count elements
 * @param[out] out   count elements; may equal in (in place)
 * @param[in]  count >= 0
 * @param[in]  alpha slope for x < 0 (ONNX default 0.01)
 * @return KILN_OK; KILN_ERR_NULL if in or out is NULL; KILN_ERR_ARG if
 *         count < 0.
 */
kiln_status kiln_leaky_relu_f32(const float *in, float *out, int32_t count,
                                float alpha) {
  /* Same code path as the conv/gemm epilogue, so fused and unfused graphs
   * compute bit-identical results. */
  const kiln_activation act = {KILN_ACT_LEAKY_RELU, alpha, 0.0f, 0.0f, 0.0f};
  return kiln_internal_epilogue_f32(&act, NULL, in, out, count);
}
