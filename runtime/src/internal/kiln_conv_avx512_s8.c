/* AVX-512 int8 convolution as an implicit GEMM on 4-byte dot products. */
#include "kiln_avx512_s8.h"

#if KILN_HAVE_AVX512

#include <stdint.h>

/* Per tile: 8 weight rows (output channels) read in place, 4 bytes broadcast
 * per step, against a B panel of 32 output pixels x 4 reduction steps of
 * biased-unsigned input bytes; 16 zmm accumulators. The weights need no
 * packing (only each row's last partial group of 4 is copied, zero-padded),
 * so a call costs one pass over the weights for their sums plus the GEMM. */

static int32_t kiln_s8z_quads(const kiln_conv_geometry *g) {
  return (g->c_per_g * g->kh * g->kw + 3) / 4;
}

int64_t kiln_internal_conv_s8_scratch_avx512(const kiln_conv_s8_params *p,
                                             const kiln_conv_geometry *g) {
  (void)p;
  return (int64_t)g->m * 8 + (int64_t)kiln_s8z_quads(g) * KILN_S8_ZNR * 4;
}

/* B of one image and group for the pixels [j0, j0 + 32) of a panel. */
typedef struct {
  const int8_t *input; /* first channel of the group in this image */
  const int8_t *end;   /* one past the whole input tensor */
  const kiln_conv_s8_params *p;
  const kiln_conv_geometry *g;
  int32_t pixels, direct, j0, n_runs;
  int8_t zero_point; /* -input_offset: a padding tap that contributes 0 */
  kiln_s8_run runs[KILN_S8_ZNR];
} kiln_s8z_b;

static void kiln_s8z_panel_runs(kiln_s8z_b *cb, int32_t j0) {
  cb->j0 = j0;
  cb->n_runs =
      kiln_s8_split_runs(cb->pixels, cb->g->ow, j0, KILN_S8_ZNR, cb->runs);
}

/* The address lane 0 would have if lane `lane` is at `at`: masked loads only
 * touch the enabled lanes, so the disabled ones may lie outside the input. */
static inline const void *kiln_s8z_lane0(const int8_t *at, int32_t lane,
                                         int32_t bytes_per_lane) {
  return (const void *)((uintptr_t)at - (uintptr_t)lane * bytes_per_lane);
}

/* Row k of B as 32 signed bytes: the input, or the zero point for padding
 * taps and for pixels past the end (whose results are never stored). */
static __m256i kiln_s8z_b_row(const kiln_s8z_b *cb, int32_t k) {
  const kiln_conv_geometry *g = cb->g;
  const kiln_conv_s8_params *p = cb->p;
  const int32_t taps = g->kh * g->kw, c = k / taps, tap = k % taps;
  const int32_t ki = tap / g->kw, kj = tap % g->kw;
  const int8_t *plane = cb->input + (ptrdiff_t)c * g->h * g->w;
  const int32_t sw = p->stride[1];
  if (cb->direct && cb->j0 + KILN_S8_ZNR <= cb->pixels)
    return _mm256_loadu_si256((const __m256i *)(plane + cb->j0));
  __m256i v = _mm256_set1_epi8(cb->zero_point);
  for (int32_t ri = 0; ri < cb->n_runs; ++ri) {
    const kiln_s8_run *r = &cb->runs[ri];
    const int32_t ih = r->oh * p->stride[0] - p->pad[0] + ki * p->dilation[0];
    if (ih < 0 || ih >= g->h)
      continue;
    const int8_t *src = plane + (ptrdiff_t)ih * g->w;
    const int32_t iw0 = r->ow0 * sw - p->pad[1] + kj * p->dilation[1];
    /* Lanes t in [lo, hi) of the run read inside the row. */
    const int32_t lo = iw0 < 0 ? (-iw0 + sw - 1) / sw : 0;
    int32_t hi = iw0 > g->w - 1 ? 0 : (g->w - 1 - iw0) / sw + 1;
    hi = hi < r->len ? hi : r->len;
    if (hi <= lo)
      continue;
    if (sw == 1) {
      const __mmask32 m =
          (__mmask32)((((uint64_t)1 << (hi - lo)) - 1) << (r->col + lo));
      v = _mm256_mask_loadu_epi8(
          v, m, kiln_s8z_lane0(src + iw0 + lo, r->col + lo, 1));
      continue;
    }
    int32_t wide_hi = hi;
    if (sw == 2) {
      /* 16-bit lanes, low byte kept: the last lane also reads the byte after
       * it, allowed while that byte is still inside the input tensor. */
      if (src + iw0 + 2 * (hi - 1) + 1 >= cb->end)
        --wide_hi;
      if (wide_hi > lo) {
        const __mmask32 m =
            (__mmask32)((((uint64_t)1 << (wide_hi - lo)) - 1) << (r->col + lo));
        const __m512i w16 = _mm512_maskz_loadu_epi16(
            m, kiln_s8z_lane0(src + iw0 + 2 * lo, r->col + lo, 2));
        v = _mm256_mask_blend_epi8(m, v, _mm512_cvtepi16_epi8(w16));
      }
    } else {
      wide_hi = lo;
    }
    if (wide_hi < hi) {
      int8_t tmp[KILN_S8_ZNR];
      _mm256_storeu_si256((__m256i *)tmp, v);
      for (int32_t t = wide_hi; t < hi; ++t)
        tmp[r->col + t] = src[iw0 + t * sw];
      v = _mm256_loadu_si256((const __m256i *)tmp);
    }
  }
  return v;
}

/* B panel as [quad][pixel][4] bytes of x + 128 (rows past k are zeros, which
 * meet zero weights). */
static void kiln_s8z_pack_b(const kiln_s8z_b *cb, int32_t k_total,
                            uint8_t *panel) {
  const int32_t quads = (k_total + 3) / 4;
  const __m256i flip = _mm256_set1_epi8((char)0x80);
  for (int32_t q = 0; q < quads; ++q) {
    __m256i r[4];
    for (int32_t i = 0; i < 4; ++i)
      r[i] = 4 * q + i < k_total ? kiln_s8z_b_row(cb, 4 * q + i)
                                 : _mm256_setzero_si256();
    /* unpacks stay inside 128-bit halves: q0 = pixels 0-3 | 16-19, q1 =
     * 4-7 | 20-23, q2 = 8-11 | 24-27, q3 = 12-15 | 28-31. */
    const __m256i lo01 = _mm256_unpacklo_epi8(r[0], r[1]);
    const __m256i hi01 = _mm256_unpackhi_epi8(r[0], r[1]);
    const __m256i lo23 = _mm256_unpacklo_epi8(r[2], r[3]);
    const __m256i hi23 = _mm256_unpackhi_epi8(r[2], r[3]);
    const __m256i q0 = _mm256_unpacklo_epi16(lo01, lo23);
    const __m256i q1 = _mm256_unpackhi_epi16(lo01, lo23);
    const __m256i q2 = _mm256_unpacklo_epi16(hi01, hi23);
    const __m256i q3 = _mm256_unpackhi_epi16(hi01, hi23);
    __m256i *dst = (__m256i *)(panel + (ptrdiff_t)q * KILN_S8_ZNR * 4);
    _mm256_storeu_si256(
        dst, _mm256_xor_si256(_mm256_permute2x128_si256(q0, q1, 0x20), flip));
    _mm256_storeu_si256(
        dst + 1,
        _mm256_xor_si256(_mm256_permute2x128_si256(q2, q3, 0x20), flip));
    _mm256_storeu_si256(
        dst + 2,
        _mm256_xor_si256(_mm256_permute2x128_si256(q0, q1, 0x31), flip));
    _mm256_storeu_si256(
        dst + 3,
        _mm256_xor_si256(_mm256_permute2x128_si256(q2, q3, 0x31), flip));
  }
}

static inline int32_t kiln_s8z_load4(const int8_t *p) {
  int32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* acc[r][h] = sum over the quads of weight row r x pixels 16h..16h+15. The
 * first `full` quads come straight from the rows; a partial last one from
 * `tail`. Written out row by row: the 16 sums must live in registers, and
 * gcc -O2 (the flags `kiln bench` builds the runtime with) keeps a looped
 * acc[8][2] array in memory. */
#define KILN_S8Z_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
static inline void kiln_s8z_micro(int32_t full, int32_t quads,
                                  const int8_t *const rows[KILN_S8_ZMR],
                                  const int32_t *tail, const uint8_t *b,
                                  __m512i acc[KILN_S8_ZMR][2]) {
#define KILN_S8Z_DECL(r)                                                       \
  __m512i c##r##0 = _mm512_setzero_si512(), c##r##1 = _mm512_setzero_si512();  \
  const int8_t *w##r = rows[r];
  KILN_S8Z_ROWS(KILN_S8Z_DECL)
#define KILN_S8Z_STEP(r)                                                       \
  {                                                                            \
    const __m512i a = _mm512_set1_epi32(A(r));                                 \
    c##r##0 = kiln_avx512_dot4_u8s8(c##r##0, b0, a);                           \
    c##r##1 = kiln_avx512_dot4_u8s8(c##r##1, b1, a);                           \
  }
  /* One loop for the full groups and the partial last one: after the rows
   * run out, the pointers are moved so that group `full` reads tail[r]
   * (two loops made gcc copy the 16 sums between registers each step). */
  int32_t end = full;
  for (int32_t q = 0;;) {
    for (; q < end; ++q, b += KILN_S8_ZNR * 4) {
      const __m512i b0 = _mm512_loadu_si512((const void *)b);
      const __m512i b1 = _mm512_loadu_si512((const void *)(b + 64));
#define A(r) kiln_s8z_load4(w##r + 4 * (ptrdiff_t)q)
      KILN_S8Z_ROWS(KILN_S8Z_STEP)
#undef A
    }
    if (end == quads)
      break;
#define KILN_S8Z_TAIL(r)                                                       \
  w##r = (const int8_t *)(uintptr_t)((uintptr_t)(tail + r) -                   \
                                     (uintptr_t)4 * (uintptr_t)full);
    KILN_S8Z_ROWS(KILN_S8Z_TAIL)
#undef KILN_S8Z_TAIL
    end = quads;
  }
#define KILN_S8Z_OUT(r) acc[r][0] = c##r##0, acc[r][1] = c##r##1;
  KILN_S8Z_ROWS(KILN_S8Z_OUT)
#undef KILN_S8Z_DECL
#undef KILN_S8Z_STEP
#undef KILN_S8Z_OUT
}

void kiln_avx512_conv_s8_gemm(const kiln_conv_s8_params *p,
                              const kiln_requant *requant,
                              const kiln_conv_geometry *g, const int8_t *input,
                              const int8_t *weights, const int32_t *bias,
                              int8_t *output, void *scratch) {
  const int32_t groups = p->groups, k = g->c_per_g * g->kh * g->kw;
  const int32_t full = k / 4, quads = kiln_s8z_quads(g);
  const int32_t pixels = g->oh * g->ow;
  int32_t *corr = (int32_t *)scratch;
  int32_t *tail = corr + g->m;
  uint8_t *panel = (uint8_t *)(tail + g->m);
  /* acc = sum (x + off) w = sum (x + 128) w + (off - 128) sum w. */
  const int32_t fold = p->input_offset - 128;
  for (int32_t m = 0; m < g->m; ++m) {
    const int8_t *row = weights + (ptrdiff_t)m * k;
    corr[m] = kiln_wrap_add(bias ? bias[m] : 0,
                            kiln_wrap_mul(fold, kiln_avx512_sum_s8(row, k)));
    int8_t last[4] = {0, 0, 0, 0};
    for (int32_t i = 4 * full; i < k; ++i)
      last[i - 4 * full] = row[i];
    memcpy(&tail[m], last, sizeof last);
  }
  kiln_s8z_b cb;
  cb.p = p, cb.g = g, cb.pixels = pixels;
  cb.end = input + (ptrdiff_t)g->batch * g->ch * g->h * g->w;
  cb.zero_point = (int8_t)-p->input_offset;
  cb.direct = g->kh == 1 && g->kw == 1 && p->stride[0] == 1 &&
              p->stride[1] == 1 && p->pad[0] == 0 && p->pad[1] == 0 &&
              g->oh == g->h && g->ow == g->w;
  for (int32_t n = 0; n < g->batch; ++n) {
    for (int32_t gi = 0; gi < groups; ++gi) {
      cb.input = input + ((ptrdiff_t)n * g->ch + (ptrdiff_t)gi * g->c_per_g) *
                             g->h * g->w;
      const int32_t m0 = gi * g->m_per_g;
      int8_t *out_g = output + ((ptrdiff_t)n * g->m + m0) * pixels;
      for (int32_t j0 = 0; j0 < pixels; j0 += KILN_S8_ZNR) {
        kiln_s8z_panel_runs(&cb, j0);
        kiln_s8z_pack_b(&cb, k, panel);
        const int32_t cols = pixels - j0;
        for (int32_t mb = 0; mb < g->m_per_g; mb += KILN_S8_ZMR) {
          const int32_t rows_n =
              g->m_per_g - mb < KILN_S8_ZMR ? g->m_per_g - mb : KILN_S8_ZMR;
          const int8_t *rows[KILN_S8_ZMR];
          int32_t tails[KILN_S8_ZMR];
          for (int32_t r = 0; r < KILN_S8_ZMR; ++r) {
            /* Missing rows repeat the last one; they are not stored. */
            const int32_t m = m0 + mb + (r < rows_n ? r : rows_n - 1);
            rows[r] = weights + (ptrdiff_t)m * k;
            tails[r] = tail[m];
          }
          __m512i acc[KILN_S8_ZMR][2];
          kiln_s8z_micro(full, quads, rows, tails, panel, acc);
          for (int32_t r = 0; r < rows_n; ++r) {
            const int32_t m = m0 + mb + r;
            const __m512i cv = _mm512_set1_epi32(corr[m]);
            const kiln_avx512_requant_s8 rq = kiln_avx512_requant_s8_set(
                requant[m], p->output_offset, p->act_min, p->act_max);
            int8_t *dst = out_g + (ptrdiff_t)(mb + r) * pixels + j0;
            for (int32_t h = 0; h < 2 && 16 * h < cols; ++h) {
              const __m128i v = kiln_avx512_requant_to_s8(
                  _mm512_add_epi32(acc[r][h], cv), &rq);
              kiln_avx512_store_s8(dst + 16 * h, v, cols - 16 * h);
            }
          }
        }
      }
    }
  }
}

#endif /* KILN_HAVE_AVX512 */
