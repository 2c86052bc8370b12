// Broadcast binary ops, PRelu, Where and Expand against naive references.
#include "test_util.h"

#include <rapidcheck/gtest.h>

#include <functional>

using namespace kiln_test;

namespace {

using KernelFn = kiln_status (*)(const kiln_shape *, const float *,
                                 const kiln_shape *, const float *,
                                 const kiln_shape *, float *);

struct BinaryOp {
  const char *name;
  KernelFn kernel;
  std::function<double(double, double)> ref;
};

const std::vector<BinaryOp> &ops() {
  static const std::vector<BinaryOp> all = {
      {"add", kiln_add_f32, [](double a, double b) { return a + b; }},
      {"sub", kiln_sub_f32, [](double a, double b) { return a - b; }},
      {"mul", kiln_mul_f32, [](double a, double b) { return a * b; }},
      {"div", kiln_div_f32, [](double a, double b) { return a / b; }},
      {"max", kiln_max_f32, [](double a, double b) { return std::fmax(a, b); }},
      {"min", kiln_min_f32, [](double a, double b) { return std::fmin(a, b); }},
      {"pow", kiln_pow_f32,
       [](double a, double b) { return std::pow(std::fabs(a), b); }},
      {"prelu", kiln_prelu_f32,
       [](double a, double b) { return a < 0 ? a * b : a; }},
  };
  return all;
}

::testing::AssertionResult check_binary(const BinaryOp &op,
                                        const std::vector<int32_t> &ad,
                                        const std::vector<int32_t> &bd,
                                        uint32_t seed) {
  auto od = broadcast_dims(ad, bd);
  auto a = random_floats(size_t(numel(ad)), seed, -2.0f, 2.0f);
  auto b = random_floats(size_t(numel(bd)), seed + 1, 0.5f, 2.0f);
  if (std::string(op.name) == "pow")
    for (auto &x : a)
      x = std::fabs(x); // keep pow real-valued
  std::vector<double> want(size_t(numel(od)));
  for (int64_t i = 0; i < numel(od); ++i) {
    auto idx = unravel(i, od);
    want[i] = op.ref(a[broadcast_flat(idx, ad)], b[broadcast_flat(idx, bd)]);
  }
  std::vector<float> out(want.size());
  kiln_shape as = shape(ad), bs = shape(bd), os = shape(od);
  kiln_status st = op.kernel(&as, a.data(), &bs, b.data(), &os, out.data());
  if (st != KILN_OK)
    return ::testing::AssertionFailure() << op.name << " status " << st;
  auto r = all_close(out, want);
  if (!r)
    r << " (" << op.name << ")";
  return r;
}

} // namespace

TEST(Binary, SameShape) {
  for (const auto &op : ops())
    EXPECT_TRUE(check_binary(op, {2, 3, 4}, {2, 3, 4}, 1));
}

TEST(Binary, ScalarAndRank1Broadcast) {
  for (const auto &op : ops()) {
    EXPECT_TRUE(check_binary(op, {2, 3, 4}, {}, 2));
    EXPECT_TRUE(check_binary(op, {}, {2, 3}, 3));
    EXPECT_TRUE(check_binary(op, {2, 3, 4}, {4}, 4));
    EXPECT_TRUE(check_binary(op, {1}, {5}, 5));
  }
}

TEST(Binary, TwoSidedBroadcast) {
  for (const auto &op : ops()) {
    EXPECT_TRUE(check_binary(op, {3, 1, 5}, {4, 1}, 6));
    EXPECT_TRUE(check_binary(op, {1, 2, 1, 3, 1, 2}, {2, 4, 1, 1, 2}, 7));
  }
}

TEST(Binary, PreluChannelSlope) {
  // ONNX PRelu with slope [C, 1, 1] against an NCHW input.
  EXPECT_TRUE(check_binary(ops().back(), {2, 3, 4, 4}, {3, 1, 1}, 8));
}

TEST(Binary, NanPropagatesThroughMaxMin) {
  kiln_shape s = shape({2});
  float a[2] = {NAN, 1.0f}, b[2] = {1.0f, NAN}, out[2];
  ASSERT_EQ(kiln_max_f32(&s, a, &s, b, &s, out), KILN_OK);
  EXPECT_TRUE(std::isnan(out[0]) && std::isnan(out[1]));
  ASSERT_EQ(kiln_min_f32(&s, a, &s, b, &s, out), KILN_OK);
  EXPECT_TRUE(std::isnan(out[0]) && std::isnan(out[1]));
}

TEST(Binary, InPlaceWhenSameShape) {
  kiln_shape s = shape({3}), one = shape({1});
  float a[3] = {1, 2, 3}, b[1] = {10};
  ASSERT_EQ(kiln_add_f32(&s, a, &one, b, &s, a), KILN_OK);
  EXPECT_EQ(a[0], 11.0f);
  EXPECT_EQ(a[2], 13.0f);
}

TEST(Binary, RejectsIncompatibleAndNull) {
  kiln_shape a = shape({3}), b = shape({4}), o = shape({4});
  float buf[8] = {};
  EXPECT_EQ(kiln_add_f32(&a, buf, &b, buf, &o, buf), KILN_ERR_ARG);
  EXPECT_EQ(kiln_add_f32(&b, buf, &b, nullptr, &o, buf), KILN_ERR_NULL);
  kiln_shape big{7, {1, 1, 1, 1, 1, 1}};
  EXPECT_EQ(kiln_mul_f32(&big, buf, &b, buf, &big, buf), KILN_ERR_ARG);
}

TEST(Where, ThreeWayBroadcast) {
  std::vector<int32_t> cd = {2, 1, 3}, xd = {4, 1}, yd = {};
  auto od = broadcast_dims(broadcast_dims(cd, xd), yd);
  std::vector<uint8_t> cond(size_t(numel(cd)));
  for (size_t i = 0; i < cond.size(); ++i)
    cond[i] = static_cast<uint8_t>((i * 7) % 3 == 0 ? 0 : (i % 2 ? 1 : 255));
  auto x = random_floats(size_t(numel(xd)), 60);
  std::vector<float> y = {42.0f};
  std::vector<double> want;
  for (int64_t i = 0; i < numel(od); ++i) {
    auto idx = unravel(i, od);
    want.push_back(cond[broadcast_flat(idx, cd)] ? x[broadcast_flat(idx, xd)]
                                                 : 42.0);
  }
  std::vector<float> out(want.size());
  kiln_shape cs = shape(cd), xs = shape(xd), ys = shape(yd), os = shape(od);
  ASSERT_EQ(kiln_where_f32(&cs, cond.data(), &xs, x.data(), &ys, y.data(), &os,
                           out.data()),
            KILN_OK);
  EXPECT_TRUE(all_close(out, want));
  EXPECT_EQ(kiln_where_f32(&cs, nullptr, &xs, x.data(), &ys, y.data(), &os,
                           out.data()),
            KILN_ERR_NULL);
}

TEST(Expand, BroadcastCopy) {
  std::vector<int32_t> id = {3, 1}, od = {2, 3, 4};
  auto in = random_floats(3, 70);
  std::vector<double> want;
  for (int64_t i = 0; i < numel(od); ++i)
    want.push_back(in[broadcast_flat(unravel(i, od), id)]);
  std::vector<float> out(want.size());
  kiln_shape is = shape(id), os = shape(od);
  ASSERT_EQ(kiln_expand_f32(&is, in.data(), &os, out.data()), KILN_OK);
  EXPECT_TRUE(all_close(out, want, 0, 0));
  kiln_shape bad = shape({2, 4, 4});
  EXPECT_EQ(kiln_expand_f32(&is, in.data(), &bad, out.data()), KILN_ERR_ARG);
}

RC_GTEST_PROP(BinaryProperty, BroadcastMatchesNaive, ()) {
  const int32_t rank = *rc::gen::inRange(0, KILN_MAX_RANK + 1);
  std::vector<int32_t> ad, bd;
  for (int32_t d = 0; d < rank; ++d) {
    const int32_t dim = *rc::gen::inRange(1, 4);
    const int which = *rc::gen::inRange(0, 3);
    ad.push_back(which == 1 ? 1 : dim);
    bd.push_back(which == 2 ? 1 : dim);
  }
  const int32_t drop = *rc::gen::inRange(0, rank + 1);
  if (*rc::gen::arbitrary<bool>())
    ad.erase(ad.begin(), ad.begin() + drop);
  else
    bd.erase(bd.begin(), bd.begin() + drop);
  const auto &op = ops()[*rc::gen::inRange<size_t>(0, ops().size())];
  RC_ASSERT(static_cast<bool>(
      check_binary(op, ad, bd, *rc::gen::arbitrary<uint32_t>())));
}
