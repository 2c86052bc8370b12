// QuantizeLinear / DequantizeLinear: rounding, saturation, per-axis params.
#include "test_util.h"

using namespace kiln_test;

TEST(Quantize, RoundsHalfToEven) {
  const float in[10] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0.49f, 0.51f, 3.5f, -3.5f};
  int8_t out[10];
  const float scale = 1.0f;
  ASSERT_EQ(kiln_quantize_f32_s8(in, out, &scale, nullptr, 1, 1, 10), KILN_OK);
  const int8_t want[10] = {0, 2, 2, 0, -2, -2, 0, 1, 4, -4};
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(out[i], want[i]) << in[i];
}

TEST(Quantize, SaturatesAndHandlesNonFinite) {
  const float in[6] = {1000.0f, -1000.0f, INFINITY, -INFINITY, NAN, 0.0f};
  const float scale = 0.5f;
  const int8_t zp_s = 10;
  int8_t s8[6];
  ASSERT_EQ(kiln_quantize_f32_s8(in, s8, &scale, &zp_s, 1, 1, 6), KILN_OK);
  const int8_t want_s[6] = {127, -128, 127, -128, 10, 10};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(s8[i], want_s[i]) << i;
  const uint8_t zp_u = 128;
  uint8_t u8[6];
  ASSERT_EQ(kiln_quantize_f32_u8(in, u8, &scale, &zp_u, 1, 1, 6), KILN_OK);
  const uint8_t want_u[6] = {255, 0, 255, 0, 128, 128};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(u8[i], want_u[i]) << i;
}

TEST(Quantize, PerAxisMatchesFormula) {
  // [2, 3, 4] quantised per axis 1.
  const int32_t outer = 2, axis = 3, inner = 4;
  auto x = random_floats(size_t(outer) * axis * inner, 5, -3, 3);
  const float scale[3] = {0.02f, 0.05f, 0.1f};
  const uint8_t zp[3] = {0, 128, 250};
  std::vector<uint8_t> q(x.size());
  ASSERT_EQ(kiln_quantize_f32_u8(x.data(), q.data(), scale, zp, outer, axis, inner),
            KILN_OK);
  for (size_t i = 0; i < x.size(); ++i) {
    const int32_t a = int32_t(i / inner) % axis;
    double v = std::nearbyint(double(x[i] / scale[a])) + zp[a]; // FE_TONEAREST
    v = std::min(255.0, std::max(0.0, v));
    EXPECT_EQ(q[i], uint8_t(v)) << i;
  }
  std::vector<float> back(x.size());
  ASSERT_EQ(kiln_dequantize_u8_f32(q.data(), back.data(), scale, zp, outer, axis, inner),
            KILN_OK);
  for (size_t i = 0; i < x.size(); ++i) {
    const int32_t a = int32_t(i / inner) % axis;
    EXPECT_FLOAT_EQ(back[i], float((int32_t(q[i]) - zp[a])) * scale[a]);
  }
}

TEST(Dequantize, SignedPerTensorAndNullZeroPoint) {
  const int8_t q[4] = {-128, -1, 0, 127};
  const float scale = 0.25f;
  const int8_t zp = -1;
  float out[4];
  ASSERT_EQ(kiln_dequantize_s8_f32(q, out, &scale, &zp, 1, 1, 4), KILN_OK);
  EXPECT_FLOAT_EQ(out[0], -31.75f);
  EXPECT_FLOAT_EQ(out[1], 0.0f);
  EXPECT_FLOAT_EQ(out[3], 32.0f);
  ASSERT_EQ(kiln_dequantize_s8_f32(q, out, &scale, nullptr, 1, 1, 4), KILN_OK);
  EXPECT_FLOAT_EQ(out[0], -32.0f);
}

TEST(Quantize, RoundTripWithinHalfStep) {
  auto x = random_floats(256, 9, -1.0f, 1.0f);
  const float scale = 2.0f / 255.0f;
  std::vector<int8_t> q(x.size());
  std::vector<float> back(x.size());
  ASSERT_EQ(kiln_quantize_f32_s8(x.data(), q.data(), &scale, nullptr, 1, 1, 256), KILN_OK);
  ASSERT_EQ(kiln_dequantize_s8_f32(q.data(), back.data(), &scale, nullptr, 1, 1, 256), KILN_OK);
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_LE(std::fabs(back[i] - x[i]), scale * 0.5f + 1e-6f);
}

TEST(Quantize, Errors) {
  float x = 0, s = 1;
  int8_t q = 0;
  EXPECT_EQ(kiln_quantize_f32_s8(&x, &q, nullptr, nullptr, 1, 1, 1), KILN_ERR_NULL);
  EXPECT_EQ(kiln_quantize_f32_s8(&x, &q, &s, nullptr, 1, -1, 1), KILN_ERR_ARG);
  EXPECT_EQ(kiln_dequantize_s8_f32(nullptr, &x, &s, nullptr, 1, 1, 1), KILN_ERR_NULL);
}
