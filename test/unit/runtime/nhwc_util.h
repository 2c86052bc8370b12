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
