// AVX2 Conv (implicit GEMM, 1x1 direct B, depthwise) against the reference.
#include "isa_util.h"

#include <rapidcheck/gtest.h>

using namespace kiln_test;

namespace {

struct ConvCase {
  int32_t n, c, h, w, m, kh, kw;
  int32_t sh, sw, dh, dw;
  int32_t pt, pl, pb, pr;
  int32_t groups;
};

enum class Residual { None, Separate, InPlace };

::testing::AssertionResult conv_matches(const ConvCase &cc, bool with_bias,
                                        Residual res,
                                        const kiln_activation &act,
                                        uint32_t seed) {
  kiln_conv_params p{};
  p.stride[0] = cc.sh, p.stride[1] = cc.sw;
  p.dilation[0] = cc.dh, p.dilation[1] = cc.dw;
  p.pad[0] = cc.pt, p.pad[1] = cc.pl, p.pad[2] = cc.pb, p.pad[3] = cc.pr;
  p.groups = cc.groups, p.act = act;
  const int32_t oh =
      (cc.h + cc.pt + cc.pb - ((cc.kh - 1) * cc.dh + 1)) / cc.sh + 1;
  const int32_t ow =
      (cc.w + cc.pl + cc.pr - ((cc.kw - 1) * cc.dw + 1)) / cc.sw + 1;
  const kiln_shape in_s = shape({cc.n, cc.c, cc.h, cc.w});
  const kiln_shape f_s = shape({cc.m, cc.c / cc.groups, cc.kh, cc.kw});
  const kiln_shape out_s = shape({cc.n, cc.m, oh, ow});
  auto in = random_floats(size_t(numel({cc.n, cc.c, cc.h, cc.w})), seed);
  auto wt = random_floats(size_t(numel({cc.m, cc.c / cc.groups, cc.kh, cc.kw})),
                          seed + 1);
  auto bias = random_floats(size_t(cc.m), seed + 2);
  const size_t out_n = size_t(numel({cc.n, cc.m, oh, ow}));
  auto resid = random_floats(out_n, seed + 3);
  std::vector<float> got(out_n, 3.0f), want(out_n, 3.0f);
  if (res == Residual::InPlace)
    got = resid, want = resid;
  const float *r_got = res == Residual::None      ? nullptr
                       : res == Residual::InPlace ? got.data()
                                                  : resid.data();
  const float *r_want = res == Residual::None      ? nullptr
                        : res == Residual::InPlace ? want.data()
                                                   : resid.data();
  const float *b = with_bias ? bias.data() : nullptr;
  if (kiln_conv2d_f32(&p, &in_s, in.data(), &f_s, wt.data(), b, r_got, &out_s,
                      got.data(), nullptr) != KILN_OK ||
      kiln_conv2d_f32_ref(&p, &in_s, in.data(), &f_s, wt.data(), b, r_want,
                          &out_s, want.data(), nullptr) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  return matches_ref(got, want);
}

// n c h w m kh kw | sh sw dh dw | pt pl pb pr | groups
const ConvCase kCases[] = {
    {2, 5, 7, 9, 11, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},   // 1x1, B in place
    {1, 6, 9, 8, 7, 1, 1, 2, 2, 1, 1, 1, 0, 0, 1, 1},    // 1x1 strided, padded
    {1, 3, 10, 13, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // 3x3 same
    {1, 4, 11, 9, 6, 3, 3, 2, 2, 1, 1, 0, 1, 2, 1, 1},   // asymmetric pads
    {1, 3, 12, 12, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},  // dilation 2
    {1, 6, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},    // groups 2
    {2, 7, 19, 23, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 7},  // depthwise s1
    {1, 5, 20, 33, 5, 3, 3, 2, 2, 1, 1, 1, 0, 1, 1, 5},  // depthwise s2
    {1, 3, 9, 17, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3},   // multiplier 2
    {1, 4, 23, 29, 4, 5, 5, 2, 2, 2, 1, 4, 3, 4, 2, 4},  // dw 5x5 s2 dilated
    {1, 2, 17, 40, 2, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 2},  // dw stride 3
    {1, 1, 5, 6, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},    // one channel
    {1, 1, 7, 7, 4, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1},    // C=1, M=4
    {1, 64, 9, 10, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // k = 576: 3 chunks
    {1, 3, 17, 17, 8, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1},  // 7x7 s2 stem
    {1, 8, 1, 1, 20, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},   // 1x1 spatial
    {1, 3, 9, 57, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3},   // dw, 4 row blocks
    {1, 2, 12, 45, 2, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 2},  // dw 5x5 s2
    {1, 3, 14, 14, 3, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3, 3},  // dw 7x7
    {1, 2, 6, 40, 2, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2},   // dw s2, pad at end
    {1, 13, 8, 70, 29, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // 13 x 33+ tiles
    {1, 1, 49, 10, 64, 10, 4, 2, 2, 1, 1, 5, 1, 4, 1, 1}, // DS-CNN stem: GEMM
    {1, 3, 25, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3},   // DS-CNN dw: flat
    {1, 4, 7, 7, 4, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 4},    // 7x7 plane, 5x5 flat
    {1, 2, 14, 14, 4, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3, 2},  // 14x14 7x7 flat x2
    {1, 3, 16, 15, 3, 3, 3, 1, 1, 1, 1, 0, 2, 2, 0, 3},  // flat, 240 outputs
    {2, 70, 1, 1, 37, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},  // SE 1x1: dot rows
    {1, 12, 1, 1, 10, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2},  // 1x1 spatial, groups
    {1, 32, 6, 9, 260, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // 2 row blocks, k 288
};

TEST(IsaConv, EdgeShapesWithBiasResidualAndActivation) {
  const kiln_activation relu{KILN_ACT_RELU, 0, 0, 0, 0};
  const kiln_activation none{};
  uint32_t seed = 10;
  for (const ConvCase &cc : kCases) {
    const size_t idx = &cc - kCases;
    EXPECT_TRUE(conv_matches(cc, false, Residual::None, none, ++seed))
        << "case " << idx;
    EXPECT_TRUE(conv_matches(cc, true, Residual::Separate, relu, ++seed))
        << "case " << idx << " with bias, residual, relu";
    EXPECT_TRUE(conv_matches(cc, true, Residual::InPlace, relu, ++seed))
        << "case " << idx << " with the residual in the output buffer";
  }
}

TEST(IsaConv, EveryFusedActivation) {
  uint32_t seed = 200;
  for (const kiln_activation &act : all_activations()) {
    EXPECT_TRUE(conv_matches(kCases[2], true, Residual::Separate, act, ++seed))
        << "implicit GEMM, activation kind " << act.kind;
    EXPECT_TRUE(conv_matches(kCases[6], true, Residual::Separate, act, ++seed))
        << "depthwise, activation kind " << act.kind;
  }
}

TEST(IsaConv, RejectsBadArgumentsLikeTheReference) {
  kiln_conv_params p{};
  p.stride[0] = p.stride[1] = p.dilation[0] = p.dilation[1] = 1;
  p.groups = 0;
  const kiln_shape s = shape({1, 1, 3, 3}), f = shape({1, 1, 1, 1});
  float x[9] = {0}, w[1] = {1}, y[9];
  EXPECT_EQ(kiln_conv2d_f32(&p, &s, x, &f, w, nullptr, nullptr, &s, y, nullptr),
            KILN_ERR_ARG);
  p.groups = 1;
  EXPECT_EQ(
      kiln_conv2d_f32(&p, &s, nullptr, &f, w, nullptr, nullptr, &s, y, nullptr),
      KILN_ERR_NULL);
}

RC_GTEST_PROP(IsaConv, RandomShapesMatchReference, ()) {
  ConvCase cc{};
  const bool depthwise = *rc::gen::arbitrary<bool>();
  const int32_t groups = *rc::gen::inRange(1, 4);
  cc.groups = groups;
  cc.n = *rc::gen::inRange(1, 3);
  cc.c = groups * (depthwise ? 1 : *rc::gen::inRange(1, 9));
  cc.m = groups * *rc::gen::inRange(1, depthwise ? 3 : 20);
  cc.kh = *rc::gen::inRange(1, 6), cc.kw = *rc::gen::inRange(1, 6);
  cc.sh = *rc::gen::inRange(1, 4), cc.sw = *rc::gen::inRange(1, 4);
  cc.dh = *rc::gen::inRange(1, 3), cc.dw = *rc::gen::inRange(1, 3);
  cc.pt = *rc::gen::inRange(0, 3), cc.pl = *rc::gen::inRange(0, 3);
  cc.pb = *rc::gen::inRange(0, 3), cc.pr = *rc::gen::inRange(0, 3);
  const int32_t span_h = (cc.kh - 1) * cc.dh + 1,
                span_w = (cc.kw - 1) * cc.dw + 1;
  cc.h = std::max(span_h - cc.pt - cc.pb, 1) + *rc::gen::inRange(0, 30);
  cc.w = std::max(span_w - cc.pl - cc.pr, 1) + *rc::gen::inRange(0, 40);
  const auto acts = all_activations();
  const kiln_activation act = acts[*rc::gen::inRange<size_t>(0, acts.size())];
  const Residual res = static_cast<Residual>(*rc::gen::inRange(0, 3));
  RC_ASSERT(conv_matches(cc, *rc::gen::arbitrary<bool>(), res, act,
                         *rc::gen::arbitrary<uint32_t>()));
}

// Depthwise at stride 1 on planes narrower than 16 columns with the output
// as wide as the input: the AVX-512 build walks the plane flat (one shifted
// load per tap for 16 outputs across rows), with any split of the padding.
RC_GTEST_PROP(IsaConv, SmallPlaneDepthwiseMatchesReference, ()) {
  ConvCase cc{};
  const int32_t k = *rc::gen::element(3, 5, 7);
  cc.groups = *rc::gen::inRange(1, 5);
  cc.n = *rc::gen::inRange(1, 3);
  cc.c = cc.groups;
  cc.m = cc.groups * *rc::gen::inRange(1, 3);
  cc.kh = cc.kw = k;
  cc.sh = cc.sw = cc.dh = cc.dw = 1;
  cc.pl = *rc::gen::inRange(0, k);
  cc.pr = k - 1 - cc.pl;
  cc.pt = *rc::gen::inRange(0, k);
  cc.pb = *rc::gen::inRange(0, k);
  cc.w = *rc::gen::inRange(1, 16);
  cc.h = std::max(k - cc.pt - cc.pb, 1) + *rc::gen::inRange(0, 20);
  const auto acts = all_activations();
  const kiln_activation act = acts[*rc::gen::inRange<size_t>(0, acts.size())];
  const Residual res = static_cast<Residual>(*rc::gen::inRange(0, 3));
  RC_ASSERT(conv_matches(cc, *rc::gen::arbitrary<bool>(), res, act,
                         *rc::gen::arbitrary<uint32_t>()));
}

} // namespace
