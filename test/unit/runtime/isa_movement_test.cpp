// The AVX2 / AVX-512 (de)interleave of the strided copy vs its plain-C
// reference and vs the one-run-per-line copy, byte for byte.
#include "internal/kiln_movement.h"
#include "isa_util.h"

#include <rapidcheck/gtest.h>

#include <cstring>

using namespace kiln_test;

namespace {

// Random words, a quarter of them NaNs with random payloads (signalling
// ones too), which any arithmetic or conversion on the way would change.
std::vector<uint32_t> random_words(size_t n, uint32_t seed) {
  std::vector<uint32_t> v(n);
  for (auto &w : v) {
    seed = seed * 1664525u + 1013904223u;
    w = seed;
    if ((seed >> 30) == 0)
      w = 0x7f800001u | (seed & 0x803fffffu);
  }
  return v;
}

} // namespace

// Every n the vector paths take and a few they hand to the reference, every
// j count around the 8 / 16 lane widths, stride 0, negative, equal to m
// and larger, one call and a batch of three, with guard words after the
// output.
TEST(IsaMovement, InterleaveMatchesReferenceBytes) {
  uint32_t seed = 3;
  for (int32_t n : {2, 3, 4, 5, 8}) {
    for (int32_t m = 0; m <= 70; ++m) {
      for (int32_t batch : {1, 3}) {
        for (int32_t pad : {0, 5}) {
          for (int32_t sign : {1, 0, -1}) {
            const ptrdiff_t stride = sign * ptrdiff_t(m + pad);
            // Batch b reads one stream span past batch b - 1's.
            const ptrdiff_t bstep = ptrdiff_t(n) * (m + pad) + 1;
            const size_t span = size_t(bstep) * size_t(batch) + 16;
            const auto x = random_words(span, ++seed);
            // A negative stride starts at the last stream.
            const uint32_t *in =
                x.data() + (sign < 0 ? size_t(n - 1) * size_t(m + pad) : 0);
            std::vector<uint32_t> got(size_t(n * m * batch) + 16, 0xdeadbeefu),
                want(got);
            kiln_internal_interleave_u32(got.data(), in, n, m, stride, batch,
                                         bstep);
            kiln_internal_interleave_u32_ref(want.data(), in, n, m, stride,
                                             batch, bstep);
            ASSERT_EQ(got, want) << "interleave n " << n << " m " << m
                                 << " stride " << stride << " batch " << batch;
          }
          // De-interleave: rows of m from j-major input, step n (vector) and
          // n + 1 (reference).
          const int32_t step = n + (pad > 0 ? 1 : 0);
          const ptrdiff_t bstep = ptrdiff_t(step) * m + pad;
          const auto x =
              random_words(size_t(bstep) * size_t(batch) + 16, ++seed);
          std::vector<uint32_t> got(size_t(n * m * batch) + 16, 0xdeadbeefu),
              want(got);
          kiln_internal_deinterleave_u32(got.data(), x.data(), n, m, step,
                                         batch, bstep);
          kiln_internal_deinterleave_u32_ref(want.data(), x.data(), n, m, step,
                                             batch, bstep);
          ASSERT_EQ(got, want) << "deinterleave n " << n << " m " << m
                               << " step " << step << " batch " << batch;
        }
      }
    }
  }
}

namespace {

// kiln_internal_strided_copy (interleave paths) vs
// kiln_internal_strided_copy_runs (one run per line) on a transpose.
::testing::AssertionResult copy_paths_agree(const std::vector<int32_t> &dims,
                                            const std::vector<int32_t> &perm,
                                            uint32_t seed) {
  const auto x = random_words(size_t(numel(dims)), seed);
  kiln_shape out;
  out.rank = int32_t(dims.size());
  int32_t in_strides[KILN_MAX_RANK], strides[KILN_MAX_RANK];
  int32_t acc = 1;
  for (int32_t d = out.rank - 1; d >= 0; --d) {
    in_strides[d] = acc;
    acc *= dims[size_t(d)];
  }
  for (int32_t d = 0; d < out.rank; ++d) {
    out.dims[d] = dims[size_t(perm[size_t(d)])];
    strides[d] = in_strides[perm[size_t(d)]];
  }
  std::vector<uint32_t> got(x.size() + 16, 0x5a5a5a5au), want(got);
  kiln_internal_strided_copy(&out, strides, 0, x.data(), got.data(), 4);
  kiln_internal_strided_copy_runs(&out, strides, 0, x.data(), want.data(), 4);
  if (got != want)
    return ::testing::AssertionFailure() << "paths differ";
  return ::testing::AssertionSuccess();
}

} // namespace

// The model shapes the paths exist for: ShuffleNetV2 x1.0's NHWC channel
// shuffles (C = 116, 232, 464 at 28, 14, 7 pixels square) and the input
// transposes of a 224 x 224 RGB image both ways.
TEST(IsaMovement, ModelShapesMatchRunCopy) {
  EXPECT_TRUE(copy_paths_agree({1, 28, 28, 2, 58}, {0, 1, 2, 4, 3}, 1));
  EXPECT_TRUE(copy_paths_agree({1, 14, 14, 2, 116}, {0, 1, 2, 4, 3}, 2));
  EXPECT_TRUE(copy_paths_agree({1, 7, 7, 2, 232}, {0, 1, 2, 4, 3}, 3));
  EXPECT_TRUE(copy_paths_agree({1, 3, 224, 224}, {0, 2, 3, 1}, 4));
  EXPECT_TRUE(copy_paths_agree({1, 224, 224, 3}, {0, 3, 1, 2}, 5));
  EXPECT_TRUE(copy_paths_agree({2, 4, 9, 11}, {0, 2, 3, 1}, 6));
  EXPECT_TRUE(copy_paths_agree({2, 9, 11, 4}, {0, 3, 1, 2}, 7));
}

RC_GTEST_PROP(IsaMovementProperty, SmallAxisTransposeMatchesRunCopy, ()) {
  const int32_t n = *rc::gen::inRange(2, 10);
  const int32_t m = *rc::gen::inRange(1, 100);
  const int32_t outer = *rc::gen::inRange(1, 5);
  const bool inverse = *rc::gen::arbitrary<bool>();
  const std::vector<int32_t> dims = inverse ? std::vector<int32_t>{outer, m, n}
                                            : std::vector<int32_t>{outer, n, m};
  RC_ASSERT(bool(copy_paths_agree(dims, {0, 2, 1}, uint32_t(n * 131 + m))));
}
