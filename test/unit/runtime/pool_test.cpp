// MaxPool, AveragePool and the global pools against naive window loops.
#include "test_util.h"

#include <rapidcheck/gtest.h>

#include <limits>

using namespace kiln_test;

namespace {

struct PoolCase {
  int32_t n, c, h, w, kh, kw;
  int32_t sh = 1, sw = 1, dh = 1, dw = 1;
  int32_t pt = 0, pl = 0, pb = 0, pr = 0;
  bool include_pad = false;
  bool ceil_mode = false;
};

int32_t pool_out(int32_t in, int32_t k, int32_t s, int32_t d, int32_t p0,
                 int32_t p1, bool ceil_mode) {
  const int32_t span = in + p0 + p1 - ((k - 1) * d + 1);
  int32_t o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
  // ONNX/PyTorch: the last window must start inside the input or left pad.
  if (ceil_mode && (o - 1) * s >= in + p0)
    --o;
  return o;
}

std::vector<double> ref_pool(const PoolCase &k, const std::vector<float> &x,
                             bool is_max, int32_t oh, int32_t ow) {
  std::vector<double> out;
  for (int32_t p = 0; p < k.n * k.c; ++p)
    for (int32_t y = 0; y < oh; ++y)
      for (int32_t z = 0; z < ow; ++z) {
        double mx = -std::numeric_limits<double>::infinity(), sum = 0;
        int32_t valid = 0, padded = 0;
        for (int32_t i = 0; i < k.kh; ++i)
          for (int32_t j = 0; j < k.kw; ++j) {
            int32_t iy = y * k.sh - k.pt + i * k.dh;
            int32_t ix = z * k.sw - k.pl + j * k.dw;
            bool in_padded = iy >= -k.pt && iy < k.h + k.pb && ix >= -k.pl &&
                             ix < k.w + k.pr;
            padded += in_padded;
            if (iy < 0 || iy >= k.h || ix < 0 || ix >= k.w)
              continue;
            double v = x[(size_t(p) * k.h + iy) * k.w + ix];
            mx = std::max(mx, v);
            sum += v;
            ++valid;
          }
        out.push_back(is_max ? mx : sum / (k.include_pad ? padded : valid));
      }
  return out;
}

::testing::AssertionResult check_pool(const PoolCase &k, bool is_max,
                                      uint32_t seed) {
  const int32_t oh = pool_out(k.h, k.kh, k.sh, k.dh, k.pt, k.pb, k.ceil_mode);
  const int32_t ow = pool_out(k.w, k.kw, k.sw, k.dw, k.pl, k.pr, k.ceil_mode);
  auto x = random_floats(size_t(k.n) * k.c * k.h * k.w, seed, -5, 5);
  std::vector<float> y(size_t(k.n) * k.c * oh * ow);
  kiln_pool_params p{};
  p.kernel[0] = k.kh, p.kernel[1] = k.kw;
  p.stride[0] = k.sh, p.stride[1] = k.sw;
  p.dilation[0] = k.dh, p.dilation[1] = k.dw;
  p.pad[0] = k.pt, p.pad[1] = k.pl, p.pad[2] = k.pb, p.pad[3] = k.pr;
  p.count_include_pad = k.include_pad;
  kiln_shape is = shape({k.n, k.c, k.h, k.w}), os = shape({k.n, k.c, oh, ow});
  kiln_status st = is_max ? kiln_max_pool2d_f32(&p, &is, x.data(), &os, y.data())
                          : kiln_avg_pool2d_f32(&p, &is, x.data(), &os, y.data());
  if (st != KILN_OK)
    return ::testing::AssertionFailure() << "status " << st;
  return all_close(y, ref_pool(k, x, is_max, oh, ow));
}

} // namespace

TEST(MaxPool, Basic2x2Stride2) {
  PoolCase k{1, 2, 6, 6, 2, 2};
  k.sh = k.sw = 2;
  EXPECT_TRUE(check_pool(k, true, 1));
}

TEST(MaxPool, AsymmetricPadsAndDilation) {
  PoolCase k{2, 3, 7, 8, 3, 2};
  k.dh = 2, k.dw = 3, k.pt = 1, k.pl = 2, k.pb = 0, k.pr = 1;
  EXPECT_TRUE(check_pool(k, true, 2));
}

TEST(MaxPool, PaddingNeverWins) {
  const float x[4] = {-5, -6, -7, -8};
  float y[9];
  kiln_pool_params p{{2, 2}, {1, 1}, {1, 1}, {1, 1, 1, 1}, 0};
  kiln_shape is = shape({1, 1, 2, 2}), os = shape({1, 1, 3, 3});
  ASSERT_EQ(kiln_max_pool2d_f32(&p, &is, x, &os, y), KILN_OK);
  EXPECT_EQ(y[0], -5.0f);
  EXPECT_EQ(y[4], -5.0f);
  EXPECT_EQ(y[8], -8.0f);
}

TEST(AvgPool, ExcludeAndIncludePad) {
  PoolCase k{1, 2, 5, 5, 3, 3};
  k.pt = k.pl = k.pb = k.pr = 1;
  EXPECT_TRUE(check_pool(k, false, 3));
  k.include_pad = true;
  EXPECT_TRUE(check_pool(k, false, 4));
}

TEST(AvgPool, CeilModeWindowPastPadding) {
  PoolCase k{1, 1, 6, 6, 3, 3};
  k.sh = k.sw = 2, k.pb = k.pr = 1, k.ceil_mode = true, k.include_pad = true;
  EXPECT_TRUE(check_pool(k, false, 5));
  k.include_pad = false;
  EXPECT_TRUE(check_pool(k, false, 6));
}

TEST(AvgPool, KnownIncludePadValue) {
  const float x[4] = {1, 2, 3, 4};
  float y[1];
  kiln_pool_params p{{3, 3}, {1, 1}, {1, 1}, {1, 1, 0, 0}, 1};
  kiln_shape is = shape({1, 1, 2, 2}), os = shape({1, 1, 1, 1});
  ASSERT_EQ(kiln_avg_pool2d_f32(&p, &is, x, &os, y), KILN_OK);
  EXPECT_FLOAT_EQ(y[0], 10.0f / 9.0f);
  p.count_include_pad = 0;
  ASSERT_EQ(kiln_avg_pool2d_f32(&p, &is, x, &os, y), KILN_OK);
  EXPECT_FLOAT_EQ(y[0], 2.5f);
}

// A window over the whole unpadded plane takes the global-pool reduction.
TEST(AvgPool, WholePlaneWindow) {
  PoolCase k{2, 3, 25, 5, 25, 5};
  EXPECT_TRUE(check_pool(k, false, 8));
  k.include_pad = true;
  EXPECT_TRUE(check_pool(k, false, 9));
  k.sh = k.sw = 3;
  EXPECT_TRUE(check_pool(k, false, 10));
}

TEST(GlobalPool, AvgAndMax) {
  std::vector<int32_t> dims = {2, 3, 4, 5};
  auto x = random_floats(size_t(numel(dims)), 7);
  std::vector<float> avg(6), mx(6);
  kiln_shape s = shape(dims);
  ASSERT_EQ(kiln_global_avg_pool_f32(&s, x.data(), avg.data()), KILN_OK);
  ASSERT_EQ(kiln_global_max_pool_f32(&s, x.data(), mx.data()), KILN_OK);
  std::vector<double> want_avg, want_max;
  for (int32_t p = 0; p < 6; ++p) {
    double sum = 0, m = -1e30;
    for (int32_t i = 0; i < 20; ++i) {
      sum += x[p * 20 + i];
      m = std::max(m, double(x[p * 20 + i]));
    }
    want_avg.push_back(sum / 20), want_max.push_back(m);
  }
  EXPECT_TRUE(all_close(avg, want_avg));
  EXPECT_TRUE(all_close(mx, want_max));
  kiln_shape s1d = shape({1, 2, 3});
  ASSERT_EQ(kiln_global_avg_pool_f32(&s1d, x.data(), avg.data()), KILN_OK);
  EXPECT_FLOAT_EQ(avg[1], (x[3] + x[4] + x[5]) / 3.0f);
  kiln_shape bad = shape({2, 3});
  EXPECT_EQ(kiln_global_max_pool_f32(&bad, x.data(), mx.data()), KILN_ERR_ARG);
}

RC_GTEST_PROP(PoolProperty, MatchesNaive, ()) {
  PoolCase k{};
  k.n = *rc::gen::inRange(1, 3);
  k.c = *rc::gen::inRange(1, 4);
  k.h = *rc::gen::inRange(1, 10);
  k.w = *rc::gen::inRange(1, 10);
  k.kh = *rc::gen::inRange(1, 4);
  k.kw = *rc::gen::inRange(1, 4);
  k.sh = *rc::gen::inRange(1, 4);
  k.sw = *rc::gen::inRange(1, 4);
  const bool is_max = *rc::gen::arbitrary<bool>();
  k.dh = is_max ? *rc::gen::inRange(1, 3) : 1;
  k.dw = is_max ? *rc::gen::inRange(1, 3) : 1;
  // ONNX requires pads smaller than the kernel.
  k.pt = *rc::gen::inRange(0, k.kh);
  k.pb = *rc::gen::inRange(0, k.kh);
  k.pl = *rc::gen::inRange(0, k.kw);
  k.pr = *rc::gen::inRange(0, k.kw);
  k.include_pad = *rc::gen::arbitrary<bool>();
  k.ceil_mode = *rc::gen::arbitrary<bool>();
  RC_PRE(pool_out(k.h, k.kh, k.sh, k.dh, k.pt, k.pb, k.ceil_mode) >= 1 &&
         pool_out(k.w, k.kw, k.sw, k.dw, k.pl, k.pr, k.ceil_mode) >= 1);
  RC_ASSERT(static_cast<bool>(check_pool(k, is_max, *rc::gen::arbitrary<uint32_t>())));
}
