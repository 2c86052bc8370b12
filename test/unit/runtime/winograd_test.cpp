// Winograd F(4x4, 3x3) NHWC conv (runtime.h): the filter shape and transform,
// the conv against the direct kiln_conv2d_nhwc_f32 on the HWIO filter within
// a scale-aware rounding bound, its scratch size, and its argument checks.
#include "nhwc_util.h"

#include <rapidcheck/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

using namespace kiln_test;

namespace {

// Scratch of `bytes`, 64-byte aligned, followed by 64 guard floats that the
// conv must leave alone.
struct Scratch {
  static constexpr size_t kGuard = 64;
  static constexpr float kMark = -12345.0f;
  AlignedFloats mem;
  size_t n;
  explicit Scratch(int32_t bytes, size_t offset = 0)
      : mem(size_t(bytes) / 4 + kGuard, offset), n(size_t(bytes) / 4) {
    std::fill(mem.p, mem.p + n + kGuard, kMark);
  }
  bool guard_intact() const {
    for (size_t i = 0; i < kGuard; ++i)
      if (mem.p[n + i] != kMark)
        return false;
    return true;
  }
};

size_t count(const kiln_shape &s) {
  return size_t(numel(std::vector<int32_t>(s.dims, s.dims + s.rank)));
}

// The largest |winograd - direct| seen by wino_matches_direct relative to
// the output's own sum of |terms| and to its tile scale (below), printed
// by the last test (the measured error).
double g_max_rel_terms = 0.0, g_max_rel_tile = 0.0;

// How far Winograd may be from the direct conv. An output's Winograd sum
// passes through every input of its 6x6 tile (B^T d B mixes them, A^T
// cancels the ones that are not its taps only in exact arithmetic), so
// its rounding error scales with the tile's inputs, not with the output's
// own terms: an edge output with one tap inside the image measured 6e-5 of
// its single |x * w|. The scale is therefore per tile: sum over c of
// max |x| over the 6x6 tile times sum |w| over the 9 taps (plus |bias| and
// |residual|). Measured up to ~3e-6 of it (ReportMeasuredError) on every
// build, so 1e-5 has a 3x margin and still fails on a wrong transform
// constant. The 1e-5 of the value covers the activations' own rounding;
// 1e-6 absolute, outputs whose terms are all ~0.
constexpr double kRel = 1e-5;

// The tile scale above for every output of k.
std::vector<float> tile_scale(const NhwcConv &k, const ConvCase &cc) {
  const int32_t c_n = cc.c, m = cc.m;
  std::vector<double> wsum(size_t(c_n) * m, 0.0);
  for (int32_t t = 0; t < 9; ++t)
    for (int32_t c = 0; c < c_n; ++c)
      for (int32_t oc = 0; oc < m; ++oc)
        wsum[size_t(c) * m + oc] +=
            std::fabs(k.wt[(size_t(t) * c_n + c) * m + oc]);
  std::vector<float> scale(k.out_n);
  std::vector<double> xmax(static_cast<size_t>(c_n));
  for (int32_t n = 0; n < cc.n; ++n)
    for (int32_t th = 0; th < k.oh; th += 4)
      for (int32_t tw = 0; tw < k.ow; tw += 4) {
        std::fill(xmax.begin(), xmax.end(), 0.0);
        for (int32_t i = 0; i < 6; ++i)
          for (int32_t j = 0; j < 6; ++j) {
            const int32_t ih = th - cc.pt + i, iw = tw - cc.pl + j;
            if (ih < 0 || ih >= cc.h || iw < 0 || iw >= cc.w)
              continue;
            for (int32_t c = 0; c < c_n; ++c)
              xmax[size_t(c)] = std::max(
                  xmax[size_t(c)],
                  double(std::fabs(
                      k.in[((size_t(n) * cc.h + ih) * cc.w + iw) * c_n + c])));
          }
        for (int32_t i = th; i < std::min(th + 4, k.oh); ++i)
          for (int32_t j = tw; j < std::min(tw + 4, k.ow); ++j)
            for (int32_t oc = 0; oc < m; ++oc) {
              const size_t o = ((size_t(n) * k.oh + i) * k.ow + j) * m + oc;
              double sc = k.b ? std::fabs(k.b[oc]) : 0.0;
              if (k.res != Residual::None)
                sc += std::fabs(k.resid[o]);
              for (int32_t c = 0; c < c_n; ++c)
                sc += xmax[size_t(c)] * wsum[size_t(c) * m + oc];
              scale[o] = float(sc);
            }
      }
  return scale;
}

::testing::AssertionResult close_to_direct(const std::vector<float> &got,
                                           const std::vector<float> &want,
                                           const std::vector<float> &terms,
                                           const std::vector<float> &tile) {
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::fabs(double(got[i]) - want[i]);
    g_max_rel_terms =
        std::max(g_max_rel_terms, err / (double(terms[i]) + 1e-3));
    g_max_rel_tile = std::max(g_max_rel_tile, err / (double(tile[i]) + 1e-3));
    const double tol =
        kRel * (double(tile[i]) + std::fabs(double(want[i]))) + 1e-6;
    if (!(err <= tol))
      return ::testing::AssertionFailure()
             << "at " << i << ": winograd " << got[i] << " direct " << want[i]
             << " (|terms| " << terms[i] << ", tile scale " << tile[i]
             << ", tolerance " << tol << ")";
  }
  return ::testing::AssertionSuccess();
}

// A 3x3 stride-1 conv case with pads (pt, pl, pb, pr).
ConvCase wcase(int32_t n, int32_t c, int32_t h, int32_t w, int32_t m,
               int32_t pt, int32_t pl, int32_t pb, int32_t pr) {
  return {n, c, h, w, m, 3, 3, 1, 1, 1, 1, pt, pl, pb, pr, 1};
}

// The conv through Winograd (filter transformed at panel width nr, placed
// `offset` floats off 64-byte alignment) against the direct conv on HWIO.
::testing::AssertionResult wino_matches_direct(const ConvCase &cc, int32_t nr,
                                               size_t offset, bool with_bias,
                                               Residual res,
                                               const kiln_activation &act,
                                               uint32_t seed,
                                               size_t scratch_offset = 0) {
  const NhwcConv k(cc, with_bias, res, act, seed);
  kiln_shape w_s{};
  if (kiln_conv2d_nhwc_winograd_shape(&k.f_s, nr, &w_s) != KILN_OK)
    return ::testing::AssertionFailure() << "winograd_shape status";
  AlignedFloats wino(count(w_s), offset);
  if (kiln_conv2d_nhwc_winograd_filter_f32(&k.f_s, k.wt.data(), &w_s,
                                           wino.p) != KILN_OK)
    return ::testing::AssertionFailure() << "winograd_filter status";
  const int32_t bytes = kiln_conv2d_nhwc_winograd_f32_scratch_size(
      &k.p, &k.in_s, &w_s, &k.out_s);
  if (bytes <= 0)
    return ::testing::AssertionFailure() << "scratch size " << bytes;
  Scratch scratch(bytes, scratch_offset);
  // NaN where nothing is written beforehand: every output must be stored.
  std::vector<float> got = res == Residual::InPlace
                               ? k.resid
                               : std::vector<float>(
                                     k.out_n,
                                     std::numeric_limits<float>::quiet_NaN());
  std::vector<float> want = k.out_buffer(), scale;
  if (kiln_conv2d_nhwc_winograd_f32(&k.p, &k.in_s, k.in.data(), &w_s, wino.p,
                                    k.b, k.residual_for(got), &k.out_s,
                                    got.data(), scratch.mem.p) != KILN_OK)
    return ::testing::AssertionFailure() << "winograd conv status";
  if (!scratch.guard_intact())
    return ::testing::AssertionFailure() << "wrote past its scratch";
  if (kiln_conv2d_nhwc_f32(&k.p, &k.in_s, k.in.data(), &k.f_s, k.wt.data(),
                           k.b, k.residual_for(want), &k.out_s, want.data(),
                           nullptr) != KILN_OK)
    return ::testing::AssertionFailure() << "direct conv status";
  if (!k.magnitudes(kiln_conv2d_nhwc_f32, scale))
    return ::testing::AssertionFailure() << "|terms| status";
  return close_to_direct(got, want, scale, tile_scale(k, cc));
}

// n c h w m | pt pl pb pr
const ConvCase kCases[] = {
    wcase(1, 3, 6, 6, 4, 1, 1, 1, 1),       // one full tile
    wcase(2, 5, 7, 9, 11, 1, 1, 1, 1),      // edge tiles on both axes
    wcase(1, 17, 10, 13, 33, 0, 0, 0, 0),   // pads 0: 8x11 out
    wcase(1, 9, 3, 3, 7, 0, 0, 0, 0),       // 1x1 output
    wcase(1, 9, 4, 4, 7, 0, 0, 0, 0),       // 2x2 output
    wcase(1, 6, 5, 7, 19, 2, 2, 2, 2),      // pads 2: tiles all padding edge
    wcase(1, 4, 11, 9, 70, 0, 1, 2, 1),     // asymmetric pads, 70 channels
    wcase(1, 33, 13, 13, 48, 1, 1, 1, 1),   // C tail past 32, 3 M panels of 16
    wcase(1, 300, 6, 7, 40, 1, 1, 1, 1),    // C split in two GEMM k-chunks
    wcase(3, 16, 9, 10, 16, 1, 2, 0, 1),    // batch 3, tiles across images
    wcase(1, 64, 30, 29, 20, 1, 1, 1, 1),   // several blocks of tiles
    wcase(1, 2, 1, 1, 3, 1, 1, 1, 1),       // 1x1 input, all padding around
};

TEST(ConvNhwcWinograd, ShapeOfTheTransformedFilter) {
  kiln_shape f = shape({3, 3, 20, 70}), w{};
  ASSERT_EQ(kiln_conv2d_nhwc_winograd_shape(&f, 32, &w), KILN_OK);
  ASSERT_EQ(w.rank, KILN_WINOGRAD_FILTER_RANK);
  const int32_t want[5] = {3, 6, 6, 20, 32};
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(w.dims[i], want[i]) << "dim " << i;
  ASSERT_EQ(kiln_conv2d_nhwc_winograd_shape(&f, 1, &w), KILN_OK);
  EXPECT_EQ(w.dims[0], 70);
  ASSERT_EQ(kiln_conv2d_nhwc_winograd_shape(&f, 64, &w), KILN_OK);
  EXPECT_EQ(w.dims[0], 2);

  EXPECT_EQ(kiln_conv2d_nhwc_winograd_shape(nullptr, 32, &w), KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_shape(&f, 32, nullptr), KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_shape(&f, 0, &w), KILN_ERR_ARG);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_shape(&f, 65, &w), KILN_ERR_ARG);
  for (const kiln_shape &bad :
       {shape({5, 5, 20, 70}), shape({3, 1, 20, 70}), shape({3, 3, 0, 70}),
        shape({3, 3, 20, 0}), shape({3, 3, 20}), shape({1, 3, 3, 20, 70})})
    EXPECT_EQ(kiln_conv2d_nhwc_winograd_shape(&bad, 32, &w), KILN_ERR_ARG);
}

// wino[p][a][b][c][l] = (G f G^T)[a][b], G written out here independently
// of the runtime's table, computed in double; 0 past M.
TEST(ConvNhwcWinograd, FilterIsGFGtInPanels) {
  const double g[6][3] = {{0.25, 0, 0},
                          {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                          {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                          {1.0 / 24, 1.0 / 12, 1.0 / 6},
                          {1.0 / 24, -1.0 / 12, 1.0 / 6},
                          {0, 0, 1}};
  const int32_t c_n = 5, m = 7, nr = 3;
  kiln_shape f = shape({3, 3, c_n, m}), w{};
  const std::vector<float> hwio = random_floats(size_t(9 * c_n * m), 11);
  ASSERT_EQ(kiln_conv2d_nhwc_winograd_shape(&f, nr, &w), KILN_OK);
  std::vector<float> wino(count(w), std::numeric_limits<float>::quiet_NaN());
  ASSERT_EQ(kiln_conv2d_nhwc_winograd_filter_f32(&f, hwio.data(), &w,
                                                 wino.data()),
            KILN_OK);
  for (int32_t p = 0; p < w.dims[0]; ++p)
    for (int32_t a = 0; a < 6; ++a)
      for (int32_t b = 0; b < 6; ++b)
        for (int32_t c = 0; c < c_n; ++c)
          for (int32_t l = 0; l < nr; ++l) {
            const int32_t oc = p * nr + l;
            double u = 0;
            if (oc < m)
              for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 3; ++j)
                  u += g[a][i] * hwio[size_t(((i * 3 + j) * c_n + c) * m + oc)] *
                       g[b][j];
            const float got =
                wino[size_t((((p * 6 + a) * 6 + b) * c_n + c) * nr + l)];
            EXPECT_NEAR(got, u, 1e-6 * (1 + std::fabs(u)))
                << "p " << p << " a " << a << " b " << b << " c " << c
                << " l " << l;
          }
  // Mismatched destinations are refused.
  kiln_shape bad = w;
  bad.dims[0] += 1;
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_filter_f32(&f, hwio.data(), &bad,
                                                 wino.data()),
            KILN_ERR_ARG);
  bad = w;
  bad.rank = 4;
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_filter_f32(&f, hwio.data(), &bad,
                                                 wino.data()),
            KILN_ERR_ARG);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_filter_f32(&f, nullptr, &w, wino.data()),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_filter_f32(&f, hwio.data(), &w, nullptr),
            KILN_ERR_NULL);
}

TEST(ConvNhwcWinograd, MatchesDirectForEveryPanelWidth) {
  const kiln_activation relu{KILN_ACT_RELU, 0, 0, 0, 0};
  const kiln_activation none{};
  uint32_t seed = 4100;
  for (const ConvCase &cc : kCases)
    for (int32_t nr : {32, 16, 5, 1})
      for (size_t offset : {size_t(0), size_t(1)}) {
        const size_t idx = &cc - kCases;
        EXPECT_TRUE(wino_matches_direct(cc, nr, offset, false, Residual::None,
                                        none, ++seed))
            << "case " << idx << " nr " << nr << " offset " << offset;
        EXPECT_TRUE(wino_matches_direct(cc, nr, offset, true,
                                        Residual::Separate, relu, ++seed))
            << "case " << idx << " nr " << nr << " offset " << offset
            << " with bias, residual, relu";
        EXPECT_TRUE(wino_matches_direct(cc, nr, offset, true,
                                        Residual::InPlace, none, ++seed))
            << "case " << idx << " nr " << nr << " offset " << offset
            << " with the residual in the output buffer";
      }
}

TEST(ConvNhwcWinograd, EveryFusedActivation) {
  uint32_t seed = 5100;
  for (int kind = KILN_ACT_NONE; kind <= KILN_ACT_SILU; ++kind) {
    const kiln_activation act{static_cast<kiln_act_kind>(kind), 0.2f, 0.4f,
                              -0.5f, 0.75f};
    for (int32_t nr : {32, 16})
      for (size_t i : {size_t(1), size_t(7)})
        EXPECT_TRUE(wino_matches_direct(kCases[i], nr, 0, true,
                                        Residual::Separate, act, ++seed))
            << "activation " << kind << " case " << i << " nr " << nr;
  }
}

// 64-byte alignment of the scratch is the fast case, not a requirement: a
// misaligned one (4 bytes past) gives the same results.
TEST(ConvNhwcWinograd, AnyScratchAlignment) {
  const kiln_activation relu{KILN_ACT_RELU, 0, 0, 0, 0};
  uint32_t seed = 5900;
  for (size_t i : {size_t(1), size_t(7), size_t(10)})
    EXPECT_TRUE(wino_matches_direct(kCases[i], 32, 0, true,
                                    Residual::Separate, relu, ++seed, 1))
        << "case " << i;
}

// Larger, ResNet-like layers: blocks of many tiles, several k-chunks and
// panels, the magnitudes of real activations.
TEST(ConvNhwcWinograd, ResNetSizedLayers) {
  const kiln_activation relu{KILN_ACT_RELU, 0, 0, 0, 0};
  uint32_t seed = 6100;
  for (const ConvCase &cc :
       {wcase(1, 64, 28, 28, 64, 1, 1, 1, 1),
        wcase(1, 256, 14, 14, 96, 1, 1, 1, 1),
        wcase(1, 512, 7, 7, 40, 1, 1, 1, 1)})
    for (int32_t nr : {32, 16})
      EXPECT_TRUE(wino_matches_direct(cc, nr, 0, true, Residual::Separate,
                                      relu, ++seed))
          << "c " << cc.c << " h " << cc.h << " m " << cc.m << " nr " << nr;
}

RC_GTEST_PROP(ConvNhwcWinograd, MatchesDirectOnRandomShapes, ()) {
  ConvCase cc = wcase(*rc::gen::inRange(1, 3), *rc::gen::inRange(1, 40),
                      0, 0, *rc::gen::inRange(1, 70), *rc::gen::inRange(0, 3),
                      *rc::gen::inRange(0, 3), *rc::gen::inRange(0, 3),
                      *rc::gen::inRange(0, 3));
  cc.h = std::max(3 - cc.pt - cc.pb, 1) + *rc::gen::inRange(0, 14);
  cc.w = std::max(3 - cc.pl - cc.pr, 1) + *rc::gen::inRange(0, 14);
  const int32_t nr = *rc::gen::element(1, 5, 16, 32, 64);
  const bool bias = *rc::gen::arbitrary<bool>();
  const Residual res = *rc::gen::element(Residual::None, Residual::Separate,
                                         Residual::InPlace);
  const kiln_activation act{
      *rc::gen::element(KILN_ACT_NONE, KILN_ACT_RELU, KILN_ACT_CLIP,
                        KILN_ACT_SILU),
      0, 0, -0.5f, 0.75f};
  const ::testing::AssertionResult r =
      wino_matches_direct(cc, nr, *rc::gen::inRange<size_t>(0, 2), bias, res,
                          act, *rc::gen::arbitrary<uint32_t>());
  RC_LOG() << "n " << cc.n << " c " << cc.c << " h " << cc.h << " w " << cc.w
           << " m " << cc.m << " pads " << cc.pt << cc.pl << cc.pb << cc.pr
           << " nr " << nr << ": " << r.message() << "\n";
  RC_ASSERT(bool(r));
}

// The arena is planned with the generic runtime, so every build must ask
// for the same bytes: these are the values of the block formula
// (kiln_internal_wino_geometry), checked on each build's suite.
TEST(ConvNhwcWinograd, ScratchSizeIsTheSameOnEveryBuild) {
  struct Want {
    ConvCase cc;
    int32_t bytes;
  };
  // cs = C rounded up to 16; tiles per block: 256 KB / (4 * 36 * (cs +
  // 64)) bytes in steps of 12 (at least 12), evened out over the blocks, at
  // most all tiles; V and the products each 36 points apart, rounded to an
  // odd number of 64-byte lines (odd()).
  auto odd = [](int32_t floats) {
    const int32_t lines = (floats + 15) / 16;
    return 16 * (lines % 2 ? lines : lines + 1);
  };
  auto bytes = [&](int32_t block, int32_t cs) {
    return 4 * 36 * (odd(block * cs) + odd(block * 64));
  };
  const Want wants[] = {
      // 196 tiles, 12 per block (14 fit).
      {wcase(1, 64, 56, 56, 64, 1, 1, 1, 1), bytes(12, 64)},
      // 49 tiles, 12 per block (9 fit, at least 12).
      {wcase(1, 128, 28, 28, 128, 1, 1, 1, 1), bytes(12, 128)},
      // 4 tiles, all in one block.
      {wcase(1, 512, 7, 7, 512, 1, 1, 1, 1), bytes(4, 512)},
      // 64 tiles of C 16 (cs 16): 22 fit -> 12 per block.
      {wcase(1, 16, 32, 32, 16, 1, 1, 1, 1), bytes(12, 16)},
      // C = 3 -> cs 16; 1 tile.
      {wcase(1, 3, 4, 4, 5, 0, 0, 0, 0), bytes(1, 16)},
      // 2 x 15 x 15 tiles of C 20 (cs 32): 18 fit -> 12, 38 blocks of
      // <= 12 stay 12.
      {wcase(2, 20, 60, 60, 8, 1, 1, 1, 1), bytes(12, 32)},
  };
  for (const Want &wt : wants) {
    const NhwcConv k(wt.cc, false, Residual::None, kiln_activation{}, 1);
    for (int32_t nr : {1, 16, 32, 64}) {
      kiln_shape w_s{};
      ASSERT_EQ(kiln_conv2d_nhwc_winograd_shape(&k.f_s, nr, &w_s), KILN_OK);
      EXPECT_EQ(kiln_conv2d_nhwc_winograd_f32_scratch_size(&k.p, &k.in_s,
                                                           &w_s, &k.out_s),
                wt.bytes)
          << "c " << wt.cc.c << " h " << wt.cc.h << " nr " << nr;
    }
  }
}

TEST(ConvNhwcWinograd, RejectsWhatItDoesNotCompute) {
  const NhwcConv k(wcase(1, 4, 8, 8, 6, 1, 1, 1, 1), true, Residual::None,
                   kiln_activation{}, 77);
  kiln_shape w_s{};
  ASSERT_EQ(kiln_conv2d_nhwc_winograd_shape(&k.f_s, 16, &w_s), KILN_OK);
  AlignedFloats wino(count(w_s), 0);
  ASSERT_EQ(kiln_conv2d_nhwc_winograd_filter_f32(&k.f_s, k.wt.data(), &w_s,
                                                 wino.p),
            KILN_OK);
  const int32_t bytes =
      kiln_conv2d_nhwc_winograd_f32_scratch_size(&k.p, &k.in_s, &w_s, &k.out_s);
  ASSERT_GT(bytes, 0);
  Scratch scratch(bytes);
  std::vector<float> out(k.out_n, 3.0f);
  auto call = [&](const kiln_conv_params &p, const kiln_shape &in_s,
                  const kiln_shape &f_s, const kiln_shape &out_s) {
    return kiln_conv2d_nhwc_winograd_f32(&p, &in_s, k.in.data(), &f_s, wino.p,
                                         k.b, nullptr, &out_s, out.data(),
                                         scratch.mem.p);
  };
  ASSERT_EQ(call(k.p, k.in_s, w_s, k.out_s), KILN_OK);

  // Params F(4x4, 3x3) does not compute, each also refused by the size
  // query (-1).
  auto refused = [&](kiln_conv_params p, const char *what) {
    EXPECT_EQ(call(p, k.in_s, w_s, k.out_s), KILN_ERR_ARG) << what;
    EXPECT_EQ(kiln_conv2d_nhwc_winograd_f32_scratch_size(&p, &k.in_s, &w_s,
                                                         &k.out_s),
              -1)
        << what;
  };
  kiln_conv_params p = k.p;
  p.stride[1] = 2;
  refused(p, "stride 2");
  p = k.p, p.dilation[0] = 2;
  refused(p, "dilation 2");
  p = k.p, p.groups = 2;
  refused(p, "groups 2");
  p = k.p, p.pad[3] = -1;
  refused(p, "negative pad");
  p = k.p, p.pad[2] = 2; // OH would be 9, out_shape says 8
  refused(p, "pads that do not give out_shape");

  // Shapes.
  auto shape_refused = [&](const kiln_shape &in_s, const kiln_shape &f_s,
                           const kiln_shape &out_s, const char *what) {
    EXPECT_EQ(call(k.p, in_s, f_s, out_s), KILN_ERR_ARG) << what;
    EXPECT_EQ(kiln_conv2d_nhwc_winograd_f32_scratch_size(&k.p, &in_s, &f_s,
                                                         &out_s),
              -1)
        << what;
  };
  shape_refused(k.in_s, k.f_s, k.out_s, "HWIO (rank 4) filter");
  shape_refused(shape({8, 8, 4}), w_s, k.out_s, "rank-3 input");
  shape_refused(k.in_s, w_s, shape({1, 8, 8, 6, 1}), "rank-5 output");
  // (M 7 would pass: the filter's 16-wide panel holds columns up to 16, and
  // the shape records only P = ceil(M / NR), not M.)
  shape_refused(k.in_s, w_s, shape({1, 8, 8, 17}), "M 17 for one panel");
  shape_refused(k.in_s, w_s, shape({1, 8, 8, 40}), "M past the panels");
  shape_refused(shape({1, 8, 8, 5}), w_s, k.out_s, "C 5 for a filter of 4");
  shape_refused(shape({2, 8, 8, 4}), w_s, k.out_s, "batch mismatch");
  shape_refused(k.in_s, w_s, shape({1, 7, 8, 6}), "OH mismatch");
  kiln_shape f5 = w_s;
  f5.dims[1] = 5;
  shape_refused(k.in_s, f5, k.out_s, "a 5x6 transform");
  f5 = w_s, f5.dims[4] = 65;
  shape_refused(k.in_s, f5, k.out_s, "NR 65");

  // Missing pointers.
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_f32(nullptr, &k.in_s, k.in.data(), &w_s,
                                          wino.p, nullptr, nullptr, &k.out_s,
                                          out.data(), scratch.mem.p),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_f32(&k.p, &k.in_s, nullptr, &w_s, wino.p,
                                          nullptr, nullptr, &k.out_s,
                                          out.data(), scratch.mem.p),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_f32(&k.p, &k.in_s, k.in.data(), &w_s,
                                          nullptr, nullptr, nullptr, &k.out_s,
                                          out.data(), scratch.mem.p),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_f32(&k.p, &k.in_s, k.in.data(), &w_s,
                                          wino.p, nullptr, nullptr, &k.out_s,
                                          nullptr, scratch.mem.p),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_f32(&k.p, &k.in_s, k.in.data(), &w_s,
                                          wino.p, nullptr, nullptr, &k.out_s,
                                          out.data(), nullptr),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_f32(&k.p, nullptr, k.in.data(), &w_s,
                                          wino.p, nullptr, nullptr, &k.out_s,
                                          out.data(), scratch.mem.p),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_winograd_f32_scratch_size(nullptr, &k.in_s, &w_s,
                                                       &k.out_s),
            -1);
}

// Runs last in this file (gtest keeps declaration order): the largest
// errors the tests above measured, for the docs.
TEST(ConvNhwcWinograd, ReportMeasuredError) {
  std::printf("[ winograd ] max |winograd - direct| / (tile scale + 1e-3) = "
              "%.3g; / (sum|x*w| of the output + 1e-3) = %.3g\n",
              g_max_rel_tile, g_max_rel_terms);
  EXPECT_LT(g_max_rel_tile, kRel);
}

} // namespace
