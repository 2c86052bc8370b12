// NHWC conv and pools against the NCHW kernels on transposed data.
#include "nhwc_util.h"

#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>

using namespace kiln_test;

namespace {

// [a, b, c, d] -> [a, c, d, b] (NCHW -> NHWC).
std::vector<float> to_nhwc(const std::vector<float> &x, int32_t n, int32_t c,
                           int32_t h, int32_t w) {
  std::vector<float> y(x.size());
  for (int32_t i = 0; i < n; ++i)
    for (int32_t j = 0; j < c; ++j)
      for (int32_t k = 0; k < h; ++k)
        for (int32_t l = 0; l < w; ++l)
          y[((size_t(i) * h + k) * w + l) * c + j] =
              x[((size_t(i) * c + j) * h + k) * w + l];
  return y;
}

// OIHW [m, cg, kh, kw] -> HWIO [kh, kw, cg, m]: ONNX's perm [2, 3, 1, 0].
std::vector<float> to_hwio(const std::vector<float> &x, int32_t m, int32_t cg,
                           int32_t kh, int32_t kw) {
  std::vector<float> y(x.size());
  for (int32_t o = 0; o < m; ++o)
    for (int32_t i = 0; i < cg; ++i)
      for (int32_t a = 0; a < kh; ++a)
        for (int32_t b = 0; b < kw; ++b)
          y[((size_t(a) * kw + b) * cg + i) * m + o] =
              x[((size_t(o) * cg + i) * kh + a) * kw + b];
  return y;
}

// Bit-identical, or NaN where the other is NaN.
::testing::AssertionResult matches_exactly(const std::vector<float> &got,
                                           const std::vector<float> &want) {
  for (size_t i = 0; i < got.size(); ++i)
    if (std::memcmp(&got[i], &want[i], sizeof(float)) != 0 &&
        !(std::isnan(got[i]) && std::isnan(want[i])))
      return ::testing::AssertionFailure()
             << "at " << i << ": got " << got[i] << " want " << want[i];
  return ::testing::AssertionSuccess();
}

// kiln_conv2d_nhwc_f32 on transposed data against kiln_conv2d_f32. The two
// sum in different orders, so each output may differ by 1e-5 of the sum of
// its terms' magnitudes (the NCHW conv of |input|, |weights|, |bias|,
// |residual|), which bounds fp32 reordering error for these sizes, plus 1e-5
// of the result.
::testing::AssertionResult conv_nhwc_matches(const ConvCase &cc, bool with_bias,
                                             Residual res,
                                             const kiln_activation &act,
                                             uint32_t seed) {
  kiln_conv_params p{};
  p.stride[0] = cc.sh, p.stride[1] = cc.sw;
  p.dilation[0] = cc.dh, p.dilation[1] = cc.dw;
  p.pad[0] = cc.pt, p.pad[1] = cc.pl, p.pad[2] = cc.pb, p.pad[3] = cc.pr;
  p.groups = cc.groups, p.act = act;
  const int32_t cg = cc.c / cc.groups;
  const int32_t oh =
      (cc.h + cc.pt + cc.pb - ((cc.kh - 1) * cc.dh + 1)) / cc.sh + 1;
  const int32_t ow =
      (cc.w + cc.pl + cc.pr - ((cc.kw - 1) * cc.dw + 1)) / cc.sw + 1;
  const kiln_shape in_s = shape({cc.n, cc.c, cc.h, cc.w});
  const kiln_shape f_s = shape({cc.m, cg, cc.kh, cc.kw});
  const kiln_shape out_s = shape({cc.n, cc.m, oh, ow});
  const kiln_shape in_t = shape({cc.n, cc.h, cc.w, cc.c});
  const kiln_shape f_t = shape({cc.kh, cc.kw, cg, cc.m});
  const kiln_shape out_t = shape({cc.n, oh, ow, cc.m});
  auto in = random_floats(size_t(numel({cc.n, cc.c, cc.h, cc.w})), seed);
  auto wt = random_floats(size_t(numel({cc.m, cg, cc.kh, cc.kw})), seed + 1);
  auto bias = random_floats(size_t(cc.m), seed + 2);
  const size_t out_n = size_t(numel({cc.n, cc.m, oh, ow}));
  auto resid = random_floats(out_n, seed + 3);
  const float *b = with_bias ? bias.data() : nullptr;

  std::vector<float> want(out_n, 3.0f), scale(out_n, 0.0f);
  const float *r_want = res == Residual::None ? nullptr : resid.data();
  if (kiln_conv2d_f32(&p, &in_s, in.data(), &f_s, wt.data(), b, r_want, &out_s,
                      want.data(), nullptr) != KILN_OK)
    return ::testing::AssertionFailure() << "NCHW status";
  kiln_conv_params pa = p;
  pa.act = kiln_activation{};
  auto a_in = abs_of(in), a_wt = abs_of(wt), a_b = abs_of(bias),
       a_r = abs_of(resid);
  if (kiln_conv2d_f32(&pa, &in_s, a_in.data(), &f_s, a_wt.data(),
                      b ? a_b.data() : nullptr,
                      res == Residual::None ? nullptr : a_r.data(), &out_s,
                      scale.data(), nullptr) != KILN_OK)
    return ::testing::AssertionFailure() << "NCHW |terms| status";

  const auto in_h = to_nhwc(in, cc.n, cc.c, cc.h, cc.w);
  const auto wt_h = to_hwio(wt, cc.m, cg, cc.kh, cc.kw);
  const auto resid_h = to_nhwc(resid, cc.n, cc.m, oh, ow);
  std::vector<float> got(out_n, 3.0f);
  if (res == Residual::InPlace)
    got = resid_h;
  const float *r_got = res == Residual::None      ? nullptr
                       : res == Residual::InPlace ? got.data()
                                                  : resid_h.data();
  std::vector<float> scratch(size_t(std::max(
      0, kiln_conv2d_nhwc_f32_scratch_size(&p, &in_t, &f_t, &out_t) / 4)));
  if (kiln_conv2d_nhwc_f32(
          &p, &in_t, in_h.data(), &f_t, wt_h.data(), b, r_got, &out_t,
          got.data(), scratch.empty() ? nullptr : scratch.data()) != KILN_OK)
    return ::testing::AssertionFailure() << "NHWC status";
  const auto want_h = to_nhwc(want, cc.n, cc.m, oh, ow);
  const auto scale_h = to_nhwc(scale, cc.n, cc.m, oh, ow);
  // |want| covers the activation's own rounding (vector vs scalar sigmoid
  // differ by an ulp of the output).
  return within_rounding(got, want_h, scale_h);
}

// n c h w m kh kw | sh sw dh dw | pt pl pb pr | groups
const ConvCase kConvCases[] = {
    {2, 5, 7, 9, 11, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},    // 1x1
    {1, 6, 9, 8, 7, 1, 1, 2, 2, 1, 1, 1, 0, 0, 1, 1},     // 1x1 strided, padded
    {1, 3, 10, 13, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // 3x3 same
    {1, 4, 11, 9, 6, 3, 3, 2, 2, 1, 1, 0, 1, 2, 1, 1},    // asymmetric pads
    {1, 3, 12, 12, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},   // dilation 2
    {1, 6, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},     // groups 2
    {2, 7, 19, 23, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 7},   // depthwise s1
    {1, 5, 20, 33, 5, 3, 3, 2, 2, 1, 1, 1, 0, 1, 1, 5},   // depthwise s2
    {1, 3, 9, 17, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3},    // multiplier 2
    {1, 4, 23, 29, 4, 5, 5, 2, 2, 2, 1, 4, 3, 4, 2, 4},   // dw 5x5 s2 dilated
    {1, 1, 7, 7, 4, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1},     // C=1, M=4
    {1, 64, 9, 10, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // k = 576
    {1, 3, 17, 17, 8, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1},   // 7x7 s2 stem
    {1, 8, 1, 1, 20, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},    // 1x1 spatial
    {1, 64, 25, 5, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 64}, // DS-CNN dw
    {1, 40, 6, 7, 40, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 40},  // dw 5x5 s2, C % 16
    {1, 24, 8, 8, 36, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},   // 1x1, M % 16 != 0
};

TEST(ConvNhwc, MatchesNchwOnTransposedData) {
  const kiln_activation relu{KILN_ACT_RELU, 0, 0, 0, 0};
  const kiln_activation none{};
  uint32_t seed = 500;
  for (const ConvCase &cc : kConvCases) {
    const size_t idx = &cc - kConvCases;
    EXPECT_TRUE(conv_nhwc_matches(cc, false, Residual::None, none, ++seed))
        << "case " << idx;
    EXPECT_TRUE(conv_nhwc_matches(cc, true, Residual::Separate, relu, ++seed))
        << "case " << idx << " with bias, residual, relu";
    EXPECT_TRUE(conv_nhwc_matches(cc, true, Residual::InPlace, relu, ++seed))
        << "case " << idx << " with the residual in the output buffer";
  }
}

TEST(ConvNhwc, EveryFusedActivation) {
  uint32_t seed = 700;
  for (int kind = KILN_ACT_NONE; kind <= KILN_ACT_SILU; ++kind) {
    const kiln_activation act{static_cast<kiln_act_kind>(kind), 0.2f, 0.4f,
                              -0.5f, 0.75f};
    EXPECT_TRUE(
        conv_nhwc_matches(kConvCases[2], true, Residual::Separate, act, ++seed))
        << "3x3, activation kind " << kind;
    EXPECT_TRUE(
        conv_nhwc_matches(kConvCases[6], true, Residual::Separate, act, ++seed))
        << "depthwise, activation kind " << kind;
    EXPECT_TRUE(
        conv_nhwc_matches(kConvCases[0], true, Residual::InPlace, act, ++seed))
        << "1x1, activation kind " << kind;
  }
}

TEST(ConvNhwc, KnownValues) {
  // 1x3x3x1 input, 2x2 filter of ones into 2 channels (second doubled),
  // stride 1, no pad: each output is the sum of a 2x2 block.
  kiln_conv_params p{};
  p.stride[0] = p.stride[1] = p.dilation[0] = p.dilation[1] = 1;
  p.groups = 1;
  const kiln_shape in_s = shape({1, 3, 3, 1}), f_s = shape({2, 2, 1, 2}),
                   out_s = shape({1, 2, 2, 2});
  const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const float w[8] = {1, 2, 1, 2, 1, 2, 1, 2};
  const float bias[2] = {0.5f, 0};
  float y[8];
  ASSERT_EQ(kiln_conv2d_nhwc_f32(&p, &in_s, x, &f_s, w, bias, nullptr, &out_s,
                                 y, nullptr),
            KILN_OK);
  const float want[8] = {12.5f, 24, 16.5f, 32, 24.5f, 48, 28.5f, 56};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(y[i], want[i]) << i;
}

TEST(ConvNhwc, RejectsBadArgumentsLikeNchw) {
  kiln_conv_params p{};
  p.stride[0] = p.stride[1] = p.dilation[0] = p.dilation[1] = 1;
  p.groups = 0;
  const kiln_shape s = shape({1, 3, 3, 1}), f = shape({1, 1, 1, 1});
  const kiln_shape r3 = shape({3, 3, 1});
  float x[9] = {0}, w[1] = {1}, y[9];
  EXPECT_EQ(
      kiln_conv2d_nhwc_f32(&p, &s, x, &f, w, nullptr, nullptr, &s, y, nullptr),
      KILN_ERR_ARG);
  p.groups = 1;
  EXPECT_EQ(kiln_conv2d_nhwc_f32(&p, &s, nullptr, &f, w, nullptr, nullptr, &s,
                                 y, nullptr),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_f32(&p, &s, x, nullptr, w, nullptr, nullptr, &s, y,
                                 nullptr),
            KILN_ERR_NULL);
  EXPECT_EQ(
      kiln_conv2d_nhwc_f32(&p, &r3, x, &f, w, nullptr, nullptr, &s, y, nullptr),
      KILN_ERR_ARG);
  EXPECT_EQ(
      kiln_conv2d_nhwc_f32(&p, &s, x, &r3, w, nullptr, nullptr, &s, y, nullptr),
      KILN_ERR_ARG);
  EXPECT_EQ(kiln_conv2d_nhwc_f32(nullptr, &s, x, &f, w, nullptr, nullptr, &s, y,
                                 nullptr),
            KILN_ERR_NULL);
  EXPECT_GE(kiln_conv2d_nhwc_f32_scratch_size(&p, &s, &f, &s), 0);
}

RC_GTEST_PROP(ConvNhwcProperty, RandomGeometryMatchesNchw, ()) {
  ConvCase cc{};
  const bool depthwise = *rc::gen::arbitrary<bool>();
  const int32_t groups =
      depthwise ? *rc::gen::inRange(1, 40) : *rc::gen::inRange(1, 4);
  cc.groups = groups;
  cc.n = *rc::gen::inRange(1, 3);
  cc.c = groups * (depthwise ? 1 : *rc::gen::inRange(1, 12));
  cc.m = groups * *rc::gen::inRange(1, depthwise ? 3 : 24);
  gen_conv_geometry(cc, 20, 20);
  const kiln_activation act{
      static_cast<kiln_act_kind>(*rc::gen::inRange<int>(0, KILN_ACT_SILU + 1)),
      0.2f, 0.4f, -0.5f, 0.75f};
  const Residual res = static_cast<Residual>(*rc::gen::inRange(0, 3));
  const auto r = conv_nhwc_matches(cc, *rc::gen::arbitrary<bool>(), res, act,
                                   *rc::gen::arbitrary<uint32_t>());
  RC_LOG() << r.message() << "\n";
  RC_ASSERT(static_cast<bool>(r));
}

// Max (with NaNs planted in the input) and both AveragePool divisors
// against the NCHW pool on the transpose.
::testing::AssertionResult pool_nhwc_matches(const PoolCase &k, int kind,
                                             uint32_t seed) {
  kiln_pool_params p{};
  p.kernel[0] = k.kh, p.kernel[1] = k.kw;
  p.stride[0] = k.sh, p.stride[1] = k.sw;
  p.dilation[0] = k.dh, p.dilation[1] = k.dw;
  p.pad[0] = k.pt, p.pad[1] = k.pl, p.pad[2] = k.pb, p.pad[3] = k.pr;
  p.count_include_pad = kind == 2;
  const int32_t oh =
      (k.h + k.pt + k.pb - ((k.kh - 1) * k.dh + 1)) / k.sh + 1 + k.oh_extra;
  const int32_t ow =
      (k.w + k.pl + k.pr - ((k.kw - 1) * k.dw + 1)) / k.sw + 1 + k.ow_extra;
  auto x = random_floats(size_t(numel({k.n, k.c, k.h, k.w})), seed, -4, 4);
  if (kind == 0 && x.size() > 7)
    x[x.size() / 3] = x[x.size() - 2] = std::numeric_limits<float>::quiet_NaN();
  const kiln_shape in_s = shape({k.n, k.c, k.h, k.w}),
                   out_s = shape({k.n, k.c, oh, ow});
  const kiln_shape in_t = shape({k.n, k.h, k.w, k.c}),
                   out_t = shape({k.n, oh, ow, k.c});
  const size_t out_n = size_t(numel({k.n, k.c, oh, ow}));
  std::vector<float> want(out_n, 7.0f), got(out_n, 7.0f);
  const auto nchw = kind == 0 ? kiln_max_pool2d_f32 : kiln_avg_pool2d_f32;
  const auto nhwc =
      kind == 0 ? kiln_max_pool2d_nhwc_f32 : kiln_avg_pool2d_nhwc_f32;
  if (nchw(&p, &in_s, x.data(), &out_s, want.data()) != KILN_OK)
    return ::testing::AssertionFailure() << "NCHW status";
  const auto xt = to_nhwc(x, k.n, k.c, k.h, k.w);
  if (nhwc(&p, &in_t, xt.data(), &out_t, got.data()) != KILN_OK)
    return ::testing::AssertionFailure() << "NHWC status";
  const auto want_t = to_nhwc(want, k.n, k.c, oh, ow);
  if (kind == 0)
    return matches_exactly(got, want_t);
  // The NHWC sums are the NCHW reference's, bit for bit (isa_nhwc_test
  // compares the two references), but the x86 NCHW pools sum in another order
  // (a window covering the whole plane runs as a vectorised global pool), so
  // across builds each average may differ by the reordering error: 4e-6 of
  // the window's mean magnitude (the same pool over |x|), which bounds it for
  // windows of up to 25 taps. A cancelling window (-0.1872 from terms near 4)
  // is several ulps of its result, so a relative bound alone is not enough.
  const auto mag_x = abs_of(x);
  std::vector<float> mag(out_n, 0.0f);
  if (nchw(&p, &in_s, mag_x.data(), &out_s, mag.data()) != KILN_OK)
    return ::testing::AssertionFailure() << "NCHW |x| status";
  const auto mag_t = to_nhwc(mag, k.n, k.c, oh, ow);
  for (size_t i = 0; i < out_n; ++i)
    if (!(std::fabs(got[i] - want_t[i]) <=
          4e-6 * mag_t[i] + 1e-6 * std::fabs(want_t[i])))
      return ::testing::AssertionFailure()
             << "at " << i << ": got " << got[i] << " want " << want_t[i]
             << " (window magnitude " << mag_t[i] << ")";
  return ::testing::AssertionSuccess();
}

// n c h w kh kw | sh sw dh dw | pt pl pb pr | ceil extra
const PoolCase kPoolCases[] = {
    {1, 3, 8, 8, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0},      // 2x2 s2
    {2, 64, 112, 112, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0}, // ResNet stem pool
    {1, 5, 9, 11, 3, 2, 2, 3, 2, 1, 1, 0, 2, 1, 0, 0},     // asym pads, dil
    {1, 17, 7, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1},     // ceil mode
    {1, 33, 5, 6, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0},     // same 5x5, C % 16
    {1, 8, 4, 4, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0},      // windows in pad
};

TEST(PoolNhwc, MatchesNchwOnTransposedData) {
  uint32_t seed = 900;
  for (const PoolCase &k : kPoolCases)
    for (int kind = 0; kind < 3; ++kind)
      EXPECT_TRUE(pool_nhwc_matches(k, kind, ++seed))
          << "case " << (&k - kPoolCases) << " kind " << kind;
}

TEST(PoolNhwc, RejectsBadArguments) {
  kiln_pool_params p{};
  p.kernel[0] = p.kernel[1] = p.stride[0] = p.stride[1] = 1;
  p.dilation[0] = p.dilation[1] = 1;
  const kiln_shape s = shape({1, 2, 2, 1}), r3 = shape({2, 2, 1});
  float x[4] = {0}, y[4];
  EXPECT_EQ(kiln_max_pool2d_nhwc_f32(&p, &s, nullptr, &s, y), KILN_ERR_NULL);
  EXPECT_EQ(kiln_avg_pool2d_nhwc_f32(nullptr, &s, x, &s, y), KILN_ERR_NULL);
  EXPECT_EQ(kiln_avg_pool2d_nhwc_f32(&p, &r3, x, &s, y), KILN_ERR_ARG);
  EXPECT_EQ(kiln_global_avg_pool_nhwc_f32(&r3, x, y), KILN_ERR_ARG);
  EXPECT_EQ(kiln_global_max_pool_nhwc_f32(nullptr, x, y), KILN_ERR_NULL);
  EXPECT_EQ(kiln_global_max_pool_nhwc_f32(&s, x, nullptr), KILN_ERR_NULL);
}

::testing::AssertionResult global_nhwc_matches(int32_t n, int32_t c, int32_t h,
                                               int32_t w, bool is_max,
                                               uint32_t seed) {
  auto x = random_floats(size_t(numel({n, c, h, w})), seed, -4, 4);
  if (is_max && x.size() > 5)
    x[x.size() / 2] = std::numeric_limits<float>::quiet_NaN();
  const kiln_shape in_s = shape({n, c, h, w}), in_t = shape({n, h, w, c});
  std::vector<float> want(size_t(n) * c, 7.0f), got(want.size(), 7.0f);
  const auto xt = to_nhwc(x, n, c, h, w);
  if ((is_max ? kiln_global_max_pool_f32 : kiln_global_avg_pool_f32)(
          &in_s, x.data(), want.data()) != KILN_OK ||
      (is_max ? kiln_global_max_pool_nhwc_f32 : kiln_global_avg_pool_nhwc_f32)(
          &in_t, xt.data(), got.data()) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  // Global pools sum long runs; the ISA builds may pair them differently
  // from the NCHW walk, so the mean is compared to rounding, the max exactly.
  return is_max ? matches_exactly(got, want)
                : all_close(got, std::vector<double>(want.begin(), want.end()),
                            1e-5, 1e-6);
}

TEST(GlobalPoolNhwc, MatchesNchw) {
  const int32_t shapes[][4] = {{1, 512, 7, 7},
                               {2, 3, 5, 4},
                               {1, 1280, 7, 7},
                               {1, 17, 1, 1},
                               {1, 64, 25, 5}};
  uint32_t seed = 1000;
  for (const auto &s : shapes)
    for (bool is_max : {false, true})
      EXPECT_TRUE(global_nhwc_matches(s[0], s[1], s[2], s[3], is_max, ++seed))
          << s[0] << "x" << s[1] << "x" << s[2] << "x" << s[3] << " max "
          << is_max;
}

RC_GTEST_PROP(PoolNhwcProperty, RandomGeometryMatchesNchw, ()) {
  const PoolCase k = gen_pool_case(40);
  const auto r = pool_nhwc_matches(k, *rc::gen::inRange(0, 3),
                                   *rc::gen::arbitrary<uint32_t>());
  RC_LOG() << r.message() << "\n";
  RC_ASSERT(static_cast<bool>(r));
  const auto g =
      global_nhwc_matches(k.n, k.c, k.h, k.w, *rc::gen::arbitrary<bool>(),
                          *rc::gen::arbitrary<uint32_t>());
  RC_LOG() << g.message() << "\n";
  RC_ASSERT(static_cast<bool>(g));
}

} // namespace
