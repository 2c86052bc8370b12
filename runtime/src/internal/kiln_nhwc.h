/* Internals of the channels-last (NHWC) conv and pool kernels. */
#ifndef KILN_INTERNAL_NHWC_H
#define KILN_INTERNAL_NHWC_H

#ifdef __cplusplus
extern "C" {
#endif

#include "kiln_internal.h"

/* Checks NHWC Conv arguments (in N,H,W,C; filter kH,kW,C/g,M HWIO; out
 * N,OH,OW,M) through the NCHW kiln_internal_conv_geometry on NCHW views of
 * the shapes, so both layouts accept and reject exactly the same calls, and
 * fills `g` with the same fields. A rank-6 pre-packed filter [G, P, kH, kW,
 * C/G, NR] must also match groups, C and M exactly; g->nr is its NR (0 for
 * HWIO). */
kiln_status kiln_internal_conv_geometry_nhwc(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const kiln_shape *out_shape, const float *output, kiln_conv_geometry *g);

/* One NHWC pool window, clipped to the input: rows [ih0, ih1) and columns
 * [iw0, iw1) in dilation steps (ih = h0 + kh * dilation for kh in [kh0, kh1)),
 * and the AveragePool divisor for count_include_pad as set in params. */
typedef struct {
  int32_t kh0, kh1, kw0, kw1; /* valid tap range per axis */
  int32_t h0, w0;             /* input position of tap (0, 0) */
  int32_t count;              /* AveragePool divisor (0: empty window) */
} kiln_pool_window;

void kiln_internal_pool_window_nhwc(const kiln_pool_params *p, int32_t h,
                                    int32_t w, int32_t oh, int32_t ow,
                                    kiln_pool_window *win);

/* MaxPool (is_max) / AveragePool on N,H,W,C; the public pools wrap it. */
kiln_status
kiln_internal_pool2d_nhwc_f32(int is_max, const kiln_pool_params *params,
                              const kiln_shape *in_shape, const float *input,
                              const kiln_shape *out_shape, float *output);

/* GlobalMaxPool / GlobalAveragePool on N,H,W,C (rank 4). */
kiln_status kiln_internal_global_pool_nhwc_f32(kiln_reduce_kind kind,
                                               const kiln_shape *in_shape,
                                               const float *input,
                                               float *output);

/* Where the weight of output channel oc, tap (kh * kW + kw) and channel c
 * of its group lies, for HWIO and pre-packed filters alike:
 * weights + base + tap * tap_step + c * c_step. */
typedef struct {
  ptrdiff_t base, tap_step, c_step;
} kiln_nhwc_filter_index;

static inline kiln_nhwc_filter_index
kiln_nhwc_filter_at(const kiln_conv_geometry *g, int32_t oc) {
  kiln_nhwc_filter_index f;
  if (g->nr == 0) {
    f.base = oc;
    f.c_step = g->m;
  } else {
    const int32_t gi = oc / g->m_per_g, col = oc - gi * g->m_per_g;
    const int32_t panels = (g->m_per_g + g->nr - 1) / g->nr;
    const ptrdiff_t k = (ptrdiff_t)g->kh * g->kw * g->c_per_g;
    f.base = ((ptrdiff_t)gi * panels + col / g->nr) * k * g->nr + col % g->nr;
    f.c_step = g->nr;
  }
  f.tap_step = (ptrdiff_t)g->c_per_g * f.c_step;
  return f;
}

/* The references under their KILN_REF names, defined only beside an ISA
 * variant (KILN_HAVE_AVX2), for its fallbacks and the ISA tests (which are
 * compiled without the ISA flags, hence no #if here). */
kiln_status kiln_conv2d_nhwc_f32_ref(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const float *bias, const float *residual, const kiln_shape *out_shape,
    float *output, void *scratch);
kiln_status kiln_internal_pool2d_nhwc_f32_ref(
    int is_max, const kiln_pool_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *out_shape, float *output);
kiln_status kiln_internal_global_pool_nhwc_f32_ref(kiln_reduce_kind kind,
                                                   const kiln_shape *in_shape,
                                                   const float *input,
                                                   float *output);

/* Taps [*lo, *hi) of a k-tap window starting at input position `start`
 * (taps `dil` apart) that fall inside [0, size): the window's rows or
 * columns left after clipping the padding. */
static inline void kiln_nhwc_tap_range(int32_t start, int32_t dil, int32_t k,
                                       int32_t size, int32_t *lo,
                                       int32_t *hi) {
  int32_t a = 0, b = k;
  while (a < b && start + a * dil < 0)
    ++a;
  while (b > a && start + (b - 1) * dil >= size)
    --b;
  *lo = a;
  *hi = b;
}

/* The next step of a depthwise row loop over output columns [ow, ow_n) of
 * a K-wide, stride-S window starting at input column ow * S - pad_l in a
 * line `wdt` wide: 4 pixels when that many remain and either all four
 * windows lie inside the line or not even two do, else 2 when two remain,
 * else 1. `*clip` says the chosen windows cross an edge (their padding
 * columns must be clipped). Shared by the AVX2 and AVX-512 row loops. */
static inline int32_t kiln_nhwc_dw_step(int32_t ow, int32_t ow_n, int32_t S,
                                        int32_t K, int32_t pad_l, int32_t wdt,
                                        int *clip) {
  const int32_t rem = ow_n - ow;
  const int32_t w0 = ow * S - pad_l;
  const int inside4 = w0 >= 0 && w0 + 3 * S + K <= wdt;
  const int inside2 = w0 >= 0 && w0 + S + K <= wdt;
  const int32_t np = rem >= 4 && (inside4 || !inside2) ? 4 : rem >= 2 ? 2 : 1;
  *clip = np == 4 ? !inside4 : !inside2;
  return np;
}

#if KILN_HAVE_AVX2
/* The A side of the NHWC indirect GEMM: row i of A is output pixel i's
 * receptive field, a sequence of `taps` runs of `run` floats each (a run is
 * one kernel tap's C/groups channels, or a whole kernel row's kW * C when
 * groups == 1 and the column dilation is 1). The filter's HWIO rows are in
 * the same (tap, run) order, so B needs no reordering. */
typedef struct {
  const kiln_conv_params *params;
  const kiln_conv_geometry *g;
  int32_t by_row; /* a tap is a kernel row */
  int32_t taps;   /* runs per pixel */
  int32_t run;    /* floats per run */
  /* A 1x1, stride-1, unpadded conv: pixel i's run is row i of the image
   * itself ([pixels x C]), so its pointer is one multiply-add. */
  int32_t dense;
  /* by_row: the output columns [lo, hi) whose whole run lies inside the
   * input line. */
  int32_t lo, hi;
} kiln_nhwc_rows;

void kiln_internal_nhwc_rows_init(const kiln_conv_params *params,
                                  const kiln_conv_geometry *g,
                                  kiln_nhwc_rows *rows);

/* ptrs[t * mr_max + r] = where pixel i0 + r's run t0 + t, slice [c0, c0 +
 * kc), starts: in `img` (the image, advanced to its group's first channel),
 * in `zeros` (kc zero floats) for a tap in the padding rows, or in `edge`
 * (mr_max * ntaps * kc floats) where a kernel row overhangs the left or
 * right edge and its slice is copied with zeros. Rows r >= mr repeat the
 * last pixel. */
void kiln_internal_nhwc_rows(const kiln_nhwc_rows *rows, const float *img,
                             int32_t i0, int32_t mr, int32_t mr_max, int32_t t0,
                             int32_t ntaps, int32_t c0, int32_t kc,
                             const float *zeros, float *edge,
                             const float **ptrs);

/* One register tile of the NHWC GEMM for kiln_internal_nhwc_gemm: pixels
 * [0, mr) (row pointers ptrs[t * isa->mr + r]) times one packed panel of
 * ntaps * kc rows, columns [0, nc); then, as finish: `first` / `last` say
 * which k-chunk this is (later chunks add onto the partial sums earlier ones
 * stored; the residual enters with the first, so it may be the output
 * buffer itself; bias and activation come with the last). */
typedef struct {
  const float *const *ptrs;
  const float *panel;
  int32_t ntaps, kc, mr, nc;
  int first, last;
  const float *bias;     /* the tile's first column, or NULL */
  const float *residual; /* at the tile's first output, or NULL */
  float *out;            /* the tile's first output; rows ldo apart */
  int32_t ldo;
  const kiln_activation *act;
} kiln_nhwc_tile_job;

/* What an ISA gives the shared NHWC GEMM driver: its tile shape and chunk
 * bounds, and its panel packer and tile (multiply + finish), whose
 * accumulators live in that ISA's registers. */
typedef struct {
  int32_t mr;   /* pixels per register tile */
  int32_t nr;   /* panel width: output channels per tile */
  int32_t kc;   /* panel depth: k rows per chunk */
  int32_t taps; /* runs per chunk at most (bounds the pointer table) */
  /* Panel rows (t, e) for runs [t0, t0 + ntaps), slice [c0, c0 + kc) of
   * each: HWIO row (t * run + e) is already a row of B, so this copies nc
   * columns, zero-filled to nr. */
  void (*pack)(const float *w_cols, int32_t m, int32_t run, int32_t t0,
               int32_t ntaps, int32_t c0, int32_t kc, int32_t nc, float *panel);
  void (*tile)(const kiln_nhwc_tile_job *job);
  /* Bytes the tile's aligned panel loads need (64: _mm512_load_ps, 32:
   * _mm256_load_ps). A pre-packed filter of width nr is read in place when
   * its base is this aligned: its rows are nr * 4 bytes, a multiple of it,
   * so every chunk starts aligned too. */
  int32_t align;
  /* Rows the register tile that serves a job of mr pixels computes (its
   * cost: the smallest tile height >= mr among the ISA's variants). */
  int32_t (*tile_rows)(int32_t mr);
} kiln_nhwc_gemm_isa;

/* Pixels per tile for `pixels` rows of A: of the steps from isa->mr down to
 * half of it, the one whose tiles cost the fewest rows of the ISA's register
 * tiles, counting one more row per tile for its row pointers and finish
 * (ties keep the larger step). On AVX-512 a 7x7 image (49 pixels) takes five
 * 10-pixel tiles (50 rows + 5) instead of four 12-pixel tiles and a 4-pixel
 * one for the last pixel (52 + 5): ResNet-18's 7x7 layers, MobileNetV2's and
 * EfficientNet-B0's last stages, and the Winograd GEMMs of a 28x28 map (7x7
 * tiles). Every output's accumulation is the same whatever the tile, so the
 * bits do not change. */
int32_t kiln_internal_nhwc_tile_step(const kiln_nhwc_gemm_isa *isa,
                                     int32_t pixels);

/* The NHWC conv (any groups) as an indirect GEMM, out[pixels x M/g] = A .
 * HWIO, blocked for `isa`: k in chunks of whole runs (or one run in
 * panel-deep slices), B packed per chunk (or all of it once when it fits
 * the panel), pixels in tiles of isa->mr. A pre-packed filter (g->nr != 0)
 * whose panels are the isa's (g->nr == isa->nr, base isa->align aligned) is
 * read in place, several panels per pixel tile (or, when all of B fits the
 * panel buffer, copied into it at once); any other packed filter is
 * copied into the panel buffer column by column. The caller owns the
 * buffers, sized for its ISA: panel (kc * nr floats, aligned for the ISA's
 * vector loads), zeros (kc floats), edge (mr * kc floats), ptrs (taps * mr
 * pointers). */
void kiln_internal_nhwc_gemm(const kiln_nhwc_gemm_isa *isa,
                             const kiln_conv_params *params,
                             const kiln_conv_geometry *g, const float *input,
                             const float *weights, const float *bias,
                             const float *residual, float *output, float *panel,
                             float *zeros, float *edge, const float **ptrs);

/* The vector kernels behind kiln_conv2d_nhwc_f32 (checked geometry in g).
 * conv_nhwc_gemm: any groups, out[pixels x M/g] = A . HWIO as an indirect
 * GEMM (row pointers per tap, zeros for padding; no im2col, no scratch).
 * conv_nhwc_depthwise: one input and one output channel per group,
 * vectorised across channels. */
/* Each ISA's GEMM tile, for other kernels that multiply through it (the
 * Winograd conv's 36 point-wise GEMMs). */
const kiln_nhwc_gemm_isa *kiln_avx2_nhwc_gemm_isa(void);
void kiln_avx2_conv_nhwc_gemm(const kiln_conv_params *params,
                              const kiln_conv_geometry *g, const float *input,
                              const float *weights, const float *bias,
                              const float *residual, float *output);
void kiln_avx2_conv_nhwc_depthwise(const kiln_conv_params *params,
                                   const kiln_conv_geometry *g,
                                   const float *input, const float *weights,
                                   const float *bias, const float *residual,
                                   float *output);
#endif
#if KILN_HAVE_AVX512
const kiln_nhwc_gemm_isa *kiln_avx512_nhwc_gemm_isa(void);
void kiln_avx512_conv_nhwc_gemm(const kiln_conv_params *params,
                                const kiln_conv_geometry *g, const float *input,
                                const float *weights, const float *bias,
                                const float *residual, float *output);
void kiln_avx512_conv_nhwc_depthwise(const kiln_conv_params *params,
                                     const kiln_conv_geometry *g,
                                     const float *input, const float *weights,
                                     const float *bias, const float *residual,
                                     float *output);
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* KILN_INTERNAL_NHWC_H */
