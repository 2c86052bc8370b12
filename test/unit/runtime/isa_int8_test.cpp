// AVX2 int8 kernels against their C references, bit for bit.
#include "int8_util.h"
#include "internal/kiln_ref_s8.h"

#include <rapidcheck/gtest.h>

using namespace kiln_test;

namespace {

::testing::AssertionResult conv_bit_exact(const ConvS8Case &cc, uint32_t seed) {
  const ConvS8Data d = conv_s8_data(cc, seed);
  const kiln_conv_s8_params p = cc.params();
  const kiln_shape in_s = cc.in_shape(), f_s = cc.filter_shape(),
                   out_s = cc.out_shape();
  const int32_t bytes = kiln_conv2d_s8_scratch_size(&p, &in_s, &f_s, &out_s);
  if (bytes < 0)
    return ::testing::AssertionFailure() << "scratch size " << bytes;
  // Poisoned scratch: the kernel must not depend on its contents.
  std::vector<uint8_t> scratch(size_t(bytes) + 1, 0xa5);
  std::vector<int8_t> got, want;
  if (run_conv_s8(kiln_conv2d_s8, cc, d, got, scratch.data()) != KILN_OK ||
      run_conv_s8(kiln_conv2d_s8_ref, cc, d, want, nullptr) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  return same_s8(got, want);
}

// n c h w m kh kw | sh sw dh dw | pt pl pb pr | groups
const ConvS8Case kCases[] = {
    {2, 5, 7, 9, 11, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},   // 1x1 direct B
    {1, 64, 7, 7, 20, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},  // 1x1, 49 pixels
    {1, 6, 9, 8, 7, 1, 1, 2, 2, 1, 1, 1, 0, 0, 1, 1},    // 1x1 strided
    {1, 3, 10, 37, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // 3x3 same
    {1, 4, 11, 40, 6, 3, 3, 2, 2, 1, 1, 0, 1, 2, 1, 1},  // s2, asymmetric
    {1, 3, 12, 12, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},  // dilation 2
    {1, 6, 8, 20, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},   // groups 2
    {2, 7, 19, 23, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 7},  // depthwise s1
    {1, 5, 20, 53, 5, 3, 3, 2, 2, 1, 1, 1, 0, 1, 1, 5},  // depthwise s2
    {1, 3, 9, 40, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3},   // multiplier 2
    {1, 4, 23, 69, 4, 5, 5, 2, 2, 2, 1, 4, 3, 4, 2, 4},  // dw 5x5 s2 dil
    {1, 2, 17, 90, 2, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 2},  // dw stride 3
    {1, 1, 5, 6, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},    // one channel
    {1, 64, 9, 10, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // k = 576
    {1, 3, 17, 17, 8, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1},  // 7x7 s2 stem
    {1, 8, 1, 1, 20, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},   // 1x1 spatial
    {1, 3, 4, 70, 3, 1, 9, 1, 1, 1, 1, 0, 4, 0, 4, 3},   // dw 1x9
    {1, 2, 3, 40, 2, 3, 3, 1, 1, 1, 1, 5, 1, 5, 1, 2},   // pads > kernel
};

TEST(IsaConvS8, EdgeShapesOffsetsAndClamps) {
  uint32_t seed = 10;
  for (size_t i = 0; i < std::size(kCases); ++i)
    for (int32_t in_off : {-127, 0, 128}) {
      ConvS8Case cc = kCases[i];
      cc.in_off = in_off, cc.out_off = -in_off / 3;
      cc.bias = in_off != 0;
      cc.act_min = in_off > 0 ? 0 : -128, cc.act_max = in_off > 0 ? 100 : 127;
      EXPECT_TRUE(conv_bit_exact(cc, ++seed))
          << "case " << i << " input_offset " << in_off;
    }
}

TEST(IsaConvS8, ExtremeWeightsAndInputs) {
  // Input -128 with offset -127 and weight -128: the largest product
  // (32640) the int16 pairs must hold exactly, in every tap.
  for (const ConvS8Case &base : {kCases[3], kCases[7], kCases[1]}) {
    ConvS8Case cc = base;
    cc.in_off = -127;
    ConvS8Data d = conv_s8_data(cc, 5);
    for (auto &x : d.in)
      x = -128;
    for (auto &w : d.wt)
      w = -128;
    // Scaled so a full window lands near 100 and edge windows below it.
    const double taps = double(cc.c / cc.groups) * cc.kh * cc.kw;
    for (auto &r : d.rq)
      r = quantize_multiplier(100.0 / (32640.0 * taps));
    std::vector<uint8_t> scratch(size_t(std::max(1, [&] {
      const kiln_conv_s8_params p = cc.params();
      const kiln_shape a = cc.in_shape(), f = cc.filter_shape(),
                       o = cc.out_shape();
      return kiln_conv2d_s8_scratch_size(&p, &a, &f, &o);
    }())));
    std::vector<int8_t> got, want;
    ASSERT_EQ(run_conv_s8(kiln_conv2d_s8, cc, d, got, scratch.data()), KILN_OK);
    ASSERT_EQ(run_conv_s8(kiln_conv2d_s8_ref, cc, d, want, nullptr), KILN_OK);
    EXPECT_TRUE(same_s8(got, want));
    EXPECT_TRUE(same_s8(got, oracle_conv_s8(cc, d)));
  }
}

TEST(IsaConvS8, NullScratchFallsBackToTheReference) {
  ConvS8Case cc = kCases[3];
  const ConvS8Data d = conv_s8_data(cc, 77);
  std::vector<int8_t> got, want;
  ASSERT_EQ(run_conv_s8(kiln_conv2d_s8, cc, d, got, nullptr), KILN_OK);
  ASSERT_EQ(run_conv_s8(kiln_conv2d_s8_ref, cc, d, want, nullptr), KILN_OK);
  EXPECT_TRUE(same_s8(got, want));
}

RC_GTEST_PROP(IsaConvS8, RandomShapesBitExact, ()) {
  ConvS8Case cc{};
  const bool depthwise = *rc::gen::arbitrary<bool>();
  cc.groups = *rc::gen::inRange(1, 4);
  cc.n = *rc::gen::inRange(1, 3);
  cc.c = cc.groups * (depthwise ? 1 : *rc::gen::inRange(1, 12));
  cc.m = cc.groups * *rc::gen::inRange(1, depthwise ? 3 : 11);
  cc.kh = *rc::gen::inRange(1, 6), cc.kw = *rc::gen::inRange(1, 6);
  cc.sh = *rc::gen::inRange(1, 4), cc.sw = *rc::gen::inRange(1, 4);
  cc.dh = *rc::gen::inRange(1, 3), cc.dw = *rc::gen::inRange(1, 3);
  cc.pt = *rc::gen::inRange(0, 4), cc.pl = *rc::gen::inRange(0, 4);
  cc.pb = *rc::gen::inRange(0, 4), cc.pr = *rc::gen::inRange(0, 4);
  cc.h = std::max((cc.kh - 1) * cc.dh + 1 - cc.pt - cc.pb, 1) +
         *rc::gen::inRange(0, 20);
  cc.w = std::max((cc.kw - 1) * cc.dw + 1 - cc.pl - cc.pr, 1) +
         *rc::gen::inRange(0, 80);
  cc.in_off = *rc::gen::inRange(-127, 129);
  cc.out_off = *rc::gen::inRange(-128, 128);
  cc.act_min = *rc::gen::inRange(-128, 128);
  cc.act_max = *rc::gen::inRange(cc.act_min, 128);
  cc.bias = *rc::gen::arbitrary<bool>();
  RC_ASSERT(conv_bit_exact(cc, *rc::gen::arbitrary<uint32_t>()));
}

} // namespace
