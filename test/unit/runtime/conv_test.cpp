// Conv2d and ConvTranspose2d against naive double-precision loops.
#include "test_util.h"

#include <rapidcheck/gtest.h>

using namespace kiln_test;

namespace {

struct ConvCase {
  int32_t n, c, h, w, m, kh, kw;
  int32_t sh = 1, sw = 1, dh = 1, dw = 1;
  int32_t pt = 0, pl = 0, pb = 0, pr = 0;
  int32_t groups = 1;
  int32_t oph = 0, opw = 0; // ConvTranspose output_padding
};

kiln_conv_params params_of(const ConvCase &k, kiln_activation act = {}) {
  kiln_conv_params p{};
  p.stride[0] = k.sh, p.stride[1] = k.sw;
  p.dilation[0] = k.dh, p.dilation[1] = k.dw;
  p.pad[0] = k.pt, p.pad[1] = k.pl, p.pad[2] = k.pb, p.pad[3] = k.pr;
  p.groups = k.groups;
  p.act = act;
  return p;
}

int32_t conv_out(int32_t in, int32_t k, int32_t s, int32_t d, int32_t p0,
                 int32_t p1) {
  return (in + p0 + p1 - ((k - 1) * d + 1)) / s + 1;
}

double ref_act(const kiln_activation &a, double x) {
  switch (a.kind) {
  case KILN_ACT_RELU:
    return x > 0 ? x : 0;
  case KILN_ACT_CLIP:
    return std::min<double>(std::max<double>(x, a.min), a.max);
  case KILN_ACT_LEAKY_RELU:
    return x >= 0 ? x : a.alpha * x;
  default:
    return x;
  }
}

std::vector<double> ref_conv(const ConvCase &k, const std::vector<float> &in,
                             const std::vector<float> &wt,
                             const float *bias, const float *residual,
                             const kiln_activation &act) {
  const int32_t oh = conv_out(k.h, k.kh, k.sh, k.dh, k.pt, k.pb);
  const int32_t ow = conv_out(k.w, k.kw, k.sw, k.dw, k.pl, k.pr);
  const int32_t cg = k.c / k.groups, mg = k.m / k.groups;
  std::vector<double> out;
  for (int32_t n = 0; n < k.n; ++n)
    for (int32_t o = 0; o < k.m; ++o)
      for (int32_t y = 0; y < oh; ++y)
        for (int32_t x = 0; x < ow; ++x) {
          double acc = bias ? bias[o] : 0.0;
          int32_t g = o / mg;
          for (int32_t c = 0; c < cg; ++c)
            for (int32_t i = 0; i < k.kh; ++i)
              for (int32_t j = 0; j < k.kw; ++j) {
                int32_t iy = y * k.sh - k.pt + i * k.dh;
                int32_t ix = x * k.sw - k.pl + j * k.dw;
                if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w)
                  continue;
                double v = in[((n * k.c + g * cg + c) * k.h + iy) * k.w + ix];
                double f = wt[((o * cg + c) * k.kh + i) * k.kw + j];
                acc += v * f;
              }
          if (residual)
            acc += residual[out.size()];
          out.push_back(ref_act(act, acc));
        }
  return out;
}

// Runs kiln_conv2d_f32 on seeded data and compares with ref_conv.
::testing::AssertionResult check_conv(const ConvCase &k, uint32_t seed,
                                      bool with_bias, bool with_residual,
                                      kiln_activation act = {}) {
  const int32_t oh = conv_out(k.h, k.kh, k.sh, k.dh, k.pt, k.pb);
  const int32_t ow = conv_out(k.w, k.kw, k.sw, k.dw, k.pl, k.pr);
  auto in = random_floats(size_t(k.n) * k.c * k.h * k.w, seed);
  auto wt = random_floats(size_t(k.m) * (k.c / k.groups) * k.kh * k.kw,
                          seed + 1);
  auto bias = random_floats(size_t(k.m), seed + 2);
  auto res = random_floats(size_t(k.n) * k.m * oh * ow, seed + 3);
  std::vector<float> out(res.size(), 1234.0f);
  const kiln_conv_params p = params_of(k, act);
  const kiln_shape is = shape({k.n, k.c, k.h, k.w});
  const kiln_shape fs = shape({k.m, k.c / k.groups, k.kh, k.kw});
  const kiln_shape os = shape({k.n, k.m, oh, ow});
  EXPECT_EQ(kiln_conv2d_f32_scratch_size(&p, &is, &fs, &os), 0);
  kiln_status st = kiln_conv2d_f32(
      &p, &is, in.data(), &fs, wt.data(), with_bias ? bias.data() : nullptr,
      with_residual ? res.data() : nullptr, &os, out.data(), nullptr);
  if (st != KILN_OK)
    return ::testing::AssertionFailure() << "status " << st;
  return all_close(out, ref_conv(k, in, wt, with_bias ? bias.data() : nullptr,
                                 with_residual ? res.data() : nullptr, act));
}

std::vector<double> ref_conv_t(const ConvCase &k, int32_t oh, int32_t ow,
                               const std::vector<float> &in,
                               const std::vector<float> &wt,
                               const float *bias) {
  const int32_t cg = k.c / k.groups, mg = k.m / k.groups;
  std::vector<double> out(size_t(k.n) * k.m * oh * ow);
  // Gather form (independent of the kernel's scatter form): output pixel y
  // receives input iy when y == iy*s - pad + i*d.
  for (int32_t n = 0; n < k.n; ++n)
    for (int32_t o = 0; o < k.m; ++o)
      for (int32_t y = 0; y < oh; ++y)
        for (int32_t x = 0; x < ow; ++x) {
          double acc = bias ? bias[o] : 0.0;
          int32_t g = o / mg, mo = o % mg;
          for (int32_t c = 0; c < cg; ++c)
            for (int32_t i = 0; i < k.kh; ++i)
              for (int32_t j = 0; j < k.kw; ++j) {
                int32_t ny = y + k.pt - i * k.dh, nx = x + k.pl - j * k.dw;
                if (ny < 0 || nx < 0 || ny % k.sh || nx % k.sw)
                  continue;
                int32_t iy = ny / k.sh, ix = nx / k.sw;
                if (iy >= k.h || ix >= k.w)
                  continue;
                int32_t ic = g * cg + c;
                acc += double(in[((n * k.c + ic) * k.h + iy) * k.w + ix]) *
                       wt[((ic * mg + mo) * k.kh + i) * k.kw + j];
              }
          out[((size_t(n) * k.m + o) * oh + y) * ow + x] = acc;
        }
  return out;
}

::testing::AssertionResult check_conv_t(const ConvCase &k, uint32_t seed) {
  const int32_t oh =
      k.sh * (k.h - 1) + k.oph + (k.kh - 1) * k.dh + 1 - k.pt - k.pb;
  const int32_t ow =
      k.sw * (k.w - 1) + k.opw + (k.kw - 1) * k.dw + 1 - k.pl - k.pr;
  auto in = random_floats(size_t(k.n) * k.c * k.h * k.w, seed);
  auto wt = random_floats(size_t(k.c) * (k.m / k.groups) * k.kh * k.kw,
                          seed + 1);
  auto bias = random_floats(size_t(k.m), seed + 2);
  std::vector<float> out(size_t(k.n) * k.m * oh * ow, 99.0f);
  const kiln_conv_params p = params_of(k);
  const kiln_shape is = shape({k.n, k.c, k.h, k.w});
  const kiln_shape fs = shape({k.c, k.m / k.groups, k.kh, k.kw});
  const kiln_shape os = shape({k.n, k.m, oh, ow});
  EXPECT_EQ(kiln_conv_transpose2d_f32_scratch_size(&p, &is, &fs, &os), 0);
  kiln_status st =
      kiln_conv_transpose2d_f32(&p, &is, in.data(), &fs, wt.data(),
                                bias.data(), nullptr, &os, out.data(), nullptr);
  if (st != KILN_OK)
    return ::testing::AssertionFailure() << "status " << st;
  return all_close(out, ref_conv_t(k, oh, ow, in, wt, bias.data()));
}

} // namespace

TEST(Conv2d, Basic3x3) {
  EXPECT_TRUE(check_conv({1, 2, 5, 5, 3, 3, 3}, 1, true, false));
}

TEST(Conv2d, AsymmetricPadsAndStrides) {
  ConvCase k{2, 3, 7, 6, 4, 3, 2};
  k.sh = 2, k.sw = 3, k.pt = 1, k.pl = 0, k.pb = 2, k.pr = 1;
  EXPECT_TRUE(check_conv(k, 2, true, false));
}

TEST(Conv2d, Dilation) {
  ConvCase k{1, 2, 9, 8, 2, 3, 3};
  k.dh = 2, k.dw = 3, k.pt = k.pb = 2, k.pl = k.pr = 1;
  EXPECT_TRUE(check_conv(k, 3, false, false));
}

TEST(Conv2d, Groups) {
  ConvCase k{1, 6, 5, 5, 4, 3, 3};
  k.groups = 2, k.pt = k.pl = k.pb = k.pr = 1;
  EXPECT_TRUE(check_conv(k, 4, true, false));
}

TEST(Conv2d, DepthwiseWithMultiplier) {
  ConvCase k{1, 4, 6, 6, 8, 3, 3};
  k.groups = 4, k.sh = k.sw = 2, k.pt = k.pl = 1;
  EXPECT_TRUE(check_conv(k, 5, true, false));
}

TEST(Conv2d, ResidualThenRelu) {
  kiln_activation relu{KILN_ACT_RELU, 0, 0, 0, 0};
  EXPECT_TRUE(check_conv({2, 3, 4, 4, 3, 1, 1}, 6, true, true, relu));
}

TEST(Conv2d, ClipAndLeakyEpilogues) {
  kiln_activation clip{KILN_ACT_CLIP, 0, 0, -0.1f, 0.2f};
  kiln_activation leaky{KILN_ACT_LEAKY_RELU, 0.1f, 0, 0, 0};
  EXPECT_TRUE(check_conv({1, 2, 5, 5, 2, 3, 3}, 7, true, false, clip));
  EXPECT_TRUE(check_conv({1, 2, 5, 5, 2, 3, 3}, 8, false, true, leaky));
}

TEST(Conv2d, RejectsNullAndBadRank) {
  kiln_conv_params p{};
  p.stride[0] = p.stride[1] = p.dilation[0] = p.dilation[1] = p.groups = 1;
  kiln_shape is = shape({1, 1, 2, 2}), fs = shape({1, 1, 1, 1});
  kiln_shape os = shape({1, 1, 2, 2});
  float buf[4] = {}, w = 1.0f;
  EXPECT_EQ(kiln_conv2d_f32(nullptr, &is, buf, &fs, &w, nullptr, nullptr, &os,
                            buf, nullptr),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_f32(&p, &is, buf, &fs, nullptr, nullptr, nullptr, &os,
                            buf, nullptr),
            KILN_ERR_NULL);
  kiln_shape bad = shape({1, 2, 2});
  EXPECT_EQ(kiln_conv2d_f32(&p, &bad, buf, &fs, &w, nullptr, nullptr, &os,
                            buf, nullptr),
            KILN_ERR_ARG);
  p.groups = 0;
  EXPECT_EQ(kiln_conv2d_f32(&p, &is, buf, &fs, &w, nullptr, nullptr, &os, buf,
                            nullptr),
            KILN_ERR_ARG);
}

TEST(ConvTranspose2d, Basic) {
  EXPECT_TRUE(check_conv_t({1, 2, 3, 3, 3, 3, 3}, 10));
}

TEST(ConvTranspose2d, StridePadOutputPadding) {
  ConvCase k{2, 3, 4, 3, 2, 3, 2};
  k.sh = 2, k.sw = 3, k.pt = 1, k.pl = 0, k.pb = 0, k.pr = 1;
  k.oph = 1, k.opw = 2;
  EXPECT_TRUE(check_conv_t(k, 11));
}

TEST(ConvTranspose2d, GroupsAndDilation) {
  ConvCase k{1, 4, 3, 4, 6, 2, 3};
  k.groups = 2, k.dh = 2, k.dw = 2, k.sh = 2;
  EXPECT_TRUE(check_conv_t(k, 12));
}

TEST(ConvTranspose2d, ReluEpilogue) {
  const kiln_shape is = shape({1, 1, 1, 2}), fs = shape({1, 1, 1, 2});
  const kiln_shape os = shape({1, 1, 1, 3});
  kiln_conv_params p{};
  p.stride[0] = p.stride[1] = p.dilation[0] = p.dilation[1] = p.groups = 1;
  p.act.kind = KILN_ACT_RELU;
  const float in[2] = {1.0f, -2.0f}, w[2] = {1.0f, 1.0f}, res[3] = {0, 0, 5};
  float out[3];
  ASSERT_EQ(kiln_conv_transpose2d_f32(&p, &is, in, &fs, w, nullptr, res, &os,
                                      out, nullptr),
            KILN_OK);
  EXPECT_FLOAT_EQ(out[0], 1.0f);
  EXPECT_FLOAT_EQ(out[1], 0.0f); // 1 - 2 = -1 -> relu
  EXPECT_FLOAT_EQ(out[2], 3.0f); // -2 + residual 5
}

RC_GTEST_PROP(Conv2dProperty, MatchesNaive, ()) {
  ConvCase k{};
  k.groups = *rc::gen::inRange(1, 4);
  k.n = *rc::gen::inRange(1, 3);
  k.c = k.groups * *rc::gen::inRange(1, 4);
  k.m = k.groups * *rc::gen::inRange(1, 4);
  k.h = *rc::gen::inRange(1, 10);
  k.w = *rc::gen::inRange(1, 10);
  k.kh = *rc::gen::inRange(1, 4);
  k.kw = *rc::gen::inRange(1, 4);
  k.sh = *rc::gen::inRange(1, 4);
  k.sw = *rc::gen::inRange(1, 4);
  k.dh = *rc::gen::inRange(1, 3);
  k.dw = *rc::gen::inRange(1, 3);
  k.pt = *rc::gen::inRange(0, 3);
  k.pl = *rc::gen::inRange(0, 3);
  k.pb = *rc::gen::inRange(0, 3);
  k.pr = *rc::gen::inRange(0, 3);
  RC_PRE(conv_out(k.h, k.kh, k.sh, k.dh, k.pt, k.pb) >= 1 &&
         conv_out(k.w, k.kw, k.sw, k.dw, k.pl, k.pr) >= 1);
  const bool bias = *rc::gen::arbitrary<bool>();
  const bool residual = *rc::gen::arbitrary<bool>();
  RC_ASSERT(static_cast<bool>(
      check_conv(k, *rc::gen::arbitrary<uint32_t>(), bias, residual)));
}

RC_GTEST_PROP(ConvTranspose2dProperty, MatchesNaive, ()) {
  ConvCase k{};
  k.groups = *rc::gen::inRange(1, 3);
  k.n = 1;
  k.c = k.groups * *rc::gen::inRange(1, 3);
  k.m = k.groups * *rc::gen::inRange(1, 3);
  k.h = *rc::gen::inRange(1, 6);
  k.w = *rc::gen::inRange(1, 6);
  k.kh = *rc::gen::inRange(1, 4);
  k.kw = *rc::gen::inRange(1, 4);
  k.sh = *rc::gen::inRange(1, 4);
  k.sw = *rc::gen::inRange(1, 4);
  k.dh = *rc::gen::inRange(1, 3);
  k.dw = *rc::gen::inRange(1, 3);
  k.pt = *rc::gen::inRange(0, k.kh);
  k.pb = *rc::gen::inRange(0, k.kh);
  k.pl = *rc::gen::inRange(0, k.kw);
  k.pr = *rc::gen::inRange(0, k.kw);
  k.oph = *rc::gen::inRange(0, k.sh);
  k.opw = *rc::gen::inRange(0, k.sw);
  RC_PRE(k.sh * (k.h - 1) + k.oph + (k.kh - 1) * k.dh + 1 - k.pt - k.pb >= 1 &&
         k.sw * (k.w - 1) + k.opw + (k.kw - 1) * k.dw + 1 - k.pl - k.pr >= 1);
  RC_ASSERT(static_cast<bool>(check_conv_t(k, *rc::gen::arbitrary<uint32_t>())));
}
