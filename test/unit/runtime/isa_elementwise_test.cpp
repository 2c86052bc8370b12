// AVX2 activations, exp/erf polynomials and binary fast paths vs reference.
#include "isa_util.h"

#include <rapidcheck/gtest.h>

#include <limits>

using namespace kiln_test;

namespace {

// A dense sweep of [lo, hi] plus the IEEE specials and denormals.
std::vector<float> sweep(float lo, float hi, int steps) {
  std::vector<float> v;
  for (int i = 0; i <= steps; ++i)
    v.push_back(lo + (hi - lo) * float(i) / float(steps));
  const float inf = std::numeric_limits<float>::infinity();
  for (float x :
       {0.0f, -0.0f, inf, -inf, std::nanf(""), 1e-30f, -1e-30f, 1e-40f, -1e-40f,
        1e-7f, -1e-7f, 88.72f, 88.73f, -87.4f, -103.9f, 3.4e38f, -3.4e38f})
    v.push_back(x);
  return v;
}

TEST(IsaMath, ExpMeetsToleranceOverTheWholeRange) {
  const auto x = sweep(-110.0f, 95.0f, 400000);
  std::vector<float> got(x.size()), want(x.size());
  ASSERT_EQ(kiln_exp_f32(x.data(), got.data(), int32_t(x.size())), KILN_OK);
  ASSERT_EQ(kiln_exp_f32_ref(x.data(), want.data(), int32_t(x.size())),
            KILN_OK);
  EXPECT_TRUE(matches_ref(got, want));
  // The polynomial is far better than the contract needs; keep it that way.
  EXPECT_TRUE(matches_ref(got, want, 1e-6, 1e-30));
}

TEST(IsaMath, ErfMeetsToleranceOverTheWholeRange) {
  const auto x = sweep(-12.0f, 12.0f, 400000);
  std::vector<float> got(x.size()), want(x.size());
  ASSERT_EQ(kiln_erf_f32(x.data(), got.data(), int32_t(x.size())), KILN_OK);
  ASSERT_EQ(kiln_erf_f32_ref(x.data(), want.data(), int32_t(x.size())),
            KILN_OK);
  EXPECT_TRUE(matches_ref(got, want));
  // Relative accuracy holds near 0 too, where erf(x) ~ 1.13 x.
  EXPECT_TRUE(matches_ref(got, want, 1e-5, 1e-30));
}

// Each activation, in both the fused-epilogue loop (with a residual) and its
// public unary kernel, over a range that saturates every one of them.
TEST(IsaMath, EveryActivationMeetsTolerance) {
  const auto x = sweep(-100.0f, 100.0f, 200001);
  const auto res = random_floats(x.size(), 9, -0.5f, 0.5f);
  const int32_t n = int32_t(x.size());
  for (const kiln_activation &act : all_activations()) {
    std::vector<float> got(x.size()), want(x.size());
    ASSERT_EQ(
        kiln_internal_epilogue_f32(&act, res.data(), x.data(), got.data(), n),
        KILN_OK);
    ASSERT_EQ(kiln_internal_epilogue_f32_ref(&act, res.data(), x.data(),
                                             want.data(), n),
              KILN_OK);
    const bool exact = act.kind == KILN_ACT_NONE || act.kind == KILN_ACT_RELU ||
                       act.kind == KILN_ACT_CLIP ||
                       act.kind == KILN_ACT_LEAKY_RELU;
    EXPECT_TRUE(exact ? matches_ref(got, want, 0.0, 0.0)
                      : matches_ref(got, want))
        << "activation kind " << act.kind;
  }
  std::vector<float> got(x.size()), want(x.size());
  using Unary = kiln_status (*)(const float *, float *, int32_t);
  const std::pair<Unary, kiln_act_kind> unary[] = {
      {kiln_relu_f32, KILN_ACT_RELU},
      {kiln_sigmoid_f32, KILN_ACT_SIGMOID},
      {kiln_tanh_f32, KILN_ACT_TANH},
      {kiln_gelu_f32, KILN_ACT_GELU}};
  for (const auto &[fn, kind] : unary) {
    const kiln_activation act{kind, 0, 0, 0, 0};
    ASSERT_EQ(fn(x.data(), got.data(), n), KILN_OK);
    ASSERT_EQ(
        kiln_internal_epilogue_f32_ref(&act, nullptr, x.data(), want.data(), n),
        KILN_OK);
    EXPECT_TRUE(matches_ref(got, want)) << "unary kernel of kind " << kind;
  }
}

TEST(IsaMath, TailsWriteExactlyCountElements) {
  const kiln_activation sig{KILN_ACT_SIGMOID, 0, 0, 0, 0};
  for (int32_t count = 0; count <= 20; ++count) {
    auto x = random_floats(size_t(count) + 1, uint32_t(count), -5.0f, 5.0f);
    std::vector<float> got(size_t(count) + 8, 42.0f), want(got);
    ASSERT_EQ(kiln_activate_f32(&sig, x.data(), got.data(), count), KILN_OK);
    ASSERT_EQ(kiln_internal_epilogue_f32_ref(&sig, nullptr, x.data(),
                                             want.data(), count),
              KILN_OK);
    EXPECT_TRUE(matches_ref(got, want)) << "count " << count;
    ASSERT_EQ(kiln_exp_f32(x.data(), got.data(), count), KILN_OK);
    EXPECT_EQ(got[size_t(count)], 42.0f) << "exp wrote past count " << count;
  }
  float one = 1.0f;
  EXPECT_EQ(kiln_exp_f32(&one, &one, -1), KILN_ERR_ARG);
  EXPECT_EQ(kiln_erf_f32(nullptr, &one, 1), KILN_ERR_NULL);
}

using Binary = kiln_status (*)(const kiln_shape *, const float *,
                               const kiln_shape *, const float *,
                               const kiln_shape *, float *);

::testing::AssertionResult binary_matches(Binary fn, Binary ref,
                                          const std::vector<int32_t> &ad,
                                          const std::vector<int32_t> &bd,
                                          uint32_t seed) {
  const std::vector<int32_t> od = broadcast_dims(ad, bd);
  auto a = random_floats(size_t(numel(ad)), seed);
  auto b = random_floats(size_t(numel(bd)), seed + 1);
  const kiln_shape as = shape(ad), bs = shape(bd), os = shape(od);
  std::vector<float> got(size_t(numel(od)) + 1, 5.0f), want(got);
  if (fn(&as, a.data(), &bs, b.data(), &os, got.data()) != KILN_OK ||
      ref(&as, a.data(), &bs, b.data(), &os, want.data()) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  // One rounding of the same operation: exact.
  return matches_ref(got, want, 0.0, 0.0);
}

TEST(IsaBinary, FastPathsAndBroadcastFallback) {
  const std::pair<Binary, Binary> ops[] = {{kiln_add_f32, kiln_add_f32_ref},
                                           {kiln_mul_f32, kiln_mul_f32_ref}};
  const std::vector<std::pair<std::vector<int32_t>, std::vector<int32_t>>>
      shapes = {{{2, 3, 5, 7}, {2, 3, 5, 7}}, // same shape, tail of 2
                {{1}, {1}},
                {{17}, {}},                   // scalar b
                {{1, 1}, {4, 9}},             // one-element a
                {{2, 3, 4, 5}, {3, 1, 1}},    // per-channel runs
                {{1, 3, 9, 9}, {1, 3, 1, 1}}, // squeeze-excite scale
                {{1, 5, 5, 40}, {1, 1, 1, 40}}, // the same in NHWC
                {{1}, {2, 20}},               // scalar a, 16 + 4 lanes
                {{1, 1}, {5, 1, 1}},          // one element, broadcast up
                {{4, 9}, {9}},                // bias row
                {{3, 1, 1}, {2, 3, 4, 5}},    // per-channel a
                {{2, 3, 4, 5}, {1, 3, 4, 1}}, // middle axes: reference
                {{6, 1}, {1, 7}}};            // two-sided: reference
  uint32_t seed = 1;
  for (const auto &[fn, ref] : ops)
    for (const auto &[ad, bd] : shapes)
      EXPECT_TRUE(binary_matches(fn, ref, ad, bd, seed += 2))
          << ad.size() << "-d with " << bd.size() << "-d";
}

TEST(IsaBinary, InPlaceAndErrors) {
  auto a = random_floats(19, 1), b = random_floats(19, 2);
  const kiln_shape s = shape({19});
  std::vector<float> want(19);
  ASSERT_EQ(kiln_add_f32_ref(&s, a.data(), &s, b.data(), &s, want.data()),
            KILN_OK);
  ASSERT_EQ(kiln_add_f32(&s, a.data(), &s, b.data(), &s, a.data()), KILN_OK);
  EXPECT_TRUE(matches_ref(a, want, 0.0, 0.0));
  const kiln_shape bad = shape({4});
  EXPECT_EQ(kiln_mul_f32(&s, a.data(), &bad, b.data(), &s, a.data()),
            KILN_ERR_ARG);
  EXPECT_EQ(kiln_mul_f32(&s, nullptr, &s, b.data(), &s, a.data()),
            KILN_ERR_NULL);
}

RC_GTEST_PROP(IsaBinary, RandomBroadcastsMatchReference, ()) {
  const int rank = *rc::gen::inRange(0, 5);
  std::vector<int32_t> ad, bd;
  for (int d = 0; d < rank; ++d) {
    const int32_t dim = *rc::gen::inRange(1, 12);
    const int kind = *rc::gen::inRange(0, 3); // both, a only, b only
    ad.push_back(kind == 2 ? 1 : dim);
    bd.push_back(kind == 1 ? 1 : dim);
  }
  if (*rc::gen::arbitrary<bool>())
    bd.assign(size_t(*rc::gen::inRange(0, rank + 1)), 1);
  const bool mul = *rc::gen::arbitrary<bool>();
  RC_ASSERT(binary_matches(mul ? kiln_mul_f32 : kiln_add_f32,
                           mul ? kiln_mul_f32_ref : kiln_add_f32_ref, ad, bd,
                           *rc::gen::arbitrary<uint32_t>()));
}

// Sum/mean over trailing axes reassociates (vector lanes); the rest is the
// reference walk.
TEST(IsaReduce, TrailingAxesWithinToleranceOthersExact) {
  struct Case {
    std::vector<int32_t> dims;
    uint32_t mask;
  };
  const Case cases[] = {{{1, 32, 7, 7}, 0xc}, {{2, 5, 13, 11}, 0xc},
                        {{3, 1000}, 0x2},     {{4, 3, 2}, 0x7},
                        {{2, 3, 4, 5}, 0x2},  {{2, 3, 4, 5}, 0x5},
                        {{6, 0, 3}, 0x4},     {{2, 3}, 0x0}};
  uint32_t seed = 700;
  for (const Case &c : cases) {
    for (kiln_reduce_kind kind :
         {KILN_REDUCE_SUM, KILN_REDUCE_MEAN, KILN_REDUCE_MAX}) {
      auto x =
          random_floats(std::max<size_t>(size_t(numel(c.dims)), 1), ++seed);
      const kiln_shape s = shape(c.dims);
      int64_t out_n = 1;
      for (size_t d = 0; d < c.dims.size(); ++d)
        if (!(c.mask & (1u << d)))
          out_n *= c.dims[d];
      std::vector<float> got(size_t(out_n) + 1, 9.0f), want(got);
      ASSERT_EQ(
          kiln_internal_reduce_f32(kind, &s, x.data(), c.mask, got.data()),
          kiln_internal_reduce_f32_ref(kind, &s, x.data(), c.mask,
                                       want.data()));
      EXPECT_TRUE(matches_ref(got, want))
          << c.dims.size() << "-d, mask " << c.mask << ", kind " << kind;
    }
  }
}

RC_GTEST_PROP(IsaReduce, RandomTrailingReductionsMatchReference, ()) {
  const int rank = *rc::gen::inRange(1, 5);
  std::vector<int32_t> dims;
  for (int d = 0; d < rank; ++d)
    dims.push_back(*rc::gen::inRange(1, 40));
  const int first = *rc::gen::inRange(0, rank);
  const uint32_t mask = ((1u << rank) - 1u) & ~((1u << first) - 1u);
  const kiln_reduce_kind kind =
      *rc::gen::arbitrary<bool>() ? KILN_REDUCE_SUM : KILN_REDUCE_MEAN;
  auto x = random_floats(size_t(numel(dims)), *rc::gen::arbitrary<uint32_t>());
  const kiln_shape s = shape(dims);
  int64_t out_n = 1;
  for (int d = 0; d < first; ++d)
    out_n *= dims[size_t(d)];
  std::vector<float> got(static_cast<size_t>(out_n)), want(got);
  RC_ASSERT(kiln_internal_reduce_f32(kind, &s, x.data(), mask, got.data()) ==
            KILN_OK);
  RC_ASSERT(kiln_internal_reduce_f32_ref(kind, &s, x.data(), mask,
                                         want.data()) == KILN_OK);
  // Sums of up to 40^4 terms in [-1, 1]: the reassociation error scales with
  // the sum of magnitudes, so the absolute bound does too.
  double scale = 0;
  for (float v : x)
    scale += std::fabs(v);
  RC_ASSERT(matches_ref(got, want, 1e-3, 1e-5 + 1e-6 * scale));
}

} // namespace
