/* AVX2 elementwise: fused epilogue, unary maps, binary fast paths. */
#include "kiln_avx512.h"
#include "kiln_iter.h"
#include "kiln_ref.h"

#if KILN_HAVE_AVX2
kiln_status kiln_internal_epilogue_f32(const kiln_activation *act,
                                       const float *residual, const float *in,
                                       float *out, int32_t count) {
  static const kiln_activation identity = {KILN_ACT_NONE, 0.f, 0.f, 0.f, 0.f};
  if (in == NULL || out == NULL)
    return KILN_ERR_NULL;
  if (count < 0)
    return KILN_ERR_ARG;
  if (act == NULL)
    act = &identity;
#if KILN_HAVE_AVX512
  /* 16 lanes: relu/clip/hard-swish/sigmoid in zmm (kiln_avx512_act). */
  for (int32_t i = 0; i < count; i += 16) {
    const __mmask16 m = kiln_avx512_mask(count - i);
    __m512 v = _mm512_maskz_loadu_ps(m, in + i);
    if (residual != NULL)
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, residual + i));
    _mm512_mask_storeu_ps(out + i, m, kiln_avx512_act(act, v));
  }
  return KILN_OK;
#endif
  for (int32_t i = 0; i < count; i += 8) {
    __m256 v = kiln_avx2_load_n(in + i, count - i);
    if (residual != NULL)
      v = _mm256_add_ps(v, kiln_avx2_load_n(residual + i, count - i));
    kiln_avx2_store_n(out + i, kiln_avx2_act(act, v), count - i);
  }
  return KILN_OK;
}

kiln_status kiln_avx2_map(kiln_avx2_unary_fn fn, const float *in, float *out,
                          int32_t count) {
  if (in == NULL || out == NULL)
    return KILN_ERR_NULL;
  if (count < 0)
    return KILN_ERR_ARG;
  for (int32_t i = 0; i < count; i += 8)
    kiln_avx2_store_n(out + i, fn(kiln_avx2_load_n(in + i, count - i)),
                      count - i);
  return KILN_OK;
}

static int kiln_same_shape(const kiln_shape *x, const kiln_shape *y) {
  if (x->rank != y->rank)
    return 0;
  for (int32_t d = 0; d < x->rank; ++d)
    if (x->dims[d] != y->dims[d])
      return 0;
  return 1;
}

/* How an operand of shape x is read against an output of shape out, split
 * at axis `split` into outer x inner: 0 no fast form, 1 the whole tensor
 * (same shape), 2 one element, 3 one element per outer index (x is out with
 * trailing ones: a per-channel scale or bias on NCHW), 4 one inner run
 * repeated for every outer index (x is out's trailing dims: a bias row). */
static int kiln_operand_form(const kiln_shape *x, const kiln_shape *out,
                             int32_t split) {
  if (kiln_same_shape(x, out))
    return 1;
  if (x->rank > out->rank)
    return 0;
  if (kiln_numel(x) == 1)
    return 2;
  const int32_t lead = out->rank - x->rank;
  int outer_only = 1, inner_only = 1;
  for (int32_t d = 0; d < out->rank; ++d) {
    const int32_t xd = d < lead ? 1 : x->dims[d - lead];
    const int32_t od = out->dims[d];
    if (d < split) {
      outer_only &= xd == od;
      inner_only &= xd == 1;
    } else {
      outer_only &= xd == 1;
      inner_only &= xd == od;
    }
  }
  return outer_only ? 3 : inner_only ? 4 : 0;
}

static inline __attribute__((always_inline)) __m256
kiln_avx2_binary_apply(kiln_avx2_binary_op op, __m256 x, __m256 y) {
  return op == KILN_AVX2_BINARY_ADD ? _mm256_add_ps(x, y) : _mm256_mul_ps(x, y);
}

#if KILN_HAVE_AVX512
static inline __attribute__((always_inline)) __m512
kiln_avx512_binary_apply(kiln_avx2_binary_op op, __m512 x, __m512 y) {
  return op == KILN_AVX2_BINARY_ADD ? _mm512_add_ps(x, y) : _mm512_mul_ps(x, y);
}
#endif

/* One run of `inner` outputs: x and y each either a vector operand (xv, yv)
 * or one scalar (xs, ys non-NULL). */
static inline __attribute__((always_inline)) void
kiln_avx2_binary_run(kiln_avx2_binary_op op, const float *xs, const float *xv,
                     const float *ys, const float *yv, float *out,
                     int32_t inner) {
#if KILN_HAVE_AVX512
  /* One loop per operand form and full vectors apart from the masked
   * tail: the per-vector scalar tests and mask made the channel scale of
   * the SE blocks (a [C] run per pixel) loop-overhead bound. */
  if (xs != NULL && ys != NULL) {
    /* Both scalar along the run (a one-element tensor against a
     * per-channel one): one value, stored inner times. */
    const __m512 r = kiln_avx512_binary_apply(op, _mm512_set1_ps(*xs),
                                              _mm512_set1_ps(*ys));
    for (int32_t i = 0; i < inner; i += 16)
      _mm512_mask_storeu_ps(out + i, kiln_avx512_mask(inner - i), r);
    return;
  }
  if (xs != NULL || ys != NULL) {
    /* x op scalar or scalar op x: the vector operand is v. */
    const __m512 sb = _mm512_set1_ps(xs != NULL ? *xs : *ys);
    const float *v = xs != NULL ? yv : xv;
    const int scalar_first = xs != NULL;
    int32_t i = 0;
    for (; i + 16 <= inner; i += 16) {
      const __m512 a = _mm512_loadu_ps(v + i);
      _mm512_storeu_ps(out + i,
                       scalar_first ? kiln_avx512_binary_apply(op, sb, a)
                                    : kiln_avx512_binary_apply(op, a, sb));
    }
    if (i < inner) {
      const __mmask16 m = kiln_avx512_mask(inner - i);
      const __m512 a = _mm512_maskz_loadu_ps(m, v + i);
      _mm512_mask_storeu_ps(out + i, m,
                            scalar_first ? kiln_avx512_binary_apply(op, sb, a)
                                         : kiln_avx512_binary_apply(op, a, sb));
    }
    return;
  }
  int32_t i = 0;
  for (; i + 16 <= inner; i += 16)
    _mm512_storeu_ps(out + i,
                     kiln_avx512_binary_apply(op, _mm512_loadu_ps(xv + i),
                                              _mm512_loadu_ps(yv + i)));
  if (i < inner) {
    const __mmask16 m = kiln_avx512_mask(inner - i);
    _mm512_mask_storeu_ps(
        out + i, m,
        kiln_avx512_binary_apply(op, _mm512_maskz_loadu_ps(m, xv + i),
                                 _mm512_maskz_loadu_ps(m, yv + i)));
  }
#else
  for (int32_t i = 0; i < inner; i += 8) {
    const __m256 x =
        xs ? _mm256_broadcast_ss(xs) : kiln_avx2_load_n(xv + i, inner - i);
    const __m256 y =
        ys ? _mm256_broadcast_ss(ys) : kiln_avx2_load_n(yv + i, inner - i);
    kiln_avx2_store_n(out + i, kiln_avx2_binary_apply(op, x, y), inner - i);
  }
#endif
}

static inline __attribute__((always_inline)) int
kiln_avx2_binary_core(kiln_avx2_binary_op op, const kiln_shape *a_shape,
                      const float *a, const kiln_shape *b_shape, const float *b,
                      const kiln_shape *out_shape, float *out) {
  /* The smallest split that fits gives the longest contiguous runs (split 0
   * when neither operand broadcasts per axis); ranks are at most 6. */
  for (int32_t split = 0; split <= out_shape->rank; ++split) {
    const int fa = kiln_operand_form(a_shape, out_shape, split);
    const int fb = kiln_operand_form(b_shape, out_shape, split);
    if (fa == 0 || fb == 0 || (fa >= 3 && fb >= 3))
      continue;
    int32_t outer = 1, inner = 1;
    for (int32_t d = 0; d < out_shape->rank; ++d)
      *(d < split ? &outer : &inner) *= out_shape->dims[d];
    for (int32_t o = 0; o < outer; ++o) {
      const ptrdiff_t base = (ptrdiff_t)o * inner;
      /* A scalar operand for this run, or NULL if it varies along it. */
      const float *as = fa == 2 ? a : fa == 3 ? a + o : NULL;
      const float *bs = fb == 2 ? b : fb == 3 ? b + o : NULL;
      const float *av = fa == 1 ? a + base : a;
      const float *bv = fb == 1 ? b + base : b;
      kiln_avx2_binary_run(op, as, av, bs, bv, out + base, inner);
    }
    return 1;
  }
  return 0;
}

int kiln_avx2_binary_fast(kiln_avx2_binary_op op, const kiln_shape *a_shape,
                          const float *a, const kiln_shape *b_shape,
                          const float *b, const kiln_shape *out_shape,
                          float *out) {
  if (a_shape == NULL || a == NULL || b_shape == NULL || b == NULL ||
      out_shape == NULL || out == NULL || out_shape->rank < 0 ||
      out_shape->rank > KILN_MAX_RANK || a_shape->rank < 0 || b_shape->rank < 0)
    return 0;
  if (op == KILN_AVX2_BINARY_ADD)
    return kiln_avx2_binary_core(KILN_AVX2_BINARY_ADD, a_shape, a, b_shape, b,
                                 out_shape, out);
  return kiln_avx2_binary_core(KILN_AVX2_BINARY_MUL, a_shape, a, b_shape, b,
                               out_shape, out);
}
#endif /* KILN_HAVE_AVX2 */
