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
/* Bytes of transformed input and products one block of tiles may occupy
 * (more when one step of tiles needs more): both are read back from L2
 * for every panel of output channels. 256 KB, 512 KB and 1 MB measured the
 * same within noise on Zen 5 (1 MB L2) over the ResNet-18, SqueezeNet and
 * ResNet-8 layers of nhwc_bench --winograd; the smallest keeps the arena
 * smallest. */
#ifndef KILN_WINO_BLOCK_BYTES
#define KILN_WINO_BLOCK_BYTES (256 * 1024)
#endif
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
 * generic one): V, the transformed input of a block of tiles
 * ([point][tile][channel], tile rows cs floats apart, points
 * kiln_wino_v_step floats apart); then the products of one panel of ld <= 64
 * output channels ([point][tile][column], points kiln_wino_p_step apart).
 * Both start 64-byte aligned when the scratch is (the vector stores are
 * unaligned ones, so a misaligned scratch is slower, never wrong). A point's row of the GEMM and its transforms
 * touch all 36 points of a tile at once: with points a multiple of 4 KB /
 * an even number of cache lines apart they would share a handful of L1
 * sets and evict each other (measured: the input transform took 18% of the
 * 56x56x64 layer), so each step is rounded to an odd number of 64-byte
 * lines, which spreads the 36 over 36 sets. The reference uses the first
 * 36 x C floats only. */
static inline int64_t kiln_wino_odd_lines(int64_t floats) {
  const int64_t lines = (floats + 15) / 16;
  return 16 * (lines % 2 == 0 ? lines + 1 : lines);
}
static inline int64_t kiln_wino_v_step(const kiln_wino_geometry *g) {
  return kiln_wino_odd_lines((int64_t)g->block * g->cs);
}
static inline int64_t kiln_wino_p_step(const kiln_wino_geometry *g,
                                       int32_t ld) {
  return kiln_wino_odd_lines((int64_t)g->block * ld);
}
static inline int64_t kiln_wino_v_floats(const kiln_wino_geometry *g) {
  return (int64_t)KILN_WINO_P * kiln_wino_v_step(g);
}
static inline int64_t kiln_wino_scratch_bytes(const kiln_wino_geometry *g) {
  return 4 * (kiln_wino_v_floats(g) +
              (int64_t)KILN_WINO_P * kiln_wino_p_step(g, KILN_WINO_NR_MAX));
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
