/* kiln_conv2d_nhwc_winograd_f32_scratch_size: scratch bytes the Winograd
 * F(4x4, 3x3) NHWC conv needs. */
#include "internal/kiln_conv_winograd.h"

/**
 * @brief Bytes of caller-owned scratch for kiln_conv2d_nhwc_winograd_f32.
 *
 * The transformed input of one block of tiles (36 x tiles x C, C rounded up
 * to 16) and the products of one panel of output channels (36 x tiles x 64,
 * the widest NR), with the tiles per block fixed by C alone
 * (kiln_internal_wino_geometry). Nothing in it depends on the ISA, so every
 * build returns the same bytes and the compiler, which plans the arena with
 * the generic runtime, plans enough for the x86 ones; the reference uses
 * the first 36 x (C + NR) floats.
 *
 * @param[in] params       as for kiln_conv2d_nhwc_winograd_f32
 * @param[in] in_shape     as for kiln_conv2d_nhwc_winograd_f32
 * @param[in] filter_shape as for kiln_conv2d_nhwc_winograd_f32 (rank 5)
 * @param[in] out_shape    as for kiln_conv2d_nhwc_winograd_f32
 * @return bytes > 0, or -1 when an argument is NULL or the shapes and params
 *         are not a valid Winograd conv.
 */
int32_t kiln_conv2d_nhwc_winograd_f32_scratch_size(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const kiln_shape *filter_shape, const kiln_shape *out_shape) {
  kiln_wino_geometry g;
  if (kiln_internal_wino_geometry(params, in_shape, filter_shape, out_shape,
                                  &g) != KILN_OK)
    return -1;
  return (int32_t)kiln_wino_scratch_bytes(&g);
}
