/* kiln_clip_f32: ONNX Clip, through the fused-epilogue code. */
#include "internal/kiln_internal.h"

/**
 * @brief ONNX Clip: min(max(x, min), max).
 *
 * @param[in]  in    count elements
 * @param[out] out   count elements; may equal in (in place)
 * @param[in]  count >= 0
 * @param[in]  min   lower bound (-INFINITY for none)
 * @param[in]  max   upper bound (INFINITY for none); min <= max
 * @return KILN_OK; KILN_ERR_NULL if in or out is NULL; KILN_ERR_ARG if
 *         count < 0.
 */
kiln_status kiln_clip_f32(const float *in, float *out, int32_t count, float min,
                          float max) {
  /* Same code path as the conv/gemm epilogue, so fused and unfused graphs
   * compute bit-identical results. */
  const kiln_activation act = {KILN_ACT_CLIP, 0.0f, 0.0f, min, max};
  return kiln_internal_epilogue_f32(&act, NULL, in, out, count);
}
