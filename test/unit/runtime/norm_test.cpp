// BatchNorm, LayerNorm, Softmax and LogSoftmax against double references.
#include "test_util.h"

#include <rapidcheck/gtest.h>

using namespace kiln_test;

namespace {

std::vector<double> ref_softmax(const std::vector<float> &x, int32_t outer,
                                int32_t axis, int32_t inner, bool log) {
  std::vector<double> y(x.size());
  for (int32_t o = 0; o < outer; ++o)
    for (int32_t i = 0; i < inner; ++i) {
      auto at = [&](int32_t j) { return size_t((o * axis + j) * inner + i); };
      double sum = 0;
      for (int32_t j = 0; j < axis; ++j)
        sum += std::exp(double(x[at(j)]));
      for (int32_t j = 0; j < axis; ++j)
        y[at(j)] = log ? double(x[at(j)]) - std::log(sum)
                       : std::exp(double(x[at(j)])) / sum;
    }
  return y;
}

::testing::AssertionResult check_softmax(int32_t outer, int32_t axis,
                                         int32_t inner, bool log,
                                         uint32_t seed, float range = 5.0f) {
  auto x = random_floats(size_t(outer) * axis * inner, seed, -range, range);
  std::vector<float> y(x.size());
  kiln_status st = log ? kiln_log_softmax_f32(x.data(), y.data(), outer, axis,
                                              inner)
                       : kiln_softmax_f32(x.data(), y.data(), outer, axis,
                                          inner);
  if (st != KILN_OK)
    return ::testing::AssertionFailure() << "status " << st;
  return all_close(y, ref_softmax(x, outer, axis, inner, log), 1e-4, 1e-6);
}

} // namespace

TEST(BatchNorm, MatchesFormula) {
  std::vector<int32_t> dims = {2, 3, 2, 5};
  auto x = random_floats(size_t(numel(dims)), 1, -3, 3);
  auto scale = random_floats(3, 2), bias = random_floats(3, 3);
  auto mean = random_floats(3, 4), var = random_floats(3, 5, 0.1f, 2.0f);
  std::vector<float> y(x.size());
  kiln_shape s = shape(dims);
  ASSERT_EQ(kiln_batch_norm_f32(&s, x.data(), scale.data(), bias.data(),
                                mean.data(), var.data(), 1e-5f, y.data()),
            KILN_OK);
  std::vector<double> want;
  for (int64_t i = 0; i < numel(dims); ++i) {
    int32_t c = unravel(i, dims)[1];
    want.push_back((x[i] - double(mean[c])) / std::sqrt(var[c] + 1e-5) *
                       scale[c] +
                   bias[c]);
  }
  EXPECT_TRUE(all_close(y, want));
  kiln_shape r1 = shape({3});
  EXPECT_EQ(kiln_batch_norm_f32(&r1, x.data(), scale.data(), bias.data(),
                                mean.data(), var.data(), 1e-5f, y.data()),
            KILN_ERR_ARG);
}

TEST(BatchNorm, Rank2InPlace) {
  float x[4] = {1, 2, 3, 4};
  const float scale[2] = {2, 1}, bias[2] = {0, 1}, mean[2] = {1, 1},
              var[2] = {1, 4};
  kiln_shape s = shape({2, 2});
  ASSERT_EQ(kiln_batch_norm_f32(&s, x, scale, bias, mean, var, 0.0f, x),
            KILN_OK);
  EXPECT_FLOAT_EQ(x[0], 0.0f);
  EXPECT_FLOAT_EQ(x[1], 1.5f);
  EXPECT_FLOAT_EQ(x[2], 4.0f);
  EXPECT_FLOAT_EQ(x[3], 2.5f);
}

TEST(LayerNorm, WithAndWithoutBias) {
  const int32_t outer = 4, n = 7;
  auto x = random_floats(size_t(outer) * n, 10, 100.0f, 101.0f); // large mean
  auto scale = random_floats(n, 11), bias = random_floats(n, 12);
  for (bool with_bias : {true, false}) {
    std::vector<float> y(x.size());
    ASSERT_EQ(kiln_layer_norm_f32(x.data(), scale.data(),
                                  with_bias ? bias.data() : nullptr, 1e-5f,
                                  y.data(), outer, n),
              KILN_OK);
    std::vector<double> want;
    for (int32_t r = 0; r < outer; ++r) {
      double mean = 0, var = 0;
      for (int32_t j = 0; j < n; ++j)
        mean += x[r * n + j];
      mean /= n;
      for (int32_t j = 0; j < n; ++j)
        var += (x[r * n + j] - mean) * (x[r * n + j] - mean);
      var /= n;
      for (int32_t j = 0; j < n; ++j)
        want.push_back((x[r * n + j] - mean) / std::sqrt(var + 1e-5) *
                           scale[j] +
                       (with_bias ? bias[j] : 0.0));
    }
    EXPECT_TRUE(all_close(y, want, 2e-3, 2e-4));
  }
  float dummy = 0;
  EXPECT_EQ(kiln_layer_norm_f32(&dummy, &dummy, nullptr, 1e-5f, &dummy, 1, 0),
            KILN_ERR_ARG);
  EXPECT_EQ(kiln_layer_norm_f32(nullptr, &dummy, nullptr, 1e-5f, &dummy, 1, 1),
            KILN_ERR_NULL);
}

TEST(Softmax, LastAxisAndMiddleAxis) {
  EXPECT_TRUE(check_softmax(3, 10, 1, false, 20));
  EXPECT_TRUE(check_softmax(2, 5, 3, false, 21));
  EXPECT_TRUE(check_softmax(3, 10, 1, true, 22));
  EXPECT_TRUE(check_softmax(2, 5, 3, true, 23));
}

TEST(Softmax, LargeInputsDoNotOverflow) {
  float x[3] = {1000.0f, 1000.0f, -1000.0f}, y[3];
  ASSERT_EQ(kiln_softmax_f32(x, y, 1, 3, 1), KILN_OK);
  EXPECT_FLOAT_EQ(y[0], 0.5f);
  EXPECT_FLOAT_EQ(y[1], 0.5f);
  EXPECT_FLOAT_EQ(y[2], 0.0f);
  ASSERT_EQ(kiln_log_softmax_f32(x, y, 1, 3, 1), KILN_OK);
  EXPECT_NEAR(y[0], -std::log(2.0), 1e-6);
  EXPECT_EQ(kiln_softmax_f32(x, y, 1, -3, 1), KILN_ERR_ARG);
}

RC_GTEST_PROP(SoftmaxProperty, MatchesNaiveAndSumsToOne, ()) {
  const int32_t outer = *rc::gen::inRange(1, 5);
  const int32_t axis = *rc::gen::inRange(1, 12);
  const int32_t inner = *rc::gen::inRange(1, 5);
  const bool log = *rc::gen::arbitrary<bool>();
  const uint32_t seed = *rc::gen::arbitrary<uint32_t>();
  RC_ASSERT(static_cast<bool>(check_softmax(outer, axis, inner, log, seed, 20.0f)));
  auto x = random_floats(size_t(outer) * axis * inner, seed, -20, 20);
  std::vector<float> y(x.size());
  kiln_softmax_f32(x.data(), y.data(), outer, axis, inner);
  for (int32_t o = 0; o < outer; ++o)
    for (int32_t i = 0; i < inner; ++i) {
      double s = 0;
      for (int32_t j = 0; j < axis; ++j)
        s += y[(o * axis + j) * inner + i];
      RC_ASSERT(std::fabs(s - 1.0) < 1e-5);
    }
}
