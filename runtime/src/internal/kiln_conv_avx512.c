/* AVX-512 depthwise convolution: masked row loads instead of edge code. */
#include "kiln_avx512.h"

#if KILN_HAVE_AVX512

/* Lanes t of a load starting at column s with s + t inside [0, w): the
 * padding columns read as zero and nothing outside the row is touched. */
static inline uint32_t kiln_avx512_cols(int32_t s, int32_t w, int32_t lanes) {
  const int32_t lo = s < 0 ? -s : 0;
  const int32_t hi = w - s < lanes ? w - s : lanes;
  if (hi <= lo)
    return 0;
  const uint32_t upto_hi = hi >= 32 ? 0xffffffffu : (1u << hi) - 1u;
  return upto_hi & ~((1u << lo) - 1u);
}

/* Widest kernel row handled here (the masks of one output block live in a
 * small array); wider filters go to the AVX2 kernel. */
#define KILN_AVX512_DW_MAX_KW 16

/* Sum over the taps of one output block: 16 outputs of row oh starting at
 * column ow0. Two accumulators halve the FMA dependency chain; consecutive
 * blocks are independent, so out-of-order execution overlaps them. */
static inline __m512 kiln_avx512_dw_block(const float *plane,
                                          const float *taps, int32_t w,
                                          int32_t kw, int32_t ki_lo,
                                          int32_t ki_hi, int32_t h0, int32_t s0,
                                          int32_t sw, const uint32_t *masks) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                                         22, 24, 26, 28, 30);
  for (int32_t ki = ki_lo; ki < ki_hi; ++ki) {
    const float *src = plane + (ptrdiff_t)(h0 + ki) * w + s0;
    const float *t = taps + ki * kw;
    for (int32_t kj = 0; kj < kw; ++kj) {
      __m512 x;
      if (sw == 1) {
        x = _mm512_maskz_loadu_ps((__mmask16)masks[kj], src + kj);
      } else {
        const __m512 lo = _mm512_maskz_loadu_ps((__mmask16)masks[kj], src + kj);
        const __m512 hi =
            _mm512_maskz_loadu_ps((__mmask16)(masks[kj] >> 16), src + kj + 16);
        x = _mm512_permutex2var_ps(lo, even, hi);
      }
      if (kj & 1)
        acc1 = _mm512_fmadd_ps(_mm512_set1_ps(t[kj]), x, acc1);
      else
        acc0 = _mm512_fmadd_ps(_mm512_set1_ps(t[kj]), x, acc0);
    }
  }
  return _mm512_add_ps(acc0, acc1);
}

void kiln_avx512_conv_depthwise(const kiln_conv_params *pr,
                                const kiln_conv_geometry *g, const float *input,
                                const float *weights, const float *bias,
                                const float *residual, float *output) {
  const int32_t sw = pr->stride[1], sh = pr->stride[0];
  const int32_t kw = g->kw, kh = g->kh;
  if (kw > KILN_AVX512_DW_MAX_KW || sw > 2 || pr->dilation[0] != 1 ||
      pr->dilation[1] != 1) {
    kiln_avx2_conv_depthwise(pr, g, input, weights, bias, residual, output);
    return;
  }
  const ptrdiff_t plane_out = (ptrdiff_t)g->oh * g->ow;
  for (int32_t n = 0; n < g->batch; ++n) {
    for (int32_t oc = 0; oc < g->m; ++oc) {
      const float *plane =
          input + ((ptrdiff_t)n * g->ch + oc / g->m_per_g) * g->h * g->w;
      const float *taps = weights + (ptrdiff_t)oc * kh * kw;
      float *out = output + ((ptrdiff_t)n * g->m + oc) * plane_out;
      const float *res =
          residual ? residual + ((ptrdiff_t)n * g->m + oc) * plane_out : NULL;
      const __m512 b = _mm512_set1_ps(bias ? bias[oc] : 0.0f);
      for (int32_t ow0 = 0; ow0 < g->ow; ow0 += 16) {
        const int32_t s0 = ow0 * sw - pr->pad[1];
        uint32_t masks[KILN_AVX512_DW_MAX_KW];
        for (int32_t kj = 0; kj < kw; ++kj)
          masks[kj] = kiln_avx512_cols(s0 + kj, g->w, 16 * sw);
        const __mmask16 keep = kiln_avx512_mask(g->ow - ow0);
        for (int32_t oh = 0; oh < g->oh; ++oh) {
          const int32_t h0 = oh * sh - pr->pad[0];
          const int32_t ki_lo = h0 < 0 ? -h0 : 0;
          const int32_t ki_hi = g->h - h0 < kh ? g->h - h0 : kh;
          __m512 v = _mm512_add_ps(
              b, kiln_avx512_dw_block(plane, taps, g->w, kw, ki_lo, ki_hi, h0,
                                      s0, sw, masks));
          const ptrdiff_t o = (ptrdiff_t)oh * g->ow + ow0;
          if (res != NULL)
            v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(keep, res + o));
          _mm512_mask_storeu_ps(out + o, keep, kiln_avx512_act(&pr->act, v));
        }
      }
    }
  }
}

#endif /* KILN_HAVE_AVX512 */
