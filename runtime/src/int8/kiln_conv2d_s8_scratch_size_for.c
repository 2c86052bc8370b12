/* kiln_conv2d_s8_scratch_size_for: kiln_conv2d_s8's scratch for a given ISA.
 */
#include "internal/kiln_internal_s8.h"

/**
 * @brief Bytes of scratch kiln_conv2d_s8 needs in a runtime built for `isa`.
 *
 * Answers the same in every build, so a compiler can plan the arena of a
 * target whose runtime differs from the one it links. KILN_ISA_GENERIC: 0
 * (the reference needs none). KILN_ISA_AVX2: the weights as int16 pairs in
 * 4-row blocks plus one 16-pixel B panel, or for depthwise (one input
 * channel per group) one input plane with its padding plus 64 bytes. No
 * alignment is required.
 *
 * @param[in] isa          KILN_ISA_GENERIC or KILN_ISA_AVX2 (others give 0)
 * @param[in] params       as for kiln_conv2d_s8 (NULL gives 0)
 * @param[in] in_shape     as for kiln_conv2d_s8 (NULL gives 0)
 * @param[in] filter_shape as for kiln_conv2d_s8 (NULL gives 0)
 * @param[in] out_shape    as for kiln_conv2d_s8 (NULL gives 0)
 * @return bytes >= 0; 0 also for shapes the kernel would reject, and when the
 *         size would not fit int32 (the AVX2 kernel then runs the reference).
 */
int32_t kiln_conv2d_s8_scratch_size_for(kiln_isa isa,
                                        const kiln_conv_s8_params *params,
                                        const kiln_shape *in_shape,
                                        const kiln_shape *filter_shape,
                                        const kiln_shape *out_shape) {
  if (isa != KILN_ISA_AVX2 || params == NULL || in_shape == NULL ||
      filter_shape == NULL || out_shape == NULL || in_shape->rank != 4 ||
      filter_shape->rank != 4 || out_shape->rank != 4 || params->groups < 1)
    return 0;
  kiln_conv_geometry g = {0};
  g.h = in_shape->dims[2];
  g.w = in_shape->dims[3];
  g.m = filter_shape->dims[0];
  g.c_per_g = filter_shape->dims[1];
  g.kh = filter_shape->dims[2];
  g.kw = filter_shape->dims[3];
  g.m_per_g = g.m / params->groups;
  if (g.h < 0 || g.w < 0 || g.m < 0 || g.c_per_g < 0 || g.kh < 0 || g.kw < 0 ||
      params->pad[0] < 0 || params->pad[1] < 0 || params->pad[2] < 0 ||
      params->pad[3] < 0)
    return 0;
  const int64_t bytes = kiln_internal_conv_s8_scratch_avx2(params, &g);
  return bytes < 0 ? 0 : (int32_t)bytes;
}
