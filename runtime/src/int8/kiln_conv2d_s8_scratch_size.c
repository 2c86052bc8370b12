/* kiln_conv2d_s8_scratch_size: scratch bytes kiln_conv2d_s8 needs here. */
#include "internal/kiln_internal_s8.h"

/**
 * @brief Bytes of caller-owned scratch for kiln_conv2d_s8 with these shapes
 *        in this build: kiln_conv2d_s8_scratch_size_for() of the ISA whose
 *        kernels were compiled (0 for the reference kernels).
 *
 * The compiler plans this many bytes into the arena; it asks
 * kiln_conv2d_s8_scratch_size_for() with its target's ISA when it links a
 * runtime built for another.
 *
 * @param[in] params       as for kiln_conv2d_s8 (NULL gives 0)
 * @param[in] in_shape     as for kiln_conv2d_s8 (NULL gives 0)
 * @param[in] filter_shape as for kiln_conv2d_s8 (NULL gives 0)
 * @param[in] out_shape    as for kiln_conv2d_s8 (NULL gives 0)
 * @return bytes >= 0.
 */
int32_t kiln_conv2d_s8_scratch_size(const kiln_conv_s8_params *params,
                                    const kiln_shape *in_shape,
                                    const kiln_shape *filter_shape,
                                    const kiln_shape *out_shape) {
  return kiln_conv2d_s8_scratch_size_for(
      KILN_HAVE_AVX2 ? KILN_ISA_AVX2 : KILN_ISA_GENERIC, params, in_shape,
      filter_shape, out_shape);
}
