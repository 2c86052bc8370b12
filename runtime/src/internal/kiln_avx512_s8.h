/* AVX-512 int8 kernel pieces: 4-byte dot products (VNNI or AVX-512BW) and the
 * GEMM convolution and fully connected that use them. */
#ifndef KILN_INTERNAL_AVX512_S8_H
#define KILN_INTERNAL_AVX512_S8_H

#include "kiln_avx2_s8.h"

#if KILN_HAVE_AVX512

/* The products: inputs are biased to unsigned, x_u8 = x + 128 (xor 0x80), so
 * a u8 x s8 4-byte dot product serves, and the bias is taken out again per
 * output channel as (input_offset - 128) * sum(weights of the channel). With
 * VNNI (-mavx512vnni, e.g. -march=native on Zen 4/5, Ice Lake) that product
 * is one vpdpbusd, which widens every product to int32 and never saturates
 * (unlike vpmaddubsw). Without it, even and odd bytes are split into int16
 * lanes and multiplied by two vpmaddwd: each pair sum is at most
 * 2 * 255 * 128, exact. Both wrap modulo 2^32 like the reference. */
#if defined(__AVX512VNNI__)
#define KILN_AVX512_S8_VNNI 1
#else
#define KILN_AVX512_S8_VNNI 0
#endif

/* sum of n signed bytes, exact: the sum of (w + 128) by vpsadbw minus
 * 128 n. */
static inline int32_t kiln_avx512_sum_s8(const int8_t *w, int32_t n) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  __m512i s = _mm512_setzero_si512();
  int32_t i = 0;
  for (; i + 64 <= n; i += 64)
    s = _mm512_add_epi64(
        s, _mm512_sad_epu8(_mm512_xor_si512(
                               _mm512_loadu_si512((const void *)(w + i)), flip),
                           _mm512_setzero_si512()));
  if (i < n) {
    /* Bytes past n load as 0x80, which the flip turns into 0. */
    const __mmask64 m = ((uint64_t)1 << (n - i)) - 1;
    s = _mm512_add_epi64(
        s, _mm512_sad_epu8(_mm512_xor_si512(_mm512_mask_loadu_epi8(
                                                flip, m, (const void *)(w + i)),
                                            flip),
                           _mm512_setzero_si512()));
  }
  return (int32_t)(_mm512_reduce_add_epi64(s) - (int64_t)128 * n);
}

/* acc + the 4-byte dot products of u8 lanes of b and s8 lanes of a. */
static inline __m512i kiln_avx512_dot4_u8s8(__m512i acc, __m512i b, __m512i a) {
#if KILN_AVX512_S8_VNNI
  return _mm512_dpbusd_epi32(acc, b, a);
#else
  const __m512i be = _mm512_and_si512(b, _mm512_set1_epi16(0x00FF));
  const __m512i bo = _mm512_srli_epi16(b, 8);
  const __m512i ae = _mm512_srai_epi16(_mm512_slli_epi16(a, 8), 8);
  const __m512i ao = _mm512_srai_epi16(a, 8);
  return _mm512_add_epi32(acc, _mm512_add_epi32(_mm512_madd_epi16(be, ae),
                                                _mm512_madd_epi16(bo, ao)));
#endif
}

/* kiln_requant_to_s8 on 16 lanes for one factor: the AVX2 derivation of
 * kiln_avx2_s8.h (srdhm from two 32x32->64 products with the nudge, then
 * gemmlowp's rounding divide) on zmm, where the per-output cost matters:
 * the depthwise and GEMM epilogues ran two ymm calls per 16 outputs, as
 * many operations as the products of a 3x3 window. The tests hold it to
 * the scalar reference bit for bit. */
typedef struct {
  __m512i multiplier, left, right, lo, hi, offset;
} kiln_avx512_requant_s8;

static inline kiln_avx512_requant_s8
kiln_avx512_requant_s8_set(kiln_requant rq, int32_t offset, int32_t act_min,
                           int32_t act_max) {
  kiln_avx512_requant_s8 v;
  v.multiplier = _mm512_set1_epi32(rq.multiplier);
  v.left = _mm512_set1_epi32(rq.shift > 0 ? rq.shift : 0);
  v.right = _mm512_set1_epi32(rq.shift > 0 ? 0 : -rq.shift);
  /* The clamp as in kiln_avx2_clamp_s8: bounds moved by the offset. */
  v.lo = _mm512_set1_epi32(act_min - offset);
  v.hi = _mm512_set1_epi32(act_max - offset);
  v.offset = _mm512_set1_epi32(offset);
  return v;
}

/* 16 int32 sums -> 16 int8 outputs. */
static inline __m128i
kiln_avx512_requant_to_s8(__m512i acc, const kiln_avx512_requant_s8 *rq) {
  const __m512i a = _mm512_sllv_epi32(acc, rq->left);
  const __m512i nudge = _mm512_set1_epi64(INT64_C(1) << 30);
  const __m512i even =
      _mm512_add_epi64(_mm512_mul_epi32(a, rq->multiplier), nudge);
  const __m512i odd =
      _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(a, 32),
                                        _mm512_srli_epi64(rq->multiplier, 32)),
                       nudge);
  const __m512i x =
      _mm512_mask_blend_epi32((__mmask16)0xAAAA, _mm512_srli_epi64(even, 31),
                              _mm512_slli_epi64(odd, 1));
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, rq->right), one);
  const __m512i remainder = _mm512_and_si512(x, mask);
  /* threshold = mask / 2, plus 1 for negative x (srai gives -1). */
  const __m512i threshold =
      _mm512_sub_epi32(_mm512_srli_epi32(mask, 1), _mm512_srai_epi32(x, 31));
  const __m512i q = _mm512_srav_epi32(x, rq->right);
  const __m512i r = _mm512_mask_add_epi32(
      q, _mm512_cmpgt_epi32_mask(remainder, threshold), q, one);
  return _mm512_cvtsepi32_epi8(_mm512_add_epi32(
      _mm512_min_epi32(_mm512_max_epi32(r, rq->lo), rq->hi), rq->offset));
}

/* Stores the first `count` bytes of v (16 for the ymm form 32): masked
 * stores are slow on Zen 4/5, so only a short tail uses one. */
static inline void kiln_avx512_store_s8(int8_t *dst, __m128i v, int32_t count) {
  if (count >= 16)
    _mm_storeu_si128((__m128i *)dst, v);
  else
    _mm_mask_storeu_epi8(dst, (__mmask16)((1u << count) - 1), v);
}
static inline void kiln_avx512_store32_s8(int8_t *dst, __m256i v,
                                          int32_t count) {
  if (count >= 32)
    _mm256_storeu_si256((__m256i *)dst, v);
  else
    _mm256_mask_storeu_epi8(dst, (__mmask32)((UINT32_C(1) << count) - 1), v);
}

/* Tile of the GEMM: 8 output channels x 32 output pixels, 16 zmm sums. */
#define KILN_S8_ZMR 8
#define KILN_S8_ZNR 32

/* Scratch of kiln_avx512_conv_s8_gemm: per output channel the bias with the
 * unsigned-input correction folded in and the weights' last partial 4-byte
 * group, then one B panel of ceil(k / 4) groups x 32 pixels x 4 bytes. The
 * caller checks it fits in the AVX2 scratch the compiler planned. */
int64_t kiln_internal_conv_s8_scratch_avx512(const kiln_conv_s8_params *p,
                                             const kiln_conv_geometry *g);

void kiln_avx512_conv_s8_gemm(const kiln_conv_s8_params *p,
                              const kiln_requant *requant,
                              const kiln_conv_geometry *g, const int8_t *input,
                              const int8_t *weights, const int32_t *bias,
                              int8_t *output, void *scratch);

/* Depthwise (one input channel per group) over the AVX2 kernel's scratch, a
 * zero-point-padded plane; for column strides 1 and 2 and up to
 * KILN_S8_DW512_MAX_TAPS taps (the _ok test), others stay on AVX2. */
#define KILN_S8_DW512_MAX_TAPS 64
int kiln_avx512_conv_s8_depthwise_ok(const kiln_conv_s8_params *p,
                                     const kiln_conv_geometry *g);
void kiln_avx512_conv_s8_depthwise(const kiln_conv_s8_params *p,
                                   const kiln_requant *requant,
                                   const kiln_conv_geometry *g,
                                   const int8_t *input, const int8_t *weights,
                                   const int32_t *bias, int8_t *output,
                                   void *scratch);

/* kiln_fully_connected_s8's arguments already checked. */
void kiln_avx512_fully_connected_s8(const kiln_fc_s8_params *params,
                                    const kiln_requant *requant,
                                    const int8_t *input, const int8_t *weights,
                                    const int32_t *bias, int8_t *output);

#endif /* KILN_HAVE_AVX512 */
#endif /* KILN_INTERNAL_AVX512_S8_H */
