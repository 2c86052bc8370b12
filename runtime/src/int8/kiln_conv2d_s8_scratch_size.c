/* kiln_conv2d_s8_scratch_size: scratch the reference kiln_conv2d_s8 needs. */
#include "internal/kiln_internal_s8.h"
#include "internal/kiln_ref_s8.h"

/**
 * @brief Bytes of caller-owned scratch for kiln_conv2d_s8 with these shapes.
 *
 * The reference needs none; an ISA variant that packs operands defines its
 * own, so generated code always asks rather than assuming 0.
 *
 * @param[in] params       as for kiln_conv2d_s8 (may be NULL here)
 * @param[in] in_shape     as for kiln_conv2d_s8 (may be NULL here)
 * @param[in] filter_shape as for kiln_conv2d_s8 (may be NULL here)
 * @param[in] out_shape    as for kiln_conv2d_s8 (may be NULL here)
 * @return bytes >= 0 (0 for the reference).
 */
int32_t KILN_REF(kiln_conv2d_s8_scratch_size)(const kiln_conv_s8_params *params,
                                              const kiln_shape *in_shape,
                                              const kiln_shape *filter_shape,
                                              const kiln_shape *out_shape) {
  (void)params, (void)in_shape, (void)filter_shape, (void)out_shape;
  return kiln_reference_scratch_size();
}
