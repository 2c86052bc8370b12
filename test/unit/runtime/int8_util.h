// int8 test helpers: an independent oracle for the requantisation (exact
// long double arithmetic from the definitions, not gemmlowp's bit tricks),
// real-scale -> (multiplier, shift), seeded int8 data.
#pragma once

#include "test_util.h"

#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace kiln_test {

// x86 long double holds 64 mantissa bits: every product of two int32 and its
// halves below are exact, so floorl/roundl see the true rational value.
static_assert(std::numeric_limits<long double>::digits >= 64,
              "the requant oracle needs 64-bit long double mantissas");

// acc * 2^left reduced modulo 2^32 into int32.
inline int32_t oracle_wrap_shift(int32_t acc, int32_t left) {
  const int64_t v = static_cast<int64_t>(acc) * (int64_t(1) << left);
  const uint64_t low = static_cast<uint64_t>(v) & 0xffffffffu;
  return low >= 0x80000000u
             ? static_cast<int32_t>(int64_t(low) - (int64_t(1) << 32))
             : static_cast<int32_t>(low);
}

// requant(acc) = round_half_away(round_half_up(wrap(acc * 2^l) * M / 2^31)
//                                / 2^r), saturating the one overflowing case.
inline int32_t oracle_requant(int32_t acc, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const int32_t x = oracle_wrap_shift(acc, left);
  int32_t high;
  if (x == INT32_MIN && multiplier == INT32_MIN) {
    high = INT32_MAX;
  } else {
    const long double prod =
        static_cast<long double>(x) * static_cast<long double>(multiplier);
    high = static_cast<int32_t>(std::floor(std::ldexp(prod, -31) + 0.5L));
  }
  return static_cast<int32_t>(
      std::round(std::ldexp(static_cast<long double>(high), -right)));
}

inline int8_t oracle_to_s8(int64_t acc32, kiln_requant rq, int32_t offset,
                           int32_t lo, int32_t hi) {
  const int64_t v = int64_t(oracle_requant(static_cast<int32_t>(acc32),
                                           rq.multiplier, rq.shift)) +
                    offset;
  return static_cast<int8_t>(std::min<int64_t>(hi, std::max<int64_t>(lo, v)));
}

// TFLite's QuantizeMultiplier: real = m * 2^(shift - 31), m in [2^30, 2^31).
inline kiln_requant quantize_multiplier(double real) {
  if (real == 0.0)
    return {0, 0};
  int exp = 0;
  const double q = std::frexp(real, &exp); // q in [0.5, 1)
  int64_t m = std::llround(q * double(int64_t(1) << 31));
  if (m == (int64_t(1) << 31))
    m /= 2, ++exp;
  if (exp < -31)
    return {0, 0};
  return {static_cast<int32_t>(m), exp};
}

inline std::vector<int8_t> random_s8(size_t n, uint32_t seed, int lo = -128,
                                     int hi = 127) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<int8_t> v(n);
  for (auto &x : v)
    x = static_cast<int8_t>(dist(rng));
  return v;
}

inline std::vector<int32_t> random_s32(size_t n, uint32_t seed, int32_t lo,
                                       int32_t hi) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> dist(lo, hi);
  std::vector<int32_t> v(n);
  for (auto &x : v)
    x = dist(rng);
  return v;
}

// Per-channel factors around `typical` (a conv's in*w/out scale ratio).
inline std::vector<kiln_requant>
random_requants(size_t n, uint32_t seed, double lo = 1e-4, double hi = 1e-2) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(std::log(lo), std::log(hi));
  std::vector<kiln_requant> v(n);
  for (auto &r : v)
    r = quantize_multiplier(std::exp(dist(rng)));
  return v;
}

inline ::testing::AssertionResult same_s8(const std::vector<int8_t> &got,
                                          const std::vector<int8_t> &want) {
  if (got.size() != want.size())
    return ::testing::AssertionFailure()
           << "size " << got.size() << " != " << want.size();
  for (size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i])
      return ::testing::AssertionFailure()
             << "at " << i << ": got " << int(got[i]) << " want "
             << int(want[i]);
  return ::testing::AssertionSuccess();
}

// One int8 conv problem: shapes, attributes, quantisation parameters, data.
struct ConvS8Case {
  int32_t n, c, h, w, m, kh, kw;
  int32_t sh, sw, dh, dw;
  int32_t pt, pl, pb, pr;
  int32_t groups;
  int32_t in_off = 0, out_off = 0, act_min = -128, act_max = 127;
  bool bias = true;

  int32_t oh() const { return (h + pt + pb - ((kh - 1) * dh + 1)) / sh + 1; }
  int32_t ow() const { return (w + pl + pr - ((kw - 1) * dw + 1)) / sw + 1; }
  kiln_conv_s8_params params() const {
    kiln_conv_s8_params p{};
    p.stride[0] = sh, p.stride[1] = sw, p.dilation[0] = dh, p.dilation[1] = dw;
    p.pad[0] = pt, p.pad[1] = pl, p.pad[2] = pb, p.pad[3] = pr;
    p.groups = groups, p.input_offset = in_off, p.output_offset = out_off;
    p.act_min = act_min, p.act_max = act_max;
    return p;
  }
  kiln_shape in_shape() const { return shape({n, c, h, w}); }
  kiln_shape filter_shape() const { return shape({m, c / groups, kh, kw}); }
  kiln_shape out_shape() const { return shape({n, m, oh(), ow()}); }
  size_t in_size() const { return size_t(numel({n, c, h, w})); }
  size_t filter_size() const { return size_t(numel({m, c / groups, kh, kw})); }
  size_t out_size() const { return size_t(numel({n, m, oh(), ow()})); }
};

// A RapidCheck-drawn conv: groups, depthwise or not, strides, dilations,
// pads up to max_pad, inputs at least one window tall/wide plus up to
// extra_h / extra_w, offsets and clamps anywhere in their ranges.
struct ConvS8Limits {
  int32_t max_c_per_group, max_m_per_group, max_k, max_pad, extra_h, extra_w;
};

inline ConvS8Case random_conv_s8_case(const ConvS8Limits &l) {
  ConvS8Case cc{};
  const bool depthwise = *rc::gen::arbitrary<bool>();
  cc.groups = *rc::gen::inRange(1, 4);
  cc.n = *rc::gen::inRange(1, 3);
  cc.c = cc.groups * (depthwise ? 1 : *rc::gen::inRange(1, l.max_c_per_group));
  cc.m = cc.groups * *rc::gen::inRange(1, l.max_m_per_group);
  cc.kh = *rc::gen::inRange(1, l.max_k), cc.kw = *rc::gen::inRange(1, l.max_k);
  cc.sh = *rc::gen::inRange(1, 4), cc.sw = *rc::gen::inRange(1, 4);
  cc.dh = *rc::gen::inRange(1, 3), cc.dw = *rc::gen::inRange(1, 3);
  cc.pt = *rc::gen::inRange(0, l.max_pad),
  cc.pl = *rc::gen::inRange(0, l.max_pad);
  cc.pb = *rc::gen::inRange(0, l.max_pad),
  cc.pr = *rc::gen::inRange(0, l.max_pad);
  cc.h = std::max((cc.kh - 1) * cc.dh + 1 - cc.pt - cc.pb, 1) +
         *rc::gen::inRange(0, l.extra_h);
  cc.w = std::max((cc.kw - 1) * cc.dw + 1 - cc.pl - cc.pr, 1) +
         *rc::gen::inRange(0, l.extra_w);
  cc.in_off = *rc::gen::inRange(-127, 129);
  cc.out_off = *rc::gen::inRange(-128, 128);
  cc.act_min = *rc::gen::inRange(-128, 128);
  cc.act_max = *rc::gen::inRange(cc.act_min, 128);
  cc.bias = *rc::gen::arbitrary<bool>();
  return cc;
}

struct ConvS8Data {
  std::vector<int8_t> in, wt;
  std::vector<int32_t> bias;
  std::vector<kiln_requant> rq;
};

inline ConvS8Data conv_s8_data(const ConvS8Case &cc, uint32_t seed) {
  ConvS8Data d;
  d.in = random_s8(cc.in_size(), seed);
  d.wt = random_s8(cc.filter_size(), seed + 1);
  d.bias = random_s32(size_t(cc.m), seed + 2, -20000, 20000);
  // Scale the factors to the accumulator's spread so outputs cover the range
  // rather than all saturating.
  const double taps = double(cc.c / cc.groups) * cc.kh * cc.kw;
  d.rq = random_requants(size_t(cc.m), seed + 3,
                         0.3 / (128.0 * std::sqrt(taps) * 64),
                         3.0 / (128.0 * std::sqrt(taps) * 64) * 64);
  return d;
}

// int64 accumulation straight from the definition.
inline std::vector<int8_t> oracle_conv_s8(const ConvS8Case &cc,
                                          const ConvS8Data &d) {
  std::vector<int8_t> out(cc.out_size());
  const int32_t oh_n = cc.oh(), ow_n = cc.ow(), cg = cc.c / cc.groups,
                mg = cc.m / cc.groups;
  size_t o = 0;
  for (int32_t n = 0; n < cc.n; ++n)
    for (int32_t oc = 0; oc < cc.m; ++oc)
      for (int32_t y = 0; y < oh_n; ++y)
        for (int32_t x = 0; x < ow_n; ++x, ++o) {
          int64_t acc = cc.bias ? d.bias[size_t(oc)] : 0;
          for (int32_t c = 0; c < cg; ++c)
            for (int32_t i = 0; i < cc.kh; ++i)
              for (int32_t j = 0; j < cc.kw; ++j) {
                const int32_t iy = y * cc.sh - cc.pt + i * cc.dh;
                const int32_t ix = x * cc.sw - cc.pl + j * cc.dw;
                if (iy < 0 || iy >= cc.h || ix < 0 || ix >= cc.w)
                  continue;
                const int32_t ic = (oc / mg) * cg + c;
                const int64_t q = d.in[size_t(
                    ((int64_t(n) * cc.c + ic) * cc.h + iy) * cc.w + ix)];
                const int64_t wv = d.wt[size_t(
                    ((int64_t(oc) * cg + c) * cc.kh + i) * cc.kw + j)];
                acc += (q + cc.in_off) * wv;
              }
          out[o] = oracle_to_s8(acc, d.rq[size_t(oc)], cc.out_off, cc.act_min,
                                cc.act_max);
        }
  return out;
}

using ConvS8Fn = kiln_status (*)(const kiln_conv_s8_params *,
                                 const kiln_requant *, const kiln_shape *,
                                 const int8_t *, const kiln_shape *,
                                 const int8_t *, const int32_t *,
                                 const kiln_shape *, int8_t *, void *);

inline kiln_status run_conv_s8(ConvS8Fn fn, const ConvS8Case &cc,
                               const ConvS8Data &d, std::vector<int8_t> &out,
                               void *scratch) {
  const kiln_conv_s8_params p = cc.params();
  const kiln_shape in_s = cc.in_shape(), f_s = cc.filter_shape(),
                   out_s = cc.out_shape();
  out.assign(cc.out_size(), int8_t(0x5a));
  return fn(&p, d.rq.data(), &in_s, d.in.data(), &f_s, d.wt.data(),
            cc.bias ? d.bias.data() : nullptr, &out_s, out.data(), scratch);
}

} // namespace kiln_test
