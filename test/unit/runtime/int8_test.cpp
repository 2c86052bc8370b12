// int8 reference kernels against an independent int64 / long double oracle,
// and conv against a float conv on dequantised values.
#include "int8_util.h"

#include <rapidcheck/gtest.h>

using namespace kiln_test;

namespace {

const int32_t kEdgeAcc[] = {INT32_MIN,
                            INT32_MIN + 1,
                            -(1 << 30) - 1,
                            -(1 << 30),
                            -65536,
                            -257,
                            -3,
                            -2,
                            -1,
                            0,
                            1,
                            2,
                            3,
                            255,
                            65535,
                            1 << 30,
                            (1 << 30) + 1,
                            INT32_MAX - 1,
                            INT32_MAX};
const int32_t kEdgeMult[] = {0,
                             1,
                             2,
                             3,
                             (1 << 30) - 1,
                             1 << 30,
                             (1 << 30) + 1,
                             1518500250 /* 2^30.5 */,
                             INT32_MAX - 1,
                             INT32_MAX,
                             -1,
                             INT32_MIN + 1,
                             INT32_MIN};

TEST(Requant, EdgeValuesEveryShiftMatchOracle) {
  for (int32_t acc : kEdgeAcc)
    for (int32_t mult : kEdgeMult)
      for (int32_t shift = -31; shift <= 30; ++shift)
        ASSERT_EQ(kiln_requant_s32(acc, {mult, shift}),
                  oracle_requant(acc, mult, shift))
            << "acc " << acc << " mult " << mult << " shift " << shift;
}

TEST(Requant, KnownValues) {
  // 0.5 as multiplier 2^30, shift 0: ties go up in the doubling high
  // multiply (-1.5 -> -1) and away from zero in the shift.
  EXPECT_EQ(kiln_requant_s32(3, {1 << 30, 0}), 2);
  EXPECT_EQ(kiln_requant_s32(-3, {1 << 30, 0}), -1);
  // 1.25 becomes 2: the high multiply rounds 2.5 up to 3 before the shift
  // halves it, TFLite's double rounding.
  EXPECT_EQ(kiln_requant_s32(5, {1 << 30, -1}), 2);
  EXPECT_EQ(kiln_requant_s32(6, {1 << 30, -1}), 2);   // 1.5 -> 2
  EXPECT_EQ(kiln_requant_s32(-6, {1 << 30, -1}), -2); // -1.5 -> -2
  EXPECT_EQ(kiln_requant_s32(INT32_MIN, {INT32_MIN, 0}), INT32_MAX);
  EXPECT_EQ(kiln_requant_s32(1000, {INT32_MAX, 0}), 1000);
  EXPECT_EQ(kiln_requant_s32(1, {1 << 30, 30}), 1 << 29);
}

RC_GTEST_PROP(RequantProperty, RandomMatchesOracle, ()) {
  const int32_t acc = *rc::gen::arbitrary<int32_t>();
  const int32_t mult = *rc::gen::oneOf(rc::gen::arbitrary<int32_t>(),
                                       rc::gen::inRange(1 << 30, INT32_MAX));
  const int32_t shift = *rc::gen::inRange(-31, 31);
  RC_ASSERT(kiln_requant_s32(acc, {mult, shift}) ==
            oracle_requant(acc, mult, shift));
}

TEST(Requant, QuantizedMultiplierTracksTheRealFactor) {
  for (double real : {1e-6, 3.3e-4, 0.0123, 0.5, 0.999, 1.0, 1.7, 300.0}) {
    const kiln_requant rq = quantize_multiplier(real);
    for (int32_t acc : {-100000, -777, -1, 0, 1, 999, 123456}) {
      const double want = acc * real;
      if (std::fabs(want) > 2e9)
        continue;
      EXPECT_LE(std::fabs(kiln_requant_s32(acc, rq) - want), 1.0)
          << real << " * " << acc;
    }
  }
}

TEST(RequantizeS8, MatchesOracleAndClamps) {
  auto in = random_s8(1000, 1);
  in[0] = -128, in[1] = 127;
  for (double real : {0.01, 0.7, 1.0, 3.5}) {
    const kiln_requant rq = quantize_multiplier(real);
    for (int32_t in_off : {-127, 0, 128})
      for (int32_t out_off : {-128, 5, 127}) {
        std::vector<int8_t> got(in.size()), want(in.size());
        ASSERT_EQ(kiln_requantize_s8(in.data(), in_off, rq, out_off, got.data(),
                                     int32_t(in.size())),
                  KILN_OK);
        for (size_t i = 0; i < in.size(); ++i)
          want[i] = oracle_to_s8(in[i] + in_off, rq, out_off, -128, 127);
        EXPECT_TRUE(same_s8(got, want))
            << real << " " << in_off << " " << out_off;
      }
  }
  int8_t x = 0;
  EXPECT_EQ(kiln_requantize_s8(&x, 129, {1 << 30, 0}, 0, &x, 1), KILN_ERR_ARG);
  EXPECT_EQ(kiln_requantize_s8(&x, 0, {1 << 30, 31}, 0, &x, 1), KILN_ERR_ARG);
  EXPECT_EQ(kiln_requantize_s8(nullptr, 0, {1 << 30, 0}, 0, &x, 1),
            KILN_ERR_NULL);
}

std::vector<uint8_t> conv_scratch(const ConvS8Case &cc) {
  const kiln_conv_s8_params p = cc.params();
  const kiln_shape in_s = cc.in_shape(), f_s = cc.filter_shape(),
                   out_s = cc.out_shape();
  const int32_t bytes = kiln_conv2d_s8_scratch_size(&p, &in_s, &f_s, &out_s);
  return std::vector<uint8_t>(size_t(std::max(bytes, 1)));
}

// n c h w m kh kw | sh sw dh dw | pt pl pb pr | groups
const ConvS8Case kConvCases[] = {
    {1, 3, 8, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {2, 4, 7, 5, 6, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},
    {1, 4, 11, 9, 6, 3, 3, 2, 2, 1, 1, 0, 1, 2, 1, 2},
    {1, 3, 12, 12, 3, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 3}, // depthwise dilated
    {1, 2, 9, 9, 6, 5, 3, 2, 1, 1, 2, 2, 1, 2, 1, 2},   // multiplier 3
};

TEST(ConvS8, TableMatchesOracle) {
  uint32_t seed = 100;
  for (size_t ci = 0; ci < std::size(kConvCases); ++ci)
    for (int32_t in_off : {-127, -3, 128})
      for (bool bias : {false, true}) {
        ConvS8Case cc = kConvCases[ci];
        cc.in_off = in_off, cc.out_off = in_off / 2, cc.bias = bias;
        cc.act_min = bias ? -100 : -128, cc.act_max = bias ? 90 : 127;
        const ConvS8Data d = conv_s8_data(cc, ++seed);
        std::vector<int8_t> got;
        auto scratch = conv_scratch(cc);
        ASSERT_EQ(run_conv_s8(kiln_conv2d_s8, cc, d, got, scratch.data()),
                  KILN_OK);
        EXPECT_TRUE(same_s8(got, oracle_conv_s8(cc, d)))
            << "case " << ci << " in_off " << in_off;
      }
}

RC_GTEST_PROP(ConvS8Property, RandomMatchesOracle, ()) {
  const ConvS8Case cc = random_conv_s8_case({5, 4, 5, 3, 12, 12});
  const ConvS8Data d = conv_s8_data(cc, *rc::gen::arbitrary<uint32_t>());
  auto scratch = conv_scratch(cc);
  std::vector<int8_t> got;
  RC_ASSERT(run_conv_s8(kiln_conv2d_s8, cc, d, got, scratch.data()) == KILN_OK);
  RC_ASSERT(same_s8(got, oracle_conv_s8(cc, d)));
}

// The quantised conv is a faithful model of the float conv: dequantise
// input and weights, convolve in double, quantise with the output scale; the
// kernel differs by at most one step (double rounding, the 31-bit multiplier).
TEST(ConvS8, AgreesWithFloatConvOnDequantisedValues) {
  const ConvS8Case shapes[] = {
      {1, 8, 10, 10, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
      {1, 6, 9, 9, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6},
      {2, 16, 5, 5, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1}};
  uint32_t seed = 7;
  for (ConvS8Case cc : shapes) {
    const double in_scale = 0.02, out_scale = 0.05;
    const int32_t in_zp = 9, out_zp = -4;
    cc.in_off = -in_zp, cc.out_off = out_zp;
    ConvS8Data d;
    d.in = random_s8(cc.in_size(), ++seed);
    d.wt = random_s8(cc.filter_size(), ++seed, -127, 127);
    std::vector<double> w_scale(size_t(cc.m));
    std::vector<double> bias_real(size_t(cc.m));
    std::mt19937 rng(++seed);
    std::uniform_real_distribution<double> u(0.001, 0.01), b(-1.0, 1.0);
    for (int32_t m = 0; m < cc.m; ++m) {
      w_scale[size_t(m)] = u(rng);
      const double bias_scale = in_scale * w_scale[size_t(m)];
      d.bias.push_back(int32_t(std::lround(b(rng) / bias_scale)));
      bias_real[size_t(m)] = d.bias.back() * bias_scale;
      d.rq.push_back(quantize_multiplier(bias_scale / out_scale));
    }
    std::vector<int8_t> got;
    auto scratch = conv_scratch(cc);
    ASSERT_EQ(run_conv_s8(kiln_conv2d_s8, cc, d, got, scratch.data()), KILN_OK);
    const int32_t oh_n = cc.oh(), ow_n = cc.ow(), cg = cc.c / cc.groups,
                  mg = cc.m / cc.groups;
    size_t o = 0;
    int32_t off_by_one = 0;
    for (int32_t n = 0; n < cc.n; ++n)
      for (int32_t oc = 0; oc < cc.m; ++oc)
        for (int32_t y = 0; y < oh_n; ++y)
          for (int32_t x = 0; x < ow_n; ++x, ++o) {
            double acc = bias_real[size_t(oc)];
            for (int32_t c = 0; c < cg; ++c)
              for (int32_t i = 0; i < cc.kh; ++i)
                for (int32_t j = 0; j < cc.kw; ++j) {
                  const int32_t iy = y * cc.sh - cc.pt + i * cc.dh;
                  const int32_t ix = x * cc.sw - cc.pl + j * cc.dw;
                  if (iy < 0 || iy >= cc.h || ix < 0 || ix >= cc.w)
                    continue;
                  const int32_t ic = (oc / mg) * cg + c;
                  const double xv =
                      in_scale *
                      (d.in[size_t(((n * cc.c + ic) * cc.h + iy) * cc.w + ix)] -
                       in_zp);
                  const double wv =
                      w_scale[size_t(oc)] *
                      d.wt[size_t(((oc * cg + c) * cc.kh + i) * cc.kw + j)];
                  acc += xv * wv;
                }
            const double q = std::min(
                127.0, std::max(-128.0, std::round(acc / out_scale) + out_zp));
            ASSERT_LE(std::fabs(got[o] - q), 1.0)
                << "output " << o << ": float conv says " << acc;
            off_by_one += got[o] != q;
          }
    // Off-by-one is the rounding-tie exception, not the rule.
    EXPECT_LT(off_by_one, int32_t(o / 20 + 1));
  }
}

TEST(ConvS8, ScratchSizeForEachIsa) {
  // 3x3 GEMM: 2 groups of 5 -> 6 channels; depthwise 7 channels, pads 1/2.
  const ConvS8Case gemm{1, 10, 9, 11, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2};
  const ConvS8Case dw{1, 7, 9, 11, 7, 3, 3, 1, 1, 1, 1, 1, 2, 1, 2, 7};
  for (const ConvS8Case &cc : {gemm, dw}) {
    const kiln_conv_s8_params p = cc.params();
    const kiln_shape in_s = cc.in_shape(), f_s = cc.filter_shape(),
                     out_s = cc.out_shape();
    EXPECT_EQ(kiln_conv2d_s8_scratch_size_for(KILN_ISA_GENERIC, &p, &in_s, &f_s,
                                              &out_s),
              0);
    EXPECT_EQ(kiln_conv2d_s8_scratch_size_for(static_cast<kiln_isa>(77), &p,
                                              &in_s, &f_s, &out_s),
              0);
    EXPECT_EQ(kiln_conv2d_s8_scratch_size_for(KILN_ISA_AVX2, nullptr, &in_s,
                                              &f_s, &out_s),
              0);
    const int32_t kp = (cc.c / cc.groups * cc.kh * cc.kw + 1) / 2;
    const int32_t m_rows = (cc.m / cc.groups + 3) / 4 * 4;
    const int32_t want =
        cc.c == cc.groups ? (cc.h + cc.pt + cc.pb) * (cc.w + cc.pl + cc.pr) + 64
                          : cc.groups * m_rows * kp * 4 + kp * 16 * 4;
    EXPECT_EQ(
        kiln_conv2d_s8_scratch_size_for(KILN_ISA_AVX2, &p, &in_s, &f_s, &out_s),
        want);
  }
}

TEST(ConvS8, RejectsBadArguments) {
  ConvS8Case cc{1, 2, 4, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  const ConvS8Data d = conv_s8_data(cc, 3);
  std::vector<int8_t> out;
  auto scratch = conv_scratch(cc);
  {
    kiln_conv_s8_params p = cc.params();
    p.groups = 0;
    const kiln_shape in_s = cc.in_shape(), f_s = cc.filter_shape(),
                     out_s = cc.out_shape();
    out.assign(cc.out_size(), 0);
    EXPECT_EQ(kiln_conv2d_s8(&p, d.rq.data(), &in_s, d.in.data(), &f_s,
                             d.wt.data(), nullptr, &out_s, out.data(),
                             scratch.data()),
              KILN_ERR_ARG);
  }
  ConvS8Case bad = cc;
  bad = cc, bad.in_off = 129;
  EXPECT_EQ(run_conv_s8(kiln_conv2d_s8, bad, d, out, scratch.data()),
            KILN_ERR_ARG);
  bad = cc, bad.act_min = 10, bad.act_max = 9;
  EXPECT_EQ(run_conv_s8(kiln_conv2d_s8, bad, d, out, scratch.data()),
            KILN_ERR_ARG);
  ConvS8Data bad_rq = d;
  bad_rq.rq[1].shift = 31;
  EXPECT_EQ(run_conv_s8(kiln_conv2d_s8, cc, bad_rq, out, scratch.data()),
            KILN_ERR_ARG);
  const kiln_conv_s8_params p = cc.params();
  const kiln_shape in_s = cc.in_shape(), out_s = cc.out_shape();
  const kiln_shape f_wrong = shape({2, 1, 3, 3}); // C/groups is 2
  EXPECT_EQ(kiln_conv2d_s8(&p, d.rq.data(), &in_s, d.in.data(), &f_wrong,
                           d.wt.data(), nullptr, &out_s, out.data(),
                           scratch.data()),
            KILN_ERR_ARG);
  EXPECT_EQ(kiln_conv2d_s8(&p, nullptr, &in_s, d.in.data(), &f_wrong,
                           d.wt.data(), nullptr, &out_s, out.data(),
                           scratch.data()),
            KILN_ERR_NULL);
}

// ---------------------------------------------------------------- FC

struct FcS8Case {
  int32_t batch, n, k, in_off, out_off, act_min, act_max;
  bool bias;
};

std::vector<int8_t> oracle_fc(const FcS8Case &fc, const std::vector<int8_t> &x,
                              const std::vector<int8_t> &w,
                              const std::vector<int32_t> &bias,
                              const std::vector<kiln_requant> &rq) {
  std::vector<int8_t> out(size_t(fc.batch) * fc.n);
  for (int32_t b = 0; b < fc.batch; ++b)
    for (int32_t j = 0; j < fc.n; ++j) {
      int64_t acc = fc.bias ? bias[size_t(j)] : 0;
      for (int32_t i = 0; i < fc.k; ++i)
        acc += int64_t(x[size_t(b * fc.k + i)] + fc.in_off) *
               w[size_t(j * fc.k + i)];
      out[size_t(b * fc.n + j)] =
          oracle_to_s8(acc, rq[size_t(j)], fc.out_off, fc.act_min, fc.act_max);
    }
  return out;
}

RC_GTEST_PROP(FullyConnectedS8Property, RandomMatchesOracle, ()) {
  FcS8Case fc{};
  fc.batch = *rc::gen::inRange(1, 4);
  fc.n = *rc::gen::inRange(1, 40);
  fc.k = *rc::gen::inRange(1, 300);
  fc.in_off = *rc::gen::inRange(-127, 129);
  fc.out_off = *rc::gen::inRange(-128, 128);
  fc.act_min = *rc::gen::inRange(-128, 128);
  fc.act_max = *rc::gen::inRange(fc.act_min, 128);
  fc.bias = *rc::gen::arbitrary<bool>();
  const uint32_t seed = *rc::gen::arbitrary<uint32_t>();
  auto x = random_s8(size_t(fc.batch) * fc.k, seed);
  auto w = random_s8(size_t(fc.n) * fc.k, seed + 1);
  auto bias = random_s32(size_t(fc.n), seed + 2, -50000, 50000);
  auto rq = random_requants(size_t(fc.n), seed + 3, 1e-5, 1e-2);
  kiln_fc_s8_params p{fc.batch,   fc.n,       fc.k,      fc.in_off,
                      fc.out_off, fc.act_min, fc.act_max};
  std::vector<int8_t> got(size_t(fc.batch) * fc.n);
  RC_ASSERT(kiln_fully_connected_s8(&p, rq.data(), x.data(), w.data(),
                                    fc.bias ? bias.data() : nullptr,
                                    got.data()) == KILN_OK);
  RC_ASSERT(same_s8(got, oracle_fc(fc, x, w, bias, rq)));
}

TEST(FullyConnectedS8, RejectsBadArguments) {
  int8_t x[4] = {0}, w[4] = {0}, y[4];
  kiln_requant rq[2] = {{1 << 30, 0}, {1 << 30, 0}};
  kiln_fc_s8_params p{1, 2, 2, 0, 0, -128, 127};
  EXPECT_EQ(kiln_fully_connected_s8(&p, rq, x, w, nullptr, y), KILN_OK);
  p.k = 0;
  EXPECT_EQ(kiln_fully_connected_s8(&p, rq, x, w, nullptr, y), KILN_ERR_ARG);
  p.k = 2, p.output_offset = 128;
  EXPECT_EQ(kiln_fully_connected_s8(&p, rq, x, w, nullptr, y), KILN_ERR_ARG);
  p.output_offset = 0;
  EXPECT_EQ(kiln_fully_connected_s8(&p, rq, nullptr, w, nullptr, y),
            KILN_ERR_NULL);
}

// ---------------------------------------------------------------- Add

kiln_add_s8_params add_params_for(double a_scale, double b_scale,
                                  double out_scale, int32_t a_zp, int32_t b_zp,
                                  int32_t out_zp) {
  // TFLite's PrepareGeneralSubOp: inputs rescaled to twice the larger scale
  // with 20 bits of headroom.
  kiln_add_s8_params p{};
  p.left_shift = 20;
  const double twice_max = 2 * std::max(a_scale, b_scale);
  p.a_requant = quantize_multiplier(a_scale / twice_max);
  p.b_requant = quantize_multiplier(b_scale / twice_max);
  p.output_requant = quantize_multiplier(twice_max / ((1 << 20) * out_scale));
  p.a_offset = -a_zp, p.b_offset = -b_zp, p.output_offset = out_zp;
  p.act_min = -128, p.act_max = 127;
  return p;
}

int8_t oracle_add_one(const kiln_add_s8_params &p, int8_t a, int8_t b) {
  const int32_t xa = oracle_requant((a + p.a_offset) * (1 << p.left_shift),
                                    p.a_requant.multiplier, p.a_requant.shift);
  const int32_t xb = oracle_requant((b + p.b_offset) * (1 << p.left_shift),
                                    p.b_requant.multiplier, p.b_requant.shift);
  return oracle_to_s8(int64_t(xa) + xb, p.output_requant, p.output_offset,
                      p.act_min, p.act_max);
}

RC_GTEST_PROP(AddS8Property, BroadcastMatchesOracleAndFloat, ()) {
  const int32_t rank = *rc::gen::inRange(0, 5);
  std::vector<int32_t> out_dims(static_cast<size_t>(rank)), a_dims, b_dims;
  for (auto &d : out_dims)
    d = *rc::gen::inRange(1, 6);
  const int32_t a_rank = *rc::gen::inRange(0, rank + 1);
  const int32_t b_rank = *rc::gen::inRange(0, rank + 1);
  for (int32_t d = rank - a_rank; d < rank; ++d)
    a_dims.push_back(*rc::gen::arbitrary<bool>() ? out_dims[size_t(d)] : 1);
  for (int32_t d = rank - b_rank; d < rank; ++d)
    b_dims.push_back(*rc::gen::arbitrary<bool>() ? out_dims[size_t(d)] : 1);
  out_dims = broadcast_dims(a_dims, b_dims);
  const double a_scale = *rc::gen::inRange(1, 100) * 0.001;
  const double b_scale = *rc::gen::inRange(1, 100) * 0.001;
  const double o_scale = *rc::gen::inRange(1, 200) * 0.001;
  const int32_t a_zp = *rc::gen::inRange(-128, 128);
  const int32_t b_zp = *rc::gen::inRange(-128, 128);
  const int32_t o_zp = *rc::gen::inRange(-128, 128);
  kiln_add_s8_params p =
      add_params_for(a_scale, b_scale, o_scale, a_zp, b_zp, o_zp);
  p.act_min = *rc::gen::inRange(-128, 128);
  p.act_max = *rc::gen::inRange(p.act_min, 128);
  const uint32_t seed = *rc::gen::arbitrary<uint32_t>();
  auto a = random_s8(size_t(numel(a_dims)), seed);
  auto b = random_s8(size_t(numel(b_dims)), seed + 1);
  const kiln_shape as = shape(a_dims), bs = shape(b_dims), os = shape(out_dims);
  std::vector<int8_t> got(size_t(numel(out_dims)));
  RC_ASSERT(kiln_add_s8(&p, &as, a.data(), &bs, b.data(), &os, got.data()) ==
            KILN_OK);
  for (int64_t i = 0; i < numel(out_dims); ++i) {
    const auto idx = unravel(i, out_dims);
    const int8_t qa = a[size_t(broadcast_flat(idx, a_dims))];
    const int8_t qb = b[size_t(broadcast_flat(idx, b_dims))];
    RC_ASSERT(got[size_t(i)] == oracle_add_one(p, qa, qb));
    // And the integer scheme tracks the real sum to one step.
    const double real = a_scale * (qa - a_zp) + b_scale * (qb - b_zp);
    const double q = std::min<double>(
        p.act_max,
        std::max<double>(p.act_min, std::round(real / o_scale) + o_zp));
    RC_ASSERT(std::fabs(got[size_t(i)] - q) <= 1.0);
  }
}

// ---------------------------------------------------------------- Pools

struct PoolS8Case {
  int32_t n, c, h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  bool ceil_mode, include_pad;
  int32_t act_min = -128, act_max = 127;

  int32_t out_dim(int32_t in, int32_t k, int32_t s, int32_t d, int32_t p0,
                  int32_t p1) const {
    const int32_t span = in + p0 + p1 - ((k - 1) * d + 1);
    int32_t o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    // ONNX/PyTorch: the last window must start inside the input or the
    // start padding.
    if (ceil_mode && (o - 1) * s >= in + p0)
      --o;
    return o;
  }
  int32_t oh() const { return out_dim(h, kh, sh, dh, pt, pb); }
  int32_t ow() const { return out_dim(w, kw, sw, dw, pl, pr); }
  kiln_pool_params params() const {
    kiln_pool_params p{};
    p.kernel[0] = kh, p.kernel[1] = kw, p.stride[0] = sh, p.stride[1] = sw;
    p.dilation[0] = dh, p.dilation[1] = dw;
    p.pad[0] = pt, p.pad[1] = pl, p.pad[2] = pb, p.pad[3] = pr;
    p.count_include_pad = include_pad;
    return p;
  }
};

// Windows enumerated directly; the avg divisor from the ONNX definition.
std::vector<int8_t> oracle_pool(const PoolS8Case &pc, bool is_max,
                                const std::vector<int8_t> &in) {
  const int32_t oh_n = pc.oh(), ow_n = pc.ow();
  std::vector<int8_t> out(size_t(pc.n) * pc.c * oh_n * ow_n);
  size_t o = 0;
  for (int32_t pl = 0; pl < pc.n * pc.c; ++pl)
    for (int32_t y = 0; y < oh_n; ++y)
      for (int32_t x = 0; x < ow_n; ++x, ++o) {
        int64_t sum = 0;
        int32_t best = -128, valid = 0, padded_h = 0, padded_w = 0;
        for (int32_t i = 0; i < pc.kh; ++i) {
          const int32_t iy = y * pc.sh - pc.pt + i * pc.dh;
          padded_h += iy >= -pc.pt && iy < pc.h + pc.pb;
        }
        for (int32_t j = 0; j < pc.kw; ++j) {
          const int32_t ix = x * pc.sw - pc.pl + j * pc.dw;
          padded_w += ix >= -pc.pl && ix < pc.w + pc.pr;
        }
        for (int32_t i = 0; i < pc.kh; ++i)
          for (int32_t j = 0; j < pc.kw; ++j) {
            const int32_t iy = y * pc.sh - pc.pt + i * pc.dh;
            const int32_t ix = x * pc.sw - pc.pl + j * pc.dw;
            if (iy < 0 || iy >= pc.h || ix < 0 || ix >= pc.w)
              continue;
            const int8_t v = in[size_t((int64_t(pl) * pc.h + iy) * pc.w + ix)];
            best = std::max<int32_t>(best, v);
            sum += v;
            ++valid;
          }
        int32_t r = best;
        if (!is_max) {
          const int32_t count = pc.include_pad ? padded_h * padded_w : valid;
          // Half away from zero, from the rational value.
          r = count == 0
                  ? 0
                  : int32_t(std::round(static_cast<long double>(sum) / count));
        }
        out[o] = int8_t(std::min(pc.act_max, std::max(pc.act_min, r)));
      }
  return out;
}

PoolS8Case random_pool_case() {
  PoolS8Case pc{};
  pc.n = *rc::gen::inRange(1, 3), pc.c = *rc::gen::inRange(1, 4);
  pc.kh = *rc::gen::inRange(1, 5), pc.kw = *rc::gen::inRange(1, 5);
  pc.sh = *rc::gen::inRange(1, 4), pc.sw = *rc::gen::inRange(1, 4);
  pc.dh = *rc::gen::inRange(1, 3), pc.dw = *rc::gen::inRange(1, 3);
  pc.pt = *rc::gen::inRange(0, pc.kh), pc.pl = *rc::gen::inRange(0, pc.kw);
  pc.pb = *rc::gen::inRange(0, pc.kh), pc.pr = *rc::gen::inRange(0, pc.kw);
  pc.h = std::max((pc.kh - 1) * pc.dh + 1 - pc.pt - pc.pb, 1) +
         *rc::gen::inRange(0, 40);
  pc.w = std::max((pc.kw - 1) * pc.dw + 1 - pc.pl - pc.pr, 1) +
         *rc::gen::inRange(0, 70);
  pc.ceil_mode = *rc::gen::arbitrary<bool>();
  pc.include_pad = *rc::gen::arbitrary<bool>();
  pc.act_min = *rc::gen::inRange(-128, 128);
  pc.act_max = *rc::gen::inRange(pc.act_min, 128);
  return pc;
}

using PoolS8Fn = kiln_status (*)(const kiln_pool_params *, int32_t, int32_t,
                                 const kiln_shape *, const int8_t *,
                                 const kiln_shape *, int8_t *);

kiln_status run_pool(PoolS8Fn fn, const PoolS8Case &pc,
                     const std::vector<int8_t> &in, std::vector<int8_t> &out) {
  const kiln_pool_params p = pc.params();
  const kiln_shape in_s = shape({pc.n, pc.c, pc.h, pc.w});
  const kiln_shape out_s = shape({pc.n, pc.c, pc.oh(), pc.ow()});
  out.assign(size_t(numel({pc.n, pc.c, pc.oh(), pc.ow()})), int8_t(0x5a));
  return fn(&p, pc.act_min, pc.act_max, &in_s, in.data(), &out_s, out.data());
}

RC_GTEST_PROP(PoolS8Property, MaxAndAvgMatchOracle, ()) {
  const PoolS8Case pc = random_pool_case();
  const auto in = random_s8(size_t(numel({pc.n, pc.c, pc.h, pc.w})),
                            *rc::gen::arbitrary<uint32_t>());
  std::vector<int8_t> got;
  RC_ASSERT(run_pool(kiln_max_pool2d_s8, pc, in, got) == KILN_OK);
  RC_ASSERT(same_s8(got, oracle_pool(pc, true, in)));
  RC_ASSERT(run_pool(kiln_avg_pool2d_s8, pc, in, got) == KILN_OK);
  RC_ASSERT(same_s8(got, oracle_pool(pc, false, in)));
}

TEST(PoolS8, AvgCountsLikeTheFloatKernel) {
  // Same windows through kiln_avg_pool2d_f32 on small integers: the float
  // mean, rounded half away from zero, is the int8 result.
  for (bool include_pad : {false, true}) {
    PoolS8Case pc{1, 2, 7, 6, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, true, include_pad};
    const auto in = random_s8(size_t(2 * 7 * 6), 4);
    std::vector<int8_t> got;
    ASSERT_EQ(run_pool(kiln_avg_pool2d_s8, pc, in, got), KILN_OK);
    std::vector<float> fin(in.begin(), in.end()), fout(got.size());
    const kiln_pool_params p = pc.params();
    const kiln_shape in_s = shape({1, 2, 7, 6}),
                     out_s = shape({1, 2, pc.oh(), pc.ow()});
    ASSERT_EQ(kiln_avg_pool2d_f32(&p, &in_s, fin.data(), &out_s, fout.data()),
              KILN_OK);
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_EQ(got[i], int8_t(std::round(fout[i]))) << i << " " << fout[i];
  }
}

TEST(PoolS8, RejectsBadArguments) {
  PoolS8Case pc{1, 1, 4, 4, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, false, false};
  const auto in = random_s8(16, 1);
  std::vector<int8_t> out;
  pc.act_min = 5, pc.act_max = 4;
  EXPECT_EQ(run_pool(kiln_max_pool2d_s8, pc, in, out), KILN_ERR_ARG);
  EXPECT_EQ(run_pool(kiln_avg_pool2d_s8, pc, in, out), KILN_ERR_ARG);
  pc.act_min = -128, pc.act_max = 127;
  kiln_pool_params p = pc.params();
  p.stride[0] = 0;
  const kiln_shape in_s = shape({1, 1, 4, 4}), out_s = shape({1, 1, 2, 2});
  out.assign(4, 0);
  EXPECT_EQ(
      kiln_max_pool2d_s8(&p, -128, 127, &in_s, in.data(), &out_s, out.data()),
      KILN_ERR_ARG);
  EXPECT_EQ(kiln_avg_pool2d_s8(nullptr, -128, 127, &in_s, in.data(), &out_s,
                               out.data()),
            KILN_ERR_NULL);
}

TEST(GlobalAvgPoolS8, MatchesOracleAndMean) {
  const kiln_shape s = shape({2, 3, 5, 7});
  const auto in = random_s8(2 * 3 * 5 * 7, 9);
  const double in_scale = 0.03, out_scale = 0.02;
  const int32_t in_zp = -7, out_zp = 3;
  const kiln_requant rq = quantize_multiplier(in_scale / (out_scale * 35));
  std::vector<int8_t> got(6);
  ASSERT_EQ(kiln_global_avg_pool_s8(&s, in.data(), -in_zp, rq, out_zp, -128,
                                    127, got.data()),
            KILN_OK);
  for (int32_t pl = 0; pl < 6; ++pl) {
    int64_t sum = 0;
    for (int32_t i = 0; i < 35; ++i)
      sum += in[size_t(pl * 35 + i)] - in_zp;
    EXPECT_EQ(got[size_t(pl)], oracle_to_s8(sum, rq, out_zp, -128, 127));
    const double mean = in_scale * double(sum) / 35;
    EXPECT_LE(
        std::fabs(got[size_t(pl)] - (std::round(mean / out_scale) + out_zp)),
        1.0);
  }
  const kiln_shape bad = shape({2, 3});
  EXPECT_EQ(
      kiln_global_avg_pool_s8(&bad, in.data(), 0, rq, 0, -128, 127, got.data()),
      KILN_ERR_ARG);
}

} // namespace
