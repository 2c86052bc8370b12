/* Cross smoke test: a few kernels with known answers, plain C, for qemu runs. */
#include "kiln/runtime.h"

#include <math.h>
#include <stdio.h>

static int failures;

static void expect_near(const char *what, float got, float want) {
  if (!(fabsf(got - want) <= 1e-5f + 1e-4f * fabsf(want))) {
    printf("FAIL %s: got %f want %f\n", what, (double)got, (double)want);
    ++failures;
  }
}

static void smoke_conv(void) {
  /* 1x1x3x3 input, 2x2 kernel of ones, pad 0, stride 1, bias 1, relu. */
  static const kiln_conv_params p = {{1, 1}, {1, 1}, {0, 0, 0, 0}, 1,
                                     {KILN_ACT_RELU, 0.f, 0.f, 0.f, 0.f}};
  static const kiln_shape in_s = {4, {1, 1, 3, 3}};
  static const kiln_shape f_s = {4, {1, 1, 2, 2}};
  static const kiln_shape out_s = {4, {1, 1, 2, 2}};
  static const float in[9] = {1, 2, 3, 4, 5, 6, 7, 8, -90};
  static const float w[4] = {1, 1, 1, 1};
  static const float bias[1] = {1};
  float out[4];
  if (kiln_conv2d_f32(&p, &in_s, in, &f_s, w, bias, NULL, &out_s, out, NULL) !=
      KILN_OK)
    ++failures;
  expect_near("conv[0]", out[0], 13.0f);
  expect_near("conv[2]", out[2], 25.0f);
  expect_near("conv[3]", out[3], 0.0f); /* 5+6+8-90+1 < 0 -> relu */
}

static void smoke_gemm_softmax(void) {
  static const kiln_gemm_params p = {
      2, 2, 3, 0, 1, 1.0f, 1.0f, {KILN_ACT_NONE, 0.f, 0.f, 0.f, 0.f}};
  static const float a[6] = {1, 2, 3, 4, 5, 6};
  static const float b[6] = {1, 0, 0, 0, 1, 0}; /* B' picks columns 0, 1 */
  static const kiln_shape c_s = {1, {2}};
  static const float c[2] = {0.5f, 0.0f};
  float y[4], sm[4];
  if (kiln_gemm_f32(&p, a, b, &c_s, c, y) != KILN_OK)
    ++failures;
  expect_near("gemm[0]", y[0], 1.5f);
  expect_near("gemm[3]", y[3], 5.0f);
  if (kiln_softmax_f32(y, sm, 2, 2, 1) != KILN_OK)
    ++failures;
  expect_near("softmax", sm[0] + sm[1], 1.0f);
  expect_near("softmax[1]", sm[1], 1.0f / (1.0f + expf(-0.5f)));
}

static void smoke_quant_cast(void) {
  static const float x[4] = {-1.0f, 0.25f, 0.75f, 100.0f};
  static const float scale[1] = {0.5f};
  static const int8_t zp[1] = {1};
  int8_t q[4];
  float back[4];
  int64_t wide[4];
  if (kiln_quantize_f32_s8(x, q, scale, zp, 1, 1, 4) != KILN_OK ||
      kiln_dequantize_s8_f32(q, back, scale, zp, 1, 1, 4) != KILN_OK ||
      kiln_cast(x, KILN_DTYPE_F32, wide, KILN_DTYPE_I64, 4) != KILN_OK)
    ++failures;
  /* 0.25/0.5 = 0.5 -> 0 (even) +1; 0.75/0.5 = 1.5 -> 2 (even) +1. */
  if (q[0] != -1 || q[1] != 1 || q[2] != 3 || q[3] != 127) {
    printf("FAIL quantize: %d %d %d %d\n", q[0], q[1], q[2], q[3]);
    ++failures;
  }
  expect_near("dequantize", back[2], 1.0f);
  if (wide[0] != -1 || wide[3] != 100)
    ++failures;
}

static void smoke_transpose_gather(void) {
  static const kiln_shape s = {2, {2, 3}};
  static const int32_t perm[2] = {1, 0};
  static const int16_t x[6] = {0, 1, 2, 3, 4, 5};
  static const int64_t idx[2] = {-1, 0};
  int16_t t[6], g[4];
  if (kiln_transpose(&s, x, perm, t, 2) != KILN_OK ||
      kiln_gather(&s, x, 1, idx, 2, g, 2) != KILN_OK)
    ++failures;
  if (t[1] != 3 || t[4] != 2 || g[0] != 2 || g[3] != 3) {
    printf("FAIL transpose/gather\n");
    ++failures;
  }
  static const int64_t bad[1] = {3};
  if (kiln_gather(&s, x, 1, bad, 1, g, 2) != KILN_ERR_ARG)
    ++failures;
}

int main(void) {
  smoke_conv();
  smoke_gemm_softmax();
  smoke_quant_cast();
  smoke_transpose_gather();
  printf("kiln runtime ABI %d smoke: %s\n", KILN_RUNTIME_ABI_VERSION,
         failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
