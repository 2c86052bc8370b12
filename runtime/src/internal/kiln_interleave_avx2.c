/* (De)interleave of 2, 3 or 4 float streams, AVX2 and AVX-512 builds: the
 * NHWC channel shuffle and the NCHW <-> NHWC transposes of 2..4 channels. */
#include "kiln_avx512.h"
#include "kiln_movement.h"

#if KILN_HAVE_AVX2

/* Only moves, permutes and blends touch the data, so every bit pattern
 * (NaN payloads included) comes out as it went in: the result is the
 * reference's byte for byte. A partial last vector of j is redone as the
 * last full one (its stores overlap with the same values); only m below one
 * vector is masked (AVX-512) or left to the reference loop (AVX2, where AMD
 * microcodes the masked stores). */

#if KILN_HAVE_AVX512

#define KILN_ILV_W 16

/* out[0..32) = a[0..16), b[0..16) interleaved. */
static inline void kiln_ilv2_512(__m512 a, __m512 b, __m512 *lo, __m512 *hi) {
  const __m512i il =
      _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i ih = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13,
                                       29, 14, 30, 15, 31);
  *lo = _mm512_permutex2var_ps(a, il, b);
  *hi = _mm512_permutex2var_ps(a, ih, b);
}

/* The even and odd lanes of the 32 floats v0, v1. */
static inline void kiln_dilv2_512(__m512 v0, __m512 v1, __m512 *even,
                                  __m512 *odd) {
  const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20,
                                       22, 24, 26, 28, 30);
  const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21,
                                       23, 25, 27, 29, 31);
  *even = _mm512_permutex2var_ps(v0, ie, v1);
  *odd = _mm512_permutex2var_ps(v0, io, v1);
}

/* n vectors of 16 j each -> n * 16 interleaved floats in o[0..n). For
 * n = 3, 3 is odd so j -> 3j + i (mod 16) is a bijection: one permute puts
 * every element of stream i at its lane of whichever output vector holds
 * it, and masks pick stream i's lanes, (16k + l) % 3 == i, per vector k. */
static inline __attribute__((always_inline)) void
kiln_ilv_vec(int32_t n, const __m512 *s, __m512 *o) {
  if (n == 2) {
    kiln_ilv2_512(s[0], s[1], &o[0], &o[1]);
  } else if (n == 4) {
    /* (a, c) and (b, d) pairs, then those pairs as 64-bit units. */
    __m512 ac0, ac1, bd0, bd1;
    kiln_ilv2_512(s[0], s[2], &ac0, &ac1);
    kiln_ilv2_512(s[1], s[3], &bd0, &bd1);
    kiln_ilv2_512(ac0, bd0, &o[0], &o[1]);
    kiln_ilv2_512(ac1, bd1, &o[2], &o[3]);
  } else {
    const __m512 pa = _mm512_permutexvar_ps(
        _mm512_setr_epi32(0, 11, 6, 1, 12, 7, 2, 13, 8, 3, 14, 9, 4, 15, 10, 5),
        s[0]);
    const __m512 pb = _mm512_permutexvar_ps(
        _mm512_setr_epi32(5, 0, 11, 6, 1, 12, 7, 2, 13, 8, 3, 14, 9, 4, 15, 10),
        s[1]);
    const __m512 pc = _mm512_permutexvar_ps(
        _mm512_setr_epi32(10, 5, 0, 11, 6, 1, 12, 7, 2, 13, 8, 3, 14, 9, 4, 15),
        s[2]);
    o[0] =
        _mm512_mask_blend_ps(0x4924, _mm512_mask_blend_ps(0x2492, pa, pb), pc);
    o[1] =
        _mm512_mask_blend_ps(0x2492, _mm512_mask_blend_ps(0x9249, pa, pb), pc);
    o[2] =
        _mm512_mask_blend_ps(0x9249, _mm512_mask_blend_ps(0x4924, pa, pb), pc);
  }
}

/* The inverse: n * 16 interleaved floats in v[0..n) -> 16 j of each stream.
 * For n = 3 the masks gather stream i's lanes of the three vectors into one
 * (they are disjoint), and the permute puts j at lane j. */
static inline __attribute__((always_inline)) void
kiln_dilv_vec(int32_t n, const __m512 *v, __m512 *s) {
  if (n == 2) {
    kiln_dilv2_512(v[0], v[1], &s[0], &s[1]);
  } else if (n == 4) {
    __m512 ac0, bd0, ac1, bd1;
    kiln_dilv2_512(v[0], v[1], &ac0, &bd0);
    kiln_dilv2_512(v[2], v[3], &ac1, &bd1);
    kiln_dilv2_512(ac0, ac1, &s[0], &s[2]);
    kiln_dilv2_512(bd0, bd1, &s[1], &s[3]);
  } else {
    const __m512 ma = _mm512_mask_blend_ps(
        0x2492, _mm512_mask_blend_ps(0x4924, v[0], v[1]), v[2]);
    const __m512 mb = _mm512_mask_blend_ps(
        0x4924, _mm512_mask_blend_ps(0x9249, v[0], v[1]), v[2]);
    const __m512 mc = _mm512_mask_blend_ps(
        0x9249, _mm512_mask_blend_ps(0x2492, v[0], v[1]), v[2]);
    s[0] = _mm512_permutexvar_ps(
        _mm512_setr_epi32(0, 3, 6, 9, 12, 15, 2, 5, 8, 11, 14, 1, 4, 7, 10, 13),
        ma);
    s[1] = _mm512_permutexvar_ps(
        _mm512_setr_epi32(1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15, 2, 5, 8, 11, 14),
        mb);
    s[2] = _mm512_permutexvar_ps(
        _mm512_setr_epi32(2, 5, 8, 11, 14, 1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15),
        mc);
  }
}

typedef __m512 kiln_ilv_v;
static inline kiln_ilv_v kiln_ilv_load(const float *p) {
  return _mm512_loadu_ps(p);
}
static inline void kiln_ilv_store(float *p, kiln_ilv_v v) {
  _mm512_storeu_ps(p, v);
}

/* m < 16: one masked pass. */
static inline __attribute__((always_inline)) void
kiln_ilv_short(int32_t n, float *out, const float *in, int32_t m,
               ptrdiff_t stride) {
  __m512 s[4], o[4];
  for (int32_t i = 0; i < n; ++i)
    s[i] = _mm512_maskz_loadu_ps(kiln_avx512_mask(m), in + i * stride);
  kiln_ilv_vec(n, s, o);
  for (int32_t k = 0; k < n; ++k)
    _mm512_mask_storeu_ps(out + k * KILN_ILV_W,
                          kiln_avx512_mask(n * m - k * KILN_ILV_W), o[k]);
}

static inline __attribute__((always_inline)) void
kiln_dilv_short(int32_t n, float *out, const float *in, int32_t m) {
  __m512 v[4], s[4];
  for (int32_t k = 0; k < n; ++k)
    v[k] = _mm512_maskz_loadu_ps(kiln_avx512_mask(n * m - k * KILN_ILV_W),
                                 in + k * KILN_ILV_W);
  kiln_dilv_vec(n, v, s);
  for (int32_t i = 0; i < n; ++i)
    _mm512_mask_storeu_ps(out + (ptrdiff_t)i * m, kiln_avx512_mask(m), s[i]);
}

#else /* AVX2 */

#define KILN_ILV_W 8

/* out[0..16) = a[0..8), b[0..8) interleaved: the in-lane unpacks, then the
 * 128-bit halves put in order. */
static inline void kiln_ilv2_256(__m256 a, __m256 b, __m256 *lo, __m256 *hi) {
  const __m256 l = _mm256_unpacklo_ps(a, b), h = _mm256_unpackhi_ps(a, b);
  *lo = _mm256_permute2f128_ps(l, h, 0x20);
  *hi = _mm256_permute2f128_ps(l, h, 0x31);
}

/* The even and odd lanes of the 16 floats v0, v1. */
static inline void kiln_dilv2_256(__m256 v0, __m256 v1, __m256 *even,
                                  __m256 *odd) {
  const __m256 e = _mm256_shuffle_ps(v0, v1, _MM_SHUFFLE(2, 0, 2, 0));
  const __m256 o = _mm256_shuffle_ps(v0, v1, _MM_SHUFFLE(3, 1, 3, 1));
  /* Lanes are [0 2 8 10 | 4 6 12 14]: swap the middle 64-bit pairs. */
  *even = _mm256_castpd_ps(
      _mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
  *odd = _mm256_castpd_ps(
      _mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0)));
}

/* As the AVX-512 forms, on 8 lanes (3 is its own inverse mod 8). */
static inline __attribute__((always_inline)) void
kiln_ilv_vec(int32_t n, const __m256 *s, __m256 *o) {
  if (n == 2) {
    kiln_ilv2_256(s[0], s[1], &o[0], &o[1]);
  } else if (n == 4) {
    /* 4x4 transposes inside each 128-bit half, then the halves in order. */
    const __m256 t0 = _mm256_unpacklo_ps(s[0], s[1]);
    const __m256 t1 = _mm256_unpackhi_ps(s[0], s[1]);
    const __m256 t2 = _mm256_unpacklo_ps(s[2], s[3]);
    const __m256 t3 = _mm256_unpackhi_ps(s[2], s[3]);
    const __m256 u0 = _mm256_castpd_ps(_mm256_unpacklo_pd(
        _mm256_castps_pd(t0), _mm256_castps_pd(t2))); /* j 0 | 4 */
    const __m256 u1 = _mm256_castpd_ps(_mm256_unpackhi_pd(
        _mm256_castps_pd(t0), _mm256_castps_pd(t2))); /* j 1 | 5 */
    const __m256 u2 = _mm256_castpd_ps(_mm256_unpacklo_pd(
        _mm256_castps_pd(t1), _mm256_castps_pd(t3))); /* j 2 | 6 */
    const __m256 u3 = _mm256_castpd_ps(_mm256_unpackhi_pd(
        _mm256_castps_pd(t1), _mm256_castps_pd(t3))); /* j 3 | 7 */
    o[0] = _mm256_permute2f128_ps(u0, u1, 0x20);
    o[1] = _mm256_permute2f128_ps(u2, u3, 0x20);
    o[2] = _mm256_permute2f128_ps(u0, u1, 0x31);
    o[3] = _mm256_permute2f128_ps(u2, u3, 0x31);
  } else {
    const __m256 pa = _mm256_permutevar8x32_ps(
        s[0], _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5));
    const __m256 pb = _mm256_permutevar8x32_ps(
        s[1], _mm256_setr_epi32(5, 0, 3, 6, 1, 4, 7, 2));
    const __m256 pc = _mm256_permutevar8x32_ps(
        s[2], _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7));
    o[0] = _mm256_blend_ps(_mm256_blend_ps(pa, pb, 0x92), pc, 0x24);
    o[1] = _mm256_blend_ps(_mm256_blend_ps(pa, pb, 0x24), pc, 0x49);
    o[2] = _mm256_blend_ps(_mm256_blend_ps(pa, pb, 0x49), pc, 0x92);
  }
}

static inline __attribute__((always_inline)) void
kiln_dilv_vec(int32_t n, const __m256 *v, __m256 *s) {
  if (n == 2) {
    kiln_dilv2_256(v[0], v[1], &s[0], &s[1]);
  } else if (n == 4) {
    /* v[k] holds j = 2k, 2k + 1 in its halves; the in-half transposes give
     * each stream's j in the order 0 2 4 6 | 1 3 5 7. */
    const __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]);
    const __m256 t1 = _mm256_unpackhi_ps(v[0], v[1]);
    const __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]);
    const __m256 t3 = _mm256_unpackhi_ps(v[2], v[3]);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    s[0] = _mm256_permutevar8x32_ps(
        _mm256_castpd_ps(
            _mm256_unpacklo_pd(_mm256_castps_pd(t0), _mm256_castps_pd(t2))),
        order);
    s[1] = _mm256_permutevar8x32_ps(
        _mm256_castpd_ps(
            _mm256_unpackhi_pd(_mm256_castps_pd(t0), _mm256_castps_pd(t2))),
        order);
    s[2] = _mm256_permutevar8x32_ps(
        _mm256_castpd_ps(
            _mm256_unpacklo_pd(_mm256_castps_pd(t1), _mm256_castps_pd(t3))),
        order);
    s[3] = _mm256_permutevar8x32_ps(
        _mm256_castpd_ps(
            _mm256_unpackhi_pd(_mm256_castps_pd(t1), _mm256_castps_pd(t3))),
        order);
  } else {
    const __m256 ma =
        _mm256_blend_ps(_mm256_blend_ps(v[0], v[1], 0x92), v[2], 0x24);
    const __m256 mb =
        _mm256_blend_ps(_mm256_blend_ps(v[0], v[1], 0x24), v[2], 0x49);
    const __m256 mc =
        _mm256_blend_ps(_mm256_blend_ps(v[0], v[1], 0x49), v[2], 0x92);
    s[0] =
        _mm256_permutevar8x32_ps(ma, _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5));
    s[1] =
        _mm256_permutevar8x32_ps(mb, _mm256_setr_epi32(1, 4, 7, 2, 5, 0, 3, 6));
    s[2] =
        _mm256_permutevar8x32_ps(mc, _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7));
  }
}

typedef __m256 kiln_ilv_v;
static inline kiln_ilv_v kiln_ilv_load(const float *p) {
  return _mm256_loadu_ps(p);
}
static inline void kiln_ilv_store(float *p, kiln_ilv_v v) {
  _mm256_storeu_ps(p, v);
}

/* m < 8: the reference loops (AMD microcodes vmaskmovps stores). */
static inline void kiln_ilv_short(int32_t n, float *out, const float *in,
                                  int32_t m, ptrdiff_t stride) {
  kiln_internal_interleave_u32_ref(out, in, n, m, stride, 1, 0);
}

static inline void kiln_dilv_short(int32_t n, float *out, const float *in,
                                   int32_t m) {
  kiln_internal_deinterleave_u32_ref(out, in, n, m, n, 1, 0);
}

#endif

/* One [m, n] interleave, KILN_ILV_W values of j per step. A partial last
 * step is redone as the last full one, its stores overlapping earlier ones
 * with the same values; only m below one vector takes the short path. */
static inline __attribute__((always_inline)) void
kiln_ilv_n(int32_t n, float *out, const float *in, int32_t m,
           ptrdiff_t stride) {
  kiln_ilv_v s[4], o[4];
  if (m < KILN_ILV_W) {
    kiln_ilv_short(n, out, in, m, stride);
    return;
  }
  for (int32_t j = 0;; j += KILN_ILV_W) {
    if (j + KILN_ILV_W > m)
      j = m - KILN_ILV_W;
    for (int32_t i = 0; i < n; ++i)
      s[i] = kiln_ilv_load(in + i * stride + j);
    kiln_ilv_vec(n, s, o);
    for (int32_t k = 0; k < n; ++k)
      kiln_ilv_store(out + (ptrdiff_t)j * n + k * KILN_ILV_W, o[k]);
    if (j + KILN_ILV_W == m)
      return;
  }
}

static inline __attribute__((always_inline)) void
kiln_dilv_n(int32_t n, float *out, const float *in, int32_t m) {
  kiln_ilv_v v[4], s[4];
  if (m < KILN_ILV_W) {
    kiln_dilv_short(n, out, in, m);
    return;
  }
  for (int32_t j = 0;; j += KILN_ILV_W) {
    if (j + KILN_ILV_W > m)
      j = m - KILN_ILV_W;
    for (int32_t k = 0; k < n; ++k)
      v[k] = kiln_ilv_load(in + (ptrdiff_t)j * n + k * KILN_ILV_W);
    kiln_dilv_vec(n, v, s);
    for (int32_t i = 0; i < n; ++i)
      kiln_ilv_store(out + (ptrdiff_t)i * m + j, s[i]);
    if (j + KILN_ILV_W == m)
      return;
  }
}

/* The batch loop around one n, so n is a constant in the vector code. */
static inline __attribute__((always_inline)) void
kiln_ilv_batch(int32_t n, float *out, const float *in, int32_t m,
               ptrdiff_t stride, int32_t batch, ptrdiff_t batch_step) {
  for (int32_t b = 0; b < batch; ++b, in += batch_step, out += n * m)
    kiln_ilv_n(n, out, in, m, stride);
}

static inline __attribute__((always_inline)) void
kiln_dilv_batch(int32_t n, float *out, const float *in, int32_t m,
                int32_t batch, ptrdiff_t batch_step) {
  for (int32_t b = 0; b < batch; ++b, in += batch_step, out += n * m)
    kiln_dilv_n(n, out, in, m);
}

void kiln_internal_interleave_u32(void *out, const void *in, int32_t n,
                                  int32_t m, ptrdiff_t stride, int32_t batch,
                                  ptrdiff_t batch_step) {
  float *o = (float *)out;
  const float *s = (const float *)in;
  switch (n) {
  case 2:
    kiln_ilv_batch(2, o, s, m, stride, batch, batch_step);
    return;
  case 3:
    kiln_ilv_batch(3, o, s, m, stride, batch, batch_step);
    return;
  case 4:
    kiln_ilv_batch(4, o, s, m, stride, batch, batch_step);
    return;
  default:
    kiln_internal_interleave_u32_ref(out, in, n, m, stride, batch, batch_step);
    return;
  }
}

void kiln_internal_deinterleave_u32(void *out, const void *in, int32_t n,
                                    int32_t m, ptrdiff_t step, int32_t batch,
                                    ptrdiff_t batch_step) {
  float *o = (float *)out;
  const float *s = (const float *)in;
  if (step != n) {
    kiln_internal_deinterleave_u32_ref(out, in, n, m, step, batch, batch_step);
    return;
  }
  switch (n) {
  case 2:
    kiln_dilv_batch(2, o, s, m, batch, batch_step);
    return;
  case 3:
    kiln_dilv_batch(3, o, s, m, batch, batch_step);
    return;
  case 4:
    kiln_dilv_batch(4, o, s, m, batch, batch_step);
    return;
  default:
    kiln_internal_deinterleave_u32_ref(out, in, n, m, step, batch, batch_step);
    return;
  }
}

#endif /* KILN_HAVE_AVX2 */
