/* Winograd F(4x4, 3x3) NHWC conv: the argument checks and tile blocking
 * shared by the reference, the ISA variants and the scratch size query. */
#include "kiln_conv_winograd.h"

kiln_status kiln_internal_wino_geometry(const kiln_conv_params *params,
                                        const kiln_shape *in_shape,
                                        const kiln_shape *filter_shape,
                                        const kiln_shape *out_shape,
                                        kiln_wino_geometry *g) {
  if (params == NULL || in_shape == NULL || filter_shape == NULL ||
      out_shape == NULL)
    return KILN_ERR_NULL;
  if (in_shape->rank != 4 || out_shape->rank != 4 ||
      filter_shape->rank != KILN_WINOGRAD_FILTER_RANK)
    return KILN_ERR_ARG;
  /* Only what F(4x4, 3x3) computes: the compiler rewrites nothing else. */
  if (params->stride[0] != 1 || params->stride[1] != 1 ||
      params->dilation[0] != 1 || params->dilation[1] != 1 ||
      params->groups != 1)
    return KILN_ERR_ARG;
  for (int32_t i = 0; i < 4; ++i)
    if (params->pad[i] < 0 || in_shape->dims[i] < 1 || out_shape->dims[i] < 1)
      return KILN_ERR_ARG;
  const int32_t *fd = filter_shape->dims;
  g->batch = in_shape->dims[0], g->h = in_shape->dims[1];
  g->w = in_shape->dims[2], g->ch = in_shape->dims[3];
  g->oh = out_shape->dims[1], g->ow = out_shape->dims[2];
  g->m = out_shape->dims[3];
  g->pt = params->pad[0], g->pl = params->pad[1];
  g->nr = fd[4];
  if (g->nr < 1 || g->nr > KILN_WINO_NR_MAX)
    return KILN_ERR_ARG;
  g->panels = (g->m + g->nr - 1) / g->nr;
  if (fd[0] != g->panels || fd[1] != KILN_WINO_T || fd[2] != KILN_WINO_T ||
      fd[3] != g->ch || out_shape->dims[0] != g->batch)
    return KILN_ERR_ARG;
  /* 64-bit: pads near INT32_MAX must not wrap into a plausible size. */
  if ((int64_t)g->h + params->pad[0] + params->pad[2] - 2 != g->oh ||
      (int64_t)g->w + params->pad[1] + params->pad[3] - 2 != g->ow)
    return KILN_ERR_ARG;
  g->tiles_h = (g->oh + KILN_WINO_M - 1) / KILN_WINO_M;
  g->tiles_w = (g->ow + KILN_WINO_M - 1) / KILN_WINO_M;
  const int64_t tiles = (int64_t)g->batch * g->tiles_h * g->tiles_w;
  if (tiles > INT32_MAX)
    return KILN_ERR_ARG;
  g->tiles = (int32_t)tiles;
  g->cs = (g->ch + 15) / 16 * 16;
  /* As many tiles as keep V and the products within the block budget, in
   * steps of the GEMM tile (at least one step), then spread evenly over the
   * blocks that takes so the last block is not a sliver. */
  const int64_t per_tile =
      4 * (int64_t)KILN_WINO_P * ((int64_t)g->cs + KILN_WINO_NR_MAX);
  int64_t block = KILN_WINO_BLOCK_BYTES / per_tile;
  block = block / KILN_WINO_BLOCK_STEP * KILN_WINO_BLOCK_STEP;
  if (block < KILN_WINO_BLOCK_STEP)
    block = KILN_WINO_BLOCK_STEP;
  if (block >= tiles) {
    block = tiles;
  } else {
    const int64_t blocks = (tiles + block - 1) / block;
    const int64_t even = (tiles + blocks - 1) / blocks;
    const int64_t up = (even + KILN_WINO_BLOCK_STEP - 1) /
                       KILN_WINO_BLOCK_STEP * KILN_WINO_BLOCK_STEP;
    if (up < block)
      block = up;
  }
  g->block = (int32_t)block;
  if (kiln_wino_scratch_bytes(g) > INT32_MAX)
    return KILN_ERR_ARG;
  return KILN_OK;
}
