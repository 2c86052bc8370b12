/* NHWC MaxPool/AveragePool and global pools, AVX2 and AVX-512 builds:
 * channels across the lanes (8 per ymm, 16 per zmm). */
#include "kiln_avx512.h"
#include "kiln_nhwc.h"

#include <math.h>

#if KILN_HAVE_AVX2

/* One vector of channels, the widest this build has. Lanes past `count`
 * load as 0 and are never stored. */
#if KILN_HAVE_AVX512
#define KILN_NHWC_LANES 16
typedef __m512 kiln_nhwc_vec;
static inline kiln_nhwc_vec kiln_nhwc_load(const float *p, int32_t count) {
  return _mm512_maskz_loadu_ps(kiln_avx512_mask(count), p);
}
static inline void kiln_nhwc_store(float *p, kiln_nhwc_vec v, int32_t count) {
  _mm512_mask_storeu_ps(p, kiln_avx512_mask(count), v);
}
static inline kiln_nhwc_vec kiln_nhwc_set1(float x) {
  return _mm512_set1_ps(x);
}
/* The reference's (v > acc || v != v) ? v : acc: max_ps(v, acc) is
 * v > acc ? v : acc (acc when either is NaN, or on +0/-0 ties), and a NaN v
 * is then put back. */
static inline kiln_nhwc_vec kiln_nhwc_max(kiln_nhwc_vec acc, kiln_nhwc_vec v) {
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q),
                              _mm512_max_ps(v, acc), v);
}
static inline kiln_nhwc_vec kiln_nhwc_add(kiln_nhwc_vec a, kiln_nhwc_vec b) {
  return _mm512_add_ps(a, b);
}
static inline kiln_nhwc_vec kiln_nhwc_div(kiln_nhwc_vec a, float d) {
  return _mm512_div_ps(a, _mm512_set1_ps(d));
}
static inline kiln_nhwc_vec kiln_nhwc_mul(kiln_nhwc_vec a, float s) {
  return _mm512_mul_ps(a, _mm512_set1_ps(s));
}
#else
#define KILN_NHWC_LANES 8
typedef __m256 kiln_nhwc_vec;
static inline kiln_nhwc_vec kiln_nhwc_load(const float *p, int32_t count) {
  return kiln_avx2_load_n(p, count);
}
static inline void kiln_nhwc_store(float *p, kiln_nhwc_vec v, int32_t count) {
  kiln_avx2_store_n(p, v, count);
}
static inline kiln_nhwc_vec kiln_nhwc_set1(float x) {
  return _mm256_set1_ps(x);
}
/* As the AVX-512 form: max_ps(v, acc), then a NaN v put back. */
static inline kiln_nhwc_vec kiln_nhwc_max(kiln_nhwc_vec acc, kiln_nhwc_vec v) {
  return _mm256_blendv_ps(_mm256_max_ps(v, acc), v,
                          _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
}
static inline kiln_nhwc_vec kiln_nhwc_add(kiln_nhwc_vec a, kiln_nhwc_vec b) {
  return _mm256_add_ps(a, b);
}
static inline kiln_nhwc_vec kiln_nhwc_div(kiln_nhwc_vec a, float d) {
  return _mm256_div_ps(a, _mm256_set1_ps(d));
}
static inline kiln_nhwc_vec kiln_nhwc_mul(kiln_nhwc_vec a, float s) {
  return _mm256_mul_ps(a, _mm256_set1_ps(s));
}
#endif

/* Channels per pass: four vectors stay in registers while the taps (or
 * pixels) stream. */
#define KILN_NHWC_BLOCK (4 * KILN_NHWC_LANES)

/* acc[0..4) over channels [c, c + cnt) of `count` pixels at px, px + step,
 * ...: the reference's per-channel arithmetic in its order. */
static inline __attribute__((always_inline)) void
kiln_nhwc_fold(int is_max, const float *px, ptrdiff_t step, int32_t count,
               int32_t cnt, kiln_nhwc_vec *acc) {
  /* Locals and an unrolled v loop: with acc[] indexed in a rolled loop
   * GCC kept it on the stack, and the global pool ran at the speed of a
   * store-to-load forward per vector (perf annotate). */
  kiln_nhwc_vec a[4] = {acc[0], acc[1], acc[2], acc[3]};
  for (int32_t i = 0; i < count; ++i, px += step) {
#pragma GCC unroll 4
    for (int32_t v = 0; v < 4; ++v) {
      const kiln_nhwc_vec x =
          kiln_nhwc_load(px + v * KILN_NHWC_LANES, cnt - v * KILN_NHWC_LANES);
      a[v] = is_max ? kiln_nhwc_max(a[v], x) : kiln_nhwc_add(a[v], x);
    }
  }
#pragma GCC unroll 4
  for (int32_t v = 0; v < 4; ++v)
    acc[v] = a[v];
}

/* Same contract as the reference (kiln_pool_nhwc_core.c) and bit-identical
 * with it: each lane is one channel doing the reference's operations in its
 * order (taps row by row, the sum divided by the divisor). */
kiln_status kiln_internal_pool2d_nhwc_f32(int is_max, const kiln_pool_params *p,
                                          const kiln_shape *in_shape,
                                          const float *input,
                                          const kiln_shape *out_shape,
                                          float *output) {
  kiln_status st =
      kiln_internal_check_nchw(p, in_shape, input, out_shape, output);
  if (st != KILN_OK)
    return st;
  const int32_t batch = in_shape->dims[0], h = in_shape->dims[1],
                w = in_shape->dims[2], ch = in_shape->dims[3];
  const int32_t oh_n = out_shape->dims[1], ow_n = out_shape->dims[2];
  const kiln_nhwc_vec init = kiln_nhwc_set1(is_max ? -INFINITY : 0.0f);
  const ptrdiff_t tap_step = (ptrdiff_t)p->dilation[1] * ch;
  float *dst = output;
  for (int32_t n = 0; n < batch; ++n) {
    const float *img = input + (ptrdiff_t)n * h * w * ch;
    for (int32_t oh = 0; oh < oh_n; ++oh) {
      for (int32_t ow = 0; ow < ow_n; ++ow, dst += ch) {
        kiln_pool_window win;
        kiln_internal_pool_window_nhwc(p, h, w, oh, ow, &win);
        const int32_t iw0 = win.w0 + win.kw0 * p->dilation[1];
        for (int32_t c = 0; c < ch; c += KILN_NHWC_BLOCK) {
          const int32_t cnt = ch - c;
          kiln_nhwc_vec acc[4] = {init, init, init, init};
          for (int32_t kh = win.kh0; kh < win.kh1; ++kh) {
            const int32_t ih = win.h0 + kh * p->dilation[0];
            kiln_nhwc_fold(is_max, img + ((ptrdiff_t)ih * w + iw0) * ch + c,
                           tap_step, win.kw1 - win.kw0, cnt, acc);
          }
          for (int32_t v = 0; v < 4 && v * KILN_NHWC_LANES < cnt; ++v) {
            kiln_nhwc_vec r = acc[v];
            if (!is_max)
              r = win.count > 0 ? kiln_nhwc_div(r, (float)win.count)
                                : kiln_nhwc_set1(0.0f);
            kiln_nhwc_store(dst + c + v * KILN_NHWC_LANES, r,
                            cnt - v * KILN_NHWC_LANES);
          }
        }
      }
    }
  }
  return KILN_OK;
}

/* Same contract as the reference and bit-identical with the NCHW global
 * pools' reduction: every pixel in order into each channel's lane, the mean
 * scaled by 1 / (H * W) at the end. */
kiln_status kiln_internal_global_pool_nhwc_f32(kiln_reduce_kind kind,
                                               const kiln_shape *in_shape,
                                               const float *input,
                                               float *output) {
  if (in_shape == NULL || input == NULL || output == NULL)
    return KILN_ERR_NULL;
  if (in_shape->rank != 4)
    return KILN_ERR_ARG;
  const int is_max = kind == KILN_REDUCE_MAX;
  if (!is_max && kind != KILN_REDUCE_MEAN)
    return kiln_internal_global_pool_nhwc_f32_ref(kind, in_shape, input,
                                                  output);
  const int32_t batch = in_shape->dims[0], ch = in_shape->dims[3];
  const int32_t pixels = in_shape->dims[1] * in_shape->dims[2];
  const kiln_nhwc_vec init = kiln_nhwc_set1(is_max ? -INFINITY : 0.0f);
  const float inv = 1.0f / (float)pixels;
  for (int32_t n = 0; n < batch; ++n) {
    const float *img = input + (ptrdiff_t)n * pixels * ch;
    float *dst = output + (ptrdiff_t)n * ch;
    for (int32_t c = 0; c < ch; c += KILN_NHWC_BLOCK) {
      const int32_t cnt = ch - c;
      kiln_nhwc_vec acc[4] = {init, init, init, init};
      kiln_nhwc_fold(is_max, img + c, ch, pixels, cnt, acc);
      for (int32_t v = 0; v < 4 && v * KILN_NHWC_LANES < cnt; ++v)
        kiln_nhwc_store(dst + c + v * KILN_NHWC_LANES,
                        !is_max && pixels > 0 ? kiln_nhwc_mul(acc[v], inv)
                                              : acc[v],
                        cnt - v * KILN_NHWC_LANES);
    }
  }
  return KILN_OK;
}

#endif /* KILN_HAVE_AVX2 */
