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
#define kiln_wv_store _mm512_storeu_ps
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
#define kiln_wv_store _mm256_storeu_ps
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
_Static_assert(KILN_AVX2_KC * KILN_AVX2_NR <= KILN_WINO_PANEL_FLOATS,
               "the stack panel holds one AVX2 k chunk");
#if KILN_HAVE_AVX512
_Static_assert(KILN_AVX512_KC * KILN_AVX512_NR <= KILN_WINO_PANEL_FLOATS,
               "the stack panel holds one AVX-512 k chunk");
#endif

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

/* One tile's input transform for one vector of channels: d is the 6x6
 * input tile at img + off (row_step, px_step floats between rows and
 * pixels), zero where bit (i * 6 + j) of `inside` is clear (EDGE; an
 * interior tile reads all 36 unconditionally), `lanes` channels; V =
 * B^T d B goes to v, point k at v + k * v_step. Unrolled, so t stays in
 * registers. */
static inline __attribute__((always_inline)) void
kiln_wino_input_tile(const float *img, ptrdiff_t off, ptrdiff_t row_step,
                     ptrdiff_t px_step, uint64_t inside, int32_t lanes,
                     float *v, ptrdiff_t v_step, const int EDGE) {
  kiln_wv t[6][6], col[6], out[6];
#pragma GCC unroll 6
  for (int j = 0; j < 6; ++j) {
#pragma GCC unroll 6
    for (int i = 0; i < 6; ++i)
      col[i] = !EDGE || (inside >> (i * 6 + j) & 1u)
                   ? kiln_wv_load_n(img + off + i * row_step + j * px_step,
                                    lanes)
                   : kiln_wv_zero();
    kiln_wino_bt(col, out);
#pragma GCC unroll 6
    for (int i = 0; i < 6; ++i)
      t[i][j] = out[i];
  }
#pragma GCC unroll 6
  for (int i = 0; i < 6; ++i) {
    kiln_wino_bt(t[i], out);
#pragma GCC unroll 6
    for (int j = 0; j < 6; ++j)
      kiln_wv_store(v + (i * 6 + j) * v_step, out[j]);
  }
}

/* V[point][b][c] = (B^T d B)[point] of the block's tiles [t0, t0 + nb),
 * channels [0, C) (the GEMM reads no further, so the row's padding to cs
 * is left as it is). */
static void kiln_wino_input(const kiln_wino_geometry *g, const float *input,
                            int32_t t0, int32_t nb, float *v) {
  const ptrdiff_t px = g->ch, row = (ptrdiff_t)g->w * g->ch;
  const ptrdiff_t v_step = kiln_wino_v_step(g);
  for (int32_t b = 0; b < nb; ++b) {
    const kiln_wino_tile_at at = kiln_wino_locate(g, t0 + b);
    const int32_t ih0 = at.oh0 - g->pt, iw0 = at.ow0 - g->pl;
    const float *img = input + (ptrdiff_t)at.n * g->h * g->w * g->ch;
    const ptrdiff_t off = (ptrdiff_t)ih0 * row + (ptrdiff_t)iw0 * px;
    /* Which of the 36 input pixels lie inside the image. */
    uint64_t inside = 0;
    for (int32_t i = 0; i < 6; ++i)
      for (int32_t j = 0; j < 6; ++j)
        if (ih0 + i >= 0 && ih0 + i < g->h && iw0 + j >= 0 && iw0 + j < g->w)
          inside |= (uint64_t)1 << (i * 6 + j);
    float *vb = v + (ptrdiff_t)b * g->cs;
    if (inside == ((uint64_t)1 << 36) - 1)
      for (int32_t c = 0; c < g->ch; c += KILN_WV_LANES)
        kiln_wino_input_tile(img + c, off, row, px, inside, g->ch - c, vb + c,
                             v_step, 0);
    else
      for (int32_t c = 0; c < g->ch; c += KILN_WV_LANES)
        kiln_wino_input_tile(img + c, off, row, px, inside, g->ch - c, vb + c,
                             v_step, 1);
  }
}

/* One tile's output transform for one vector of `lanes` output channels:
 * m = prod (point k at prod + k * p_step), Y = A^T m A + bias (+ the
 * residual at res), activation, stored at out for rows [0, vh) and columns
 * [0, vw) of the 4x4 block (row_step, px_step floats apart). KIND >= 0
 * is the activation kind as a constant (its switch folds away), -1 any. */
static inline __attribute__((always_inline)) void
kiln_wino_output_tile(const float *prod, ptrdiff_t p_step, int32_t lanes,
                      kiln_wv bv, const float *res, float *out,
                      ptrdiff_t row_step, ptrdiff_t px_step, int32_t vh,
                      int32_t vw, const kiln_activation *act, const int KIND) {
  kiln_activation a = *act;
  if (KIND >= 0)
    a.kind = (kiln_act_kind)KIND;
  kiln_wv t[4][6], col[6], y[4];
#pragma GCC unroll 6
  for (int j = 0; j < 6; ++j) {
#pragma GCC unroll 6
    for (int i = 0; i < 6; ++i)
      col[i] = kiln_wv_load_n(prod + (i * 6 + j) * p_step, lanes);
    kiln_wino_at(col, y);
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i)
      t[i][j] = y[i];
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    if (i >= vh)
      break;
    kiln_wino_at(t[i], y);
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      if (j >= vw)
        break;
      const ptrdiff_t o = i * row_step + j * px_step;
      kiln_wv r = kiln_wv_add(y[j], bv);
      if (res != NULL)
        r = kiln_wv_add(r, kiln_wv_load_n(res + o, lanes));
      kiln_wv_store_n(out + o, kiln_wv_act(&a, r), lanes);
    }
  }
}

/* The output transform of the block's tiles for output channels [col0,
 * col0 + nc): prod[point][b][l] (ld floats per row) through A^T . A, plus
 * bias and residual, activation, stored where the tile is inside the
 * output (points p_step floats apart). Each output's residual is read just
 * before it is written. */
static inline __attribute__((always_inline)) void
kiln_wino_output_body(const kiln_wino_geometry *g, const kiln_activation *act,
                      const float *prod, int32_t ld, ptrdiff_t p_step,
                      int32_t t0, int32_t nb, int32_t col0, int32_t nc,
                      const float *bias, const float *residual, float *output,
                      const int KIND) {
  const ptrdiff_t px = g->m, row = (ptrdiff_t)g->ow * g->m;
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
      kiln_wino_output_tile(prod + (ptrdiff_t)b * ld + j0, p_step, lanes, bv,
                            residual != NULL ? residual + o0 + j0 : NULL,
                            output + o0 + j0, row, px, vh, vw, act, KIND);
    }
  }
}

/* kiln_wino_output_body with the common activations (none, ReLU, clip,
 * SiLU) as constants, as the depthwise kernels do. */
static void kiln_wino_output(const kiln_wino_geometry *g,
                             const kiln_activation *act, const float *prod,
                             int32_t ld, ptrdiff_t p_step, int32_t t0,
                             int32_t nb, int32_t col0, int32_t nc,
                             const float *bias, const float *residual,
                             float *output) {
#define KILN_WINO_OUT(KIND)                                                    \
  kiln_wino_output_body(g, act, prod, ld, p_step, t0, nb, col0, nc, bias,      \
                        residual, output, KIND)
  switch (act->kind) {
  case KILN_ACT_NONE:
    KILN_WINO_OUT(KILN_ACT_NONE);
    break;
  case KILN_ACT_RELU:
    KILN_WINO_OUT(KILN_ACT_RELU);
    break;
  case KILN_ACT_CLIP:
    KILN_WINO_OUT(KILN_ACT_CLIP);
    break;
  case KILN_ACT_SILU:
    KILN_WINO_OUT(KILN_ACT_SILU);
    break;
  default:
    KILN_WINO_OUT(-1);
    break;
  }
#undef KILN_WINO_OUT
}

/* Rows [c0, c0 + kc) of the isa-wide panel for output channels [col0, col0
 * + nc) at `point`, gathered from a filter of another panel width (or
 * misaligned), zero past nc: each row is a few contiguous runs, one per
 * source panel the columns cross. */
static void kiln_wino_pack(const kiln_wino_geometry *g, const float *weights,
                           int32_t point, int32_t c0, int32_t kc, int32_t col0,
                           int32_t nc, int32_t width, float *panel) {
  for (int32_t c = 0; c < kc; ++c, panel += width) {
    int32_t l = 0;
    while (l < nc) {
      const int32_t oc = col0 + l, p = oc / g->nr, l0 = oc - p * g->nr;
      const int32_t run = g->nr - l0 < nc - l ? g->nr - l0 : nc - l;
      const float *src =
          weights +
          (((ptrdiff_t)p * KILN_WINO_P + point) * g->ch + c0 + c) * g->nr + l0;
      for (int32_t e = 0; e < run; ++e)
        panel[l + e] = src[e];
      l += run;
    }
    for (; l < width; ++l)
      panel[l] = 0.0f;
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
  const ptrdiff_t v_step = kiln_wino_v_step(&g);
  const ptrdiff_t p_step = kiln_wino_p_step(&g, width);
  const int32_t panels = (g.m + width - 1) / width;
  for (int32_t t0 = 0; t0 < g.tiles; t0 += g.block) {
    const int32_t nb = g.tiles - t0 < g.block ? g.tiles - t0 : g.block;
    kiln_wino_input(&g, input, t0, nb, v);
    const int32_t step = kiln_internal_nhwc_tile_step(isa, nb);
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
          for (int32_t r0 = 0; r0 < nb; r0 += step) {
            const int32_t mr = nb - r0 < step ? nb - r0 : step;
            /* Rows past mr repeat the last tile: read, never stored. */
            for (int32_t r = 0; r < isa->mr; ++r)
              ptrs[r] = v + point * v_step +
                        (ptrdiff_t)(r0 + (r < mr ? r : mr - 1)) * g.cs + c0;
            const kiln_nhwc_tile_job job = {
                ptrs, pan, 1, kc, mr, nc, c0 == 0, c0 + kc >= g.ch, NULL, NULL,
                prod + point * p_step + (ptrdiff_t)r0 * width, width, &none};
            isa->tile(&job);
          }
        }
      kiln_wino_output(&g, &params->act, prod, width, p_step, t0, nb, col0,
                       nc, bias, residual, output);
    }
  }
  return KILN_OK;
}

#endif /* KILN_HAVE_AVX2 */
