/* Internals of the Winograd F(4x4, 3x3) NHWC conv: argument checks, the
 * tile-block size and the scratch layout shared by every build. */
#ifndef KILN_INTERNAL_CONV_WINOGRAD_H
#define KILN_INTERNAL_CONV_WINOGRAD_H

#ifdef __cplusplus
extern "C" {
#endif

#include "kiln_internal.h"

/* Output tile side, input tile side, transform points (6 x 6). */
#define KILN_WINO_M 4
#define KILN_WINO_T 6
#define KILN_WINO_P 36
/* Widest NR a filter may have, so the products buffer fits every NR. */
#define KILN_WINO_NR_MAX 64
/* Bytes of transformed input and products one block of tiles may occupy:
 * both are read back from L2 for every panel of output channels (Zen 4/5:
 * 1 MB L2 per core; half of it leaves room for the filter panels streaming
 * through). */
#define KILN_WINO_BLOCK_BYTES (512 * 1024)
/* Tiles per block are a multiple of this: 12 rows of the AVX-512 NHWC GEMM
 * tile, two of the AVX2 one. */
#define KILN_WINO_BLOCK_STEP 12

/* A checked Winograd conv: shapes read once. */
typedef struct {
  int32_t batch, h, w, ch;   /* input N, H, W, C */
  int32_t m, oh, ow;         /* output channels and spatial size */
  int32_t pt, pl;            /* top and left padding */
  int32_t nr, panels;        /* filter panel width NR and P = ceil(M / NR) */
  int32_t tiles_h, tiles_w;  /* 4x4 output tiles per image, per axis */
  int32_t tiles;             /* all tiles: batch * tiles_h * tiles_w */
  int32_t block;             /* tiles per block (<= tiles) */
  int32_t cs;                /* floats per transformed-input row (C to 16) */
} kiln_wino_geometry;

/* Checks kiln_conv2d_nhwc_winograd_f32's shapes and params (runtime.h;
 * the caller checks its data pointers) and fills g. */
kiln_status kiln_internal_wino_geometry(const kiln_conv_params *params,
                                        const kiln_shape *in_shape,
                                        const kiln_shape *filter_shape,
                                        const kiln_shape *out_shape,
                                        kiln_wino_geometry *g);

/* Scratch layout, the same on every build (the arena is planned with the
 * generic one): V, the transformed input of a block of tiles, 36 x block x
 * cs floats ([point][tile][channel]); then the products of one panel of
 * output channels, 36 x block x KILN_WINO_NR_MAX floats
 * ([point][tile][column]). Both start 64-byte aligned (cs is a multiple of
 * 16). The reference uses the first 36 x cs + 36 x NR floats only. */
static inline int64_t kiln_wino_v_floats(const kiln_wino_geometry *g) {
  return (int64_t)KILN_WINO_P * g->block * g->cs;
}
static inline int64_t kiln_wino_scratch_bytes(const kiln_wino_geometry *g) {
  return 4 * (kiln_wino_v_floats(g) +
              (int64_t)KILN_WINO_P * g->block * KILN_WINO_NR_MAX);
}

/* The reference under its KILN_REF name beside the ISA variant. */
kiln_status kiln_conv2d_nhwc_winograd_f32_ref(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const float *bias, const float *residual, const kiln_shape *out_shape,
    float *output, void *scratch);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_INTERNAL_CONV_WINOGRAD_H */
