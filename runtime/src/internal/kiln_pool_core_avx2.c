/* MaxPool/AveragePool windows: 8 (AVX2) or 16 (AVX-512) outputs a vector. */
#include "kiln_avx512.h"
#include "kiln_ref.h"

#include <math.h>

#if KILN_HAVE_AVX2

/* Rows of a window starting at `start` inside [lo, hi) (as the reference's
 * kiln_taps_inside, for one axis). */
static int32_t kiln_avx2_taps_inside(int32_t start, int32_t taps,
                                     int32_t dilation, int32_t lo, int32_t hi) {
  int32_t n = 0;
  for (int32_t t = 0; t < taps; ++t) {
    const int32_t pos = start + t * dilation;
    n += (pos >= lo && pos < hi) ? 1 : 0;
  }
  return n;
}

/* max that keeps a NaN once the accumulator holds one and takes a NaN from
 * x: the reference's (v > acc || v != v) ? v : acc. */
static inline __m256 kiln_avx2_max_nan(__m256 acc, __m256 x) {
  return _mm256_blendv_ps(_mm256_max_ps(acc, x), acc,
                          _mm256_cmp_ps(acc, acc, _CMP_UNORD_Q));
}

#if KILN_HAVE_AVX512
/* 16 outputs of one row whose windows lie inside the row (columns
 * c0 + sw * lane + kj * dw), rows h0 + ki * dh inside [0, h) only, taps in
 * the reference's order; `count` is AveragePool's divisor (0 gives 0). */
static void kiln_avx512_pool_block(int is_max, const float *plane, int32_t w,
                                   int32_t h0, int32_t kh, int32_t dh,
                                   int32_t h, int32_t c0, int32_t kw,
                                   int32_t dw, int32_t sw, int32_t count,
                                   float *dst) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                                         22, 24, 26, 28, 30);
  __m512 acc = _mm512_set1_ps(is_max ? -INFINITY : 0.0f);
  for (int32_t ki = 0; ki < kh; ++ki) {
    const int32_t ih = h0 + ki * dh;
    if (ih < 0 || ih >= h)
      continue;
    const float *src = plane + (ptrdiff_t)ih * w + c0;
    for (int32_t kj = 0; kj < kw; ++kj) {
      const float *at = src + (ptrdiff_t)kj * dw;
      const __m512 x = sw == 1
                           ? _mm512_loadu_ps(at)
                           : _mm512_permutex2var_ps(_mm512_loadu_ps(at), even,
                                                    _mm512_loadu_ps(at + 16));
      if (is_max)
        /* The reference's (v > acc || v != v) ? v : acc, as the AVX2 loop. */
        acc = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(acc, acc, _CMP_UNORD_Q),
                                   _mm512_max_ps(acc, x), acc);
      else
        acc = _mm512_add_ps(acc, x);
    }
  }
  if (!is_max)
    acc = count == 0 ? _mm512_setzero_ps()
                     : _mm512_div_ps(acc, _mm512_set1_ps((float)count));
  _mm512_storeu_ps(dst, acc);
}
#endif

/* Same contract as the reference (kiln_pool_core.c). Every lane does the
 * reference's arithmetic in the reference's order (taps row by row, padding
 * contributing -inf to a max and nothing to a sum), so results are
 * bit-identical. Blocks whose windows stay inside the row load directly;
 * blocks at the edges gather with a validity mask. */
kiln_status kiln_internal_pool2d_f32(int is_max, const kiln_pool_params *p,
                                     const kiln_shape *in_shape,
                                     const float *input,
                                     const kiln_shape *out_shape,
                                     float *output) {
  kiln_status st =
      kiln_internal_check_nchw(p, in_shape, input, out_shape, output);
  if (st != KILN_OK)
    return st;
  const int32_t h = in_shape->dims[2], w = in_shape->dims[3];
  const int32_t oh_n = out_shape->dims[2], ow_n = out_shape->dims[3];
  const int32_t planes = in_shape->dims[0] * in_shape->dims[1];
  const int32_t kh = p->kernel[0], kw = p->kernel[1];
  const int32_t sw = p->stride[1], dw = p->dilation[1];
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256 fill = _mm256_set1_ps(is_max ? -INFINITY : 0.0f);
  for (int32_t pl = 0; pl < planes; ++pl) {
    const float *plane = input + (ptrdiff_t)pl * h * w;
    float *dst = output + (ptrdiff_t)pl * oh_n * ow_n;
    for (int32_t oh = 0; oh < oh_n; ++oh) {
      const int32_t h0 = oh * p->stride[0] - p->pad[0];
      int32_t rows = 0;
      for (int32_t ki = 0; ki < kh; ++ki) {
        const int32_t ih = h0 + ki * p->dilation[0];
        rows += ih >= 0 && ih < h;
      }
      const int32_t rows_padded = kiln_avx2_taps_inside(
          h0, kh, p->dilation[0], -p->pad[0], h + p->pad[2]);
      for (int32_t ow = 0; ow < ow_n; ow += 8) {
#if KILN_HAVE_AVX512
        /* 16 outputs whose windows stay inside the row: the same per-lane
         * arithmetic in the same order on zmm (SqueezeNet's 3x3 stride-2
         * max pools are most of their rows). */
        if (ow + 16 <= ow_n && sw <= 2) {
          const int32_t c0 = ow * sw - p->pad[1];
          if (c0 >= 0 && c0 + 15 * sw + (kw - 1) * dw + (sw == 2) < w) {
            kiln_avx512_pool_block(
                is_max, plane, w, h0, kh, p->dilation[0], h, c0, kw, dw, sw,
                p->count_include_pad ? kw * rows_padded : kw * rows,
                dst + (ptrdiff_t)oh * ow_n + ow);
            ow += 8; /* and 8 more by the loop */
            continue;
          }
        }
#endif
        const int32_t n_out = ow_n - ow < 8 ? ow_n - ow : 8;
        const int32_t w0 = ow * sw - p->pad[1];
        /* Last input column any lane's window reads (+1 for stride 2's
         * second load). */
        const int32_t last = w0 + 7 * sw + (kw - 1) * dw + (sw == 2);
        const int interior = n_out == 8 && w0 >= 0 && last < w && sw <= 2;
        const __m256i col0 =
            _mm256_add_epi32(_mm256_set1_epi32(w0),
                             _mm256_mullo_epi32(lane, _mm256_set1_epi32(sw)));
        const __m256i lanes_out = kiln_avx2_tail_mask(n_out);
        __m256 acc = fill;
        /* Columns of each lane's window inside the row / inside the
         * padding, for AveragePool's divisor. */
        __m256i cols = _mm256_setzero_si256(), cols_padded = cols;
        for (int32_t kj = 0; kj < kw; ++kj) {
          const __m256i iw = _mm256_add_epi32(col0, _mm256_set1_epi32(kj * dw));
          const __m256i inside = _mm256_andnot_si256(
              _mm256_or_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), iw),
                              _mm256_cmpgt_epi32(iw, _mm256_set1_epi32(w - 1))),
              lanes_out);
          const __m256i inside_pad = _mm256_andnot_si256(
              _mm256_or_si256(
                  _mm256_cmpgt_epi32(_mm256_set1_epi32(-p->pad[1]), iw),
                  _mm256_cmpgt_epi32(iw, _mm256_set1_epi32(w + p->pad[3] - 1))),
              lanes_out);
          cols = _mm256_sub_epi32(cols, inside);
          cols_padded = _mm256_sub_epi32(cols_padded, inside_pad);
        }
        for (int32_t ki = 0; ki < kh; ++ki) {
          const int32_t ih = h0 + ki * p->dilation[0];
          if (ih < 0 || ih >= h)
            continue;
          const float *src = plane + (ptrdiff_t)ih * w;
          for (int32_t kj = 0; kj < kw; ++kj) {
            const int32_t c = w0 + kj * dw;
            __m256 x;
            if (interior && sw == 1) {
              x = _mm256_loadu_ps(src + c);
            } else if (interior) {
              const __m256 lo = _mm256_loadu_ps(src + c);
              const __m256 hi = _mm256_loadu_ps(src + c + 8);
              const __m256 even =
                  _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
              x = _mm256_castpd_ps(_mm256_permute4x64_pd(
                  _mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0)));
            } else {
              const __m256i iw =
                  _mm256_add_epi32(col0, _mm256_set1_epi32(kj * dw));
              const __m256i inside = _mm256_andnot_si256(
                  _mm256_or_si256(
                      _mm256_cmpgt_epi32(_mm256_setzero_si256(), iw),
                      _mm256_cmpgt_epi32(iw, _mm256_set1_epi32(w - 1))),
                  lanes_out);
              /* Masked-off lanes are never read. */
              x = _mm256_mask_i32gather_ps(fill, src, iw,
                                           _mm256_castsi256_ps(inside), 4);
            }
            acc = is_max ? kiln_avx2_max_nan(acc, x) : _mm256_add_ps(acc, x);
          }
        }
        if (!is_max) {
          /* ONNX counts padding taps but never the taps a ceil_mode window
           * hangs past the end padding. */
          const __m256i count =
              p->count_include_pad
                  ? _mm256_mullo_epi32(cols_padded,
                                       _mm256_set1_epi32(rows_padded))
                  : _mm256_mullo_epi32(cols, _mm256_set1_epi32(rows));
          const __m256 cf = _mm256_cvtepi32_ps(count);
          const __m256 zero_count =
              _mm256_cmp_ps(cf, _mm256_setzero_ps(), _CMP_EQ_OQ);
          acc = _mm256_blendv_ps(_mm256_div_ps(acc, cf), _mm256_setzero_ps(),
                                 zero_count);
        }
        kiln_avx2_store_n(dst + (ptrdiff_t)oh * ow_n + ow, acc, n_out);
      }
    }
  }
  return KILN_OK;
}

#endif /* KILN_HAVE_AVX2 */
