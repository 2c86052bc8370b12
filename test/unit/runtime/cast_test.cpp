// kiln_cast: truncation, saturation, wrap-around and bool rules.
#include "test_util.h"

#include <cstring>
#include <limits>

using namespace kiln_test;

TEST(Cast, FloatToIntTruncatesAndSaturates) {
  const float in[8] = {1.9f, -1.9f, 300.0f, -300.0f, NAN, INFINITY, -0.5f, 127.5f};
  int8_t s8[8];
  ASSERT_EQ(kiln_cast(in, KILN_DTYPE_F32, s8, KILN_DTYPE_I8, 8), KILN_OK);
  const int8_t want_s8[8] = {1, -1, 127, -128, 0, 127, 0, 127};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(s8[i], want_s8[i]) << i;
  uint8_t u8[8];
  ASSERT_EQ(kiln_cast(in, KILN_DTYPE_F32, u8, KILN_DTYPE_U8, 8), KILN_OK);
  const uint8_t want_u8[8] = {1, 0, 255, 0, 0, 255, 0, 127};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(u8[i], want_u8[i]) << i;
  const float big[3] = {3e9f, -3e9f, 2147483520.0f};
  int32_t i32[3];
  ASSERT_EQ(kiln_cast(big, KILN_DTYPE_F32, i32, KILN_DTYPE_I32, 3), KILN_OK);
  EXPECT_EQ(i32[0], std::numeric_limits<int32_t>::max());
  EXPECT_EQ(i32[1], std::numeric_limits<int32_t>::min());
  EXPECT_EQ(i32[2], 2147483520);
  const float huge[2] = {1e30f, -1e30f};
  int64_t i64[2];
  ASSERT_EQ(kiln_cast(huge, KILN_DTYPE_F32, i64, KILN_DTYPE_I64, 2), KILN_OK);
  EXPECT_EQ(i64[0], std::numeric_limits<int64_t>::max());
  EXPECT_EQ(i64[1], std::numeric_limits<int64_t>::min());
}

TEST(Cast, IntegerNarrowingWraps) {
  const int64_t in[4] = {300, -129, 4294967297LL, -1};
  int8_t s8[4];
  ASSERT_EQ(kiln_cast(in, KILN_DTYPE_I64, s8, KILN_DTYPE_I8, 4), KILN_OK);
  EXPECT_EQ(s8[0], 44);
  EXPECT_EQ(s8[1], 127);
  EXPECT_EQ(s8[2], 1);
  EXPECT_EQ(s8[3], -1);
  int32_t i32[4];
  ASSERT_EQ(kiln_cast(in, KILN_DTYPE_I64, i32, KILN_DTYPE_I32, 4), KILN_OK);
  EXPECT_EQ(i32[2], 1);
  EXPECT_EQ(i32[3], -1);
  uint8_t u8[4];
  ASSERT_EQ(kiln_cast(in, KILN_DTYPE_I64, u8, KILN_DTYPE_U8, 4), KILN_OK);
  EXPECT_EQ(u8[3], 255);
  const int8_t neg[2] = {-1, -128};
  int64_t wide[2];
  ASSERT_EQ(kiln_cast(neg, KILN_DTYPE_I8, wide, KILN_DTYPE_I64, 2), KILN_OK);
  EXPECT_EQ(wide[0], -1);
  EXPECT_EQ(wide[1], -128);
}

TEST(Cast, BoolRulesAndFloatOut) {
  const float f[4] = {0.0f, -0.0f, 0.1f, NAN};
  uint8_t b[4];
  ASSERT_EQ(kiln_cast(f, KILN_DTYPE_F32, b, KILN_DTYPE_BOOL, 4), KILN_OK);
  EXPECT_EQ(b[0], 0);
  EXPECT_EQ(b[1], 0);
  EXPECT_EQ(b[2], 1);
  EXPECT_EQ(b[3], 1);
  const int32_t i[3] = {0, 7, -7};
  ASSERT_EQ(kiln_cast(i, KILN_DTYPE_I32, b, KILN_DTYPE_BOOL, 3), KILN_OK);
  EXPECT_EQ(b[1], 1);
  EXPECT_EQ(b[2], 1);
  float out[3];
  ASSERT_EQ(kiln_cast(i, KILN_DTYPE_I32, out, KILN_DTYPE_F32, 3), KILN_OK);
  EXPECT_EQ(out[2], -7.0f);
  const uint8_t bools[2] = {1, 0};
  ASSERT_EQ(kiln_cast(bools, KILN_DTYPE_BOOL, out, KILN_DTYPE_F32, 2), KILN_OK);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], 0.0f);
}

TEST(Cast, Errors) {
  float x = 0;
  EXPECT_EQ(kiln_cast(nullptr, KILN_DTYPE_F32, &x, KILN_DTYPE_F32, 1), KILN_ERR_NULL);
  EXPECT_EQ(kiln_cast(&x, KILN_DTYPE_F32, &x, KILN_DTYPE_F32, -1), KILN_ERR_ARG);
  EXPECT_EQ(kiln_cast(&x, static_cast<kiln_dtype>(42), &x, KILN_DTYPE_F32, 1),
            KILN_ERR_ARG);
}

// f16 storage (kiln compile --weights fp16): against the compiler's own
// IEEE binary16 (_Float16, round to nearest even) where it has one.
#ifdef __FLT16_MAX__
TEST(Cast, F16ToF32IsExactForEveryHalf) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    uint16_t h = static_cast<uint16_t>(bits);
    float got;
    ASSERT_EQ(kiln_cast(&h, KILN_DTYPE_F16, &got, KILN_DTYPE_F32, 1), KILN_OK);
    _Float16 ref;
    std::memcpy(&ref, &h, 2);
    float want = static_cast<float>(ref);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << bits;
      continue;
    }
    uint32_t g, w;
    std::memcpy(&g, &got, 4);
    std::memcpy(&w, &want, 4);
    ASSERT_EQ(g, w) << "half bits 0x" << std::hex << bits;
  }
}

TEST(Cast, F32ToF16RoundsToNearestEven) {
  // Every float exponent, with mantissas around the rounding points of the
  // half grid, plus a stride over all bit patterns.
  std::vector<float> xs = {0.0f, -0.0f, 65504.0f, 65519.99f, 65520.0f, 1e9f,
                           5.9604645e-8f, 2.9802322e-8f, 2.98023259e-8f,
                           6.1035156e-5f, 6.1035152e-5f, INFINITY, -INFINITY};
  for (uint64_t bits = 0; bits < 0x100000000ull; bits += 4099) {
    uint32_t b = static_cast<uint32_t>(bits);
    float f;
    std::memcpy(&f, &b, 4);
    xs.push_back(f);
  }
  for (float x : xs) {
    uint16_t got;
    ASSERT_EQ(kiln_cast(&x, KILN_DTYPE_F32, &got, KILN_DTYPE_F16, 1), KILN_OK);
    _Float16 ref = static_cast<_Float16>(x);
    uint16_t want;
    std::memcpy(&want, &ref, 2);
    if (std::isnan(x)) {
      EXPECT_EQ(got & 0x7c00u, 0x7c00u);
      EXPECT_NE(got & 0x3ffu, 0u);
      continue;
    }
    ASSERT_EQ(got, want) << "float " << x;
  }
}
#endif

TEST(Cast, F16RoundTripAndIntegers) {
  const float f[5] = {1.0f, -2.5f, 0.1f, 70000.0f, 3.0e-8f};
  uint16_t h[5];
  ASSERT_EQ(kiln_cast(f, KILN_DTYPE_F32, h, KILN_DTYPE_F16, 5), KILN_OK);
  EXPECT_EQ(h[0], 0x3c00u);
  EXPECT_EQ(h[1], 0xc100u);
  EXPECT_EQ(h[2], 0x2e66u); // 0.0999755859375
  EXPECT_EQ(h[3], 0x7c00u); // beyond 65504: Inf
  EXPECT_EQ(h[4], 0x0001u); // the smallest subnormal, 2^-24
  float back[5];
  ASSERT_EQ(kiln_cast(h, KILN_DTYPE_F16, back, KILN_DTYPE_F32, 5), KILN_OK);
  EXPECT_EQ(back[1], -2.5f);
  EXPECT_EQ(back[2], 0.0999755859375f);
  const int32_t i[2] = {-3, 2049};
  ASSERT_EQ(kiln_cast(i, KILN_DTYPE_I32, h, KILN_DTYPE_F16, 2), KILN_OK);
  EXPECT_EQ(h[0], 0xc200u);
  EXPECT_EQ(h[1], 0x6800u); // 2049 is not a half: ties to even 2048
  int8_t q[2];
  ASSERT_EQ(kiln_cast(h, KILN_DTYPE_F16, q, KILN_DTYPE_I8, 2), KILN_OK);
  EXPECT_EQ(q[0], -3);
  EXPECT_EQ(q[1], 127); // saturates
}
