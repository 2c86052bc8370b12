// AVX2 / AVX-512 NHWC conv (indirect GEMM, depthwise) and pools against the
// NHWC references they replace.
#include "internal/kiln_nhwc.h"
#include "isa_util.h"
#include "nhwc_util.h"

#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <limits>

using namespace kiln_test;

namespace {

// The vector kernel against kiln_conv2d_nhwc_f32_ref: they sum in different
// orders (FMA, per-chunk partial sums), so each output may differ by 1e-5 of
// the sum of its terms' magnitudes (the reference on |operands|, no
// activation) plus 1e-5 of its value (the activation's own rounding).
::testing::AssertionResult conv_nhwc_matches_ref(const ConvCase &cc,
                                                 bool with_bias, Residual res,
                                                 const kiln_activation &act,
                                                 uint32_t seed) {
  const NhwcConv k(cc, with_bias, res, act, seed);
  std::vector<float> got = k.out_buffer(), want = k.out_buffer(), scale;
  std::vector<float> scratch(size_t(std::max(
      0,
      kiln_conv2d_nhwc_f32_scratch_size(&k.p, &k.in_s, &k.f_s, &k.out_s) / 4)));
  if (kiln_conv2d_nhwc_f32(&k.p, &k.in_s, k.in.data(), &k.f_s, k.wt.data(), k.b,
                           k.residual_for(got), &k.out_s, got.data(),
                           scratch.empty() ? nullptr : scratch.data()) !=
          KILN_OK ||
      kiln_conv2d_nhwc_f32_ref(&k.p, &k.in_s, k.in.data(), &k.f_s, k.wt.data(),
                               k.b, k.residual_for(want), &k.out_s, want.data(),
                               nullptr) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  if (!k.magnitudes(kiln_conv2d_nhwc_f32_ref, scale))
    return ::testing::AssertionFailure() << "|terms| status";
  return within_rounding(got, want, scale);
}

// n c h w m kh kw | sh sw dh dw | pt pl pb pr | groups
const ConvCase kCases[] = {
    {2, 5, 7, 9, 11, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},    // 1x1, M < 16
    {1, 6, 9, 8, 7, 1, 1, 2, 2, 1, 1, 1, 0, 0, 1, 1},     // 1x1 strided, padded
    {1, 3, 10, 13, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // 3x3, M tail 1
    {1, 4, 11, 9, 6, 3, 3, 2, 2, 1, 1, 0, 1, 2, 1, 1},    // asymmetric pads
    {1, 3, 12, 12, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},   // dilation 2
    {1, 6, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},     // groups 2
    {1, 3, 9, 17, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3},    // dw multiplier 2
    {1, 64, 9, 10, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // 4 taps per chunk
    {1, 300, 5, 6, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // C split in chunks
    {1, 3, 17, 17, 8, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1},   // 7x7 s2 stem
    {1, 1, 5, 5, 3, 10, 4, 1, 1, 1, 1, 5, 1, 4, 1, 1},    // 40 taps of C = 1
    {1, 8, 1, 1, 20, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},    // one pixel
    {1, 64, 6, 7, 96, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},   // 1x1, 3 panels
    {2, 96, 9, 9, 40, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1},   // 1x1 s2 downsample
    {2, 7, 19, 23, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 7},   // depthwise s1
    {1, 5, 20, 33, 5, 3, 3, 2, 2, 1, 1, 1, 0, 1, 1, 5},   // depthwise s2
    {1, 4, 23, 29, 4, 5, 5, 2, 2, 2, 1, 4, 3, 4, 2, 4},   // dw 5x5 s2 dilated
    {1, 64, 25, 5, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 64}, // DS-CNN dw
    {1, 40, 6, 7, 40, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 40},  // dw 5x5 s2, C % 16
    {1, 33, 12, 13, 33, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 33}, // dw unpadded
    {1, 19, 3, 2, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 19},   // dw, no interior
    {1, 1, 7, 7, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},      // C = M = 1
    // AVX-512 single-pixel depthwise: all channel blocks side by side, four
    // at a time, then 1-4 left (the last masked).
    {1, 49, 7, 7, 49, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 49},    // 3 + 1 lane
    {1, 61, 7, 7, 61, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 61},    // 3 + 13 lanes
    {1, 125, 7, 6, 125, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 125}, // 4 + 3 + 13
    {1, 36, 5, 7, 36, 7, 3, 1, 1, 1, 1, 3, 1, 3, 1, 36},    // 7x3 kernel
    // AVX-512 GEMM: 16-column panels (M = 16, M = 48's tail), the 8-pixel
    // tail (6x7 s1 = 3 x 12 + 6) and the 10-pixel tiles of a 7x7 image
    // (4 x 10 + 9, kiln_internal_nhwc_tile_step) over 32 and 16 columns; a
    // 10-pixel image is one full 10-pixel tile, all of K in one chunk.
    {1, 16, 6, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {1, 16, 7, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {1, 40, 2, 5, 64, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},
    {1, 24, 7, 7, 48, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},
    {1, 20, 6, 7, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {1, 300, 7, 7, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    // AVX-512 5x5 depthwise sliding windows: 4-pixel windows inside the row
    // and over the padding, 2-pixel tails, a last single pixel, a masked
    // 16-or-fewer-channel last block, windows with whole columns in the
    // padding.
    {1, 48, 9, 15, 48, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 48},  // 4+4+4+2+1 px
    {1, 17, 11, 20, 17, 5, 5, 2, 2, 1, 1, 1, 2, 2, 1, 17}, // s2, 17 lanes
    {1, 24, 6, 6, 24, 5, 5, 1, 1, 1, 1, 3, 4, 3, 4, 24},   // pad 4 > 5 / 2
    {2, 70, 13, 29, 70, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 70}, // s2, 64 + 6 lanes
    // Edge windows with the padding columns clipped: 4 clipped + 4 + 4 + 2
    // clipped pixels (14 wide), and 4 clipped + 2 clipped + 1 (7 wide).
    {1, 40, 5, 14, 40, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 40},
    {1, 20, 7, 7, 20, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 20},
    // Dense 1x1 GEMM (row i of the image is pixel i's row of A) and its
    // one-chunk full-tile stores: M = 24 (a 24-column panel, the second half
    // masked; 6x8 = 4 full 12-pixel tiles), groups 2 (each group's channel
    // offset), and 1x1 convs with only end padding (not dense: the extra
    // output row and column are padding).
    {1, 40, 6, 8, 24, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},
    {2, 12, 5, 6, 40, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2},
    {1, 6, 5, 5, 7, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1},
    // Padded images small enough to be copied, padding and all, into the
    // edge buffer (DS-CNN's stem, 2 batches), and larger ones whose edge
    // windows still copy their short runs (3 x 3 and 4 x 1 floats).
    {2, 1, 49, 10, 64, 10, 4, 2, 2, 1, 1, 5, 1, 4, 1, 1},
    {1, 3, 40, 40, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {1, 1, 98, 40, 8, 10, 4, 2, 2, 1, 1, 5, 1, 4, 1, 1},
};

TEST(IsaConvNhwc, EdgeShapesWithBiasResidualAndActivation) {
  const kiln_activation relu{KILN_ACT_RELU, 0, 0, 0, 0};
  const kiln_activation none{};
  uint32_t seed = 40;
  for (const ConvCase &cc : kCases) {
    const size_t idx = &cc - kCases;
    EXPECT_TRUE(conv_nhwc_matches_ref(cc, false, Residual::None, none, ++seed))
        << "case " << idx;
    EXPECT_TRUE(
        conv_nhwc_matches_ref(cc, true, Residual::Separate, relu, ++seed))
        << "case " << idx << " with bias, residual, relu";
    EXPECT_TRUE(
        conv_nhwc_matches_ref(cc, true, Residual::InPlace, relu, ++seed))
        << "case " << idx << " with the residual in the output buffer";
  }
}

TEST(IsaConvNhwc, EveryFusedActivation) {
  uint32_t seed = 300;
  for (const kiln_activation &act : all_activations()) {
    EXPECT_TRUE(
        conv_nhwc_matches_ref(kCases[8], true, Residual::Separate, act, ++seed))
        << "GEMM, activation kind " << act.kind;
    // One chunk (all of K), full tiles: the AVX-512 stores with the
    // activation kind constant, 32- and 24-column panels.
    EXPECT_TRUE(conv_nhwc_matches_ref(kCases[12], true, Residual::Separate,
                                      act, ++seed))
        << "pointwise, activation kind " << act.kind;
    EXPECT_TRUE(conv_nhwc_matches_ref(kCases[std::size(kCases) - 6], true,
                                      Residual::InPlace, act, ++seed))
        << "pointwise M = 24, activation kind " << act.kind;
    EXPECT_TRUE(conv_nhwc_matches_ref(kCases[17], true, Residual::Separate, act,
                                      ++seed))
        << "depthwise, activation kind " << act.kind;
    EXPECT_TRUE(conv_nhwc_matches_ref(kCases[30], true, Residual::Separate, act,
                                      ++seed))
        << "5x5 depthwise windows, activation kind " << act.kind;
  }
}

TEST(IsaConvNhwc, RejectsBadArgumentsLikeTheReference) {
  kiln_conv_params p{};
  p.stride[0] = p.stride[1] = p.dilation[0] = p.dilation[1] = 1;
  p.groups = 0;
  const kiln_shape s = shape({1, 3, 3, 1}), f = shape({1, 1, 1, 1});
  float x[9] = {0}, w[1] = {1}, y[9];
  EXPECT_EQ(
      kiln_conv2d_nhwc_f32(&p, &s, x, &f, w, nullptr, nullptr, &s, y, nullptr),
      KILN_ERR_ARG);
  p.groups = 1;
  EXPECT_EQ(kiln_conv2d_nhwc_f32(&p, &s, x, &f, nullptr, nullptr, nullptr, &s,
                                 y, nullptr),
            KILN_ERR_NULL);
}

RC_GTEST_PROP(IsaConvNhwc, RandomShapesMatchReference, ()) {
  ConvCase cc{};
  const int kind = *rc::gen::inRange(0, 3); // dense, grouped, depthwise
  const int32_t groups = kind == 0   ? 1
                         : kind == 1 ? *rc::gen::inRange(2, 4)
                                     : *rc::gen::inRange(1, 70);
  cc.groups = groups;
  cc.n = *rc::gen::inRange(1, 3);
  cc.c = groups * (kind == 2 ? 1 : *rc::gen::inRange(1, 80));
  cc.m = groups * (kind == 2 ? 1 : *rc::gen::inRange(1, 70));
  gen_conv_geometry(cc, 16, 24);
  const auto acts = all_activations();
  const kiln_activation act = acts[*rc::gen::inRange<size_t>(0, acts.size())];
  const Residual res = static_cast<Residual>(*rc::gen::inRange(0, 3));
  const auto r = conv_nhwc_matches_ref(cc, *rc::gen::arbitrary<bool>(), res,
                                       act, *rc::gen::arbitrary<uint32_t>());
  RC_LOG() << r.message() << "\n";
  RC_ASSERT(static_cast<bool>(r));
}

::testing::AssertionResult bits_equal(const std::vector<float> &got,
                                      const std::vector<float> &want) {
  for (size_t i = 0; i < got.size(); ++i)
    if (std::memcmp(&got[i], &want[i], sizeof(float)) != 0 &&
        !(std::isnan(got[i]) && std::isnan(want[i])))
      return ::testing::AssertionFailure()
             << "at " << i << ": got " << got[i] << " want " << want[i];
  return ::testing::AssertionSuccess();
}

// kind 0: max (with NaNs and signed zeros planted), 1: average without
// padding in the divisor, 2: with. Bit-identical with the reference.
::testing::AssertionResult pool_nhwc_matches_ref(const PoolCase &k, int kind,
                                                 uint32_t seed) {
  kiln_pool_params p{};
  p.kernel[0] = k.kh, p.kernel[1] = k.kw;
  p.stride[0] = k.sh, p.stride[1] = k.sw;
  p.dilation[0] = k.dh, p.dilation[1] = k.dw;
  p.pad[0] = k.pt, p.pad[1] = k.pl, p.pad[2] = k.pb, p.pad[3] = k.pr;
  p.count_include_pad = kind == 2;
  const int32_t oh =
      (k.h + k.pt + k.pb - ((k.kh - 1) * k.dh + 1)) / k.sh + 1 + k.oh_extra;
  const int32_t ow =
      (k.w + k.pl + k.pr - ((k.kw - 1) * k.dw + 1)) / k.sw + 1 + k.ow_extra;
  auto x = random_floats(size_t(numel({k.n, k.h, k.w, k.c})), seed, -4, 4);
  if (kind == 0 && x.size() > 7) {
    x[x.size() / 3] = std::numeric_limits<float>::quiet_NaN();
    x[x.size() / 2] = 0.0f, x[x.size() / 2 + 1] = -0.0f;
  }
  const kiln_shape in_s = shape({k.n, k.h, k.w, k.c}),
                   out_s = shape({k.n, oh, ow, k.c});
  const size_t out_n = size_t(numel({k.n, oh, ow, k.c}));
  std::vector<float> want(out_n, 7.0f), got(out_n, 7.0f);
  const auto fn =
      kind == 0 ? kiln_max_pool2d_nhwc_f32 : kiln_avg_pool2d_nhwc_f32;
  if (fn(&p, &in_s, x.data(), &out_s, got.data()) != KILN_OK ||
      kiln_internal_pool2d_nhwc_f32_ref(kind == 0, &p, &in_s, x.data(), &out_s,
                                        want.data()) != KILN_OK)
    return ::testing::AssertionFailure() << "status";
  return bits_equal(got, want);
}

::testing::AssertionResult global_nhwc_matches_ref(int32_t n, int32_t c,
                                                   int32_t h, int32_t w,
                                                   bool is_max, uint32_t seed) {
  auto x = random_floats(size_t(numel({n, h, w, c})), seed, -4, 4);
  if (is_max && x.size() > 5)
    x[x.size() / 2] = std::numeric_limits<float>::quiet_NaN();
  const kiln_shape s = shape({n, h, w, c});
  std::vector<float> want(size_t(n) * c, 7.0f), got(want.size(), 7.0f);
  const kiln_reduce_kind kind = is_max ? KILN_REDUCE_MAX : KILN_REDUCE_MEAN;
  if ((is_max ? kiln_global_max_pool_nhwc_f32 : kiln_global_avg_pool_nhwc_f32)(
          &s, x.data(), got.data()) != KILN_OK ||
      kiln_internal_global_pool_nhwc_f32_ref(kind, &s, x.data(), want.data()) !=
          KILN_OK)
    return ::testing::AssertionFailure() << "status";
  return bits_equal(got, want);
}

// n c h w kh kw | sh sw dh dw | pt pl pb pr | ceil extra
const PoolCase kPoolCases[] = {
    {1, 3, 8, 8, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0},
    {2, 64, 112, 112, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0},
    {1, 5, 9, 11, 3, 2, 2, 3, 2, 1, 1, 0, 2, 1, 0, 0},
    {1, 17, 7, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1},
    {1, 70, 5, 6, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0},
    {1, 8, 4, 4, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0},
};

TEST(IsaPoolNhwc, BitIdenticalWithTheReference) {
  uint32_t seed = 77;
  for (const PoolCase &k : kPoolCases)
    for (int kind = 0; kind < 3; ++kind)
      EXPECT_TRUE(pool_nhwc_matches_ref(k, kind, ++seed))
          << "case " << (&k - kPoolCases) << " kind " << kind;
  const int32_t g[][4] = {{1, 512, 7, 7}, {2, 3, 5, 4},   {1, 1280, 7, 7},
                          {1, 17, 1, 1},  {1, 64, 25, 5}, {1, 70, 3, 3}};
  for (const auto &s : g)
    for (bool is_max : {false, true})
      EXPECT_TRUE(
          global_nhwc_matches_ref(s[0], s[1], s[2], s[3], is_max, ++seed))
          << s[1] << " channels, max " << is_max;
}

// The two references, NHWC on the transpose and NCHW, bit for bit (the
// NCHW AVX2 pool is an ulp off its reference on some small windows, so the
// contract test compares the public kernels to rounding).
RC_GTEST_PROP(IsaPoolNhwc, ReferenceBitIdenticalWithNchwReference, ()) {
  const int32_t n = *rc::gen::inRange(1, 3), c = *rc::gen::inRange(1, 20);
  const int32_t h = *rc::gen::inRange(2, 12), w = *rc::gen::inRange(2, 12);
  kiln_pool_params p{};
  p.kernel[0] = *rc::gen::inRange(1, std::min(h, 4) + 1);
  p.kernel[1] = *rc::gen::inRange(1, std::min(w, 4) + 1);
  p.stride[0] = *rc::gen::inRange(1, 3), p.stride[1] = *rc::gen::inRange(1, 3);
  p.dilation[0] = p.dilation[1] = 1;
  p.pad[0] = p.pad[2] = *rc::gen::inRange(0, p.kernel[0]);
  p.pad[1] = p.pad[3] = *rc::gen::inRange(0, p.kernel[1]);
  p.count_include_pad = *rc::gen::inRange(0, 2);
  const int is_max = *rc::gen::inRange(0, 2);
  const int32_t oh = (h + 2 * p.pad[0] - p.kernel[0]) / p.stride[0] + 1;
  const int32_t ow = (w + 2 * p.pad[1] - p.kernel[1]) / p.stride[1] + 1;
  auto x = random_floats(size_t(n) * c * h * w, *rc::gen::arbitrary<uint32_t>(),
                         -4, 4);
  std::vector<float> xt(x.size()), want(size_t(n) * c * oh * ow), got(want);
  for (int32_t b = 0; b < n; ++b)
    for (int32_t j = 0; j < c; ++j)
      for (int32_t k = 0; k < h * w; ++k)
        xt[(size_t(b) * h * w + k) * c + j] =
            x[(size_t(b) * c + j) * h * w + k];
  const kiln_shape in_s = shape({n, c, h, w}), out_s = shape({n, c, oh, ow});
  const kiln_shape in_t = shape({n, h, w, c}), out_t = shape({n, oh, ow, c});
  RC_ASSERT(kiln_internal_pool2d_f32_ref(is_max, &p, &in_s, x.data(), &out_s,
                                         want.data()) == KILN_OK);
  RC_ASSERT(kiln_internal_pool2d_nhwc_f32_ref(is_max, &p, &in_t, xt.data(),
                                              &out_t, got.data()) == KILN_OK);
  std::vector<float> want_t(want.size());
  for (int32_t b = 0; b < n; ++b)
    for (int32_t j = 0; j < c; ++j)
      for (int32_t k = 0; k < oh * ow; ++k)
        want_t[(size_t(b) * oh * ow + k) * c + j] =
            want[(size_t(b) * c + j) * oh * ow + k];
  const auto r = bits_equal(got, want_t);
  RC_LOG() << r.message() << "\n";
  RC_ASSERT(static_cast<bool>(r));
}

RC_GTEST_PROP(IsaPoolNhwc, RandomGeometryBitIdentical, ()) {
  const PoolCase k = gen_pool_case(80);
  const auto r = pool_nhwc_matches_ref(k, *rc::gen::inRange(0, 3),
                                       *rc::gen::arbitrary<uint32_t>());
  RC_LOG() << r.message() << "\n";
  RC_ASSERT(static_cast<bool>(r));
  const auto g =
      global_nhwc_matches_ref(k.n, k.c, k.h, k.w, *rc::gen::arbitrary<bool>(),
                              *rc::gen::arbitrary<uint32_t>());
  RC_LOG() << g.message() << "\n";
  RC_ASSERT(static_cast<bool>(g));
}

} // namespace
