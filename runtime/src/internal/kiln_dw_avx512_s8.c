/* AVX-512 int8 depthwise convolution: 16 outputs of a row per masked block. */
#include "kiln_avx512.h"
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

/* 32 int8 at src[0], src[s], ... (s = 1 or 2) for the lanes of `m`, as
 * sign-extended int16 (stride 2 as in kiln_dw512_load). */
static inline __m512i kiln_dw512_load32(const int8_t *src, int32_t s,
                                        __mmask32 m) {
  if (s == 1)
    return _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, src));
  return _mm512_cvtepi8_epi16(
      _mm512_cvtepi16_epi8(_mm512_maskz_loadu_epi16(m, src)));
}

/* One row of a wide map, 32 outputs per block: taps in pairs, (x + offset)
 * of both as int16 interleaved per pixel and one vpmaddwd with the weight
 * pair (an odd last tap pairs with a zero weight), as the AVX2 kernel does
 * on 16. unpacklo/hi work within 128-bit lanes, so `lo` holds pixels 0-3,
 * 8-11, 16-19, 24-27 and `hi` the others; one permute per 16 restores the
 * order. */
static void kiln_dw512_row32(const int8_t *row, int32_t sw, int32_t ow_n,
                             const ptrdiff_t *src_of, const int32_t *wpair,
                             int32_t pairs, __m512i bv, __m512i off16,
                             const kiln_avx512_requant_s8 *rq, int8_t *out) {
  const __m512i idx0 =
      _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const __m512i idx1 = _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13,
                                         14, 15, 28, 29, 30, 31);
  for (int32_t o = 0; o < ow_n; o += 32) {
    const __mmask32 m = ow_n - o >= 32
                            ? (__mmask32)0xFFFFFFFFu
                            : (__mmask32)((UINT32_C(1) << (ow_n - o)) - 1);
    const int8_t *src = row + (ptrdiff_t)o * sw;
    __m512i lo = bv, hi = bv;
    for (int32_t i = 0; i < pairs; ++i) {
      const __m512i x0 = _mm512_add_epi16(
          kiln_dw512_load32(src + src_of[2 * i], sw, m), off16);
      const __m512i x1 = _mm512_add_epi16(
          kiln_dw512_load32(src + src_of[2 * i + 1], sw, m), off16);
      const __m512i w = _mm512_set1_epi32(wpair[i]);
      lo = _mm512_add_epi32(
          lo, _mm512_madd_epi16(_mm512_unpacklo_epi16(x0, x1), w));
      hi = _mm512_add_epi32(
          hi, _mm512_madd_epi16(_mm512_unpackhi_epi16(x0, x1), w));
    }
    const __m512i a0 = _mm512_permutex2var_epi32(lo, idx0, hi);
    const __m512i a1 = _mm512_permutex2var_epi32(lo, idx1, hi);
    kiln_avx512_store32_s8(out + o,
                           _mm256_set_m128i(kiln_avx512_requant_to_s8(a1, rq),
                                            kiln_avx512_requant_to_s8(a0, rq)),
                           ow_n - o);
  }
}

#if KILN_AVX512_S8_VNNI
/* Largest oh * padded width run as one flat row (a stack buffer). */
#define KILN_S8_DW512_FLAT_MAX 1024

/* 64 int8 at src[0], src[s], ... (s = 1 or 2) for the lanes of `m`. */
static inline __m512i kiln_dw512_load64(const int8_t *src, int32_t s,
                                        __mmask64 m) {
  if (s == 1)
    return _mm512_maskz_loadu_epi8(m, src);
  const __m256i lo =
      _mm512_cvtepi16_epi8(_mm512_maskz_loadu_epi16((__mmask32)m, src));
  const __m256i hi = _mm512_cvtepi16_epi8(
      _mm512_maskz_loadu_epi16((__mmask32)(m >> 32), src + 64));
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

/* One row, 64 outputs per block, with VNNI: taps in groups of four, their
 * bytes interleaved per pixel (x + 128, as in the GEMM) and one vpdpbusd
 * per 16 pixels with the four weights; `corr` is the bias plus
 * (input_offset - 128) * sum(weights). The unpacks leave pixels 16L + 4i ..
 * 16L + 4i + 3 in 128-bit block L of sum i; a 4x4 block transpose restores
 * the order. Missing taps of the last group have weight 0. */
static void kiln_dw512_row64(const int8_t *row, int32_t sw, int32_t ow_n,
                             const ptrdiff_t *src_of, const int32_t *wquad,
                             int32_t quads, __m512i corr,
                             const kiln_avx512_requant_s8 *rq, int8_t *out) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  for (int32_t o = 0; o < ow_n; o += 64) {
    const int32_t n = ow_n - o < 64 ? ow_n - o : 64;
    const __mmask64 m = n == 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
    const int8_t *src = row + (ptrdiff_t)o * sw;
    __m512i a0 = corr, a1 = corr, a2 = corr, a3 = corr;
    for (int32_t qd = 0; qd < quads; ++qd) {
      const ptrdiff_t *so = src_of + 4 * qd;
      const __m512i r0 = kiln_dw512_load64(src + so[0], sw, m);
      const __m512i r1 = kiln_dw512_load64(src + so[1], sw, m);
      const __m512i r2 = kiln_dw512_load64(src + so[2], sw, m);
      const __m512i r3 = kiln_dw512_load64(src + so[3], sw, m);
      const __m512i lo01 = _mm512_unpacklo_epi8(r0, r1);
      const __m512i hi01 = _mm512_unpackhi_epi8(r0, r1);
      const __m512i lo23 = _mm512_unpacklo_epi8(r2, r3);
      const __m512i hi23 = _mm512_unpackhi_epi8(r2, r3);
      const __m512i w = _mm512_set1_epi32(wquad[qd]);
      a0 = _mm512_dpbusd_epi32(
          a0, _mm512_xor_si512(_mm512_unpacklo_epi16(lo01, lo23), flip), w);
      a1 = _mm512_dpbusd_epi32(
          a1, _mm512_xor_si512(_mm512_unpackhi_epi16(lo01, lo23), flip), w);
      a2 = _mm512_dpbusd_epi32(
          a2, _mm512_xor_si512(_mm512_unpacklo_epi16(hi01, hi23), flip), w);
      a3 = _mm512_dpbusd_epi32(
          a3, _mm512_xor_si512(_mm512_unpackhi_epi16(hi01, hi23), flip), w);
    }
    const __m512i t0 = _mm512_shuffle_i32x4(a0, a1, 0x44);
    const __m512i t1 = _mm512_shuffle_i32x4(a0, a1, 0xEE);
    const __m512i t2 = _mm512_shuffle_i32x4(a2, a3, 0x44);
    const __m512i t3 = _mm512_shuffle_i32x4(a2, a3, 0xEE);
    const __m512i chunk[4] = {
        _mm512_shuffle_i32x4(t0, t2, 0x88), _mm512_shuffle_i32x4(t0, t2, 0xDD),
        _mm512_shuffle_i32x4(t1, t3, 0x88), _mm512_shuffle_i32x4(t1, t3, 0xDD)};
    for (int32_t c = 0; c < 4 && 16 * c < n; ++c)
      kiln_avx512_store_s8(out + o + 16 * c,
                           kiln_avx512_requant_to_s8(chunk[c], rq), n - 16 * c);
  }
}
#endif

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
  const ptrdiff_t plane_out = (ptrdiff_t)g->oh * g->ow;
  ptrdiff_t src_of[KILN_S8_DW512_MAX_TAPS + 3];
  for (int32_t ki = 0; ki < g->kh; ++ki)
    for (int32_t kj = 0; kj < g->kw; ++kj)
      src_of[ki * g->kw + kj] =
          ki * p->dilation[0] * pw + (ptrdiff_t)kj * p->dilation[1];
  for (int32_t t = taps; t < taps + 3; ++t)
    src_of[t] = src_of[taps - 1];
  const int32_t pairs = (taps + 1) / 2;
  const __m512i off16 = _mm512_set1_epi16((int16_t)p->input_offset);
  for (int32_t n = 0; n < g->batch; ++n) {
    for (int32_t oc = 0; oc < g->m; ++oc) {
      const int32_t ic = oc / g->m_per_g;
      if (oc % g->m_per_g == 0) {
        const int8_t *plane = input + ((ptrdiff_t)n * g->ch + ic) * g->h * g->w;
        /* The border and slack hold the zero point for every plane and the
         * row copies never touch them: filled once per call. */
        if (n == 0 && oc == 0)
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
      const kiln_avx512_requant_s8 rq = kiln_avx512_requant_s8_set(
          requant[oc], p->output_offset, p->act_min, p->act_max);
      int8_t *dst = output + ((ptrdiff_t)n * g->m + oc) * plane_out;
#if KILN_AVX512_S8_VNNI
      /* Narrow maps with equal strides (MobileNetV2's 14- and 7-wide) run
       * as one flat row over the padded plane: output (oh, ow) is virtual
       * output oh * pw + ow, whose window starts at sw times that, so the
       * few pw - ow columns between rows are computed and dropped instead
       * of leaving most lanes of every block idle. */
      const int flat = g->ow <= 16 && sh == sw &&
                       (int64_t)g->oh * pw <= KILN_S8_DW512_FLAT_MAX;
      if (g->ow > 16 || flat) {
        const int32_t quads = (taps + 3) / 4;
        int32_t wquad[(KILN_S8_DW512_MAX_TAPS + 3) / 4];
        int32_t wsum = 0;
        for (int32_t qd = 0; qd < quads; ++qd) {
          uint32_t packed = 0;
          for (int32_t i = 0; i < 4 && 4 * qd + i < taps; ++i) {
            packed |= (uint32_t)(uint8_t)tw[4 * qd + i] << (8 * i);
            wsum += tw[4 * qd + i];
          }
          wquad[qd] = (int32_t)packed;
        }
        const __m512i corr = _mm512_set1_epi32(kiln_wrap_add(
            bias ? bias[oc] : 0, kiln_wrap_mul(p->input_offset - 128, wsum)));
        if (flat) {
          int8_t virt[KILN_S8_DW512_FLAT_MAX + 16];
          kiln_dw512_row64(padded, sw, (int32_t)((g->oh - 1) * pw + g->ow),
                           src_of, wquad, quads, corr, &rq, virt);
          /* 16-byte rows, each overrunning into the rows after it, which
           * their own stores then overwrite; rows whose 16 bytes would pass
           * the plane's end are cut to ow. */
          for (int32_t oh = 0; oh < g->oh; ++oh)
            kiln_avx512_store_s8(
                dst + (ptrdiff_t)oh * g->ow,
                _mm_loadu_si128((const __m128i *)(virt + oh * pw)),
                (ptrdiff_t)oh * g->ow + 16 <= plane_out ? 16 : g->ow);
          continue;
        }
        for (int32_t oh = 0; oh < g->oh; ++oh)
          kiln_dw512_row64(padded + (ptrdiff_t)oh * sh * pw, sw, g->ow, src_of,
                           wquad, quads, corr, &rq,
                           dst + (ptrdiff_t)oh * g->ow);
        continue;
      }
#endif
      if (g->ow > 16) {
        int32_t wpair[(KILN_S8_DW512_MAX_TAPS + 1) / 2];
        for (int32_t i = 0; i < pairs; ++i) {
          const int16_t w0 = tw[2 * i];
          const int16_t w1 = 2 * i + 1 < taps ? tw[2 * i + 1] : 0;
          wpair[i] = (int32_t)(((uint32_t)(uint16_t)w1 << 16) | (uint16_t)w0);
        }
        for (int32_t oh = 0; oh < g->oh; ++oh)
          kiln_dw512_row32(padded + (ptrdiff_t)oh * sh * pw, sw, g->ow, src_of,
                           wpair, pairs, bv, off16, &rq,
                           dst + (ptrdiff_t)oh * g->ow);
        continue;
      }
      for (int32_t oh = 0; oh < g->oh; ++oh) {
        const int8_t *row = padded + (ptrdiff_t)oh * sh * pw;
        int8_t *out_row = dst + (ptrdiff_t)oh * g->ow;
        for (int32_t o = 0; o < g->ow; o += 16) {
          const __mmask16 m = kiln_avx512_mask(g->ow - o);
          const int8_t *src = row + (ptrdiff_t)o * sw;
          __m512i acc = bv;
          for (int32_t t = 0; t < taps; ++t)
            acc = _mm512_add_epi32(
                acc, _mm512_madd_epi16(
                         _mm512_add_epi32(
                             kiln_dw512_load(src + src_of[t], sw, m), off),
                         wv[t]));
          kiln_avx512_store_s8(out_row + o, kiln_avx512_requant_to_s8(acc, &rq),
                               g->ow - o);
        }
      }
    }
  }
}

#endif /* KILN_HAVE_AVX512 */
