/* AVX2 building blocks of the int8 kernels: the vector requantisation and the
 * 16-pixel loads shared by depthwise conv and the pools. */
#ifndef KILN_INTERNAL_AVX2_S8_H
#define KILN_INTERNAL_AVX2_S8_H

#include "kiln_internal_s8.h"

#if KILN_HAVE_AVX2

#include <immintrin.h>
#include <string.h>

/* Products are never formed with vpmaddubsw: it multiplies u8 x s8 pairs and
 * saturates their sum to int16 (2 * 255 * 128 > 32767), which would make
 * results depend on the ISA. Instead (q + input_offset), in [-255, 255], and
 * the weight, in [-128, 127], are sign-extended to int16 and multiplied by
 * vpmaddwd: each pair sum is at most 2 * 255 * 128 = 65280, exact in int32,
 * and int32 accumulation wraps exactly like the reference's. */

/* kiln_srdhm for 8 lanes: (a * b + 2^30) >> 31 on the 64-bit products.
 * Equal to gemmlowp's nudge-and-truncating-divide: for ab >= 0 the two are
 * the same floor; for ab < 0, trunc((ab + 1 - 2^30) / 2^31) =
 * ceil(...) = floor((ab + 1 - 2^30 + 2^31 - 1) / 2^31) = floor((ab + 2^30) /
 * 2^31). The one saturating case (a = b = INT32_MIN) cannot occur: the
 * kernels reject negative multipliers. Only bits 31..62 of the sum are kept,
 * so a logical 64-bit shift serves (AVX2 has no arithmetic one). */
static inline __m256i kiln_avx2_srdhm(__m256i a, __m256i b) {
  const __m256i nudge = _mm256_set1_epi64x(INT64_C(1) << 30);
  const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(a, b), nudge);
  const __m256i odd = _mm256_add_epi64(
      _mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32)),
      nudge);
  return _mm256_blend_epi32(_mm256_srli_epi64(even, 31),
                            _mm256_slli_epi64(odd, 1), 0xAA);
}

/* kiln_rounding_shift_right per lane, exponent in [0, 31]. */
static inline __m256i kiln_avx2_rounding_shift_right(__m256i x, __m256i exp) {
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, exp), one);
  const __m256i remainder = _mm256_and_si256(x, mask);
  const __m256i threshold = _mm256_add_epi32(
      _mm256_srli_epi32(mask, 1),
      _mm256_and_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), x), one));
  /* cmpgt gives -1 where the quotient rounds up. */
  return _mm256_sub_epi32(_mm256_srav_epi32(x, exp),
                          _mm256_cmpgt_epi32(remainder, threshold));
}

/* A requant factor spread over lanes (per lane, or one broadcast). */
typedef struct {
  __m256i multiplier, left, right;
} kiln_avx2_requant;

static inline kiln_avx2_requant kiln_avx2_requant_set1(kiln_requant rq) {
  kiln_avx2_requant v;
  v.multiplier = _mm256_set1_epi32(rq.multiplier);
  v.left = _mm256_set1_epi32(rq.shift > 0 ? rq.shift : 0);
  v.right = _mm256_set1_epi32(rq.shift > 0 ? 0 : -rq.shift);
  return v;
}

/* Lanes i of rq[0..count) (count <= 8; missing lanes get factor 0). */
static inline kiln_avx2_requant kiln_avx2_requant_load(const kiln_requant *rq,
                                                       int32_t count) {
  int32_t m[8] = {0}, l[8] = {0}, r[8] = {0};
  for (int32_t i = 0; i < count && i < 8; ++i) {
    m[i] = rq[i].multiplier;
    l[i] = rq[i].shift > 0 ? rq[i].shift : 0;
    r[i] = rq[i].shift > 0 ? 0 : -rq[i].shift;
  }
  kiln_avx2_requant v;
  v.multiplier = _mm256_loadu_si256((const __m256i *)m);
  v.left = _mm256_loadu_si256((const __m256i *)l);
  v.right = _mm256_loadu_si256((const __m256i *)r);
  return v;
}

/* kiln_requant_apply per lane; the left shift wraps like the scalar one. */
static inline __m256i kiln_avx2_requant_apply(__m256i acc,
                                              const kiln_avx2_requant *rq) {
  return kiln_avx2_rounding_shift_right(
      kiln_avx2_srdhm(_mm256_sllv_epi32(acc, rq->left), rq->multiplier),
      rq->right);
}

/* The output clamp as clamp(r, lo - offset, hi - offset) + offset: equal to
 * the reference's clamp(r + offset, lo, hi) (exact in int64) because every
 * bound is in int8 range, and free of the int32 overflow r + offset could
 * hit. */
typedef struct {
  __m256i lo, hi, offset;
} kiln_avx2_clamp_s8;

static inline kiln_avx2_clamp_s8
kiln_avx2_clamp_s8_set(int32_t offset, int32_t lo, int32_t hi) {
  kiln_avx2_clamp_s8 c;
  c.lo = _mm256_set1_epi32(lo - offset);
  c.hi = _mm256_set1_epi32(hi - offset);
  c.offset = _mm256_set1_epi32(offset);
  return c;
}

static inline __m256i kiln_avx2_clamp_apply(__m256i r,
                                            const kiln_avx2_clamp_s8 *c) {
  return _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(r, c->lo), c->hi),
                          c->offset);
}

/* 16 int32 lanes already in int8 range -> 16 int8 in order. */
static inline __m128i kiln_avx2_pack16_s8(__m256i v0, __m256i v1) {
  const __m128i w0 = _mm_packs_epi32(_mm256_castsi256_si128(v0),
                                     _mm256_extracti128_si256(v0, 1));
  const __m128i w1 = _mm_packs_epi32(_mm256_castsi256_si128(v1),
                                     _mm256_extracti128_si256(v1, 1));
  return _mm_packs_epi16(w0, w1);
}

/* Stores the first `count` (<= 16) bytes of v. */
static inline void kiln_avx2_store_s8(int8_t *dst, __m128i v, int32_t count) {
  if (count >= 16) {
    _mm_storeu_si128((__m128i *)dst, v);
  } else {
    int8_t tmp[16];
    _mm_storeu_si128((__m128i *)tmp, v);
    memcpy(dst, tmp, (size_t)count);
  }
}

/* 16 int8 at src[0], src[s], ..., src[15 s]. Stride 1 reads exactly those
 * 16 bytes; stride 2 reads 32 bytes (one past the last lane); other strides
 * read only the lanes. */
static inline __m128i kiln_avx2_load16_s8(const int8_t *src, int32_t s) {
  if (s == 1)
    return _mm_loadu_si128((const __m128i *)src);
  if (s == 2) {
    const __m256i x = _mm256_loadu_si256((const __m256i *)src);
    const __m256i even = _mm256_shuffle_epi8(
        x, _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1,
                            -1, -1, 0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1,
                            -1, -1, -1, -1));
    return _mm256_castsi256_si128(
        _mm256_permute4x64_epi64(even, _MM_SHUFFLE(3, 1, 2, 0)));
  }
  int8_t tmp[16];
  for (int32_t i = 0; i < 16; ++i)
    tmp[i] = src[(ptrdiff_t)i * s];
  return _mm_loadu_si128((const __m128i *)tmp);
}

/* Bytes past the last lane that kiln_avx2_load16_s8 reads at stride s. */
static inline int32_t kiln_avx2_load16_overread(int32_t s) {
  return s == 2 ? 1 : 0;
}

/* Outputs [*lo, *hi) of a row whose 16-wide loads stay inside [0, w):
 * window start ow * s - pad >= 0, and the last tap's last byte read
 * (start + span - 1 + overread) < w. */
static inline void kiln_avx2_interior_cols(int32_t ow_n, int32_t s, int32_t pad,
                                           int32_t span, int32_t w, int32_t *lo,
                                           int32_t *hi) {
  const int32_t over = kiln_avx2_load16_overread(s);
  int32_t a = 0;
  while (a < ow_n && a * s - pad < 0)
    ++a;
  int32_t b = ow_n;
  while (b > a && (b - 1) * s - pad + span - 1 + over >= w)
    --b;
  *lo = a, *hi = b;
}

/* int8 GEMM-convolution and depthwise pieces (kiln_conv_avx2_s8.c). */
void kiln_avx2_conv_s8_gemm(const kiln_conv_s8_params *p,
                            const kiln_requant *requant,
                            const kiln_conv_geometry *g, const int8_t *input,
                            const int8_t *weights, const int32_t *bias,
                            int8_t *output, void *scratch);
void kiln_avx2_conv_s8_depthwise(const kiln_conv_s8_params *p,
                                 const kiln_requant *requant,
                                 const kiln_conv_geometry *g,
                                 const int8_t *input, const int8_t *weights,
                                 const int32_t *bias, int8_t *output,
                                 void *scratch);

/* A run of GEMM panel columns (output pixels) that share one output row. */
typedef struct {
  int32_t col, len, oh, ow0;
} kiln_s8_run;

/* Splits the panel of up to `nr` pixels starting at pixel j0 (of `pixels`,
 * rows of `ow`) into runs along output rows; returns how many. */
static inline int32_t kiln_s8_split_runs(int32_t pixels, int32_t ow,
                                         int32_t j0, int32_t nr,
                                         kiln_s8_run *runs) {
  const int32_t nc = pixels - j0 < nr ? pixels - j0 : nr;
  int32_t n_runs = 0;
  for (int32_t col = 0; col < nc;) {
    const int32_t j = j0 + col;
    kiln_s8_run r = {col, 0, j / ow, j % ow};
    r.len = ow - r.ow0 < nc - col ? ow - r.ow0 : nc - col;
    runs[n_runs++] = r;
    col += r.len;
  }
  return n_runs;
}

#endif /* KILN_HAVE_AVX2 */
#endif /* KILN_INTERNAL_AVX2_S8_H */
