/* kiln_conv2d_nhwc_f32_scratch_size: scratch bytes kiln_conv2d_nhwc_f32
 * needs. */
#include "internal/kiln_nhwc.h"

/**
 * @brief Bytes of caller-owned scratch for kiln_conv2d_nhwc_f32 with these
 *        shapes.
 *
 * The compiler plans this many bytes into the arena. No build needs any:
 * the reference is direct, and the AVX2 / AVX-512 variants read input pixels
 * through per-tap row pointers (no im2col buffer) and pack HWIO rows into
 * bounded stack panels. So, as for kiln_conv2d_f32_scratch_size, the answer
 * is the same whatever kernel variant (kiln-plan-memory `kernel-variant`)
 * the arena is planned for, and the compiler can ask the runtime it links.
 * Generated code still asks rather than assuming 0.
 *
 * @param[in] params       as for kiln_conv2d_nhwc_f32 (may be NULL here)
 * @param[in] in_shape     as for kiln_conv2d_nhwc_f32 (may be NULL here)
 * @param[in] filter_shape as for kiln_conv2d_nhwc_f32 (may be NULL here)
 * @param[in] out_shape    as for kiln_conv2d_nhwc_f32 (may be NULL here)
 * @return bytes >= 0 (0 on every build).
 */
int32_t kiln_conv2d_nhwc_f32_scratch_size(const kiln_conv_params *params,
                                          const kiln_shape *in_shape,
                                          const kiln_shape *filter_shape,
                                          const kiln_shape *out_shape) {
  (void)params, (void)in_shape, (void)filter_shape, (void)out_shape;
  return kiln_reference_scratch_size();
}
