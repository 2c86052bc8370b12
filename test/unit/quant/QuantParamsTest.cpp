//===- QuantParamsTest.cpp - int8 parameters vs the runtime arithmetic ---===//
//
// The (multiplier, shift) pairs the compiler emits must make the runtime's
// kiln_requant_s32 compute acc * real to within rounding; the known TFLite
// encodings pin the exact bits.
//
//===----------------------------------------------------------------------===//

#include "kiln/target/QuantParams.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace kiln;
using namespace kiln::codegen;

TEST(QuantizeMultiplier, KnownEncodings) {
  // 0.5 = 2^30 * 2^(0 - 31); 1.0 = 2^30 * 2^(1 - 31); 0.75 = 1.5 * 2^30 *
  // 2^-31.
  kiln_requant half = quantizeMultiplier(0.5);
  EXPECT_EQ(half.multiplier, 1 << 30);
  EXPECT_EQ(half.shift, 0);
  kiln_requant one = quantizeMultiplier(1.0);
  EXPECT_EQ(one.multiplier, 1 << 30);
  EXPECT_EQ(one.shift, 1);
  kiln_requant threeQuarters = quantizeMultiplier(0.75);
  EXPECT_EQ(threeQuarters.multiplier, 3 << 29);
  EXPECT_EQ(threeQuarters.shift, 0);
  // 0.1: frexp gives 0.8 * 2^-3; round(0.8 * 2^31) = 1717986918.
  kiln_requant tenth = quantizeMultiplier(0.1);
  EXPECT_EQ(tenth.multiplier, 1717986918);
  EXPECT_EQ(tenth.shift, -3);
}

TEST(QuantizeMultiplier, EdgeCases) {
  EXPECT_EQ(quantizeMultiplier(0.0).multiplier, 0);
  EXPECT_EQ(quantizeMultiplier(0.0).shift, 0);
  // Below 2^-32 the factor flushes to zero rather than an out-of-range shift.
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0, -40)).multiplier, 0);
  // A fraction that rounds up to 2^31 renormalises to 2^30 with shift + 1.
  kiln_requant almostOne = quantizeMultiplier(std::nextafter(1.0, 0.0));
  EXPECT_EQ(almostOne.multiplier, 1 << 30);
  EXPECT_EQ(almostOne.shift, 1);
  // Huge factors saturate to the largest encodable one.
  kiln_requant huge = quantizeMultiplier(std::ldexp(1.0, 40));
  EXPECT_EQ(huge.multiplier, INT32_MAX);
  EXPECT_EQ(huge.shift, 30);
}

// Property: for factors and accumulators in the ranges int8 layers produce,
// the runtime's rounding multiply gives round(acc * real) up to one unit.
TEST(QuantizeMultiplier, RuntimeComputesTheFactor) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> logFactor(-20.0, 4.0);
  std::uniform_int_distribution<int32_t> acc(-(1 << 22), 1 << 22);
  for (int i = 0; i < 20000; ++i) {
    double real = std::exp2(logFactor(rng));
    kiln_requant r = quantizeMultiplier(real);
    ASSERT_GE(r.multiplier, 1 << 30);
    ASSERT_GE(r.shift, -31);
    ASSERT_LE(r.shift, 30);
    int32_t a = acc(rng);
    double want = std::round(a * real);
    if (std::abs(want) > 1e9)
      continue;
    int32_t got = kiln_requant_s32(a, r);
    ASSERT_LE(std::abs(got - want), 1.0) << "acc " << a << " real " << real;
  }
}

TEST(ActivationRange, ReluAndClipInTheOutputDomain) {
  TensorQuant out;
  out.scale = 0.05;
  out.zeroPoint = -10;
  auto none = getActivationRange(ActivationKind::none, {}, out);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, std::make_pair(-128, 127));
  auto relu = getActivationRange(ActivationKind::relu, {}, out);
  EXPECT_EQ(*relu, std::make_pair(-10, 127));
  // relu6 as clip(0, 6): 6 / 0.05 = 120 -> -10 + 120 = 110.
  auto relu6 = getActivationRange(ActivationKind::clip, {0.0f, 6.0f}, out);
  EXPECT_EQ(*relu6, std::make_pair(-10, 110));
  // Unbounded clip sides clamp to the storage range.
  auto low = getActivationRange(ActivationKind::clip, {-INFINITY, 1.0f}, out);
  EXPECT_EQ(*low, std::make_pair(-128, 10));
  EXPECT_FALSE(getActivationRange(ActivationKind::sigmoid, {}, out));
}

TEST(QuantizeBias, RoundsHalfToEvenAndSaturates) {
  EXPECT_EQ(quantizeBias(0.25, 0.5), 0);   // 0.5 -> 0 (even)
  EXPECT_EQ(quantizeBias(0.75, 0.5), 2);   // 1.5 -> 2
  EXPECT_EQ(quantizeBias(-0.75, 0.5), -2); // -1.5 -> -2
  EXPECT_EQ(quantizeBias(1e30, 1e-3), INT32_MAX);
  EXPECT_EQ(quantizeBias(-1e30, 1e-3), INT32_MIN);
}
