/* kiln_conv2d_nhwc_winograd_f32, AVX2/FMA and AVX-512 builds: vector
 * transforms across channels and the 36 point-wise GEMMs on the NHWC GEMM
 * register tile. */
#include "internal/kiln_avx512.h"
#include "internal/kiln_conv_winograd.h"
#include "internal/kiln_nhwc.h"

#if KILN_HAVE_AVX2

/* One vector of channels: 16 (AVX-512) or 8 (AVX2) lanes, loads and stores
 * of the first n lanes (the rest read as zero). */
#if KILN_HAVE_AVX512
typedef __m512 kiln_wv;
#define KILN_WV_LANES 16
static inline kiln_wv kiln_wv_load_n(const float *p, int32_t n) {
  return _mm512_maskz_loadu_ps(kiln_avx512_mask(n), p);
}
static inline void kiln_wv_store_n(float *p, kiln_wv v, int32_t n) {
  _mm512_mask_storeu_ps(p, kiln_avx512_mask(n), v);
}
#define kiln_wv_load _mm512_load_ps
#define kiln_wv_store _mm512_store_ps
#define kiln_wv_zero _mm512_setzero_ps
#define kiln_wv_set1 _mm512_set1_ps
#define kiln_wv_add _mm512_add_ps
#define kiln_wv_sub _mm512_sub_ps
#define kiln_wv_fmadd _mm512_fmadd_ps
#define kiln_wv_act kiln_avx512_act
#define kiln_wino_isa kiln_avx512_nhwc_gemm_isa
#else
typedef __m256 kiln_wv;
#define KILN_WV_LANES 8
#define kiln_wv_load_n kiln_avx2_load_n
#define kiln_wv_store_n kiln_avx2_store_n
#define kiln_wv_load _mm256_load_ps
#define kiln_wv_store _mm256_store_ps
#define kiln_wv_zero _mm256_setzero_ps
#define kiln_wv_set1 _mm256_set1_ps
#define kiln_wv_add _mm256_add_ps
#define kiln_wv_sub _mm256_sub_ps
#define kiln_wv_fmadd _mm256_fmadd_ps
#define kiln_wv_act kiln_avx2_act
#define kiln_wino_isa kiln_avx2_nhwc_gemm_isa
#endif

/* Widest register tile and panel of the ISAs above (AVX-512: 12 x 32). */
#define KILN_WINO_TILE_MR_MAX 16
#define KILN_WINO_PANEL_FLOATS (256 * 32)

/* r = B^T x for one column of 6 vectors (the reference's arithmetic,
 * kiln_conv2d_nhwc_winograd_f32.c, with its multiplies as FMAs). */
static inline __attribute__((always_inline)) void
kiln_wino_bt(const kiln_wv *x, kiln_wv *r) {
  const kiln_wv four = kiln_wv_set1(4.0f), mfour = kiln_wv_set1(-4.0f);
  const kiln_wv five = kiln_wv_set1(-5.0f), two = kiln_wv_set1(2.0f);
  const kiln_wv x4m2 = kiln_wv_sub(x[4], x[2]);
  r[0] = kiln_wv_fmadd(five, x[2], kiln_wv_fmadd(four, x[0], x[4]));
  r[1] = kiln_wv_fmadd(mfour, kiln_wv_add(x[1], x[2]), kiln_wv_add(x[3], x[4]));
  r[2] = kiln_wv_fmadd(four, kiln_wv_sub(x[1], x[2]), kiln_wv_sub(x[4], x[3]));
  r[3] = kiln_wv_fmadd(two, kiln_wv_sub(x[3], x[1]), x4m2);
  r[4] = kiln_wv_fmadd(two, kiln_wv_sub(x[1], x[3]), x4m2);
  r[5] = kiln_wv_fmadd(five, x[3], kiln_wv_fmadd(four, x[1], x[5]));
}

/* r = A^T m for one column of 6 vectors. */
static inline __attribute__((always_inline)) void
kiln_wino_at(const kiln_wv *m, kiln_wv *r) {
  const kiln_wv s12 = kiln_wv_add(m[1], m[2]), d12 = kiln_wv_sub(m[1], m[2]);
  const kiln_wv s34 = kiln_wv_add(m[3], m[4]), d34 = kiln_wv_sub(m[3], m[4]);
  r[0] = kiln_wv_add(kiln_wv_add(m[0], s12), s34);
  r[1] = kiln_wv_fmadd(kiln_wv_set1(2.0f), d34, d12);
  r[2] = kiln_wv_fmadd(kiln_wv_set1(4.0f), s34, s12);
  r[3] = kiln_wv_add(kiln_wv_fmadd(kiln_wv_set1(8.0f), d34, d12), m[5]);
}

/* Where tile `t` (flattened over batch, tile rows, tile columns) lies. */
typedef struct {
  int32_t n, oh0, ow0;
} kiln_wino_tile_at;

static inline kiln_wino_tile_at kiln_wino_locate(const kiln_wino_geometry *g,
                                                 int32_t t) {
  kiln_wino_tile_at a;
  const int32_t per_img = g->tiles_h * g->tiles_w;
  a.n = t / per_img;
  t -= a.n * per_img;
  a.oh0 = t / g->tiles_w * 4;
  a.ow0 = t % g->tiles_w * 4;
  return a;
}

/* V[point][b][c] = (B^T d B)[point] of the block's tiles [t0, t0 + nb),
 * every channel, cs floats per row (channels past C zero). */
static void kiln_wino_input(const kiln_wino_geometry *g, const float *input,
                            int32_t t0, int32_t nb, int32_t block, float *v) {
  for (int32_t b = 0; b < nb; ++b) {
    const kiln_wino_tile_at at = kiln_wino_locate(g, t0 + b);
    const int32_t ih0 = at.oh0 - g->pt, iw0 = at.ow0 - g->pl;
    const float *img = input + (ptrdiff_t)at.n * g->h * g->w * g->ch;
    /* Rows and columns of the 6x6 tile inside the image. */
    int32_t ok_r[6], ok_c[6];
    for (int32_t i = 0; i < 6; ++i) {
      ok_r[i] = ih0 + i >= 0 && ih0 + i < g->h;
      ok_c[i] = iw0 + i >= 0 && iw0 + i < g->w;
    }
    for (int32_t c = 0; c < g->cs; c += KILN_WV_LANES) {
      const int32_t lanes = g->ch - c;
      kiln_wv col[6], t[6][6], row[6], out[6];
      /* t = B^T d, column by column; then V = t B, row by row. */
      for (int32_t j = 0; j < 6; ++j) {
        for (int32_t i = 0; i < 6; ++i)
          col[i] = ok_r[i] && ok_c[j] && lanes > 0
                       ? kiln_wv_load_n(
                             img + ((ptrdiff_t)(ih0 + i) * g->w + iw0 + j) *
                                       g->ch +
                                 c,
                             lanes)
                       : kiln_wv_zero();
        kiln_wino_bt(col, out);
        for (int32_t i = 0; i < 6; ++i)
          t[i][j] = out[i];
      }
      for (int32_t i = 0; i < 6; ++i) {
        for (int32_t j = 0; j < 6; ++j)
          row[j] = t[i][j];
        kiln_wino_bt(row, out);
        for (int32_t j = 0; j < 6; ++j)
          kiln_wv_store(v + ((ptrdiff_t)(i * 6 + j) * block + b) * g->cs + c,
                        out[j]);
      }
    }
  }
}

/* The output transform of the block's tiles for output channels [col0,
 * col0 + nc): prod[point][b][l] (ld floats per row) through A^T . A, plus
 * bias and residual, activation, stored where the tile is inside the
 * output. Each output's residual is read just before it is written. */
static void kiln_wino_output(const kiln_wino_geometry *g,
                             const kiln_activation *act, const float *prod,
                             int32_t ld, int32_t t0, int32_t nb, int32_t block,
                             int32_t col0, int32_t nc, const float *bias,
                             const float *residual, float *output) {
  for (int32_t b = 0; b < nb; ++b) {
    const kiln_wino_tile_at at = kiln_wino_locate(g, t0 + b);
    const int32_t vh = g->oh - at.oh0 < 4 ? g->oh - at.oh0 : 4;
    const int32_t vw = g->ow - at.ow0 < 4 ? g->ow - at.ow0 : 4;
    const ptrdiff_t o0 =
        (((ptrdiff_t)at.n * g->oh + at.oh0) * g->ow + at.ow0) * g->m + col0;
    for (int32_t j0 = 0; j0 < nc; j0 += KILN_WV_LANES) {
      const int32_t lanes = nc - j0;
      const kiln_wv bv = bias != NULL ? kiln_wv_load_n(bias + col0 + j0, lanes)
                                      : kiln_wv_zero();
      kiln_wv col[6], t[4][6], row[6], y[4];
      for (int32_t j = 0; j < 6; ++j) {
        for (int32_t i = 0; i < 6; ++i)
          col[i] = kiln_wv_load_n(
              prod + ((ptrdiff_t)(i * 6 + j) * block + b) * ld + j0, lanes);
        kiln_wino_at(col, y);
        for (int32_t i = 0; i < 4; ++i)
          t[i][j] = y[i];
      }
      for (int32_t i = 0; i < vh; ++i) {
        for (int32_t j = 0; j < 6; ++j)
          row[j] = t[i][j];
        kiln_wino_at(row, y);
        for (int32_t j = 0; j < vw; ++j) {
          const ptrdiff_t o = o0 + ((ptrdiff_t)i * g->ow + j) * g->m + j0;
          kiln_wv r = kiln_wv_add(y[j], bv);
          if (residual != NULL)
            r = kiln_wv_add(r, kiln_wv_load_n(residual + o, lanes));
          kiln_wv_store_n(output + o, kiln_wv_act(act, r), lanes);
        }
      }
    }
  }
}

/* Rows [c0, c0 + kc) of the isa-wide panel for output channels [col0, col0
 * + nc) at `point`, gathered from a filter of another panel width (or
 * misaligned), zero past nc. */
static void kiln_wino_pack(const kiln_wino_geometry *g, const float *weights,
                           int32_t point, int32_t c0, int32_t kc, int32_t col0,
                           int32_t nc, int32_t width, float *panel) {
  for (int32_t c = 0; c < kc; ++c, panel += width)
    for (int32_t l = 0; l < width; ++l) {
      const int32_t oc = col0 + l, p = oc / g->nr;
      panel[l] = l < nc ? weights[(((ptrdiff_t)p * KILN_WINO_P + point) * g->ch +
                                   c0 + c) *
                                      g->nr +
                                  oc % g->nr]
                        : 0.0f;
    }
}

/* Same contract as the reference (kiln_conv2d_nhwc_winograd_f32.c). Tiles
 * go in blocks (kiln_internal_wino_geometry sizes them for L2): the block's
 * input transform into V, then per panel of output channels the 36 GEMMs
 * prod[point] = V[point] . U[point] (tiles x C times C x NR) on the NHWC GEMM
 * register tile, and the output transform of that panel. */
kiln_status kiln_conv2d_nhwc_winograd_f32(
    const kiln_conv_params *params, const kiln_shape *in_shape,
    const float *input, const kiln_shape *filter_shape, const float *weights,
    const float *bias, const float *residual, const kiln_shape *out_shape,
    float *output, void *scratch) {
  kiln_wino_geometry g;
  kiln_status st = kiln_internal_wino_geometry(params, in_shape, filter_shape,
                                               out_shape, &g);
  if (st != KILN_OK)
    return st;
  if (input == NULL || weights == NULL || output == NULL || scratch == NULL)
    return KILN_ERR_NULL;
  const kiln_nhwc_gemm_isa *isa = kiln_wino_isa();
  const int32_t width = isa->nr;
  /* The filter's own panels are the tile's when their width and alignment
   * match: then each (panel, point) chunk is read in place. */
  const int in_place =
      g.nr == width && (uintptr_t)weights % (uintptr_t)isa->align == 0;
  _Alignas(64) float panel[KILN_WINO_PANEL_FLOATS];
  const float *ptrs[KILN_WINO_TILE_MR_MAX];
  static const kiln_activation none = {KILN_ACT_NONE, 0, 0, 0, 0};
  float *v = (float *)scratch;
  float *prod = v + kiln_wino_v_floats(&g);
  const int32_t panels = (g.m + width - 1) / width;
  for (int32_t t0 = 0; t0 < g.tiles; t0 += g.block) {
    const int32_t nb = g.tiles - t0 < g.block ? g.tiles - t0 : g.block;
    kiln_wino_input(&g, input, t0, nb, g.block, v);
    for (int32_t q = 0; q < panels; ++q) {
      const int32_t col0 = q * width;
      const int32_t nc = g.m - col0 < width ? g.m - col0 : width;
      for (int32_t point = 0; point < KILN_WINO_P; ++point)
        for (int32_t c0 = 0; c0 < g.ch; c0 += isa->kc) {
          const int32_t kc = g.ch - c0 < isa->kc ? g.ch - c0 : isa->kc;
          const float *pan;
          if (in_place) {
            pan = weights +
                  (((ptrdiff_t)q * KILN_WINO_P + point) * g.ch + c0) * width;
          } else {
            kiln_wino_pack(&g, weights, point, c0, kc, col0, nc, width, panel);
            pan = panel;
          }
          for (int32_t r0 = 0; r0 < nb; r0 += isa->mr) {
            const int32_t mr = nb - r0 < isa->mr ? nb - r0 : isa->mr;
            /* Rows past mr repeat the last tile: read, never stored. */
            for (int32_t r = 0; r < isa->mr; ++r)
              ptrs[r] = v +
                        ((ptrdiff_t)point * g.block + r0 + (r < mr ? r : mr - 1)) *
                            g.cs +
                        c0;
            const kiln_nhwc_tile_job job = {
                ptrs, pan, 1, kc, mr, nc, c0 == 0, c0 + kc >= g.ch, NULL, NULL,
                prod + ((ptrdiff_t)point * g.block + r0) * width, width, &none};
            isa->tile(&job);
          }
        }
      kiln_wino_output(&g, &params->act, prod, width, t0, nb, g.block, col0, nc,
                       bias, residual, output);
    }
  }
  return KILN_OK;
}

#endif /* KILN_HAVE_AVX2 */
