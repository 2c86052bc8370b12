// AVX2 GEMM core (Gemm, MatMul) against the reference kernels.
#include "isa_util.h"

#include <rapidcheck/gtest.h>

using namespace kiln_test;

namespace {

// C broadcast forms Gemm accepts, by index: none, scalar, [n], [1, n],
// [m, 1], [m, n].
std::vector<int32_t> c_dims(int form, int32_t m, int32_t n) {
  switch (form) {
  case 1:
    return {};
  case 2:
    return {n};
  case 3:
    return {1, n};
  case 4:
    return {m, 1};
  default:
    return {m, n};
  }
}

::testing::AssertionResult gemm_matches(int32_t m, int32_t n, int32_t k,
                                        bool ta, bool tb, int c_form,
                                        const kiln_activation &act,
                                        uint32_t seed) {
  auto a = random_floats(std::max<size_t>(size_t(m) * k, 1), seed);
  auto b = random_floats(std::max<size_t>(size_t(k) * n, 1), seed + 1);
  const std::vector<int32_t> cd = c_dims(c_form, m, n);
  auto c = random_floats(std::max<int64_t>(numel(cd), 1), seed + 2);
  kiln_gemm_params p{};
  p.m = m, p.n = n, p.k = k, p.trans_a = ta, p.trans_b = tb;
  p.alpha = 0.75f, p.beta = -1.25f, p.act = act;
  const kiln_shape cs = shape(cd);
  const bool has_c = c_form != 0;
  std::vector<float> got(size_t(m) * n + 1, 7.0f), want(got);
  if (kiln_gemm_f32(&p, a.data(), b.data(), has_c ? &cs : nullptr,
                    has_c ? c.data() : nullptr, got.data()) != KILN_OK ||
      kiln_gemm_f32_ref(&p, a.data(), b.data(), has_c ? &cs : nullptr,
                        has_c ? c.data() : nullptr, want.data()) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  // The sentinel past the end catches stores beyond m x n in the tails.
  return matches_ref(got, want);
}

struct GemmCase {
  int32_t m, n, k;
};

TEST(IsaGemm, EdgeShapesTransposesAndCForms) {
  // Tails of the 6x16 (AVX2) and 12x32 (AVX-512) tiles and the 256-deep k
  // chunk, degenerate sizes, and a classifier head (m <= 4 with B
  // transposed takes the dot-product path).
  const GemmCase cases[] = {
      {1, 1, 1},      {5, 7, 3},  {6, 16, 1},  {7, 17, 257}, {13, 31, 513},
      {64, 3, 9},     {0, 5, 3},  {4, 0, 3},   {3, 4, 0},    {12, 32, 256},
      {1, 1000, 512}, {2, 9, 17}, {25, 33, 40},
      // The dot-product path's zmm, ymm and masked k steps (29 = 16 + 8 +
      // 5) and a k below one ymm.
      {3, 11, 29}, {1, 24, 7},
      // AVX-512 row blocks (up to 240 rows) with two k chunks and a last
      // panel of <= 16 columns, and an uneven split into three blocks.
      {500, 45, 300}, {481, 20, 257}};
  const kiln_activation none{};
  uint32_t seed = 1;
  for (const GemmCase &c : cases)
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb)
        for (int form = 0; form < 6; ++form)
          EXPECT_TRUE(gemm_matches(c.m, c.n, c.k, ta, tb, form, none, ++seed))
              << c.m << "x" << c.n << "x" << c.k << " ta " << ta << " tb " << tb
              << " C form " << form;
}

TEST(IsaGemm, EveryFusedActivation) {
  uint32_t seed = 100;
  for (const kiln_activation &act : all_activations()) {
    EXPECT_TRUE(gemm_matches(11, 37, 300, false, false, 5, act, ++seed))
        << "activation kind " << act.kind;
    EXPECT_TRUE(gemm_matches(1, 37, 300, false, true, 2, act, ++seed))
        << "dot-product path, activation kind " << act.kind;
  }
}

TEST(IsaGemm, IncompatibleCShapeIsRefusedLikeTheReference) {
  std::vector<float> a(6, 1.0f), b(6, 1.0f), c(4, 1.0f), y(4);
  kiln_gemm_params p{};
  p.m = 2, p.n = 2, p.k = 3, p.alpha = 1.0f, p.beta = 1.0f;
  const kiln_shape bad = shape({3});
  EXPECT_EQ(kiln_gemm_f32(&p, a.data(), b.data(), &bad, c.data(), y.data()),
            KILN_ERR_ARG);
}

RC_GTEST_PROP(IsaGemm, RandomShapesMatchReference, ()) {
  const int32_t m = *rc::gen::inRange(1, 40);
  const int32_t n = *rc::gen::inRange(1, 70);
  const int32_t k = *rc::gen::inRange(0, 600);
  const bool ta = *rc::gen::arbitrary<bool>();
  const bool tb = *rc::gen::arbitrary<bool>();
  const int form = *rc::gen::inRange(0, 6);
  const auto acts = all_activations();
  const kiln_activation act = acts[*rc::gen::inRange<size_t>(0, acts.size())];
  const uint32_t seed = *rc::gen::arbitrary<uint32_t>();
  RC_ASSERT(gemm_matches(m, n, k, ta, tb, form, act, seed));
}

// The matmul core reads both operands through arbitrary strides.
RC_GTEST_PROP(IsaGemm, StridedMatmulCoreMatchesReference, ()) {
  const int32_t m = *rc::gen::inRange(1, 30);
  const int32_t n = *rc::gen::inRange(1, 50);
  const int32_t k = *rc::gen::inRange(1, 300);
  const bool ta = *rc::gen::arbitrary<bool>();
  const bool tb = *rc::gen::arbitrary<bool>();
  auto a = random_floats(size_t(m) * k, 3);
  auto b = random_floats(size_t(k) * n, 4);
  std::vector<float> got(size_t(m) * n), want(got.size());
  kiln_internal_matmul_f32(m, n, k, a.data(), ta ? 1 : k, ta ? m : 1, b.data(),
                           tb ? 1 : n, tb ? k : 1, got.data());
  kiln_internal_matmul_f32_ref(m, n, k, a.data(), ta ? 1 : k, ta ? m : 1,
                               b.data(), tb ? 1 : n, tb ? k : 1, want.data());
  RC_ASSERT(matches_ref(got, want));
}

TEST(IsaGemm, BatchedMatmulMatchesReferenceCore) {
  // [2, 3, 7, 19] x [19, 21]: the batch loop over the AVX2 core.
  auto a = random_floats(2 * 3 * 7 * 19, 5);
  auto b = random_floats(19 * 21, 6);
  const kiln_shape as = shape({2, 3, 7, 19}), bs = shape({19, 21});
  std::vector<float> got(2 * 3 * 7 * 21), want(got.size());
  ASSERT_EQ(kiln_matmul_f32(&as, a.data(), &bs, b.data(), got.data()), KILN_OK);
  for (int i = 0; i < 6; ++i)
    kiln_internal_matmul_f32_ref(7, 21, 19, a.data() + i * 7 * 19, 19, 1,
                                 b.data(), 21, 1, want.data() + i * 7 * 21);
  EXPECT_TRUE(matches_ref(got, want));
}

} // namespace
