// Pre-packed NHWC filters (runtime.h ABI 4): the pack functions, and
// kiln_conv2d_nhwc_f32 giving the same bits for a packed filter as for HWIO.
#include "nhwc_util.h"

#include <rapidcheck/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>

using namespace kiln_test;

namespace {

::testing::AssertionResult same_bits(const std::vector<float> &got,
                                     const std::vector<float> &want) {
  for (size_t i = 0; i < got.size(); ++i)
    if (std::memcmp(&got[i], &want[i], sizeof(float)) != 0)
      return ::testing::AssertionFailure()
             << "at " << i << ": packed " << got[i] << " HWIO " << want[i];
  return ::testing::AssertionSuccess();
}

// The conv with the HWIO filter and with it packed at width nr (the packed
// copy `offset` floats off 64-byte alignment): bit-identical, except that a
// depthwise conv (one channel in and out per group) may take a different
// kernel for its packed filter on the x86 builds (the reference, where HWIO
// takes the vector kernel), so there the two agree to rounding only: 1e-5 of
// the terms' magnitudes plus 1e-5 of the value.
::testing::AssertionResult packed_matches_hwio(const ConvCase &cc, int32_t nr,
                                               size_t offset, bool with_bias,
                                               Residual res,
                                               const kiln_activation &act,
                                               uint32_t seed) {
  const NhwcConv k(cc, with_bias, res, act, seed);
  kiln_shape pk_s{};
  if (kiln_conv2d_nhwc_packed_shape(&k.f_s, cc.groups, nr, &pk_s) != KILN_OK)
    return ::testing::AssertionFailure() << "packed_shape status";
  AlignedFloats pk(
      size_t(numel(std::vector<int32_t>(pk_s.dims, pk_s.dims + pk_s.rank))),
      offset);
  if (kiln_conv2d_nhwc_pack_filter_f32(&k.f_s, k.wt.data(), &pk_s, pk.p) !=
      KILN_OK)
    return ::testing::AssertionFailure() << "pack status";
  std::vector<float> got = k.out_buffer(), want = k.out_buffer(), scale;
  if (kiln_conv2d_nhwc_f32(&k.p, &k.in_s, k.in.data(), &pk_s, pk.p, k.b,
                           k.residual_for(got), &k.out_s, got.data(),
                           nullptr) != KILN_OK ||
      kiln_conv2d_nhwc_f32(&k.p, &k.in_s, k.in.data(), &k.f_s, k.wt.data(), k.b,
                           k.residual_for(want), &k.out_s, want.data(),
                           nullptr) != KILN_OK)
    return ::testing::AssertionFailure() << "conv status";
  if (!(k.cg == 1 && cc.m == cc.groups))
    return same_bits(got, want);
  if (!k.magnitudes(kiln_conv2d_nhwc_f32, scale))
    return ::testing::AssertionFailure() << "|terms| status";
  return within_rounding(got, want, scale);
}

// n c h w m kh kw | sh sw dh dw | pt pl pb pr | groups
const ConvCase kCases[] = {
    {2, 5, 7, 9, 11, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},    // 1x1, M < 16
    {1, 3, 10, 13, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // 3x3, M tail 1
    {1, 4, 11, 9, 70, 3, 3, 2, 2, 1, 1, 0, 1, 2, 1, 1},   // asym pads, 3 panels
    {1, 3, 12, 12, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},   // dilation 2
    {1, 6, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},     // groups 2
    {1, 12, 9, 17, 42, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3},  // groups 3, M/G 14
    {1, 64, 9, 10, 45, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // 4 taps per chunk
    {1, 300, 5, 6, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // C split in chunks
    {1, 3, 17, 17, 8, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1},   // 7x7 s2 stem
    {1, 64, 6, 7, 96, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},   // 1x1, 3 panels
    {2, 96, 9, 9, 40, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1},   // 1x1 s2 downsample
    {1, 256, 4, 4, 300, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1}, // 10 panels of 32
    {2, 7, 19, 23, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 7},   // depthwise s1
    {1, 40, 6, 7, 40, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 40},  // dw 5x5 s2
    {1, 3, 9, 17, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3},    // dw multiplier 2
};

TEST(ConvNhwcPacked, BitIdenticalWithHwioForEveryPanelWidth) {
  const kiln_activation relu{KILN_ACT_RELU, 0, 0, 0, 0};
  const kiln_activation none{};
  uint32_t seed = 900;
  for (const ConvCase &cc : kCases)
    for (int32_t nr : {32, 16, 8, 1, 64})
      for (size_t offset : {size_t(0), size_t(1)}) {
        const size_t idx = &cc - kCases;
        EXPECT_TRUE(packed_matches_hwio(cc, nr, offset, false, Residual::None,
                                        none, ++seed))
            << "case " << idx << " nr " << nr << " offset " << offset;
        EXPECT_TRUE(packed_matches_hwio(cc, nr, offset, true,
                                        Residual::Separate, relu, ++seed))
            << "case " << idx << " nr " << nr << " offset " << offset
            << " with bias, residual, relu";
        EXPECT_TRUE(packed_matches_hwio(cc, nr, offset, true, Residual::InPlace,
                                        relu, ++seed))
            << "case " << idx << " nr " << nr << " offset " << offset
            << " with the residual in the output buffer";
      }
}

TEST(ConvNhwcPacked, EveryFusedActivation) {
  uint32_t seed = 1900;
  for (int kind = KILN_ACT_NONE; kind <= KILN_ACT_SILU; ++kind) {
    const kiln_activation act{static_cast<kiln_act_kind>(kind), 0.2f, 0.4f,
                              -0.5f, 0.75f};
    for (int32_t nr : {32, 16})
      EXPECT_TRUE(packed_matches_hwio(kCases[7], nr, 0, true,
                                      Residual::Separate, act, ++seed))
          << "activation kind " << kind << " nr " << nr;
  }
}

TEST(ConvNhwcPacked, PackKnownValues) {
  // HWIO [1, 2, 1, 5] (two taps, one channel, M = 5), groups 1, NR 2:
  // panels of columns {0, 1}, {2, 3}, {4, padding}, each two rows deep.
  const kiln_shape f = shape({1, 2, 1, 5});
  const float hwio[10] = {0, 1, 2, 3, 4, 10, 11, 12, 13, 14};
  kiln_shape ps{};
  ASSERT_EQ(kiln_conv2d_nhwc_packed_shape(&f, 1, 2, &ps), KILN_OK);
  ASSERT_EQ(ps.rank, 6);
  const int32_t want_dims[6] = {1, 3, 1, 2, 1, 2};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(ps.dims[i], want_dims[i]) << i;
  float packed[12];
  std::fill(packed, packed + 12, std::numeric_limits<float>::quiet_NaN());
  ASSERT_EQ(kiln_conv2d_nhwc_pack_filter_f32(&f, hwio, &ps, packed), KILN_OK);
  const float want[12] = {0, 1, 10, 11, 2, 3, 12, 13, 4, 0, 14, 0};
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(packed[i], want[i]) << i;

  // Groups 2 of M/G = 3, NR 2: group 1's panels start at column 3.
  const kiln_shape f2 = shape({1, 1, 2, 6});
  const float hwio2[12] = {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15};
  ASSERT_EQ(kiln_conv2d_nhwc_packed_shape(&f2, 2, 2, &ps), KILN_OK);
  const int32_t want_dims2[6] = {2, 2, 1, 1, 2, 2};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(ps.dims[i], want_dims2[i]) << i;
  float packed2[16];
  std::fill(packed2, packed2 + 16, std::numeric_limits<float>::quiet_NaN());
  ASSERT_EQ(kiln_conv2d_nhwc_pack_filter_f32(&f2, hwio2, &ps, packed2),
            KILN_OK);
  const float want2[16] = {0, 1, 10, 11, 2, 0, 12, 0,
                           3, 4, 13, 14, 5, 0, 15, 0};
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(packed2[i], want2[i]) << i;
}

TEST(ConvNhwcPacked, PackRejectsBadArguments) {
  const kiln_shape f = shape({3, 3, 4, 40});
  kiln_shape ps{};
  EXPECT_EQ(kiln_conv2d_nhwc_packed_shape(nullptr, 1, 32, &ps), KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_packed_shape(&f, 1, 32, nullptr), KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_packed_shape(&f, 0, 32, &ps), KILN_ERR_ARG);
  EXPECT_EQ(kiln_conv2d_nhwc_packed_shape(&f, 3, 32, &ps), KILN_ERR_ARG);
  EXPECT_EQ(kiln_conv2d_nhwc_packed_shape(&f, 1, 0, &ps), KILN_ERR_ARG);
  EXPECT_EQ(kiln_conv2d_nhwc_packed_shape(&f, 1, 65, &ps), KILN_ERR_ARG);
  const kiln_shape r3 = shape({3, 4, 40}), zero = shape({3, 0, 4, 40});
  EXPECT_EQ(kiln_conv2d_nhwc_packed_shape(&r3, 1, 32, &ps), KILN_ERR_ARG);
  EXPECT_EQ(kiln_conv2d_nhwc_packed_shape(&zero, 1, 32, &ps), KILN_ERR_ARG);
  // Fits int32 as HWIO, not with 63 padding columns per output channel.
  const kiln_shape big = shape({1, 1, 1 << 24, 2});
  EXPECT_EQ(kiln_conv2d_nhwc_packed_shape(&big, 2, 64, &ps), KILN_ERR_ARG);
  ASSERT_EQ(kiln_conv2d_nhwc_packed_shape(&f, 2, 16, &ps), KILN_OK);

  std::vector<float> hwio(3 * 3 * 4 * 40, 1.0f), packed(2 * 2 * 36 * 16, 7.0f);
  const std::vector<float> untouched = packed;
  EXPECT_EQ(kiln_conv2d_nhwc_pack_filter_f32(nullptr, hwio.data(), &ps,
                                             packed.data()),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_pack_filter_f32(&f, nullptr, &ps, packed.data()),
            KILN_ERR_NULL);
  EXPECT_EQ(
      kiln_conv2d_nhwc_pack_filter_f32(&f, hwio.data(), nullptr, packed.data()),
      KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_pack_filter_f32(&f, hwio.data(), &ps, nullptr),
            KILN_ERR_NULL);
  // Every dim of the destination must be the one packed_shape gives.
  for (int i = 0; i < 6; ++i) {
    kiln_shape bad = ps;
    bad.dims[i] += 1;
    if (i == 5)
      bad.dims[5] = 8; // NR 17 still gives P = 2 for M/G = 20; NR 8 gives 3
    EXPECT_EQ(
        kiln_conv2d_nhwc_pack_filter_f32(&f, hwio.data(), &bad, packed.data()),
        KILN_ERR_ARG)
        << "dim " << i;
  }
  kiln_shape r5 = ps;
  r5.rank = 5;
  EXPECT_EQ(
      kiln_conv2d_nhwc_pack_filter_f32(&f, hwio.data(), &r5, packed.data()),
      KILN_ERR_ARG);
  EXPECT_EQ(packed, untouched) << "a failed pack wrote its output";
}

TEST(ConvNhwcPacked, ConvRejectsMismatchedPackedFilter) {
  // in 1x5x5x4, groups 2, M 6: packed [2, ceil(3/2) = 2, 3, 3, 2, 2].
  kiln_conv_params p{};
  p.stride[0] = p.stride[1] = p.dilation[0] = p.dilation[1] = 1;
  p.pad[0] = p.pad[1] = p.pad[2] = p.pad[3] = 1;
  p.groups = 2;
  const kiln_shape in_s = shape({1, 5, 5, 4}), out_s = shape({1, 5, 5, 6});
  const kiln_shape good = shape({2, 2, 3, 3, 2, 2});
  std::vector<float> x(100, 1.0f), w(2 * 2 * 3 * 3 * 2 * 2, 0.5f), y(150);
  EXPECT_EQ(kiln_conv2d_nhwc_f32(&p, &in_s, x.data(), &good, w.data(), nullptr,
                                 nullptr, &out_s, y.data(), nullptr),
            KILN_OK);
  const int32_t bad[][6] = {
      {1, 2, 3, 3, 2, 2}, // G != groups
      {2, 3, 3, 3, 2, 2}, // P != ceil((M/G) / NR)
      {2, 2, 3, 3, 1, 2}, // C/G != 4 / 2
      {2, 2, 3, 3, 2, 0}, // NR 0
      {2, 2, 0, 3, 2, 2}, // kH 0
  };
  for (const auto &d : bad) {
    const kiln_shape s = shape({d[0], d[1], d[2], d[3], d[4], d[5]});
    EXPECT_EQ(kiln_conv2d_nhwc_f32(&p, &in_s, x.data(), &s, w.data(), nullptr,
                                   nullptr, &out_s, y.data(), nullptr),
              KILN_ERR_ARG)
        << d[0] << " " << d[1] << " " << d[2] << " " << d[4] << " " << d[5];
  }
  // NR 4 > M/G = 3: one panel per group, valid.
  const kiln_shape nr4 = shape({2, 1, 3, 3, 2, 4});
  EXPECT_EQ(kiln_conv2d_nhwc_f32(&p, &in_s, x.data(), &nr4, w.data(), nullptr,
                                 nullptr, &out_s, y.data(), nullptr),
            KILN_OK);
  const kiln_shape nr65 = shape({2, 1, 3, 3, 2, 65});
  EXPECT_EQ(kiln_conv2d_nhwc_f32(&p, &in_s, x.data(), &nr65, w.data(), nullptr,
                                 nullptr, &out_s, y.data(), nullptr),
            KILN_ERR_ARG);
  const kiln_shape r5 = shape({2, 2, 3, 3, 2});
  EXPECT_EQ(kiln_conv2d_nhwc_f32(&p, &in_s, x.data(), &r5, w.data(), nullptr,
                                 nullptr, &out_s, y.data(), nullptr),
            KILN_ERR_ARG);
  EXPECT_EQ(kiln_conv2d_nhwc_f32(&p, &in_s, x.data(), &good, nullptr, nullptr,
                                 nullptr, &out_s, y.data(), nullptr),
            KILN_ERR_NULL);
  EXPECT_EQ(kiln_conv2d_nhwc_f32(nullptr, &in_s, x.data(), &good, w.data(),
                                 nullptr, nullptr, &out_s, y.data(), nullptr),
            KILN_ERR_NULL);
  // The scratch size does not depend on the filter's form.
  const kiln_shape hwio = shape({3, 3, 2, 6});
  EXPECT_EQ(kiln_conv2d_nhwc_f32_scratch_size(&p, &in_s, &good, &out_s),
            kiln_conv2d_nhwc_f32_scratch_size(&p, &in_s, &hwio, &out_s));
}

RC_GTEST_PROP(ConvNhwcPackedProperty, RandomGeometryBitIdenticalWithHwio, ()) {
  ConvCase cc{};
  const int kind = *rc::gen::inRange(0, 5); // dense x3, grouped, depthwise
  const int32_t groups = kind <= 2   ? 1
                         : kind == 3 ? *rc::gen::inRange(2, 4)
                                     : *rc::gen::inRange(1, 40);
  cc.groups = groups;
  cc.n = *rc::gen::inRange(1, 3);
  cc.c = groups * (kind == 4 ? 1 : *rc::gen::inRange(1, 80));
  cc.m = groups * (kind == 4 ? 1 : *rc::gen::inRange(1, 90));
  gen_conv_geometry(cc, 12, 20);
  const int32_t nrs[] = {32, 16, 8, 32, 16};
  const int32_t nr = *rc::gen::inRange(0, 6) < 5 ? nrs[*rc::gen::inRange(0, 5)]
                                                 : *rc::gen::inRange(1, 65);
  static const kiln_activation acts[] = {
      {KILN_ACT_NONE, 0, 0, 0, 0},
      {KILN_ACT_RELU, 0, 0, 0, 0},
      {KILN_ACT_CLIP, 0, 0, -0.5f, 0.75f},
      {KILN_ACT_SILU, 0, 0, 0, 0},
  };
  const kiln_activation act = acts[*rc::gen::inRange(0, 4)];
  const Residual res = static_cast<Residual>(*rc::gen::inRange(0, 3));
  const auto r = packed_matches_hwio(cc, nr, size_t(*rc::gen::inRange(0, 2)),
                                     *rc::gen::arbitrary<bool>(), res, act,
                                     *rc::gen::arbitrary<uint32_t>());
  RC_LOG() << r.message() << "\n";
  RC_ASSERT(static_cast<bool>(r));
}

} // namespace
