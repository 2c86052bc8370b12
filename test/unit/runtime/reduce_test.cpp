// ReduceSum/Mean/Max/Min over axis masks against naive loops.
#include "test_util.h"

#include <limits>

using namespace kiln_test;

namespace {

using ReduceFn = kiln_status (*)(const kiln_shape *, const float *, uint32_t,
                                 float *);

enum class Kind { Sum, Mean, Max, Min };

std::vector<double> ref_reduce(Kind kind, const std::vector<int32_t> &dims,
                               const std::vector<float> &x, uint32_t mask) {
  std::vector<int32_t> od = dims;
  for (size_t d = 0; d < dims.size(); ++d)
    if (mask & (1u << d))
      od[d] = 1;
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> acc(size_t(numel(od)),
                          kind == Kind::Max ? -inf : (kind == Kind::Min ? inf : 0));
  std::vector<int64_t> count(acc.size(), 0);
  for (int64_t i = 0; i < numel(dims); ++i) {
    auto idx = unravel(i, dims);
    int64_t o = broadcast_flat(idx, od);
    double v = x[i];
    if (kind == Kind::Max)
      acc[o] = std::max(acc[o], v);
    else if (kind == Kind::Min)
      acc[o] = std::min(acc[o], v);
    else
      acc[o] += v;
    ++count[o];
  }
  if (kind == Kind::Mean)
    for (size_t o = 0; o < acc.size(); ++o)
      acc[o] /= double(count[o]);
  return acc;
}

void check_all(const std::vector<int32_t> &dims, uint32_t mask, uint32_t seed) {
  const std::pair<Kind, ReduceFn> kernels[] = {
      {Kind::Sum, kiln_reduce_sum_f32},
      {Kind::Mean, kiln_reduce_mean_f32},
      {Kind::Max, kiln_reduce_max_f32},
      {Kind::Min, kiln_reduce_min_f32}};
  auto x = random_floats(size_t(numel(dims)), seed, -4, 4);
  for (const auto &[kind, fn] : kernels) {
    auto want = ref_reduce(kind, dims, x, mask);
    std::vector<float> out(want.size());
    kiln_shape s = shape(dims);
    ASSERT_EQ(fn(&s, x.data(), mask, out.data()), KILN_OK);
    EXPECT_TRUE(all_close(out, want)) << "kind " << int(kind) << " mask " << mask;
  }
}

} // namespace

TEST(Reduce, SingleAxes) {
  for (uint32_t axis = 0; axis < 3; ++axis)
    check_all({3, 4, 5}, 1u << axis, 1 + axis);
}

TEST(Reduce, MultipleAndAllAxes) {
  check_all({2, 3, 4, 5}, 0b1010u, 5);
  check_all({2, 3, 4, 5}, 0b0111u, 6);
  check_all({2, 3, 4, 5}, 0b1111u, 7);
  check_all({2, 1, 3, 1, 2, 2}, 0b101101u, 8);
}

TEST(Reduce, EmptyMaskCopiesAndScalar) {
  check_all({2, 3}, 0u, 9);
  check_all({}, 0u, 10);
}

TEST(Reduce, RejectsMaskBeyondRank) {
  float x[6] = {}, y[6];
  kiln_shape s = shape({2, 3});
  EXPECT_EQ(kiln_reduce_sum_f32(&s, x, 0b100u, y), KILN_ERR_ARG);
  EXPECT_EQ(kiln_reduce_max_f32(&s, nullptr, 1u, y), KILN_ERR_NULL);
}

TEST(Reduce, MaxPropagatesNan) {
  float x[3] = {1.0f, NAN, 3.0f}, y[1];
  kiln_shape s = shape({3});
  ASSERT_EQ(kiln_reduce_max_f32(&s, x, 1u, y), KILN_OK);
  EXPECT_TRUE(std::isnan(y[0]));
}
