// kiln_cast: truncation, saturation, wrap-around and bool rules.
#include "test_util.h"

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
