/* AVX2 int8 convolution: implicit GEMM on int16 pairs, and depthwise direct.
 */
#include "kiln_avx2_s8.h"

#if KILN_HAVE_AVX2

/* KILN_S8_MR x KILN_S8_NR (kiln_internal_s8.h) = 4 rows of A (output
 * channels) x 16 columns of B (output pixels) per micro-tile keeps 8
 * accumulators, 2 B vectors, the broadcast and a product in 12 of the 16
 * ymm registers. */

/* The reduction runs over k = (c, kh, kw) in pairs: B holds (row 2i, row
 * 2i + 1) as adjacent int16 per pixel and A the matching weight pair as one
 * int32, so vpmaddwd forms both products and their sum. */
static int32_t kiln_s8_kpairs(const kiln_conv_geometry *g) {
  return (g->c_per_g * g->kh * g->kw + 1) / 2;
}

static int32_t kiln_s8_mblocks(const kiln_conv_geometry *g) {
  return (g->m_per_g + KILN_S8_MR - 1) / KILN_S8_MR;
}

/* Depthwise: one channel's plane with its padding, row stride padded_w,
 * plus KILN_S8_DW_SLACK bytes for the last row's 16-lane loads. */
static int64_t kiln_s8_dw_padded_w(const kiln_conv_s8_params *p,
                                   const kiln_conv_geometry *g) {
  return (int64_t)g->w + p->pad[1] + p->pad[3];
}
static int64_t kiln_s8_dw_padded_h(const kiln_conv_s8_params *p,
                                   const kiln_conv_geometry *g) {
  return (int64_t)g->h + p->pad[0] + p->pad[2];
}

/* A of every group as [group][m-block][k-pair][MR] int32 weight pairs; rows
 * past m_per_g and the odd k's partner are 0. */
static void kiln_s8_pack_a(const kiln_conv_geometry *g, int32_t groups,
                           const int8_t *weights, int32_t *a) {
  const int32_t k = g->c_per_g * g->kh * g->kw, kp_n = kiln_s8_kpairs(g);
  for (int32_t gi = 0; gi < groups; ++gi)
    for (int32_t mb = 0; mb < kiln_s8_mblocks(g); ++mb)
      for (int32_t kp = 0; kp < kp_n; ++kp)
        for (int32_t r = 0; r < KILN_S8_MR; ++r, ++a) {
          const int32_t m = mb * KILN_S8_MR + r;
          int16_t lo = 0, hi = 0;
          if (m < g->m_per_g) {
            const int8_t *row = weights + ((ptrdiff_t)gi * g->m_per_g + m) * k;
            lo = row[2 * kp];
            hi = 2 * kp + 1 < k ? row[2 * kp + 1] : 0;
          }
          *a = (int32_t)(((uint32_t)(uint16_t)hi << 16) | (uint16_t)lo);
        }
}

/* B of one image and group, for the 16 pixels [j0, j0 + 16) of a panel,
 * split into runs once per panel so rows need no per-pixel division. */
typedef struct {
  const int8_t *input; /* first channel of the group in this image */
  const kiln_conv_s8_params *p;
  const kiln_conv_geometry *g;
  int32_t pixels; /* OH * OW */
  int direct;     /* 1x1, stride 1, unpadded: pixel j is input element j */
  int32_t j0, n_runs;
  kiln_s8_run runs[KILN_S8_NR];
} kiln_s8_conv_b;

static void kiln_s8_panel_runs(kiln_s8_conv_b *cb, int32_t j0) {
  cb->j0 = j0;
  cb->n_runs =
      kiln_s8_split_runs(cb->pixels, cb->g->ow, j0, KILN_S8_NR, cb->runs);
}

/* Row k of B: (input + offset) as int16, 0 for padding taps and for pixels
 * past the end (a zero, not the offset: those taps contribute nothing). */
static __m256i kiln_s8_b_row(const kiln_s8_conv_b *cb, int32_t k) {
  const kiln_conv_geometry *g = cb->g;
  const kiln_conv_s8_params *p = cb->p;
  const __m256i off = _mm256_set1_epi16((int16_t)p->input_offset);
  const int32_t taps = g->kh * g->kw, c = k / taps, tap = k % taps;
  const int32_t ki = tap / g->kw, kj = tap % g->kw;
  const int8_t *plane = cb->input + (ptrdiff_t)c * g->h * g->w;
  const int32_t sw = p->stride[1];
  if (cb->direct && cb->j0 + KILN_S8_NR <= cb->pixels)
    return _mm256_add_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(
                                (const __m128i *)(plane + cb->j0))),
                            off);
  if (cb->n_runs == 1 && cb->runs[0].len == KILN_S8_NR) {
    /* One full run inside the input row: a single load. */
    const kiln_s8_run *r = &cb->runs[0];
    const int32_t ih = r->oh * p->stride[0] - p->pad[0] + ki * p->dilation[0];
    const int32_t iw0 = r->ow0 * sw - p->pad[1] + kj * p->dilation[1];
    if (ih >= 0 && ih < g->h && iw0 >= 0 && (sw == 1 || sw == 2) &&
        iw0 + (KILN_S8_NR - 1) * sw + kiln_avx2_load16_overread(sw) < g->w)
      return _mm256_add_epi16(_mm256_cvtepi8_epi16(kiln_avx2_load16_s8(
                                  plane + (ptrdiff_t)ih * g->w + iw0, sw)),
                              off);
  }
  /* Gather the in-bounds part of each run, and a byte mask of it. */
  int8_t val[KILN_S8_NR] = {0}, keep[KILN_S8_NR] = {0};
  for (int32_t ri = 0; ri < cb->n_runs; ++ri) {
    const kiln_s8_run *r = &cb->runs[ri];
    const int32_t ih = r->oh * p->stride[0] - p->pad[0] + ki * p->dilation[0];
    if (ih < 0 || ih >= g->h)
      continue;
    const int8_t *src = plane + (ptrdiff_t)ih * g->w;
    const int32_t iw0 = r->ow0 * sw - p->pad[1] + kj * p->dilation[1];
    if (sw == 1) {
      const int32_t lo = iw0 < 0 ? -iw0 : 0;
      const int32_t hi = g->w - iw0 < r->len ? g->w - iw0 : r->len;
      if (hi > lo) {
        memcpy(val + r->col + lo, src + iw0 + lo, (size_t)(hi - lo));
        memset(keep + r->col + lo, -1, (size_t)(hi - lo));
      }
      continue;
    }
    for (int32_t t = 0; t < r->len; ++t) {
      const int32_t iw = iw0 + t * sw;
      if (iw >= 0 && iw < g->w) {
        val[r->col + t] = src[iw];
        keep[r->col + t] = -1;
      }
    }
  }
  const __m256i x = _mm256_add_epi16(
      _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)val)), off);
  return _mm256_and_si256(
      x, _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)keep)));
}

/* B panel for the current pixels as [k-pair][pixel][2] int16. */
static void kiln_s8_pack_b(const kiln_s8_conv_b *cb, int32_t k_total,
                           int16_t *panel) {
  const int32_t kp_n = (k_total + 1) / 2;
  for (int32_t kp = 0; kp < kp_n; ++kp) {
    const __m256i r0 = kiln_s8_b_row(cb, 2 * kp);
    const __m256i r1 = 2 * kp + 1 < k_total ? kiln_s8_b_row(cb, 2 * kp + 1)
                                            : _mm256_setzero_si256();
    /* unpack works within 128-bit halves: lo = pixels 0-3 | 8-11, hi = 4-7 |
     * 12-15; the permutes put pixels 0-7 and 8-15 together. */
    const __m256i lo = _mm256_unpacklo_epi16(r0, r1);
    const __m256i hi = _mm256_unpackhi_epi16(r0, r1);
    __m256i *dst = (__m256i *)(panel + (ptrdiff_t)kp * 2 * KILN_S8_NR);
    _mm256_storeu_si256(dst, _mm256_permute2x128_si256(lo, hi, 0x20));
    _mm256_storeu_si256(dst + 1, _mm256_permute2x128_si256(lo, hi, 0x31));
  }
}

/* acc[r][h] = sum over k-pairs of A row r x B pixels 8h..8h+7. */
static inline void kiln_s8_micro(int32_t kp_n, const int32_t *a,
                                 const int16_t *b, __m256i acc[KILN_S8_MR][2]) {
  for (int32_t r = 0; r < KILN_S8_MR; ++r)
    acc[r][0] = acc[r][1] = _mm256_setzero_si256();
  for (int32_t kp = 0; kp < kp_n; ++kp) {
    const __m256i b0 = _mm256_loadu_si256((const __m256i *)b);
    const __m256i b1 = _mm256_loadu_si256((const __m256i *)(b + 16));
    for (int32_t r = 0; r < KILN_S8_MR; ++r) {
      const __m256i w = _mm256_set1_epi32(a[r]);
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(b0, w));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(b1, w));
    }
    a += KILN_S8_MR;
    b += 2 * KILN_S8_NR;
  }
}

void kiln_avx2_conv_s8_gemm(const kiln_conv_s8_params *p,
                            const kiln_requant *requant,
                            const kiln_conv_geometry *g, const int8_t *input,
                            const int8_t *weights, const int32_t *bias,
                            int8_t *output, void *scratch) {
  const int32_t groups = p->groups, k = g->c_per_g * g->kh * g->kw;
  const int32_t kp_n = kiln_s8_kpairs(g), mb_n = kiln_s8_mblocks(g);
  const int32_t pixels = g->oh * g->ow;
  int32_t *a_packed = (int32_t *)scratch;
  int16_t *panel =
      (int16_t *)(a_packed + (ptrdiff_t)groups * mb_n * KILN_S8_MR * kp_n);
  kiln_s8_pack_a(g, groups, weights, a_packed);
  const kiln_avx2_clamp_s8 clamp =
      kiln_avx2_clamp_s8_set(p->output_offset, p->act_min, p->act_max);
  kiln_s8_conv_b cb;
  cb.p = p, cb.g = g, cb.pixels = pixels;
  cb.direct = g->kh == 1 && g->kw == 1 && p->stride[0] == 1 &&
              p->stride[1] == 1 && p->pad[0] == 0 && p->pad[1] == 0 &&
              g->oh == g->h && g->ow == g->w;
  for (int32_t n = 0; n < g->batch; ++n) {
    for (int32_t gi = 0; gi < groups; ++gi) {
      cb.input = input + ((ptrdiff_t)n * g->ch + (ptrdiff_t)gi * g->c_per_g) *
                             g->h * g->w;
      const int32_t m0 = gi * g->m_per_g;
      int8_t *out_g = output + ((ptrdiff_t)n * g->m + m0) * pixels;
      const int32_t *a_g = a_packed + (ptrdiff_t)gi * mb_n * KILN_S8_MR * kp_n;
      for (int32_t j0 = 0; j0 < pixels; j0 += KILN_S8_NR) {
        kiln_s8_panel_runs(&cb, j0);
        kiln_s8_pack_b(&cb, k, panel);
        const int32_t cols = pixels - j0;
        for (int32_t mb = 0; mb < mb_n; ++mb) {
          __m256i acc[KILN_S8_MR][2];
          kiln_s8_micro(kp_n, a_g + (ptrdiff_t)mb * KILN_S8_MR * kp_n, panel,
                        acc);
          for (int32_t r = 0; r < KILN_S8_MR; ++r) {
            const int32_t m = mb * KILN_S8_MR + r;
            if (m >= g->m_per_g)
              break;
            const __m256i bv = _mm256_set1_epi32(bias ? bias[m0 + m] : 0);
            const kiln_avx2_requant rq =
                kiln_avx2_requant_set1(requant[m0 + m]);
            const __m256i v0 = kiln_avx2_clamp_apply(
                kiln_avx2_requant_apply(_mm256_add_epi32(acc[r][0], bv), &rq),
                &clamp);
            const __m256i v1 = kiln_avx2_clamp_apply(
                kiln_avx2_requant_apply(_mm256_add_epi32(acc[r][1], bv), &rq),
                &clamp);
            kiln_avx2_store_s8(out_g + (ptrdiff_t)m * pixels + j0,
                               kiln_avx2_pack16_s8(v0, v1), cols);
          }
        }
      }
    }
  }
}

/* One depthwise output exactly as the reference computes it (edge pixels). */
static int8_t kiln_s8_dw_one(const kiln_conv_s8_params *p,
                             const kiln_conv_geometry *g, const int8_t *plane,
                             const int8_t *taps, int32_t acc, kiln_requant rq,
                             int32_t oh, int32_t ow) {
  const int32_t h0 = oh * p->stride[0] - p->pad[0];
  const int32_t w0 = ow * p->stride[1] - p->pad[1];
  for (int32_t ki = 0; ki < g->kh; ++ki) {
    const int32_t ih = h0 + ki * p->dilation[0];
    if (ih < 0 || ih >= g->h)
      continue;
    for (int32_t kj = 0; kj < g->kw; ++kj) {
      const int32_t iw = w0 + kj * p->dilation[1];
      if (iw >= 0 && iw < g->w)
        acc = kiln_wrap_add(
            acc, (plane[(ptrdiff_t)ih * g->w + iw] + p->input_offset) *
                     taps[ki * g->kw + kj]);
    }
  }
  return kiln_requant_to_s8(acc, rq, p->output_offset, p->act_min, p->act_max);
}

/* The window's taps in pairs: byte offsets in the padded plane relative to
 * the window's first tap, and the packed weight pairs (an odd last tap is
 * paired with a zero weight on itself). */
#define KILN_S8_DW_MAX_TAPS 64
typedef struct {
  int32_t n_pairs;
  ptrdiff_t src[KILN_S8_DW_MAX_TAPS + 1];
  int32_t w[(KILN_S8_DW_MAX_TAPS + 1) / 2];
} kiln_s8_dw_taps;

static void kiln_s8_dw_taps_of(const kiln_conv_s8_params *p,
                               const kiln_conv_geometry *g, const int8_t *taps,
                               ptrdiff_t row_stride, kiln_s8_dw_taps *t) {
  int32_t n = 0;
  int16_t wv[KILN_S8_DW_MAX_TAPS + 1];
  for (int32_t ki = 0; ki < g->kh; ++ki)
    for (int32_t kj = 0; kj < g->kw; ++kj, ++n) {
      t->src[n] =
          ki * p->dilation[0] * row_stride + (ptrdiff_t)kj * p->dilation[1];
      wv[n] = taps[ki * g->kw + kj];
    }
  if (n % 2) {
    t->src[n] = t->src[n - 1];
    wv[n++] = 0;
  }
  t->n_pairs = n / 2;
  for (int32_t i = 0; i < t->n_pairs; ++i)
    t->w[i] = (int32_t)(((uint32_t)(uint16_t)wv[2 * i + 1] << 16) |
                        (uint16_t)wv[2 * i]);
}

/* Copies one channel into the scratch with its padding filled with the
 * input zero point (q = -input_offset, in int8 range for the checked
 * offsets): padding taps then contribute (q + offset) * w = 0 exactly, and
 * every output runs the same vector loop, edges included. */
static void kiln_s8_dw_pad_plane(const kiln_conv_s8_params *p,
                                 const kiln_conv_geometry *g,
                                 const int8_t *plane, int8_t *padded) {
  const ptrdiff_t pw = (ptrdiff_t)kiln_s8_dw_padded_w(p, g);
  const ptrdiff_t ph = (ptrdiff_t)kiln_s8_dw_padded_h(p, g);
  const int8_t zero_point = (int8_t)-p->input_offset;
  memset(padded, zero_point, (size_t)(ph * pw + KILN_S8_DW_SLACK));
  for (int32_t ih = 0; ih < g->h; ++ih)
    memcpy(padded + (ih + p->pad[0]) * pw + p->pad[1],
           plane + (ptrdiff_t)ih * g->w, (size_t)g->w);
}

void kiln_avx2_conv_s8_depthwise(const kiln_conv_s8_params *p,
                                 const kiln_requant *requant,
                                 const kiln_conv_geometry *g,
                                 const int8_t *input, const int8_t *weights,
                                 const int32_t *bias, int8_t *output,
                                 void *scratch) {
  int8_t *padded = (int8_t *)scratch;
  const int32_t sh = p->stride[0], sw = p->stride[1];
  const ptrdiff_t pw = (ptrdiff_t)kiln_s8_dw_padded_w(p, g);
  const int64_t ph = kiln_s8_dw_padded_h(p, g);
  const int64_t span_h = (int64_t)(g->kh - 1) * p->dilation[0] + 1;
  const int64_t span_w = (int64_t)(g->kw - 1) * p->dilation[1] + 1;
  /* Outputs whose whole window lies in the padded plane: all of them for
   * shapes derived as runtime.h says; any others take the reference path.
   * Loads of stride 2 read one byte past the window's last lane, inside the
   * next row or the slack, and that byte is discarded. */
  int32_t oh_hi = 0, ow_hi = 0;
  while (oh_hi < g->oh && (int64_t)oh_hi * sh + span_h <= ph)
    ++oh_hi;
  while (ow_hi < g->ow && (int64_t)ow_hi * sw + span_w <= pw)
    ++ow_hi;
  /* Rows narrower than one block, or kernels with more taps than the pair
   * table holds, run the reference. */
  if (ow_hi < 16 || g->kh * g->kw > KILN_S8_DW_MAX_TAPS) {
    ow_hi = 0;
    oh_hi = 0;
  }
  const __m256i off = _mm256_set1_epi16((int16_t)p->input_offset);
  const kiln_avx2_clamp_s8 clamp =
      kiln_avx2_clamp_s8_set(p->output_offset, p->act_min, p->act_max);
  const ptrdiff_t plane_out = (ptrdiff_t)g->oh * g->ow;
  for (int32_t n = 0; n < g->batch; ++n) {
    for (int32_t oc = 0; oc < g->m; ++oc) {
      const int32_t ic = oc / g->m_per_g;
      const int8_t *plane = input + ((ptrdiff_t)n * g->ch + ic) * g->h * g->w;
      const int8_t *taps = weights + (ptrdiff_t)oc * g->kh * g->kw;
      int8_t *dst = output + ((ptrdiff_t)n * g->m + oc) * plane_out;
      const int32_t b = bias ? bias[oc] : 0;
      if (ow_hi > 0 && oc % g->m_per_g == 0)
        kiln_s8_dw_pad_plane(p, g, plane, padded);
      kiln_s8_dw_taps t;
      t.n_pairs = 0;
      if (ow_hi > 0)
        kiln_s8_dw_taps_of(p, g, taps, pw, &t);
      const kiln_avx2_requant rq = kiln_avx2_requant_set1(requant[oc]);
      const __m256i bv = _mm256_set1_epi32(b);
      for (int32_t oh = 0; oh < g->oh; ++oh) {
        int8_t *row = dst + (ptrdiff_t)oh * g->ow;
        int32_t ow = 0;
        if (oh < oh_hi) {
          /* 16 outputs per block; the last block is moved back to end at
           * ow_hi, recomputing a few outputs rather than going scalar. */
          for (int32_t blk = 0; blk < ow_hi; blk += 16) {
            const int32_t o = blk + 16 <= ow_hi ? blk : ow_hi - 16;
            const int8_t *src = padded + (ptrdiff_t)oh * sh * pw + o * sw;
            __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
            for (int32_t i = 0; i < t.n_pairs; ++i) {
              const __m256i x0 =
                  _mm256_add_epi16(_mm256_cvtepi8_epi16(kiln_avx2_load16_s8(
                                       src + t.src[2 * i], sw)),
                                   off);
              const __m256i x1 =
                  _mm256_add_epi16(_mm256_cvtepi8_epi16(kiln_avx2_load16_s8(
                                       src + t.src[2 * i + 1], sw)),
                                   off);
              const __m256i w = _mm256_set1_epi32(t.w[i]);
              lo = _mm256_add_epi32(
                  lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(x0, x1), w));
              hi = _mm256_add_epi32(
                  hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(x0, x1), w));
            }
            /* lo holds pixels 0-3 | 8-11, hi 4-7 | 12-15. */
            const __m256i a0 = _mm256_permute2x128_si256(lo, hi, 0x20);
            const __m256i a1 = _mm256_permute2x128_si256(lo, hi, 0x31);
            const __m256i v0 = kiln_avx2_clamp_apply(
                kiln_avx2_requant_apply(_mm256_add_epi32(a0, bv), &rq), &clamp);
            const __m256i v1 = kiln_avx2_clamp_apply(
                kiln_avx2_requant_apply(_mm256_add_epi32(a1, bv), &rq), &clamp);
            _mm_storeu_si128((__m128i *)(row + o), kiln_avx2_pack16_s8(v0, v1));
          }
          ow = ow_hi;
        }
        for (; ow < g->ow; ++ow)
          row[ow] = kiln_s8_dw_one(p, g, plane, taps, b, requant[oc], oh, ow);
      }
    }
  }
}

#endif /* KILN_HAVE_AVX2 */
