/* kiln_conv2d_s8_scratch_size, AVX2: packed weights + a B panel, or a plane.
 */
#include "internal/kiln_avx2_s8.h"
#include "internal/kiln_ref_s8.h"

#if KILN_HAVE_AVX2
/* Same contract as the reference (kiln_conv2d_s8_scratch_size.c): the
 * weights as int16 pairs in 4-row blocks (4 bytes per pair per row) and one
 * 16-pixel B panel; for depthwise one padded input plane,
 * (H + pt + pb) * (W + pl + pr) + 64 bytes. No alignment is required. Returns 0
 * when the shapes are unusable (the kernel then reports the error) or the
 * size would not fit int32 (the kernel then runs the reference). */
int32_t kiln_conv2d_s8_scratch_size(const kiln_conv_s8_params *params,
                                    const kiln_shape *in_shape,
                                    const kiln_shape *filter_shape,
                                    const kiln_shape *out_shape) {
  if (params == NULL || in_shape == NULL || filter_shape == NULL ||
      out_shape == NULL || in_shape->rank != 4 || filter_shape->rank != 4 ||
      out_shape->rank != 4 || params->groups < 1)
    return 0;
  kiln_conv_geometry g = {0};
  g.m = filter_shape->dims[0];
  g.c_per_g = filter_shape->dims[1];
  g.kh = filter_shape->dims[2];
  g.kw = filter_shape->dims[3];
  g.m_per_g = g.m / params->groups;
  g.h = in_shape->dims[2];
  g.w = in_shape->dims[3];
  if (g.m < 0 || g.c_per_g < 0 || g.kh < 0 || g.kw < 0 || g.h < 0 || g.w < 0 ||
      params->pad[0] < 0 || params->pad[1] < 0 || params->pad[2] < 0 ||
      params->pad[3] < 0)
    return 0;
  const int32_t bytes = kiln_avx2_conv_s8_scratch(params, &g);
  return bytes < 0 ? 0 : bytes;
}
#endif /* KILN_HAVE_AVX2 */
