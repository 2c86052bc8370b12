// Unary kernels and the standalone activation against <cmath> in double.
#include "test_util.h"

#include <functional>

using namespace kiln_test;

namespace {

const std::vector<float> &inputs() {
  static const std::vector<float> v = [] {
    std::vector<float> x = {-10.0f, -3.0f, -2.5f, -1.0f, -0.5f, 0.0f,
                            0.5f,   1.0f,  2.5f,  3.0f,  10.0f, 88.0f,
                            -88.0f, 1e-3f, -1e-3f};
    auto r = random_floats(64, 123, -6.0f, 6.0f);
    x.insert(x.end(), r.begin(), r.end());
    return x;
  }();
  return v;
}

using Simple = kiln_status (*)(const float *, float *, int32_t);

void expect_unary(Simple fn, const std::function<double(double)> &ref,
                  const std::vector<float> &x, double rtol = 1e-5,
                  double atol = 1e-6) {
  std::vector<float> out(x.size());
  ASSERT_EQ(fn(x.data(), out.data(), int32_t(x.size())), KILN_OK);
  std::vector<double> want;
  for (float v : x)
    want.push_back(ref(v));
  EXPECT_TRUE(all_close(out, want, rtol, atol));
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double clamp01(double x) { return std::min(1.0, std::max(0.0, x)); }

std::vector<float> positives() {
  std::vector<float> p;
  for (float v : inputs())
    if (v > 0)
      p.push_back(v);
  return p;
}

} // namespace

TEST(Unary, ActivationKernels) {
  expect_unary(kiln_relu_f32, [](double x) { return x > 0 ? x : 0; }, inputs());
  expect_unary(kiln_sigmoid_f32, sigmoid, inputs());
  expect_unary(kiln_tanh_f32, [](double x) { return std::tanh(x); }, inputs());
  expect_unary(kiln_hard_swish_f32,
               [](double x) { return x * clamp01(x / 6 + 0.5); }, inputs());
  expect_unary(kiln_gelu_f32,
               [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); },
               inputs());
}

TEST(Unary, ParameterisedActivations) {
  const auto &x = inputs();
  std::vector<float> out(x.size());
  std::vector<double> want;
  ASSERT_EQ(kiln_clip_f32(x.data(), out.data(), int32_t(x.size()), -1.0f, 2.0f),
            KILN_OK);
  for (float v : x)
    want.push_back(std::min(2.0, std::max(-1.0, double(v))));
  EXPECT_TRUE(all_close(out, want));
  want.clear();
  ASSERT_EQ(kiln_leaky_relu_f32(x.data(), out.data(), int32_t(x.size()), 0.01f),
            KILN_OK);
  for (float v : x)
    want.push_back(v < 0 ? 0.01 * v : v);
  EXPECT_TRUE(all_close(out, want));
  want.clear();
  ASSERT_EQ(kiln_hard_sigmoid_f32(x.data(), out.data(), int32_t(x.size()), 0.2f,
                                  0.5f),
            KILN_OK);
  for (float v : x)
    want.push_back(clamp01(0.2 * v + 0.5));
  EXPECT_TRUE(all_close(out, want));
}

TEST(Unary, MathKernels) {
  expect_unary(kiln_erf_f32, [](double x) { return std::erf(x); }, inputs());
  expect_unary(kiln_exp_f32, [](double x) { return std::exp(x); }, inputs());
  expect_unary(kiln_neg_f32, [](double x) { return -x; }, inputs());
  expect_unary(kiln_abs_f32, [](double x) { return std::fabs(x); }, inputs());
  expect_unary(kiln_log_f32, [](double x) { return std::log(x); }, positives());
  expect_unary(kiln_sqrt_f32, [](double x) { return std::sqrt(x); }, positives());
  expect_unary(kiln_reciprocal_f32, [](double x) { return 1.0 / x; }, inputs());
}

TEST(Unary, IeeeEdgeCases) {
  float x[3] = {-1.0f, 0.0f, INFINITY}, out[3];
  ASSERT_EQ(kiln_log_f32(x, out, 3), KILN_OK);
  EXPECT_TRUE(std::isnan(out[0]));
  EXPECT_EQ(out[1], -INFINITY);
  ASSERT_EQ(kiln_reciprocal_f32(x, out, 3), KILN_OK);
  EXPECT_EQ(out[1], INFINITY);
  EXPECT_EQ(out[2], 0.0f);
  float big[2] = {-1000.0f, 1000.0f};
  ASSERT_EQ(kiln_sigmoid_f32(big, out, 2), KILN_OK);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 1.0f);
}

TEST(Unary, InPlaceAndErrors) {
  float x[3] = {-1.0f, 0.5f, 2.0f};
  ASSERT_EQ(kiln_relu_f32(x, x, 3), KILN_OK);
  EXPECT_EQ(x[0], 0.0f);
  EXPECT_EQ(x[2], 2.0f);
  EXPECT_EQ(kiln_exp_f32(nullptr, x, 3), KILN_ERR_NULL);
  EXPECT_EQ(kiln_relu_f32(x, nullptr, 3), KILN_ERR_NULL);
  EXPECT_EQ(kiln_neg_f32(x, x, -1), KILN_ERR_ARG);
  EXPECT_EQ(kiln_neg_f32(x, x, 0), KILN_OK);
}

TEST(Activate, DescriptorMatchesUnaryKernels) {
  const auto &x = inputs();
  const int32_t n = int32_t(x.size());
  std::vector<float> a(x.size()), b(x.size());
  kiln_activation act{KILN_ACT_GELU, 0, 0, 0, 0};
  ASSERT_EQ(kiln_activate_f32(&act, x.data(), a.data(), n), KILN_OK);
  ASSERT_EQ(kiln_gelu_f32(x.data(), b.data(), n), KILN_OK);
  EXPECT_EQ(a, b);
  act = {KILN_ACT_HARD_SIGMOID, 0.3f, 0.4f, 0, 0};
  ASSERT_EQ(kiln_activate_f32(&act, x.data(), a.data(), n), KILN_OK);
  ASSERT_EQ(kiln_hard_sigmoid_f32(x.data(), b.data(), n, 0.3f, 0.4f), KILN_OK);
  EXPECT_EQ(a, b);
  // NULL descriptor is identity.
  ASSERT_EQ(kiln_activate_f32(nullptr, x.data(), a.data(), n), KILN_OK);
  EXPECT_EQ(a, x);
}
