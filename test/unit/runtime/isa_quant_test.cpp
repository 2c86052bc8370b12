// AVX2 and AVX-512 QuantizeLinear/DequantizeLinear against the C reference,
// bit for bit, through the public kernels.
#include "internal/kiln_quant_ref.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace {

struct Layout {
  int32_t outer, axis, inner;
  int32_t count() const { return outer * axis * inner; }
};

// Runs variant and reference on the same inputs; the outputs are compared as
// bytes, so -0.0f vs 0.0f or NaN payloads would also count as differences.
::testing::AssertionResult quant_same(bool is_signed, const Layout &l,
                                      const std::vector<float> &x,
                                      const std::vector<float> &scale,
                                      const std::vector<uint8_t> *zp) {
  const size_t n = size_t(l.count());
  std::vector<uint8_t> got(n + 1, 0xa5), want(n + 1, 0xa5);
  const void *z = zp ? zp->data() : nullptr;
  if (kiln_internal_quantize(is_signed, x.data(), got.data(), scale.data(), z,
                             l.outer, l.axis, l.inner) != KILN_OK ||
      kiln_internal_quantize_ref(is_signed, x.data(), want.data(), scale.data(),
                                 z, l.outer, l.axis, l.inner) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  for (size_t i = 0; i <= n; ++i)
    if (got[i] != want[i])
      return ::testing::AssertionFailure()
             << "quantize signed=" << is_signed << " element " << i << " of "
             << n << ": x=" << (i < n ? x[i] : 0.0f) << " got " << int(got[i])
             << " want " << int(want[i]);
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult dequant_same(bool is_signed, const Layout &l,
                                        const std::vector<uint8_t> &q,
                                        const std::vector<float> &scale,
                                        const std::vector<uint8_t> *zp) {
  const size_t n = size_t(l.count());
  std::vector<float> got(n + 1, 7.5f), want(n + 1, 7.5f);
  const void *z = zp ? zp->data() : nullptr;
  if (kiln_internal_dequantize(is_signed, q.data(), got.data(), scale.data(), z,
                               l.outer, l.axis, l.inner) != KILN_OK ||
      kiln_internal_dequantize_ref(is_signed, q.data(), want.data(),
                                   scale.data(), z, l.outer, l.axis,
                                   l.inner) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  if (std::memcmp(got.data(), want.data(), (n + 1) * sizeof(float)) != 0)
    return ::testing::AssertionFailure() << "dequantize differs";
  return ::testing::AssertionSuccess();
}

float bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// Values that stress each step: exact .5 ties on both sides of zero, their
// float neighbours, values past the int8/uint8 ranges, infinities, NaNs,
// signed zeros and denormals.
std::vector<float> edge_values(float scale) {
  std::vector<float> v;
  for (int k = -600; k <= 600; ++k) {
    const float t = float(k) * 0.5f;
    v.push_back(t * scale);
    v.push_back(std::nextafter(t, 1e9f) * scale);
    v.push_back(std::nextafter(t, -1e9f) * scale);
    v.push_back(t);
  }
  const float inf = std::numeric_limits<float>::infinity();
  for (float f : {inf, -inf, std::numeric_limits<float>::quiet_NaN(),
                  -std::numeric_limits<float>::quiet_NaN(), bits(0x7f800001u),
                  bits(0xffc12345u), 0.0f, -0.0f, bits(1), bits(0x80000001u),
                  std::numeric_limits<float>::max(),
                  -std::numeric_limits<float>::max(), 1e30f, -1e30f})
    v.push_back(f);
  return v;
}

TEST(IsaQuant, EdgeValuesPerTensorBitExact) {
  for (float scale : {1.0f, 0.5f, 0.0173f, 3.0f, 1e-30f, 1e30f, bits(1)}) {
    const std::vector<float> x = edge_values(scale);
    const std::vector<float> s{scale};
    const Layout l{1, 1, int32_t(x.size())};
    for (int zpv : {0, 1, -128, 127, -7}) {
      const std::vector<uint8_t> zs{uint8_t(int8_t(zpv))};
      const std::vector<uint8_t> zu{uint8_t(zpv + 128)};
      EXPECT_TRUE(quant_same(true, l, x, s, &zs)) << "scale " << scale;
      EXPECT_TRUE(quant_same(false, l, x, s, &zu)) << "scale " << scale;
    }
    EXPECT_TRUE(quant_same(true, l, x, s, nullptr));
    EXPECT_TRUE(quant_same(false, l, x, s, nullptr));
  }
}

TEST(IsaQuant, EveryLengthUpTo70AndEveryQuantisedValue) {
  // Each tail length of both the 8- and 16-wide loops, and dequantise of all
  // 256 codes against every zero point.
  for (int32_t n = 0; n <= 70; ++n) {
    std::vector<float> x(size_t(n) + 1);
    for (int32_t i = 0; i <= n; ++i)
      x[size_t(i)] = float(i * 37 % 101 - 50) * 1.25f + 0.5f;
    const Layout l{1, 1, n};
    const std::vector<float> s{0.5f};
    const std::vector<uint8_t> z{3};
    EXPECT_TRUE(quant_same(true, l, x, s, &z)) << n;
    EXPECT_TRUE(quant_same(false, l, x, s, &z)) << n;
  }
  std::vector<uint8_t> q(256);
  for (int i = 0; i < 256; ++i)
    q[size_t(i)] = uint8_t(i);
  for (int zp = 0; zp < 256; ++zp) {
    const std::vector<uint8_t> z{uint8_t(zp)};
    for (float scale : {0.0173f, 1e-38f, 3e38f, -2.0f}) {
      const std::vector<float> s{scale};
      EXPECT_TRUE(dequant_same(true, {1, 1, 256}, q, s, &z)) << zp;
      EXPECT_TRUE(dequant_same(false, {1, 1, 256}, q, s, &z)) << zp;
    }
  }
}

TEST(IsaQuant, NullsAndNegativeSizesMatchTheReference) {
  float x[4] = {0, 1, 2, 3}, s = 1.0f;
  int8_t y[4];
  EXPECT_EQ(kiln_internal_quantize(1, nullptr, y, &s, nullptr, 1, 1, 4),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_internal_quantize(1, x, y, nullptr, nullptr, 1, 1, 4),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_internal_quantize(1, x, y, &s, nullptr, 1, 1, -1),
            KILN_ERR_ARG);
  EXPECT_EQ(kiln_internal_dequantize(1, y, nullptr, &s, nullptr, 1, 1, 4),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_internal_dequantize(1, y, x, &s, nullptr, -1, 1, 4),
            KILN_ERR_ARG);
}

// A random float: mostly near the quantisation grid (ties, neighbours), some
// arbitrary bit patterns (inf, NaN, denormals, huge).
float random_value(float scale) {
  switch (*rc::gen::inRange(0, 4)) {
  case 0:
    return bits(*rc::gen::arbitrary<uint32_t>());
  case 1: {
    const float t = float(*rc::gen::inRange(-600, 601)) * 0.5f;
    const int nudge = *rc::gen::inRange(-2, 3);
    float v = t * scale;
    for (int i = 0; i < nudge; ++i)
      v = std::nextafter(v, 1e38f);
    for (int i = 0; i > nudge; --i)
      v = std::nextafter(v, -1e38f);
    return v;
  }
  default:
    return float(*rc::gen::inRange(-400000, 400001)) * 1e-3f * scale;
  }
}

float random_scale() {
  switch (*rc::gen::inRange(0, 3)) {
  case 0: // tiny or huge, including denormal
    return bits(*rc::gen::inRange<uint32_t>(1u, 0x7f7fffffu));
  default:
    return std::ldexp(float(*rc::gen::inRange(1, 1 << 20)) / float(1 << 20),
                      *rc::gen::inRange(-12, 6));
  }
}

RC_GTEST_PROP(IsaQuant, RandomPerTensorAndPerAxisBitExact, ()) {
  const bool is_signed = *rc::gen::arbitrary<bool>();
  const bool per_axis = *rc::gen::arbitrary<bool>();
  const Layout l =
      per_axis ? Layout{*rc::gen::inRange(1, 4), *rc::gen::inRange(1, 6),
                        *rc::gen::inRange(0, 40)}
               : Layout{1, 1, *rc::gen::inRange(0, 300)};
  std::vector<float> scale(size_t(l.axis));
  std::vector<uint8_t> zp(size_t(l.axis));
  for (int32_t a = 0; a < l.axis; ++a) {
    scale[size_t(a)] = random_scale();
    zp[size_t(a)] = *rc::gen::arbitrary<uint8_t>();
  }
  // One spare element: an empty vector's data() is NULL (KILN_ERR_NULL).
  std::vector<float> x(size_t(l.count()) + 1);
  for (int32_t i = 0; i < l.count(); ++i)
    x[size_t(i)] = random_value(scale[size_t(i / l.inner % l.axis)]);
  const bool with_zp = *rc::gen::arbitrary<bool>();
  RC_ASSERT(quant_same(is_signed, l, x, scale, with_zp ? &zp : nullptr));
  std::vector<uint8_t> q(size_t(l.count()) + 1);
  for (auto &b : q)
    b = *rc::gen::arbitrary<uint8_t>();
  RC_ASSERT(dequant_same(is_signed, l, q, scale, with_zp ? &zp : nullptr));
}

} // namespace
