/* AVX-512 int8 depthwise convolution: 16 outputs of a row per masked block. */
#include "kiln_avx512_s8.h"

#if KILN_HAVE_AVX512

/* Same scratch and padding scheme as the AVX2 kernel (kiln_conv_avx2_s8.c):
 * each input plane is copied once per group into the scratch with its
 * border set to the input zero point, so padding taps contribute exactly 0
 * and every output, edges included, runs the vector loop. Masked loads and
 * stores cover rows of any width (the AVX2 kernel needs 16 outputs per row
 * and runs narrower rows, the 14- and 7-wide maps of MobileNetV2, through
 * the scalar reference). Each tap is one vpmaddwd of (x + offset), a
 * sign-extended int16 in each int32 lane, with the weight in the low half
 * of a lane whose high half is 0: the product is exact, and int32 sums wrap
 * like the reference's. */

int kiln_avx512_conv_s8_depthwise_ok(const kiln_conv_s8_params *p,
                                     const kiln_conv_geometry *g) {
  return p->stride[1] <= 2 && g->kh * g->kw <= KILN_S8_DW512_MAX_TAPS;
}

/* 16 int8 at src[0], src[s], ... (s = 1 or 2) for the lanes of `m`, as
 * sign-extended int32. Stride 2 reads 16-bit lanes and keeps the low byte:
 * the last lane also reads the byte after it, inside the padded plane or
 * its slack. */
static inline __m512i kiln_dw512_load(const int8_t *src, int32_t s,
                                      __mmask16 m) {
  if (s == 1)
    return _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, src));
  return _mm512_cvtepi8_epi32(
      _mm256_cvtepi16_epi8(_mm256_maskz_loadu_epi16(m, src)));
}

void kiln_avx512_conv_s8_depthwise(const kiln_conv_s8_params *p,
                                   const kiln_requant *requant,
                                   const kiln_conv_geometry *g,
                                   const int8_t *input, const int8_t *weights,
                                   const int32_t *bias, int8_t *output,
                                   void *scratch) {
  int8_t *padded = (int8_t *)scratch;
  const int32_t sh = p->stride[0], sw = p->stride[1];
  const ptrdiff_t pw = (ptrdiff_t)g->w + p->pad[1] + p->pad[3];
  const ptrdiff_t ph = (ptrdiff_t)g->h + p->pad[0] + p->pad[2];
  const int32_t taps = g->kh * g->kw;
  const __m512i off = _mm512_set1_epi32(p->input_offset);
  const kiln_avx2_clamp_s8 clamp =
      kiln_avx2_clamp_s8_set(p->output_offset, p->act_min, p->act_max);
  const ptrdiff_t plane_out = (ptrdiff_t)g->oh * g->ow;
  ptrdiff_t src_of[KILN_S8_DW512_MAX_TAPS];
  for (int32_t ki = 0; ki < g->kh; ++ki)
    for (int32_t kj = 0; kj < g->kw; ++kj)
      src_of[ki * g->kw + kj] =
          ki * p->dilation[0] * pw + (ptrdiff_t)kj * p->dilation[1];
  for (int32_t n = 0; n < g->batch; ++n) {
    for (int32_t oc = 0; oc < g->m; ++oc) {
      const int32_t ic = oc / g->m_per_g;
      if (oc % g->m_per_g == 0) {
        const int8_t *plane = input + ((ptrdiff_t)n * g->ch + ic) * g->h * g->w;
        memset(padded, (int8_t)-p->input_offset,
               (size_t)(ph * pw + KILN_S8_DW_SLACK));
        for (int32_t ih = 0; ih < g->h; ++ih)
          memcpy(padded + (ih + p->pad[0]) * pw + p->pad[1],
                 plane + (ptrdiff_t)ih * g->w, (size_t)g->w);
      }
      const int8_t *tw = weights + (ptrdiff_t)oc * taps;
      __m512i wv[KILN_S8_DW512_MAX_TAPS];
      for (int32_t t = 0; t < taps; ++t)
        wv[t] = _mm512_set1_epi32((int32_t)(uint16_t)(int16_t)tw[t]);
      const __m512i bv = _mm512_set1_epi32(bias ? bias[oc] : 0);
      const kiln_avx2_requant rq = kiln_avx2_requant_set1(requant[oc]);
      int8_t *dst = output + ((ptrdiff_t)n * g->m + oc) * plane_out;
      for (int32_t oh = 0; oh < g->oh; ++oh) {
        const int8_t *row = padded + (ptrdiff_t)oh * sh * pw;
        int8_t *out_row = dst + (ptrdiff_t)oh * g->ow;
        for (int32_t o = 0; o < g->ow; o += 16) {
          const __mmask16 m = g->ow - o >= 16
                                  ? (__mmask16)0xFFFF
                                  : (__mmask16)((1u << (g->ow - o)) - 1);
          const int8_t *src = row + (ptrdiff_t)o * sw;
          __m512i acc = bv;
          for (int32_t t = 0; t < taps; ++t)
            acc = _mm512_add_epi32(
                acc, _mm512_madd_epi16(
                         _mm512_add_epi32(
                             kiln_dw512_load(src + src_of[t], sw, m), off),
                         wv[t]));
          const __m256i v0 = kiln_avx2_clamp_apply(
              kiln_avx2_requant_apply(_mm512_castsi512_si256(acc), &rq),
              &clamp);
          const __m256i v1 = kiln_avx2_clamp_apply(
              kiln_avx2_requant_apply(_mm512_extracti64x4_epi64(acc, 1), &rq),
              &clamp);
          _mm_mask_storeu_epi8(out_row + o, m, kiln_avx2_pack16_s8(v0, v1));
        }
      }
    }
  }
}

#endif /* KILN_HAVE_AVX512 */
