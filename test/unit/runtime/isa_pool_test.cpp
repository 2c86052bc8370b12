// Vectorised MaxPool/AveragePool window against the reference: bit-exact.
#include "isa_util.h"

#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstring>

using namespace kiln_test;

namespace {

struct PoolCase {
  int32_t n, c, h, w, kh, kw;
  int32_t sh, sw, dh, dw;
  int32_t pt, pl, pb, pr;
  int32_t extra_h, extra_w; // ceil_mode: output rows/cols past floor mode
  int32_t count_include_pad;
};

// Identical bits (NaN where the reference is NaN): every lane does the
// reference's arithmetic in the reference's order.
::testing::AssertionResult pool_matches(const PoolCase &pc, int is_max,
                                        uint32_t seed, bool with_nan) {
  kiln_pool_params p{};
  p.kernel[0] = pc.kh, p.kernel[1] = pc.kw;
  p.stride[0] = pc.sh, p.stride[1] = pc.sw;
  p.dilation[0] = pc.dh, p.dilation[1] = pc.dw;
  p.pad[0] = pc.pt, p.pad[1] = pc.pl, p.pad[2] = pc.pb, p.pad[3] = pc.pr;
  p.count_include_pad = pc.count_include_pad;
  const int32_t oh =
      (pc.h + pc.pt + pc.pb - ((pc.kh - 1) * pc.dh + 1)) / pc.sh + 1 +
      pc.extra_h;
  const int32_t ow =
      (pc.w + pc.pl + pc.pr - ((pc.kw - 1) * pc.dw + 1)) / pc.sw + 1 +
      pc.extra_w;
  const kiln_shape in_s = shape({pc.n, pc.c, pc.h, pc.w});
  const kiln_shape out_s = shape({pc.n, pc.c, oh, ow});
  auto in = random_floats(size_t(numel({pc.n, pc.c, pc.h, pc.w})), seed);
  if (with_nan)
    in[in.size() / 3] = NAN;
  const size_t out_n = size_t(numel({pc.n, pc.c, oh, ow}));
  std::vector<float> got(out_n, 7.0f), want(out_n, 7.0f);
  if (kiln_internal_pool2d_f32(is_max, &p, &in_s, in.data(), &out_s,
                               got.data()) != KILN_OK ||
      kiln_internal_pool2d_f32_ref(is_max, &p, &in_s, in.data(), &out_s,
                                   want.data()) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  for (size_t i = 0; i < out_n; ++i) {
    const bool same = std::isnan(want[i])
                          ? std::isnan(got[i])
                          : std::memcmp(&got[i], &want[i], sizeof(float)) == 0;
    if (!same)
      return ::testing::AssertionFailure()
             << "output " << i << ": got " << got[i] << ", want " << want[i];
  }
  return ::testing::AssertionSuccess();
}

// n c h w kh kw | sh sw dh dw | pt pl pb pr | extra_h extra_w | incl_pad
const PoolCase kCases[] = {
    {1, 3, 112, 112, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0}, // ResNet stem
    {2, 2, 9, 21, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0},    // 2x2 s2
    {1, 2, 10, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1},   // s1 same
    {1, 2, 13, 40, 3, 2, 3, 3, 1, 1, 1, 0, 2, 1, 0, 0, 1},   // s3 gathers
    {1, 1, 12, 30, 3, 3, 1, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0},   // dilation 2
    {1, 2, 11, 11, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 0},   // ceil_mode
    {1, 2, 11, 11, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // ceil + incl
    {1, 1, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0},     // all-pad taps
    {1, 4, 7, 7, 7, 7, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1},     // whole plane
    {1, 2, 27, 55, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 0},   // SqueezeNet s2
    {1, 2, 9, 70, 3, 3, 1, 1, 1, 2, 1, 2, 1, 2, 0, 0, 1},    // zmm s1 dilated
};

TEST(IsaPool, EdgeShapesBitExact) {
  uint32_t seed = 400;
  for (const PoolCase &pc : kCases) {
    const size_t idx = &pc - kCases;
    for (int is_max = 0; is_max < 2; ++is_max) {
      EXPECT_TRUE(pool_matches(pc, is_max, ++seed, false))
          << "case " << idx << (is_max ? " max" : " avg");
      EXPECT_TRUE(pool_matches(pc, is_max, ++seed, true))
          << "case " << idx << (is_max ? " max" : " avg") << " with a NaN";
    }
  }
}

RC_GTEST_PROP(IsaPool, RandomShapesBitExact, ()) {
  PoolCase pc{};
  pc.n = *rc::gen::inRange(1, 3), pc.c = *rc::gen::inRange(1, 4);
  pc.kh = *rc::gen::inRange(1, 5), pc.kw = *rc::gen::inRange(1, 5);
  pc.sh = *rc::gen::inRange(1, 4), pc.sw = *rc::gen::inRange(1, 4);
  pc.dh = *rc::gen::inRange(1, 3), pc.dw = *rc::gen::inRange(1, 3);
  // ONNX keeps pads below the kernel extent.
  pc.pt = *rc::gen::inRange(0, pc.kh), pc.pl = *rc::gen::inRange(0, pc.kw);
  pc.pb = *rc::gen::inRange(0, pc.kh), pc.pr = *rc::gen::inRange(0, pc.kw);
  const int32_t span_h = (pc.kh - 1) * pc.dh + 1,
                span_w = (pc.kw - 1) * pc.dw + 1;
  pc.h = std::max(span_h - pc.pt - pc.pb, 1) + *rc::gen::inRange(0, 20);
  pc.w = std::max(span_w - pc.pl - pc.pr, 1) + *rc::gen::inRange(0, 50);
  pc.extra_h = *rc::gen::inRange(0, 2) * (pc.sh > 1);
  pc.extra_w = *rc::gen::inRange(0, 2) * (pc.sw > 1);
  pc.count_include_pad = *rc::gen::inRange(0, 2);
  RC_ASSERT(pool_matches(pc, *rc::gen::inRange(0, 2),
                         *rc::gen::arbitrary<uint32_t>(),
                         *rc::gen::arbitrary<bool>()));
}

} // namespace
