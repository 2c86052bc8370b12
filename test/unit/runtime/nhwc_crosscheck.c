/* NHWC kernels against the NCHW ones on transposed data, on every build. */
#include "kiln/runtime.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Plain C with static buffers, so it builds with the cross toolchains and
 * runs under qemu-aarch64 (ctest's emulator) like kiln_int8_crosscheck. */
static uint32_t st = 2024;
static float rndf(void) {
  st = st * 1664525u + 1013904223u;
  return (float)(st >> 8) / 8388608.0f - 1.0f; /* [-1, 1) */
}

#define MAXN 4096
static float x[MAXN], xt[MAXN], w[MAXN], wt[MAXN], b[64], y[MAXN], yt[MAXN],
    s[MAXN], ax[MAXN], aw[MAXN], ab[64];

/* [a, b, c, d] -> [a, c, d, b]. */
static void to_nhwc(const float *src, float *dst, int n, int c, int h, int w_) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < c; ++j)
      for (int k = 0; k < h * w_; ++k)
        dst[((long)i * h * w_ + k) * c + j] =
            src[((long)i * c + j) * h * w_ + k];
}

static kiln_shape shape4(int a, int b_, int c, int d) {
  kiln_shape r;
  memset(&r, 0, sizeof r);
  r.rank = 4, r.dims[0] = a, r.dims[1] = b_, r.dims[2] = c, r.dims[3] = d;
  return r;
}

static int failures = 0;

/* The filter pre-packed (ABI 4), 64-byte aligned as the compiler's weight
 * blob, so the x86 builds read their own NR in place; and its output. */
static _Alignas(64) float pk[2 * MAXN];
static float yp[MAXN];

/* 1e-5 of the sum of the terms' magnitudes (mag), and of the value. */
static int close_to(float got, float want, float mag) {
  return fabsf(got - want) <= 1e-5f * (mag + fabsf(want) + 1e-3f);
}

static void check_conv(const int *c) {
  /* n c h w m k stride pad dilation groups */
  const int n = c[0], ch = c[1], h = c[2], wd = c[3], m = c[4], k = c[5];
  const int g = c[9], cg = ch / g;
  const int oh = (h + 2 * c[7] - ((k - 1) * c[8] + 1)) / c[6] + 1;
  const int ow = (wd + 2 * c[7] - ((k - 1) * c[8] + 1)) / c[6] + 1;
  kiln_conv_params p;
  memset(&p, 0, sizeof p);
  p.stride[0] = p.stride[1] = c[6];
  p.dilation[0] = p.dilation[1] = c[8];
  for (int i = 0; i < 4; ++i)
    p.pad[i] = c[7];
  p.groups = g;
  p.act.kind = KILN_ACT_SILU;
  const int nin = n * ch * h * wd, nw = m * cg * k * k, nout = n * m * oh * ow;
  for (int i = 0; i < nin; ++i)
    x[i] = rndf(), ax[i] = fabsf(x[i]);
  for (int i = 0; i < nw; ++i)
    w[i] = rndf(), aw[i] = fabsf(w[i]);
  for (int i = 0; i < m; ++i)
    b[i] = rndf(), ab[i] = fabsf(b[i]);
  /* OIHW -> HWIO. */
  for (int o = 0; o < m; ++o)
    for (int i = 0; i < cg; ++i)
      for (int t = 0; t < k * k; ++t)
        wt[((long)t * cg + i) * m + o] = w[((long)o * cg + i) * k * k + t];
  to_nhwc(x, xt, n, ch, h, wd);
  const kiln_shape in_s = shape4(n, ch, h, wd), f_s = shape4(m, cg, k, k),
                   out_s = shape4(n, m, oh, ow), in_t = shape4(n, h, wd, ch),
                   f_t = shape4(k, k, cg, m), out_t = shape4(n, oh, ow, m);
  kiln_conv_params pa = p;
  pa.act.kind = KILN_ACT_NONE;
  if (kiln_conv2d_f32(&p, &in_s, x, &f_s, w, b, NULL, &out_s, y, NULL) !=
          KILN_OK ||
      kiln_conv2d_f32(&pa, &in_s, ax, &f_s, aw, ab, NULL, &out_s, s, NULL) !=
          KILN_OK ||
      kiln_conv2d_nhwc_f32_scratch_size(&p, &in_t, &f_t, &out_t) != 0 ||
      kiln_conv2d_nhwc_f32(&p, &in_t, xt, &f_t, wt, b, NULL, &out_t, yt,
                           NULL) != KILN_OK) {
    printf("conv %dx%d c%d m%d g%d: status\n", k, k, ch, m, g);
    ++failures;
    return;
  }
  to_nhwc(y, x, n, m, oh, ow);
  to_nhwc(s, ax, n, m, oh, ow);
  for (int i = 0; i < nout; ++i) {
    if (!close_to(yt[i], x[i], ax[i])) {
      printf("conv %dx%d c%d m%d g%d: at %d nhwc %.9g nchw %.9g\n", k, k, ch, m,
             g, i, (double)yt[i], (double)x[i]);
      ++failures;
      return;
    }
  }
  /* The filter pre-packed at each x86 panel width and at a width neither
   * uses: the same bits as HWIO; depthwise (which x86 builds send to the
   * reference when packed) within the NCHW tolerance. */
  static const int32_t nrs[] = {32, 16, 5};
  const int depthwise = cg == 1 && m == g;
  for (unsigned r = 0; r < sizeof nrs / sizeof nrs[0]; ++r) {
    kiln_shape pk_s;
    if (kiln_conv2d_nhwc_packed_shape(&f_t, g, nrs[r], &pk_s) == KILN_OK &&
        (long)pk_s.dims[0] * pk_s.dims[1] * k * k * cg * nrs[r] > 2 * MAXN)
      continue; /* depthwise at a wide NR: mostly padding, over the buffer */
    if (kiln_conv2d_nhwc_packed_shape(&f_t, g, nrs[r], &pk_s) != KILN_OK ||
        kiln_conv2d_nhwc_pack_filter_f32(&f_t, wt, &pk_s, pk) != KILN_OK ||
        kiln_conv2d_nhwc_f32(&p, &in_t, xt, &pk_s, pk, b, NULL, &out_t, yp,
                             NULL) != KILN_OK) {
      printf("conv %dx%d c%d m%d g%d packed nr %d: status\n", k, k, ch, m, g,
             (int)nrs[r]);
      ++failures;
      return;
    }
    for (int i = 0; i < nout; ++i)
      if (depthwise ? !close_to(yp[i], x[i], ax[i])
                    : memcmp(&yp[i], &yt[i], sizeof(float)) != 0) {
        printf("conv %dx%d c%d m%d g%d packed nr %d: at %d %.9g, HWIO %.9g\n",
               k, k, ch, m, g, (int)nrs[r], i, (double)yp[i], (double)yt[i]);
        ++failures;
        return;
      }
  }
}

static void check_pool(const int *c, int kind) {
  /* n c h w k stride pad; kind 0 max, 1 avg, 2 avg counting padding */
  const int n = c[0], ch = c[1], h = c[2], wd = c[3], k = c[4];
  const int oh = (h + 2 * c[6] - k) / c[5] + 1,
            ow = (wd + 2 * c[6] - k) / c[5] + 1;
  kiln_pool_params p;
  memset(&p, 0, sizeof p);
  p.kernel[0] = p.kernel[1] = k;
  p.stride[0] = p.stride[1] = c[5];
  p.dilation[0] = p.dilation[1] = 1;
  for (int i = 0; i < 4; ++i)
    p.pad[i] = c[6];
  p.count_include_pad = kind == 2;
  const int nin = n * ch * h * wd, nout = n * ch * oh * ow;
  for (int i = 0; i < nin; ++i)
    x[i] = rndf();
  x[nin / 3] = NAN;
  to_nhwc(x, xt, n, ch, h, wd);
  const kiln_shape in_s = shape4(n, ch, h, wd), out_s = shape4(n, ch, oh, ow),
                   in_t = shape4(n, h, wd, ch), out_t = shape4(n, oh, ow, ch);
  kiln_status a, bb;
  if (kind == 0) {
    a = kiln_max_pool2d_f32(&p, &in_s, x, &out_s, y);
    bb = kiln_max_pool2d_nhwc_f32(&p, &in_t, xt, &out_t, yt);
  } else {
    a = kiln_avg_pool2d_f32(&p, &in_s, x, &out_s, y);
    bb = kiln_avg_pool2d_nhwc_f32(&p, &in_t, xt, &out_t, yt);
  }
  if (a != KILN_OK || bb != KILN_OK) {
    printf("pool kind %d: status\n", kind);
    ++failures;
    return;
  }
  to_nhwc(y, s, n, ch, oh, ow);
  for (int i = 0; i < nout; ++i) {
    /* The references agree bit for bit; 3e-7 lets an x86 build's NCHW
     * average pool be an ulp off its reference. */
    const int same = memcmp(&yt[i], &s[i], sizeof(float)) == 0 ||
                     (isnan(yt[i]) && isnan(s[i])) ||
                     (kind != 0 && fabsf(yt[i] - s[i]) <= 3e-7f * fabsf(s[i]));
    if (!same) {
      printf("pool kind %d %dx%d: at %d nhwc %.9g nchw %.9g\n", kind, k, k, i,
             (double)yt[i], (double)s[i]);
      ++failures;
      return;
    }
  }
  /* Global pools over the same input. */
  const kiln_shape g_t = shape4(n, h, wd, ch);
  if (kiln_global_max_pool_f32(&in_s, x, y) != KILN_OK ||
      kiln_global_max_pool_nhwc_f32(&g_t, xt, yt) != KILN_OK ||
      kiln_global_avg_pool_f32(&in_s, x, y + n * ch) != KILN_OK ||
      kiln_global_avg_pool_nhwc_f32(&g_t, xt, yt + n * ch) != KILN_OK) {
    printf("global pool: status\n");
    ++failures;
    return;
  }
  for (int i = 0; i < 2 * n * ch; ++i)
    if (!(yt[i] == y[i] || (isnan(yt[i]) && isnan(y[i])) ||
          (i >= n * ch && fabsf(yt[i] - y[i]) <= 1e-6f))) {
      printf("global pool: at %d nhwc %.9g nchw %.9g\n", i, (double)yt[i],
             (double)y[i]);
      ++failures;
      return;
    }
}

int main(void) {
#ifdef KILN_CROSSCHECK_NEEDS_AVX2
  /* Linked against an x86 ISA archive: skip (ctest code 77) rather than die
   * of SIGILL on a CPU without it. */
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    printf("skip: this CPU lacks AVX2/FMA\n");
    return 77;
  }
#endif
#ifdef KILN_CROSSCHECK_NEEDS_AVX512
  if (!__builtin_cpu_supports("avx512f") ||
      !__builtin_cpu_supports("avx512bw") ||
      !__builtin_cpu_supports("avx512dq") ||
      !__builtin_cpu_supports("avx512vl")) {
    printf("skip: this CPU lacks AVX-512 F/BW/DQ/VL\n");
    return 77;
  }
#endif
  /* n c h w m k stride pad dilation groups */
  static const int convs[][10] = {
      {1, 8, 9, 11, 12, 3, 1, 1, 1, 1},  {1, 3, 13, 13, 8, 7, 2, 3, 1, 1},
      {1, 16, 9, 7, 16, 3, 2, 1, 1, 16}, {2, 6, 8, 8, 4, 3, 1, 2, 2, 2},
      {1, 20, 6, 6, 20, 5, 1, 2, 1, 20}, {1, 24, 5, 5, 40, 1, 1, 0, 1, 1}};
  for (unsigned i = 0; i < sizeof convs / sizeof convs[0]; ++i)
    check_conv(convs[i]);
  /* n c h w k stride pad */
  static const int pools[][7] = {
      {1, 5, 9, 9, 3, 2, 1}, {2, 17, 6, 7, 2, 2, 0}, {1, 3, 5, 5, 3, 1, 1}};
  for (unsigned i = 0; i < sizeof pools / sizeof pools[0]; ++i)
    for (int kind = 0; kind < 3; ++kind)
      check_pool(pools[i], kind);
  printf("nhwc crosscheck: %d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}
