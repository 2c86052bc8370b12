// Gemm and MatMul against naive double-precision loops.
#include "test_util.h"

#include <rapidcheck/gtest.h>

using namespace kiln_test;

namespace {

// Reference Gemm; c_dims empty with has_c == false means no C.
std::vector<double> ref_gemm(int32_t m, int32_t n, int32_t k, bool ta, bool tb,
                             double alpha, double beta,
                             const std::vector<float> &a,
                             const std::vector<float> &b, bool has_c,
                             const std::vector<int32_t> &c_dims,
                             const std::vector<float> &c, bool sigmoid) {
  std::vector<double> y(size_t(m) * n);
  for (int32_t i = 0; i < m; ++i)
    for (int32_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int32_t p = 0; p < k; ++p) {
        double av = ta ? a[p * m + i] : a[i * k + p];
        double bv = tb ? b[j * k + p] : b[p * n + j];
        acc += av * bv;
      }
      double v = alpha * acc;
      if (has_c)
        v += beta * c[broadcast_flat({i, j}, c_dims)];
      y[i * n + j] = sigmoid ? 1.0 / (1.0 + std::exp(-v)) : v;
    }
  return y;
}

::testing::AssertionResult check_gemm(int32_t m, int32_t n, int32_t k,
                                      bool ta, bool tb, bool has_c,
                                      std::vector<int32_t> c_dims,
                                      bool sigmoid, uint32_t seed) {
  auto a = random_floats(size_t(m) * k, seed);
  auto b = random_floats(size_t(k) * n, seed + 1);
  auto c = random_floats(size_t(numel(c_dims)), seed + 2);
  // k == 0 is valid (Y = beta * C) but an empty vector's data() may be NULL,
  // which the kernel rightly rejects; real arenas never hand out NULL.
  a.resize(std::max<size_t>(a.size(), 1));
  b.resize(std::max<size_t>(b.size(), 1));
  kiln_gemm_params p{};
  p.m = m, p.n = n, p.k = k, p.trans_a = ta, p.trans_b = tb;
  p.alpha = 0.75f, p.beta = -1.5f;
  p.act.kind = sigmoid ? KILN_ACT_SIGMOID : KILN_ACT_NONE;
  kiln_shape cs = shape(c_dims);
  std::vector<float> y(size_t(m) * n);
  kiln_status st = kiln_gemm_f32(&p, a.data(), b.data(),
                                 has_c ? &cs : nullptr,
                                 has_c ? c.data() : nullptr, y.data());
  if (st != KILN_OK)
    return ::testing::AssertionFailure() << "status " << st;
  return all_close(y, ref_gemm(m, n, k, ta, tb, 0.75, -1.5, a, b, has_c,
                               c_dims, c, sigmoid));
}

// numpy matmul reference with rank-1 promotion and batch broadcasting.
std::vector<double> ref_matmul(std::vector<int32_t> ad,
                               const std::vector<float> &a,
                               std::vector<int32_t> bd,
                               const std::vector<float> &b) {
  if (ad.size() == 1)
    ad.insert(ad.begin(), 1);
  if (bd.size() == 1)
    bd.push_back(1);
  const int32_t m = ad[ad.size() - 2], k = ad.back(), n = bd.back();
  std::vector<int32_t> abatch(ad.begin(), ad.end() - 2);
  std::vector<int32_t> bbatch(bd.begin(), bd.end() - 2);
  auto batch = broadcast_dims(abatch, bbatch);
  std::vector<double> out;
  for (int64_t bi = 0; bi < numel(batch); ++bi) {
    auto idx = unravel(bi, batch);
    int64_t ao = broadcast_flat(idx, abatch) * m * k;
    int64_t bo = broadcast_flat(idx, bbatch) * k * n;
    for (int32_t i = 0; i < m; ++i)
      for (int32_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int32_t p = 0; p < k; ++p)
          acc += double(a[ao + i * k + p]) * b[bo + p * n + j];
        out.push_back(acc);
      }
  }
  return out;
}

::testing::AssertionResult check_matmul(const std::vector<int32_t> &ad,
                                        const std::vector<int32_t> &bd,
                                        uint32_t seed) {
  auto a = random_floats(size_t(numel(ad)), seed);
  auto b = random_floats(size_t(numel(bd)), seed + 7);
  auto want = ref_matmul(ad, a, bd, b);
  std::vector<float> out(want.size(), -7.0f);
  kiln_shape as = shape(ad), bs = shape(bd);
  kiln_status st = kiln_matmul_f32(&as, a.data(), &bs, b.data(), out.data());
  if (st != KILN_OK)
    return ::testing::AssertionFailure() << "status " << st;
  return all_close(out, want);
}

} // namespace

TEST(Gemm, AllTransposeCombinations) {
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb)
      EXPECT_TRUE(check_gemm(3, 4, 5, ta, tb, true, {3, 4}, false, 20 + ta * 2 + tb));
}

TEST(Gemm, CBroadcastShapes) {
  EXPECT_TRUE(check_gemm(3, 4, 2, false, false, true, {}, false, 30));     // scalar
  EXPECT_TRUE(check_gemm(3, 4, 2, false, false, true, {4}, false, 31));    // [N]
  EXPECT_TRUE(check_gemm(3, 4, 2, false, false, true, {1, 4}, false, 32)); // [1,N]
  EXPECT_TRUE(check_gemm(3, 4, 2, false, false, true, {3, 1}, false, 33)); // [M,1]
  EXPECT_TRUE(check_gemm(3, 4, 2, false, false, false, {}, false, 34));    // no C
}

TEST(Gemm, FusedSigmoid) {
  EXPECT_TRUE(check_gemm(2, 3, 4, false, true, true, {3}, true, 40));
}

TEST(Gemm, RejectsBadC) {
  kiln_gemm_params p{};
  p.m = 2, p.n = 2, p.k = 1, p.alpha = 1;
  float a[2] = {}, b[2] = {}, c[3] = {}, y[4];
  kiln_shape cs = shape({3});
  EXPECT_EQ(kiln_gemm_f32(&p, a, b, &cs, c, y), KILN_ERR_ARG);
  EXPECT_EQ(kiln_gemm_f32(&p, a, b, nullptr, c, y), KILN_ERR_NULL);
  EXPECT_EQ(kiln_gemm_f32(&p, nullptr, b, nullptr, nullptr, y), KILN_ERR_NULL);
}

TEST(MatMul, Plain2d) { EXPECT_TRUE(check_matmul({3, 5}, {5, 2}, 50)); }

TEST(MatMul, VectorOperands) {
  EXPECT_TRUE(check_matmul({5}, {5, 3}, 51));
  EXPECT_TRUE(check_matmul({2, 5}, {5}, 52));
  EXPECT_TRUE(check_matmul({5}, {5}, 53));
  EXPECT_TRUE(check_matmul({4, 2, 5}, {5}, 54));
  EXPECT_TRUE(check_matmul({5}, {3, 5, 2}, 55));
}

TEST(MatMul, BatchBroadcasting) {
  EXPECT_TRUE(check_matmul({2, 1, 3, 4}, {3, 4, 2}, 56));
  EXPECT_TRUE(check_matmul({3, 4}, {2, 2, 4, 3}, 57));
  EXPECT_TRUE(check_matmul({1, 2, 1, 1, 2, 3}, {2, 1, 2, 3, 1}, 58));
}

TEST(MatMul, Rejects) {
  float buf[16] = {};
  kiln_shape a = shape({2, 3}), b = shape({4, 2}), s0 = shape({});
  EXPECT_EQ(kiln_matmul_f32(&a, buf, &b, buf, buf), KILN_ERR_ARG);
  EXPECT_EQ(kiln_matmul_f32(&s0, buf, &b, buf, buf), KILN_ERR_ARG);
  EXPECT_EQ(kiln_matmul_f32(&a, nullptr, &b, buf, buf), KILN_ERR_NULL);
  kiln_shape a2 = shape({2, 2, 3}), b2 = shape({3, 3, 1});
  EXPECT_EQ(kiln_matmul_f32(&a2, buf, &b2, buf, buf), KILN_ERR_ARG);
}

RC_GTEST_PROP(GemmProperty, MatchesNaive, ()) {
  const int32_t m = *rc::gen::inRange(1, 8), n = *rc::gen::inRange(1, 8);
  const int32_t k = *rc::gen::inRange(0, 8);
  const int c_kind = *rc::gen::inRange(0, 6);
  const std::vector<std::vector<int32_t>> c_shapes = {{}, {n}, {m, 1}, {1, n}, {m, n}};
  RC_ASSERT(static_cast<bool>(check_gemm(
      m, n, k, *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(),
      c_kind < 5, c_shapes[c_kind % 5], *rc::gen::arbitrary<bool>(),
      *rc::gen::arbitrary<uint32_t>())));
}

RC_GTEST_PROP(MatMulProperty, MatchesNaive, ()) {
  const int32_t m = *rc::gen::inRange(1, 5), n = *rc::gen::inRange(1, 5);
  const int32_t k = *rc::gen::inRange(1, 5);
  const int32_t batch_rank = *rc::gen::inRange(0, 5);
  std::vector<int32_t> ad, bd;
  for (int32_t d = 0; d < batch_rank; ++d) {
    const int32_t dim = *rc::gen::inRange(1, 4);
    const int which = *rc::gen::inRange(0, 3); // 0: both, 1: a is 1, 2: b is 1
    ad.push_back(which == 1 ? 1 : dim);
    bd.push_back(which == 2 ? 1 : dim);
  }
  // Drop some leading batch dims from one side to exercise rank alignment.
  const int32_t drop = *rc::gen::inRange(0, batch_rank + 1);
  if (*rc::gen::arbitrary<bool>())
    ad.erase(ad.begin(), ad.begin() + drop);
  else
    bd.erase(bd.begin(), bd.begin() + drop);
  ad.push_back(m), ad.push_back(k);
  bd.push_back(k), bd.push_back(n);
  RC_ASSERT(static_cast<bool>(check_matmul(ad, bd, *rc::gen::arbitrary<uint32_t>())));
}
