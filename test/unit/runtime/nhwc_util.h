// NHWC test helpers shared by the reference and ISA suites: the conv and pool
// cases and their random geometry (ONNX-valid: pads below the kernel, inputs
// at least as large as the padded window).
#pragma once

#include "test_util.h"

#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace kiln_test {

struct ConvCase {
  int32_t n, c, h, w, m, kh, kw;
  int32_t sh, sw, dh, dw;
  int32_t pt, pl, pb, pr;
  int32_t groups;
};

enum class Residual { None, Separate, InPlace };

// n floats starting `offset` floats past a 64-byte boundary: 0 lets the x86
// kernels read their own panel width (32 AVX-512, 16 AVX2) of a packed or
// Winograd filter in place, 1 makes them copy it.
struct AlignedFloats {
  std::vector<float> buf;
  float *p;
  AlignedFloats(size_t n, size_t offset) : buf(n + 16 + offset) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(buf.data());
    p = buf.data() + ((64 - a % 64) % 64) / sizeof(float) + offset;
  }
};

struct PoolCase {
  int32_t n, c, h, w, kh, kw;
  int32_t sh, sw, dh, dw;
  int32_t pt, pl, pb, pr;
  int32_t oh_extra, ow_extra; // ceil_mode: one more output row / column
};

inline std::vector<float> abs_of(std::vector<float> v) {
  for (float &x : v)
    x = std::fabs(x);
  return v;
}

inline kiln_conv_params conv_params(const ConvCase &cc,
                                    const kiln_activation &act) {
  kiln_conv_params p{};
  p.stride[0] = cc.sh, p.stride[1] = cc.sw;
  p.dilation[0] = cc.dh, p.dilation[1] = cc.dw;
  p.pad[0] = cc.pt, p.pad[1] = cc.pl, p.pad[2] = cc.pb, p.pad[3] = cc.pr;
  p.groups = cc.groups, p.act = act;
  return p;
}

inline int32_t conv_out_h(const ConvCase &cc) {
  return (cc.h + cc.pt + cc.pb - ((cc.kh - 1) * cc.dh + 1)) / cc.sh + 1;
}
inline int32_t conv_out_w(const ConvCase &cc) {
  return (cc.w + cc.pl + cc.pr - ((cc.kw - 1) * cc.dw + 1)) / cc.sw + 1;
}

// An NHWC conv signature: kiln_conv2d_nhwc_f32 or its reference.
using NhwcConvFn = kiln_status (*)(const kiln_conv_params *, const kiln_shape *,
                                   const float *, const kiln_shape *,
                                   const float *, const float *, const float *,
                                   const kiln_shape *, float *, void *);

// One NHWC conv case: its parameters, shapes and random tensors (input, HWIO
// weights, bias, residual), shared by the suites that run it two ways.
struct NhwcConv {
  kiln_conv_params p;
  int32_t cg, oh, ow;
  kiln_shape in_s, f_s, out_s;
  std::vector<float> in, wt, bias, resid;
  size_t out_n;
  const float *b; // bias or nullptr
  Residual res;

  NhwcConv(const ConvCase &cc, bool with_bias, Residual r,
           const kiln_activation &act, uint32_t seed)
      : p(conv_params(cc, act)), cg(cc.c / cc.groups), oh(conv_out_h(cc)),
        ow(conv_out_w(cc)), in_s(shape({cc.n, cc.h, cc.w, cc.c})),
        f_s(shape({cc.kh, cc.kw, cg, cc.m})),
        out_s(shape({cc.n, oh, ow, cc.m})),
        in(random_floats(size_t(numel({cc.n, cc.h, cc.w, cc.c})), seed)),
        wt(random_floats(size_t(numel({cc.kh, cc.kw, cg, cc.m})), seed + 1)),
        bias(random_floats(size_t(cc.m), seed + 2)),
        resid(random_floats(size_t(numel({cc.n, oh, ow, cc.m})), seed + 3)),
        out_n(resid.size()), b(with_bias ? bias.data() : nullptr), res(r) {}

  // A fresh output buffer: 3.0 everywhere, or the residual when the
  // residual is the output buffer itself.
  std::vector<float> out_buffer() const {
    return res == Residual::InPlace ? resid : std::vector<float>(out_n, 3.0f);
  }
  // The residual argument for a call writing `out`.
  const float *residual_for(const std::vector<float> &out) const {
    return res == Residual::None      ? nullptr
           : res == Residual::InPlace ? out.data()
                                      : resid.data();
  }
  // The sum of each output's terms' magnitudes: fn on |operands|, no
  // activation (the rounding scale for within_rounding).
  bool magnitudes(NhwcConvFn fn, std::vector<float> &scale) const {
    kiln_conv_params pa = p;
    pa.act = kiln_activation{};
    const auto a_in = abs_of(in), a_wt = abs_of(wt), a_b = abs_of(bias),
               a_r = abs_of(resid);
    scale.assign(out_n, 0.0f);
    return fn(&pa, &in_s, a_in.data(), &f_s, a_wt.data(),
              b ? a_b.data() : nullptr,
              res == Residual::None ? nullptr : a_r.data(), &out_s,
              scale.data(), nullptr) == KILN_OK;
  }
};

// got agrees with want to rounding: 1e-5 of the sum of the terms'
// magnitudes (scale: the conv on |operands|, no activation), which bounds
// fp32 reordering error at these sizes, plus 1e-5 of the value (the
// activation's own rounding).
inline ::testing::AssertionResult
within_rounding(const std::vector<float> &got, const std::vector<float> &want,
                const std::vector<float> &scale) {
  for (size_t i = 0; i < got.size(); ++i) {
    const double tol =
        1e-5 * (double(scale[i]) + std::fabs(double(want[i])) + 1e-3);
    if (!(std::fabs(double(got[i]) - want[i]) <= tol))
      return ::testing::AssertionFailure()
             << "at " << i << ": got " << got[i] << " want " << want[i]
             << " (tolerance " << tol << ")";
  }
  return ::testing::AssertionSuccess();
}

// Kernel 1-5, stride 1-3, dilation 1-2, pads 0-2 and an input up to
// h_extra / w_extra larger than the dilated window; n, c, m, groups are the
// caller's.
inline void gen_conv_geometry(ConvCase &cc, int32_t h_extra, int32_t w_extra) {
  cc.kh = *rc::gen::inRange(1, 6), cc.kw = *rc::gen::inRange(1, 6);
  cc.sh = *rc::gen::inRange(1, 4), cc.sw = *rc::gen::inRange(1, 4);
  cc.dh = *rc::gen::inRange(1, 3), cc.dw = *rc::gen::inRange(1, 3);
  cc.pt = *rc::gen::inRange(0, 3), cc.pl = *rc::gen::inRange(0, 3);
  cc.pb = *rc::gen::inRange(0, 3), cc.pr = *rc::gen::inRange(0, 3);
  const int32_t span_h = (cc.kh - 1) * cc.dh + 1,
                span_w = (cc.kw - 1) * cc.dw + 1;
  cc.h = std::max(span_h - cc.pt - cc.pb, 1) + *rc::gen::inRange(0, h_extra);
  cc.w = std::max(span_w - cc.pl - cc.pr, 1) + *rc::gen::inRange(0, w_extra);
}

// A random pool over 1-2 images of 1..max_c-1 channels; ONNX requires pads
// smaller than the kernel.
inline PoolCase gen_pool_case(int32_t max_c) {
  PoolCase k{};
  k.n = *rc::gen::inRange(1, 3), k.c = *rc::gen::inRange(1, max_c);
  k.kh = *rc::gen::inRange(1, 5), k.kw = *rc::gen::inRange(1, 5);
  k.sh = *rc::gen::inRange(1, 4), k.sw = *rc::gen::inRange(1, 4);
  k.dh = *rc::gen::inRange(1, 3), k.dw = *rc::gen::inRange(1, 3);
  k.pt = *rc::gen::inRange(0, k.kh), k.pl = *rc::gen::inRange(0, k.kw);
  k.pb = *rc::gen::inRange(0, k.kh), k.pr = *rc::gen::inRange(0, k.kw);
  const int32_t span_h = (k.kh - 1) * k.dh + 1, span_w = (k.kw - 1) * k.dw + 1;
  k.h = std::max(span_h - k.pt - k.pb, 1) + *rc::gen::inRange(0, 15);
  k.w = std::max(span_w - k.pl - k.pr, 1) + *rc::gen::inRange(0, 15);
  k.oh_extra = *rc::gen::inRange(0, 2), k.ow_extra = *rc::gen::inRange(0, 2);
  return k;
}

} // namespace kiln_test
