// Data movement kernels (generic element size) against naive index maths.
#include "test_util.h"

#include <rapidcheck/gtest.h>

#include <cstring>
#include <numeric>

using namespace kiln_test;

namespace {

template <typename T> std::vector<T> iota_vec(size_t n, T start = T(0)) {
  std::vector<T> v(n);
  std::iota(v.begin(), v.end(), start);
  return v;
}

std::vector<int64_t> ref_transpose(const std::vector<int32_t> &dims,
                                   const std::vector<int64_t> &x,
                                   const std::vector<int32_t> &perm) {
  std::vector<int32_t> od(dims.size());
  for (size_t d = 0; d < dims.size(); ++d)
    od[d] = dims[perm[d]];
  std::vector<int64_t> out;
  for (int64_t i = 0; i < numel(od); ++i) {
    auto oi = unravel(i, od);
    std::vector<int32_t> ii(dims.size());
    for (size_t d = 0; d < dims.size(); ++d)
      ii[perm[d]] = oi[d];
    int64_t flat = 0;
    for (size_t d = 0; d < dims.size(); ++d)
      flat = flat * dims[d] + ii[d];
    out.push_back(x[flat]);
  }
  return out;
}

} // namespace

TEST(Copy, CopiesAndAllowsSamePointer) {
  auto x = iota_vec<int32_t>(10);
  std::vector<int32_t> y(10, -1);
  ASSERT_EQ(kiln_copy(x.data(), y.data(), 10, 4), KILN_OK);
  EXPECT_EQ(x, y);
  EXPECT_EQ(kiln_copy(x.data(), x.data(), 10, 4), KILN_OK);
  EXPECT_EQ(kiln_copy(x.data(), y.data(), 10, 0), KILN_ERR_ARG);
  EXPECT_EQ(kiln_copy(nullptr, y.data(), 10, 4), KILN_ERR_NULL);
}

TEST(Transpose, Nchw2NhwcInt64) {
  std::vector<int32_t> dims = {2, 3, 4, 5};
  auto x = iota_vec<int64_t>(size_t(numel(dims)));
  const int32_t perm[4] = {0, 2, 3, 1};
  std::vector<int64_t> y(x.size());
  kiln_shape s = shape(dims);
  ASSERT_EQ(kiln_transpose(&s, x.data(), perm, y.data(), 8), KILN_OK);
  EXPECT_EQ(y, ref_transpose(dims, x, {0, 2, 3, 1}));
  const int32_t bad[4] = {0, 2, 3, 4};
  EXPECT_EQ(kiln_transpose(&s, x.data(), bad, y.data(), 8), KILN_ERR_ARG);
}

RC_GTEST_PROP(TransposeProperty, MatchesNaiveAndInverts, ()) {
  const int32_t rank = *rc::gen::inRange(0, KILN_MAX_RANK + 1);
  std::vector<int32_t> dims, perm(static_cast<size_t>(rank));
  for (int32_t d = 0; d < rank; ++d)
    dims.push_back(*rc::gen::inRange(1, 4));
  std::iota(perm.begin(), perm.end(), 0);
  for (int32_t d = rank - 1; d > 0; --d)
    std::swap(perm[d], perm[*rc::gen::inRange(0, d + 1)]);
  const int32_t elem = *rc::gen::element(1, 2, 4, 8);
  auto x8 = iota_vec<int64_t>(size_t(numel(dims)), 1000);
  // Pack the values at the requested element size (truncating is fine: the
  // check compares the same bytes moved).
  std::vector<uint8_t> x(x8.size() * elem), y(x.size()), back(x.size());
  for (size_t i = 0; i < x8.size(); ++i)
    std::memcpy(&x[i * elem], &x8[i], size_t(elem));
  kiln_shape s = shape(dims);
  RC_ASSERT(kiln_transpose(&s, x.data(), perm.data(), y.data(), elem) == KILN_OK);
  auto want = ref_transpose(dims, x8, perm);
  for (size_t i = 0; i < want.size(); ++i)
    RC_ASSERT(std::memcmp(&y[i * elem], &want[i], size_t(elem)) == 0);
  std::vector<int32_t> inv(perm.size()), od(perm.size());
  for (int32_t d = 0; d < rank; ++d)
    inv[perm[d]] = d, od[d] = dims[perm[d]];
  kiln_shape os = shape(od);
  RC_ASSERT(kiln_transpose(&os, y.data(), inv.data(), back.data(), elem) == KILN_OK);
  RC_ASSERT(back == x);
}

// The copy loop collapses size-1 axes and axes that continue each other into
// runs; wider axes than the property above (which keeps sizes tiny) reach
// runs longer than one element, stride-1 runs (memcpy) and strided runs.
RC_GTEST_PROP(TransposeProperty, WideAxesMatchNaive, ()) {
  const int32_t rank = *rc::gen::inRange(1, 6);
  std::vector<int32_t> dims, perm(static_cast<size_t>(rank));
  for (int32_t d = 0; d < rank; ++d)
    dims.push_back(*rc::gen::element(1, 1, 2, 3, 5, 7));
  std::iota(perm.begin(), perm.end(), 0);
  for (int32_t d = rank - 1; d > 0; --d)
    std::swap(perm[d], perm[*rc::gen::inRange(0, d + 1)]);
  const int32_t elem = *rc::gen::element(1, 2, 4, 8);
  auto x8 = iota_vec<int64_t>(size_t(numel(dims)), 7);
  std::vector<uint8_t> x(x8.size() * elem), y(x.size());
  for (size_t i = 0; i < x8.size(); ++i)
    std::memcpy(&x[i * elem], &x8[i], size_t(elem));
  kiln_shape s = shape(dims);
  RC_ASSERT(kiln_transpose(&s, x.data(), perm.data(), y.data(), elem) == KILN_OK);
  auto want = ref_transpose(dims, x8, perm);
  for (size_t i = 0; i < want.size(); ++i)
    RC_ASSERT(std::memcmp(&y[i * elem], &want[i], size_t(elem)) == 0);
}

// ShuffleNet's channel shuffle: [1, 2, C/2, H, W] -> [1, C/2, 2, H, W].
TEST(Transpose, ChannelShuffle) {
  std::vector<int32_t> dims = {1, 2, 6, 3, 5};
  auto x = iota_vec<int64_t>(size_t(numel(dims)));
  std::vector<float> xf(x.begin(), x.end()), yf(xf.size());
  const int32_t perm[5] = {0, 2, 1, 3, 4};
  kiln_shape s = shape(dims);
  ASSERT_EQ(kiln_transpose(&s, xf.data(), perm, yf.data(), 4), KILN_OK);
  auto want = ref_transpose(dims, x, {0, 2, 1, 3, 4});
  EXPECT_EQ(yf, std::vector<float>(want.begin(), want.end()));
}

namespace {

// Random bytes at any element size, so a copy that moved the wrong bytes (or
// went through a float register that quietened a NaN) shows.
std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  for (auto &b : v) {
    seed = seed * 1664525u + 1013904223u;
    b = uint8_t(seed >> 24);
  }
  return v;
}

// Transpose of raw bytes against ref_transpose on the element indices.
::testing::AssertionResult
transpose_matches_naive(const std::vector<int32_t> &dims,
                        const std::vector<int32_t> &perm, int32_t elem,
                        uint32_t seed) {
  const size_t count = size_t(numel(dims)), e = size_t(elem);
  const auto x = random_bytes(count * e, seed);
  std::vector<uint8_t> y(count * e + 64, 0xA5);
  kiln_shape s = shape(dims);
  if (kiln_transpose(&s, x.data(), perm.data(), y.data(), elem) != KILN_OK)
    return ::testing::AssertionFailure() << "kiln_transpose failed";
  const auto src = ref_transpose(dims, iota_vec<int64_t>(count), perm);
  for (size_t i = 0; i < count; ++i)
    if (std::memcmp(&y[i * e], &x[size_t(src[i]) * e], e) != 0)
      return ::testing::AssertionFailure()
             << "element " << i << " of " << count << ", elem size " << elem;
  for (size_t i = count * e; i < y.size(); ++i)
    if (y[i] != 0xA5)
      return ::testing::AssertionFailure() << "wrote past the end at " << i;
  return ::testing::AssertionSuccess();
}

} // namespace

// The NHWC transposes that end in a small axis (the interleave paths of the
// strided copy): NCHW -> NHWC with 2..8 channels, its inverse, and the NHWC
// channel shuffle, at pixel counts below, at and around the 8- and 16-lane
// vector widths, and at every element size.
TEST(Transpose, SmallAxisInterleavesMatchNaive) {
  uint32_t seed = 1;
  for (int32_t elem : {1, 2, 4, 8}) {
    for (int32_t c : {2, 3, 4, 5, 8}) {
      for (int32_t hw : {1, 2, 5, 7, 8, 9, 15, 16, 17, 31, 33, 48, 50, 67}) {
        for (int32_t batch : {1, 2}) {
          EXPECT_TRUE(transpose_matches_naive({batch, c, 1, hw}, {0, 2, 3, 1},
                                              elem, ++seed))
              << "NCHW->NHWC c " << c << " hw " << hw;
          EXPECT_TRUE(transpose_matches_naive({batch, 1, hw, c}, {0, 3, 1, 2},
                                              elem, ++seed))
              << "NHWC->NCHW c " << c << " hw " << hw;
        }
      }
    }
    for (int32_t half : {1, 3, 7, 8, 16, 17, 29, 58}) {
      EXPECT_TRUE(transpose_matches_naive({1, 3, 5, 2, half}, {0, 1, 2, 4, 3},
                                          elem, ++seed))
          << "NHWC shuffle C/2 " << half;
      EXPECT_TRUE(
          transpose_matches_naive({2, 2, 2, half}, {0, 1, 3, 2}, elem, ++seed))
          << "NHWC shuffle, batch 2, C/2 " << half;
    }
  }
  // The real shapes: ShuffleNetV2 x1.0's widest shuffle and the model input.
  EXPECT_TRUE(
      transpose_matches_naive({1, 7, 7, 2, 232}, {0, 1, 2, 4, 3}, 4, 7));
  EXPECT_TRUE(transpose_matches_naive({1, 3, 224, 224}, {0, 2, 3, 1}, 4, 8));
  EXPECT_TRUE(transpose_matches_naive({1, 224, 224, 3}, {0, 3, 1, 2}, 4, 9));
}

// Any [outer..., m, n] -> [outer..., n-interleaved] transpose: the small axis
// of 2..9 (9 is past the interleave paths) moved innermost, or back out.
RC_GTEST_PROP(TransposeProperty, SmallAxisInterleaveMatchesNaive, ()) {
  const int32_t n = *rc::gen::inRange(2, 10);
  const int32_t m = *rc::gen::inRange(1, 80);
  const int32_t outer = *rc::gen::inRange(1, 4);
  const int32_t lead = *rc::gen::inRange(1, 3);
  const int32_t elem = *rc::gen::element(1, 2, 4, 8);
  const bool inverse = *rc::gen::arbitrary<bool>();
  // [lead, outer, n, m] -> [lead, outer, m, n] or [lead, outer, m, n] ->
  // [lead, outer, n, m].
  std::vector<int32_t> dims = inverse ? std::vector<int32_t>{lead, outer, m, n}
                                      : std::vector<int32_t>{lead, outer, n, m};
  RC_ASSERT(bool(transpose_matches_naive(dims, {0, 1, 3, 2}, elem,
                                         uint32_t(n * 1000 + m))));
}

// Expand broadcasting a column ([m, 1] -> [m, n]) reads the small axis with
// stride 0: the interleave loads the same stream n times.
TEST(Expand, BroadcastColumnInterleaves) {
  for (int32_t n : {2, 3, 4, 6}) {
    for (int32_t m : {1, 7, 16, 21}) {
      std::vector<float> x(static_cast<size_t>(m)),
          y(static_cast<size_t>(m * n));
      for (int32_t j = 0; j < m; ++j)
        x[size_t(j)] = float(j) - 0.5f;
      kiln_shape is = shape({m, 1}), os = shape({m, n});
      ASSERT_EQ(kiln_expand_f32(&is, x.data(), &os, y.data()), KILN_OK);
      for (int32_t j = 0; j < m; ++j)
        for (int32_t i = 0; i < n; ++i)
          ASSERT_EQ(y[size_t(j * n + i)], x[size_t(j)]) << n << " " << m;
    }
  }
}

// Slices with any start and step (negative steps reverse) against index maths.
RC_GTEST_PROP(SliceProperty, MatchesNaive, ()) {
  const int32_t rank = *rc::gen::inRange(1, 5);
  std::vector<int32_t> in_dims, out_dims, starts, steps;
  for (int32_t d = 0; d < rank; ++d) {
    const int32_t n = *rc::gen::inRange(1, 8);
    const int32_t step = *rc::gen::element(-3, -1, 1, 1, 2);
    const int32_t start = *rc::gen::inRange(0, n);
    // Elements reachable from start with this step inside [0, n).
    const int32_t room = step > 0 ? (n - 1 - start) / step + 1 : start / -step + 1;
    in_dims.push_back(n);
    starts.push_back(start);
    steps.push_back(step);
    out_dims.push_back(*rc::gen::inRange(1, room + 1));
  }
  auto x = iota_vec<int32_t>(size_t(numel(in_dims)));
  std::vector<int32_t> y(size_t(numel(out_dims)));
  kiln_shape is = shape(in_dims), os = shape(out_dims);
  RC_ASSERT(kiln_slice(&is, x.data(), starts.data(), steps.data(), &os, y.data(),
                       4) == KILN_OK);
  for (int64_t i = 0; i < numel(out_dims); ++i) {
    auto oi = unravel(i, out_dims);
    int64_t flat = 0;
    for (int32_t d = 0; d < rank; ++d)
      flat = flat * in_dims[d] + starts[d] + int64_t(oi[d]) * steps[d];
    RC_ASSERT(y[size_t(i)] == x[size_t(flat)]);
  }
}

TEST(ConcatSplit, Axis1RoundTrip) {
  kiln_shape shapes[3] = {shape({2, 1, 3}), shape({2, 2, 3}), shape({2, 0, 3})};
  auto a = iota_vec<float>(6, 0), b = iota_vec<float>(12, 100);
  const void *ins[3] = {a.data(), b.data(), nullptr};
  std::vector<float> out(18);
  ASSERT_EQ(kiln_concat(3, ins, shapes, 1, out.data(), 4), KILN_OK);
  const std::vector<float> want = {0,   1,   2,   100, 101, 102, 103, 104, 105,
                                   3,   4,   5,   106, 107, 108, 109, 110, 111};
  EXPECT_EQ(out, want);
  std::vector<float> a2(6), b2(12);
  void *outs[3] = {a2.data(), b2.data(), nullptr};
  const int32_t sizes[3] = {1, 2, 0};
  kiln_shape whole = shape({2, 3, 3});
  ASSERT_EQ(kiln_split(&whole, out.data(), 1, 3, sizes, outs, 4), KILN_OK);
  EXPECT_EQ(a2, a);
  EXPECT_EQ(b2, b);
  const int32_t bad_sizes[3] = {1, 1, 0};
  EXPECT_EQ(kiln_split(&whole, out.data(), 1, 3, bad_sizes, outs, 4), KILN_ERR_ARG);
  EXPECT_EQ(kiln_concat(3, ins, shapes, 3, out.data(), 4), KILN_ERR_ARG);
}

TEST(ConcatSplit, Axis0Int8) {
  kiln_shape shapes[2] = {shape({1, 4}), shape({2, 4})};
  auto a = iota_vec<int8_t>(4, 0), b = iota_vec<int8_t>(8, 10);
  const void *ins[2] = {a.data(), b.data()};
  std::vector<int8_t> out(12);
  ASSERT_EQ(kiln_concat(2, ins, shapes, 0, out.data(), 1), KILN_OK);
  EXPECT_EQ(out, (std::vector<int8_t>{0, 1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 17}));
}

TEST(Slice, NegativeStepsReverse) {
  // x[3, 4]: rows 2..0 step -2 -> {2, 0}; cols 3..1 step -1 -> {3, 2, 1}.
  auto x = iota_vec<int32_t>(12);
  kiln_shape is = shape({3, 4}), os = shape({2, 3});
  const int32_t starts[2] = {2, 3}, steps[2] = {-2, -1};
  std::vector<int32_t> y(6);
  ASSERT_EQ(kiln_slice(&is, x.data(), starts, steps, &os, y.data(), 4), KILN_OK);
  EXPECT_EQ(y, (std::vector<int32_t>{11, 10, 9, 3, 2, 1}));
}

TEST(Slice, PositiveStepsAndBounds) {
  auto x = iota_vec<int16_t>(2 * 5 * 3);
  kiln_shape is = shape({2, 5, 3}), os = shape({2, 2, 1});
  const int32_t starts[3] = {0, 1, 2}, steps[3] = {1, 3, 1};
  std::vector<int16_t> y(4);
  ASSERT_EQ(kiln_slice(&is, x.data(), starts, steps, &os, y.data(), 2), KILN_OK);
  EXPECT_EQ(y, (std::vector<int16_t>{5, 14, 20, 29}));
  const int32_t overrun[3] = {0, 3, 2};
  EXPECT_EQ(kiln_slice(&is, x.data(), overrun, steps, &os, y.data(), 2), KILN_ERR_ARG);
}

TEST(Pad, ConstantReflectEdge) {
  const float x[3] = {1, 2, 3};
  kiln_shape s = shape({3});
  const int32_t pads[2] = {2, 3};
  float y[8];
  const float seven = 7.0f;
  ASSERT_EQ(kiln_pad(&s, x, pads, KILN_PAD_CONSTANT, &seven, y, 4), KILN_OK);
  EXPECT_EQ(std::vector<float>(y, y + 8), (std::vector<float>{7, 7, 1, 2, 3, 7, 7, 7}));
  ASSERT_EQ(kiln_pad(&s, x, pads, KILN_PAD_REFLECT, nullptr, y, 4), KILN_OK);
  EXPECT_EQ(std::vector<float>(y, y + 8), (std::vector<float>{3, 2, 1, 2, 3, 2, 1, 2}));
  ASSERT_EQ(kiln_pad(&s, x, pads, KILN_PAD_EDGE, nullptr, y, 4), KILN_OK);
  EXPECT_EQ(std::vector<float>(y, y + 8), (std::vector<float>{1, 1, 1, 2, 3, 3, 3, 3}));
  ASSERT_EQ(kiln_pad(&s, x, pads, KILN_PAD_CONSTANT, nullptr, y, 4), KILN_OK);
  EXPECT_EQ(y[0], 0.0f);
}

TEST(Pad, TwoDimsWithNegativePads) {
  // 3x3 -> begins {1, -1}, ends {-2, 1}: rows -1..0, cols 1..3.
  auto x = iota_vec<int8_t>(9, 1);
  kiln_shape s = shape({3, 3});
  const int32_t pads[4] = {1, -1, -2, 1};
  int8_t y[2 * 3];
  const int8_t v = -9;
  ASSERT_EQ(kiln_pad(&s, x.data(), pads, KILN_PAD_CONSTANT, &v, y, 1), KILN_OK);
  EXPECT_EQ(std::vector<int8_t>(y, y + 6), (std::vector<int8_t>{-9, -9, -9, 2, 3, -9}));
  ASSERT_EQ(kiln_pad(&s, x.data(), pads, KILN_PAD_REFLECT, nullptr, y, 1), KILN_OK);
  EXPECT_EQ(std::vector<int8_t>(y, y + 6), (std::vector<int8_t>{5, 6, 5, 2, 3, 2}));
  const int32_t too_negative[4] = {-2, 0, -2, 0};
  EXPECT_EQ(kiln_pad(&s, x.data(), too_negative, KILN_PAD_EDGE, nullptr, y, 1),
            KILN_ERR_ARG);
}

TEST(Gather, NegativeIndicesAndAxis) {
  // data [3, 4], axis 1, indices {-1, 0, 2} -> [3, 3].
  auto x = iota_vec<float>(12);
  kiln_shape s = shape({3, 4});
  const int64_t idx[3] = {-1, 0, 2};
  std::vector<float> y(9);
  ASSERT_EQ(kiln_gather(&s, x.data(), 1, idx, 3, y.data(), 4), KILN_OK);
  EXPECT_EQ(y, (std::vector<float>{3, 0, 2, 7, 4, 6, 11, 8, 10}));
  const int64_t rows[2] = {-3, 2};
  std::vector<float> r(8);
  ASSERT_EQ(kiln_gather(&s, x.data(), 0, rows, 2, r.data(), 4), KILN_OK);
  EXPECT_EQ(r, (std::vector<float>{0, 1, 2, 3, 8, 9, 10, 11}));
}

TEST(Gather, OutOfRangeIsAnErrorAndWritesNothing) {
  auto x = iota_vec<int64_t>(6);
  kiln_shape s = shape({6});
  const int64_t idx[3] = {0, 6, 1};
  std::vector<int64_t> y(3, -1);
  EXPECT_EQ(kiln_gather(&s, x.data(), 0, idx, 3, y.data(), 8), KILN_ERR_ARG);
  EXPECT_EQ(y, (std::vector<int64_t>(3, -1)));
  const int64_t low[1] = {-7};
  EXPECT_EQ(kiln_gather(&s, x.data(), 0, low, 1, y.data(), 8), KILN_ERR_ARG);
}

namespace {

// Independent ONNX Resize coordinate maths, in fp32 like ONNX Runtime: exact
// ties such as 3.5 / (7/3) - 0.5 == 1 must land where ORT lands them.
double src_coord(kiln_resize_coord_mode m, int32_t x, int32_t in, int32_t out,
                 float scale) {
  const float xf = float(x);
  switch (m) {
  case KILN_RESIZE_ASYMMETRIC:
    return xf / scale;
  case KILN_RESIZE_ALIGN_CORNERS:
    return out == 1 ? 0.0f : xf * float(in - 1) / float(out - 1);
  case KILN_RESIZE_PYTORCH_HALF_PIXEL:
    return out > 1 ? (xf + 0.5f) / scale - 0.5f : 0.0f;
  default:
    return (xf + 0.5f) / scale - 0.5f;
  }
}

int32_t nearest(kiln_nearest_mode m, double x, int32_t in) {
  double r;
  const double f = std::floor(x);
  switch (m) {
  case KILN_NEAREST_FLOOR:
    r = f;
    break;
  case KILN_NEAREST_CEIL:
    r = std::ceil(x);
    break;
  case KILN_NEAREST_ROUND_PREFER_CEIL:
    r = (x - f == 0.5) ? f + 1 : std::round(x);
    break;
  default:
    r = (x - f == 0.5) ? f : std::round(x);
  }
  return std::min(in - 1, std::max(0, int32_t(r)));
}

} // namespace

TEST(ResizeNearest, AllModesAgainstReference) {
  const std::vector<int32_t> id = {1, 2, 3, 4};
  const std::vector<std::vector<int32_t>> outs = {{1, 2, 7, 9}, {1, 2, 2, 3}, {1, 2, 5, 2}};
  auto x = iota_vec<int32_t>(size_t(numel(id)));
  for (int c = 0; c < 4; ++c)
    for (int n = 0; n < 4; ++n)
      for (const auto &od : outs) {
        kiln_resize_params p{};
        p.coord = kiln_resize_coord_mode(c);
        p.nearest = kiln_nearest_mode(n);
        std::vector<int32_t> y(size_t(numel(od)));
        kiln_shape is = shape(id), os = shape(od);
        ASSERT_EQ(kiln_resize_nearest(&p, &is, x.data(), &os, y.data(), 4), KILN_OK);
        for (int64_t i = 0; i < numel(od); ++i) {
          auto oi = unravel(i, od);
          int64_t flat = 0;
          for (size_t d = 0; d < 4; ++d)
            flat = flat * id[d] +
                   nearest(p.nearest,
                           src_coord(p.coord, oi[d], id[d], od[d],
                                     float(od[d]) / float(id[d])),
                           id[d]);
          ASSERT_EQ(y[i], x[flat]) << "coord " << c << " nearest " << n << " at " << i;
        }
      }
}

TEST(ResizeNearest, OnnxUpsampleExample) {
  // onnx test resize_upsample_scales_nearest: scales {1, 1, 2, 3}.
  const float x[4] = {1, 2, 3, 4};
  kiln_resize_params p{};
  p.scales[0] = p.scales[1] = 1, p.scales[2] = 2, p.scales[3] = 3;
  kiln_shape is = shape({1, 1, 2, 2}), os = shape({1, 1, 4, 6});
  float y[24];
  ASSERT_EQ(kiln_resize_nearest(&p, &is, x, &os, y, 4), KILN_OK);
  const float row0[6] = {1, 1, 1, 2, 2, 2}, row3[6] = {3, 3, 3, 4, 4, 4};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(y[i], row0[i]);
    EXPECT_EQ(y[6 + i], row0[i]);
    EXPECT_EQ(y[18 + i], row3[i]);
  }
}

TEST(ResizeLinear, OnnxExamples) {
  // onnx test resize_downsample_scales_linear (half_pixel, scales 0.6).
  const float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  kiln_resize_params p{};
  p.scales[0] = p.scales[1] = 1, p.scales[2] = p.scales[3] = 0.6f;
  kiln_shape is = shape({1, 1, 2, 4}), os = shape({1, 1, 1, 2});
  float y[16];
  ASSERT_EQ(kiln_resize_linear_f32(&p, &is, x, &os, y), KILN_OK);
  EXPECT_NEAR(y[0], 2.6666665f, 1e-5);
  EXPECT_NEAR(y[1], 4.3333331f, 1e-5);
  // onnx test resize_upsample_scales_linear_align_corners.
  const float x2[4] = {1, 2, 3, 4};
  kiln_resize_params q{};
  q.coord = KILN_RESIZE_ALIGN_CORNERS;
  kiln_shape is2 = shape({1, 1, 2, 2}), os2 = shape({1, 1, 4, 4});
  ASSERT_EQ(kiln_resize_linear_f32(&q, &is2, x2, &os2, y), KILN_OK);
  const float want[16] = {1,         1.3333333f, 1.6666667f, 2,
                          1.6666666f, 2,         2.3333333f, 2.6666665f,
                          2.3333335f, 2.6666667f, 3,         3.3333335f,
                          3,         3.3333333f, 3.6666667f, 4};
  for (int i = 0; i < 16; ++i)
    EXPECT_NEAR(y[i], want[i], 1e-5) << i;
  // Half-pixel upsample clamps coordinates below zero to the edge.
  kiln_resize_params h{};
  ASSERT_EQ(kiln_resize_linear_f32(&h, &is2, x2, &os2, y), KILN_OK);
  EXPECT_FLOAT_EQ(y[0], 1.0f);
  EXPECT_FLOAT_EQ(y[1], 1.25f);
  EXPECT_FLOAT_EQ(y[15], 4.0f);
  kiln_shape os3 = shape({1, 2, 4, 4});
  EXPECT_EQ(kiln_resize_linear_f32(&h, &is2, x2, &os3, y), KILN_ERR_UNSUPPORTED);
}
