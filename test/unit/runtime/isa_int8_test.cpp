// AVX2 and AVX-512 int8 kernels against their C references, bit for bit.
#include "int8_util.h"
#include "internal/kiln_ref_s8.h"

#include <rapidcheck/gtest.h>

using namespace kiln_test;

namespace {

#if KILN_TEST_ISA_AVX512VNNI
// The VNNI build (vpdpbusd) skips itself, visibly, on a CPU without it.
class VnniEnvironment : public ::testing::Environment {
public:
  void SetUp() override {
    if (!__builtin_cpu_supports("avx512vnni"))
      GTEST_SKIP() << "this CPU lacks AVX512-VNNI: the "
                      "kiln_runtime_avx512vnni tests cannot run here";
  }
};
::testing::Environment *const kVnniEnvironment =
    ::testing::AddGlobalTestEnvironment(new VnniEnvironment);
#endif

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

TEST(IsaConvS8, ScratchSizeIsTheAvx2Answer) {
  for (const ConvS8Case &cc : kCases) {
    const kiln_conv_s8_params p = cc.params();
    const kiln_shape in_s = cc.in_shape(), f_s = cc.filter_shape(),
                     out_s = cc.out_shape();
    EXPECT_EQ(kiln_conv2d_s8_scratch_size(&p, &in_s, &f_s, &out_s),
              kiln_conv2d_s8_scratch_size_for(KILN_ISA_AVX2, &p, &in_s, &f_s,
                                              &out_s));
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
  for (const ConvS8Case &cc : {kCases[3], kCases[7]}) { // GEMM, depthwise
    const ConvS8Data d = conv_s8_data(cc, 77);
    std::vector<int8_t> got, want;
    ASSERT_EQ(run_conv_s8(kiln_conv2d_s8, cc, d, got, nullptr), KILN_OK);
    ASSERT_EQ(run_conv_s8(kiln_conv2d_s8_ref, cc, d, want, nullptr), KILN_OK);
    EXPECT_TRUE(same_s8(got, want));
  }
}

TEST(IsaConvS8, DepthwiseScratchIsThePaddedPlane) {
  // The padded plane holds the zero point: offsets at both ends of the
  // range must still give padding taps a zero contribution.
  for (int32_t in_off : {-127, 128}) {
    ConvS8Case cc = kCases[8];
    cc.in_off = in_off;
    const kiln_conv_s8_params p = cc.params();
    const kiln_shape in_s = cc.in_shape(), f_s = cc.filter_shape(),
                     out_s = cc.out_shape();
    EXPECT_EQ(kiln_conv2d_s8_scratch_size(&p, &in_s, &f_s, &out_s),
              (cc.h + cc.pt + cc.pb) * (cc.w + cc.pl + cc.pr) + 64);
    EXPECT_TRUE(conv_bit_exact(cc, 123)) << in_off;
  }
}

RC_GTEST_PROP(IsaConvS8, RandomShapesBitExact, ()) {
  // Wide rows so the 16-pixel blocks, their tails and the moved-back last
  // block all occur.
  const ConvS8Case cc = random_conv_s8_case({11, 10, 6, 4, 20, 80});
  RC_ASSERT(conv_bit_exact(cc, *rc::gen::arbitrary<uint32_t>()));
}

// Layer shapes of ResNet-18 and MobileNetV2 (spatially cut down so the
// reference stays quick): the AVX-512 build runs them through its 8x32
// 4-byte-dot GEMM, whose weight-sum correction, partial last 4-byte group,
// 8-row and 32-pixel tails and masked B loads they exercise.
const ConvS8Case kModelCases[] = {
    {1, 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // resnet 3x3
    {1, 64, 15, 15, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, // 3x3 s2
    {1, 128, 7, 7, 256, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1},  // downsample
    {1, 3, 31, 31, 64, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1},   // stem, k = 147
    {1, 256, 4, 4, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // k = 2304
    {1, 32, 12, 12, 16, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},  // mbv2 project
    {1, 24, 9, 9, 144, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},   // mbv2 expand
    {1, 160, 7, 7, 962, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},  // 962: row tail
    {1, 3, 33, 33, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1},   // mbv2 stem
    {1, 5, 9, 10, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1},     // s2 to the end
    {2, 6, 8, 66, 9, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1},     // s2 runs of 32
    {1, 12, 9, 9, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},    // groups, odd k
    // Depthwise: the AVX-512 kernel's masked 16-output blocks on rows
    // narrower than 16 (AVX2 runs those through the reference).
    {1, 16, 14, 14, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16}, // mbv2 dw 14
    {1, 8, 7, 7, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8},      // mbv2 dw 7
    {1, 8, 28, 28, 8, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 8},    // dw s2
    {1, 2, 12, 112, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},   // dw 112 wide
    {1, 3, 9, 9, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 3},      // multiplier 2
    {1, 4, 11, 13, 4, 5, 5, 1, 2, 2, 1, 4, 2, 4, 3, 4},    // 5x5 dil, s 1x2
};

TEST(IsaConvS8, ModelLayerShapesBitExact) {
  uint32_t seed = 100;
  for (const ConvS8Case &base : kModelCases)
    for (int32_t off : {-127, 0, 37, 128}) {
      ConvS8Case cc = base;
      cc.in_off = off, cc.out_off = -off / 2;
      cc.act_min = off == 37 ? 0 : -128, cc.bias = off != 0;
      EXPECT_TRUE(conv_bit_exact(cc, ++seed))
          << "case c " << cc.c << " m " << cc.m << " k " << cc.kh << "x"
          << cc.kw << " offset " << off;
    }
}

RC_GTEST_PROP(IsaConvS8, RandomWideChannelsBitExact, ()) {
  // Many channels per group, so the GEMM's 8-row blocks, the 4-byte groups
  // of k and their partial last group all vary.
  const ConvS8Case cc = random_conv_s8_case({40, 24, 4, 2, 6, 40});
  RC_ASSERT(conv_bit_exact(cc, *rc::gen::arbitrary<uint32_t>()));
}

// ---------------------------------------------------------------- FC

::testing::AssertionResult fc_bit_exact(const kiln_fc_s8_params &p, bool bias,
                                        uint32_t seed) {
  auto x = random_s8(size_t(p.batch) * p.k, seed);
  auto w = random_s8(size_t(p.n) * p.k, seed + 1);
  auto b = random_s32(size_t(p.n), seed + 2, -40000, 40000);
  auto rq = random_requants(size_t(p.n), seed + 3, 1e-5, 1e-2);
  std::vector<int8_t> got(size_t(p.batch) * p.n, 1), want(got.size(), 2);
  if (kiln_fully_connected_s8(&p, rq.data(), x.data(), w.data(),
                              bias ? b.data() : nullptr,
                              got.data()) != KILN_OK ||
      kiln_fully_connected_s8_ref(&p, rq.data(), x.data(), w.data(),
                                  bias ? b.data() : nullptr,
                                  want.data()) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  return same_s8(got, want);
}

TEST(IsaFullyConnectedS8, TailsOfKAndN) {
  uint32_t seed = 1;
  for (int32_t k : {1, 15, 16, 17, 31, 64, 100, 512})
    for (int32_t n : {1, 3, 4, 5, 8, 9, 17})
      for (int32_t off : {-127, 128}) {
        const kiln_fc_s8_params p{2, n, k, off, off / 2, -128, 127};
        EXPECT_TRUE(fc_bit_exact(p, k % 2 == 1, ++seed))
            << "k " << k << " n " << n << " offset " << off;
      }
}

RC_GTEST_PROP(IsaFullyConnectedS8, RandomBitExact, ()) {
  kiln_fc_s8_params p{};
  p.batch = *rc::gen::inRange(1, 4);
  p.n = *rc::gen::inRange(1, 40);
  p.k = *rc::gen::inRange(1, 400);
  p.input_offset = *rc::gen::inRange(-127, 129);
  p.output_offset = *rc::gen::inRange(-128, 128);
  p.act_min = *rc::gen::inRange(-128, 128);
  p.act_max = *rc::gen::inRange(p.act_min, 128);
  RC_ASSERT(fc_bit_exact(p, *rc::gen::arbitrary<bool>(),
                         *rc::gen::arbitrary<uint32_t>()));
}

TEST(IsaFullyConnectedS8, ClassifierShapes) {
  // ResNet-18's 512 -> 1000 and MobileNetV2's 1280 -> 1000 heads, and a k
  // one past a 64-byte block.
  uint32_t seed = 7;
  for (int32_t k : {512, 1280, 65})
    for (int32_t off : {-127, 3, 128}) {
      const kiln_fc_s8_params p{1, 1000, k, off, -off / 3, -128, 127};
      EXPECT_TRUE(fc_bit_exact(p, true, ++seed)) << "k " << k << " " << off;
    }
}

RC_GTEST_PROP(IsaFullyConnectedS8, RandomLongRowsBitExact, ()) {
  kiln_fc_s8_params p{};
  p.batch = *rc::gen::inRange(1, 3);
  p.n = *rc::gen::inRange(1, 20);
  p.k = *rc::gen::inRange(1, 1500);
  p.input_offset = *rc::gen::inRange(-127, 129);
  p.output_offset = *rc::gen::inRange(-128, 128);
  p.act_min = *rc::gen::inRange(-128, 128);
  p.act_max = *rc::gen::inRange(p.act_min, 128);
  RC_ASSERT(fc_bit_exact(p, *rc::gen::arbitrary<bool>(),
                         *rc::gen::arbitrary<uint32_t>()));
}

// ---------------------------------------------------------------- Add

RC_GTEST_PROP(IsaAddS8, SameShapeScalarAndBroadcastBitExact, ()) {
  const int32_t count = *rc::gen::inRange(1, 100);
  const int32_t kind = *rc::gen::inRange(0, 4);
  // 0: same shape; 1: a scalar; 2: b one element of rank 2; 3: a row
  // broadcast (the reference path behind the AVX2 entry point).
  const std::vector<int32_t> out_dims{3, count};
  std::vector<int32_t> a_dims = out_dims, b_dims = out_dims;
  if (kind == 1)
    a_dims = {};
  if (kind == 2)
    b_dims = {1, 1};
  if (kind == 3)
    a_dims = {count};
  kiln_add_s8_params p{};
  p.a_offset = *rc::gen::inRange(-127, 129);
  p.b_offset = *rc::gen::inRange(-127, 129);
  p.left_shift = *rc::gen::inRange(0, 21);
  p.a_requant = {*rc::gen::inRange(1 << 30, INT32_MAX),
                 *rc::gen::inRange(-31, 1)};
  p.b_requant = {*rc::gen::inRange(1 << 30, INT32_MAX),
                 *rc::gen::inRange(-31, 1)};
  p.output_requant = {*rc::gen::inRange(1 << 30, INT32_MAX),
                      *rc::gen::inRange(-31, 4)};
  p.output_offset = *rc::gen::inRange(-128, 128);
  p.act_min = *rc::gen::inRange(-128, 128);
  p.act_max = *rc::gen::inRange(p.act_min, 128);
  const uint32_t seed = *rc::gen::arbitrary<uint32_t>();
  auto a = random_s8(size_t(numel(a_dims)), seed);
  auto b = random_s8(size_t(numel(b_dims)), seed + 1);
  const kiln_shape as = shape(a_dims), bs = shape(b_dims), os = shape(out_dims);
  std::vector<int8_t> got(size_t(numel(out_dims)), 1), want(got.size(), 2);
  RC_ASSERT(kiln_add_s8(&p, &as, a.data(), &bs, b.data(), &os, got.data()) ==
            KILN_OK);
  RC_ASSERT(kiln_add_s8_ref(&p, &as, a.data(), &bs, b.data(), &os,
                            want.data()) == KILN_OK);
  RC_ASSERT(same_s8(got, want));
}

TEST(IsaAddS8, InPlaceAndBadArguments) {
  const kiln_shape s = shape({37});
  auto a = random_s8(37, 3), b = random_s8(37, 4);
  kiln_add_s8_params p{};
  p.a_offset = 5, p.b_offset = -9, p.left_shift = 20;
  p.a_requant = p.b_requant = {1 << 30, -1};
  p.output_requant = {1 << 30, -18};
  p.output_offset = 3, p.act_min = -128, p.act_max = 127;
  std::vector<int8_t> want(37), inplace = a;
  ASSERT_EQ(kiln_add_s8_ref(&p, &s, a.data(), &s, b.data(), &s, want.data()),
            KILN_OK);
  ASSERT_EQ(
      kiln_add_s8(&p, &s, inplace.data(), &s, b.data(), &s, inplace.data()),
      KILN_OK);
  EXPECT_TRUE(same_s8(inplace, want));
  p.left_shift = 21;
  EXPECT_EQ(kiln_add_s8(&p, &s, a.data(), &s, b.data(), &s, want.data()),
            KILN_ERR_ARG);
}

// ---------------------------------------------------------------- Pools

struct PoolCase {
  int32_t n, c, h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  int32_t include_pad;
};

::testing::AssertionResult pools_bit_exact(const PoolCase &pc, int32_t oh,
                                           int32_t ow, int32_t act_min,
                                           int32_t act_max, uint32_t seed) {
  kiln_pool_params p{};
  p.kernel[0] = pc.kh, p.kernel[1] = pc.kw, p.stride[0] = pc.sh,
  p.stride[1] = pc.sw, p.dilation[0] = pc.dh, p.dilation[1] = pc.dw;
  p.pad[0] = pc.pt, p.pad[1] = pc.pl, p.pad[2] = pc.pb, p.pad[3] = pc.pr;
  p.count_include_pad = pc.include_pad;
  const kiln_shape in_s = shape({pc.n, pc.c, pc.h, pc.w});
  const kiln_shape out_s = shape({pc.n, pc.c, oh, ow});
  auto in = random_s8(size_t(numel({pc.n, pc.c, pc.h, pc.w})), seed);
  const size_t out_n = size_t(numel({pc.n, pc.c, oh, ow}));
  for (int is_max = 0; is_max < 2; ++is_max) {
    std::vector<int8_t> got(out_n, 1), want(out_n, 2);
    auto fn = is_max ? kiln_max_pool2d_s8 : kiln_avg_pool2d_s8;
    auto ref = is_max ? kiln_max_pool2d_s8_ref : kiln_avg_pool2d_s8_ref;
    if (fn(&p, act_min, act_max, &in_s, in.data(), &out_s, got.data()) !=
            KILN_OK ||
        ref(&p, act_min, act_max, &in_s, in.data(), &out_s, want.data()) !=
            KILN_OK)
      return ::testing::AssertionFailure() << "status";
    auto r = same_s8(got, want);
    if (!r)
      return r << (is_max ? " (max)" : " (avg)");
  }
  return ::testing::AssertionSuccess();
}

int32_t pool_out(int32_t in, int32_t k, int32_t s, int32_t d, int32_t p0,
                 int32_t p1, bool ceil_mode) {
  const int32_t span = in + p0 + p1 - ((k - 1) * d + 1);
  int32_t o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  if (ceil_mode && (o - 1) * s >= in + p0)
    --o;
  return o;
}

TEST(IsaPoolS8, CommonPools) {
  // n c h w kh kw sh sw dh dw pt pl pb pr include_pad
  const PoolCase cases[] = {
      {1, 3, 56, 56, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0}, // resnet stem max
      {1, 2, 35, 35, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // inception avg
      {2, 3, 17, 40, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0}, // 2x2 s2
      {1, 2, 9, 70, 3, 5, 3, 3, 2, 2, 2, 3, 2, 3, 1},  // stride 3 dilated
      {1, 1, 4, 33, 4, 1, 1, 1, 1, 1, 3, 0, 3, 0, 1},  // rows in padding
  };
  uint32_t seed = 3;
  for (const PoolCase &pc : cases)
    for (bool ceil_mode : {false, true}) {
      const int32_t oh =
          pool_out(pc.h, pc.kh, pc.sh, pc.dh, pc.pt, pc.pb, ceil_mode);
      const int32_t ow =
          pool_out(pc.w, pc.kw, pc.sw, pc.dw, pc.pl, pc.pr, ceil_mode);
      EXPECT_TRUE(pools_bit_exact(pc, oh, ow, -128, 127, ++seed))
          << "case " << (&pc - cases) << " ceil " << ceil_mode;
      EXPECT_TRUE(pools_bit_exact(pc, oh, ow, -20, 60, ++seed))
          << "case " << (&pc - cases) << " clamped";
    }
}

RC_GTEST_PROP(IsaPoolS8, RandomBitExact, ()) {
  PoolCase pc{};
  pc.n = *rc::gen::inRange(1, 3), pc.c = *rc::gen::inRange(1, 4);
  pc.kh = *rc::gen::inRange(1, 6), pc.kw = *rc::gen::inRange(1, 6);
  pc.sh = *rc::gen::inRange(1, 4), pc.sw = *rc::gen::inRange(1, 4);
  pc.dh = *rc::gen::inRange(1, 3), pc.dw = *rc::gen::inRange(1, 3);
  pc.pt = *rc::gen::inRange(0, pc.kh), pc.pl = *rc::gen::inRange(0, pc.kw);
  pc.pb = *rc::gen::inRange(0, pc.kh), pc.pr = *rc::gen::inRange(0, pc.kw);
  pc.h = std::max((pc.kh - 1) * pc.dh + 1 - pc.pt - pc.pb, 1) +
         *rc::gen::inRange(0, 20);
  pc.w = std::max((pc.kw - 1) * pc.dw + 1 - pc.pl - pc.pr, 1) +
         *rc::gen::inRange(0, 120);
  pc.include_pad = *rc::gen::inRange(0, 2);
  const bool ceil_mode = *rc::gen::arbitrary<bool>();
  const int32_t act_min = *rc::gen::inRange(-128, 128);
  const int32_t act_max = *rc::gen::inRange(act_min, 128);
  RC_ASSERT(pools_bit_exact(
      pc, pool_out(pc.h, pc.kh, pc.sh, pc.dh, pc.pt, pc.pb, ceil_mode),
      pool_out(pc.w, pc.kw, pc.sw, pc.dw, pc.pl, pc.pr, ceil_mode), act_min,
      act_max, *rc::gen::arbitrary<uint32_t>()));
}

} // namespace
