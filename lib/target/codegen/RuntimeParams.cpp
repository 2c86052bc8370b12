//===- RuntimeParams.cpp - kiln op attributes -> runtime parameter structs ===//

#include "kiln/target/RuntimeParams.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace kiln;

kiln_shape codegen::toKilnShape(RankedTensorType type) {
  kiln_shape shape{};
  shape.rank = static_cast<int32_t>(type.getRank());
  for (auto [i, dim] : llvm::enumerate(type.getShape()))
    if (i < KILN_MAX_RANK)
      shape.dims[i] = static_cast<int32_t>(dim);
  return shape;
}

kiln_activation codegen::toKilnActivation(FusedEpilogueOpInterface op) {
  kiln_activation act{};
  act.kind = static_cast<kiln_act_kind>(op.getEpilogueActivation());
  SmallVector<float> params = op.getEpilogueParams();
  auto param = [&](size_t i, float fallback) {
    return i < params.size() ? params[i] : fallback;
  };
  switch (op.getEpilogueActivation()) {
  case ActivationKind::clip:
    act.min = param(0, -INFINITY);
    act.max = param(1, INFINITY);
    break;
  case ActivationKind::leaky_relu:
    act.alpha = param(0, 0.01f);
    break;
  case ActivationKind::hard_sigmoid:
    act.alpha = param(0, 0.2f);
    act.beta = param(1, 0.5f);
    break;
  default:
    break;
  }
  return act;
}

static void copyPair(int32_t *dst, ArrayRef<int64_t> src) {
  for (auto [i, v] : llvm::enumerate(src))
    dst[i] = static_cast<int32_t>(v);
}

template <typename ConvOp>
static kiln_conv_params convParams(ConvOp op, kiln_activation act) {
  kiln_conv_params p{};
  copyPair(p.stride, op.getStrides());
  copyPair(p.dilation, op.getDilations());
  copyPair(p.pad, op.getPads());
  p.groups = static_cast<int32_t>(op.getGroup());
  p.act = act;
  return p;
}

kiln_conv_params codegen::toConvParams(Conv2DOp op) {
  return convParams(op, toKilnActivation(op));
}

kiln_conv_params codegen::toConvParams(ConvTranspose2DOp op) {
  return convParams(op, kiln_activation{});
}

kiln_conv_params codegen::toConvParams(Conv2DWinogradOp op) {
  // Stride, dilation and groups are the op's meaning: 1 each.
  kiln_conv_params p{};
  p.stride[0] = p.stride[1] = p.dilation[0] = p.dilation[1] = 1;
  copyPair(p.pad, op.getPads());
  p.groups = 1;
  p.act = toKilnActivation(op);
  return p;
}

template <typename PoolOp> static kiln_pool_params poolParams(PoolOp op) {
  kiln_pool_params p{};
  copyPair(p.kernel, op.getKernel());
  copyPair(p.stride, op.getStrides());
  copyPair(p.dilation, op.getDilations());
  copyPair(p.pad, op.getPads());
  return p;
}

kiln_pool_params codegen::toPoolParams(MaxPool2DOp op) {
  return poolParams(op);
}

kiln_pool_params codegen::toPoolParams(AvgPool2DOp op) {
  kiln_pool_params p = poolParams(op);
  p.count_include_pad = op.getCountIncludePad() ? 1 : 0;
  return p;
}

kiln_gemm_params codegen::toGemmParams(GemmOp op) {
  kiln_gemm_params p{};
  auto out = cast<RankedTensorType>(op.getOutput().getType());
  auto a = cast<RankedTensorType>(op.getA().getType());
  p.m = static_cast<int32_t>(out.getDimSize(0));
  p.n = static_cast<int32_t>(out.getDimSize(1));
  p.k = static_cast<int32_t>(a.getDimSize(op.getTransA() ? 0 : 1));
  p.trans_a = op.getTransA();
  p.trans_b = op.getTransB();
  p.alpha = op.getAlpha().convertToFloat();
  p.beta = op.getBeta().convertToFloat();
  p.act = toKilnActivation(op);
  return p;
}

bool codegen::isNhwc(Operation *op) {
  auto layout = op->getAttrOfType<ImageLayoutAttr>("layout");
  return layout && layout.getValue() == ImageLayout::nhwc;
}

std::string codegen::formatFloat(float value) {
  if (std::isinf(value))
    return value > 0 ? "INFINITY" : "-INFINITY";
  // %.9g round-trips every float; the printf family is locale-free for "C".
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(value));
  std::string text = buf;
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text + "f";
}

static std::string ints(const int32_t *values, size_t n) {
  std::string s = "{";
  for (size_t i = 0; i < n; ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "}";
}

std::string codegen::formatInitializer(const kiln_shape &shape) {
  return "{" + std::to_string(shape.rank) + ", " +
         ints(shape.dims, std::max<int32_t>(shape.rank, 1)) + "}";
}

std::string codegen::formatInitializer(const kiln_activation &a) {
  static const char *const kNames[] = {
      "KILN_ACT_NONE",         "KILN_ACT_RELU",       "KILN_ACT_CLIP",
      "KILN_ACT_LEAKY_RELU",   "KILN_ACT_SIGMOID",    "KILN_ACT_TANH",
      "KILN_ACT_HARD_SIGMOID", "KILN_ACT_HARD_SWISH", "KILN_ACT_GELU",
      "KILN_ACT_SILU"};
  return std::string("{") + kNames[a.kind] + ", " +
         codegen::formatFloat(a.alpha) + ", " + codegen::formatFloat(a.beta) +
         ", " + codegen::formatFloat(a.min) + ", " +
         codegen::formatFloat(a.max) + "}";
}

std::string codegen::formatInitializer(const kiln_conv_params &p) {
  return "{" + ints(p.stride, 2) + ", " + ints(p.dilation, 2) + ", " +
         ints(p.pad, 4) + ", " + std::to_string(p.groups) + ", " +
         formatInitializer(p.act) + "}";
}

std::string codegen::formatInitializer(const kiln_pool_params &p) {
  return "{" + ints(p.kernel, 2) + ", " + ints(p.stride, 2) + ", " +
         ints(p.dilation, 2) + ", " + ints(p.pad, 4) + ", " +
         std::to_string(p.count_include_pad) + "}";
}

std::string codegen::formatInitializer(const kiln_gemm_params &p) {
  return "{" + std::to_string(p.m) + ", " + std::to_string(p.n) + ", " +
         std::to_string(p.k) + ", " + std::to_string(p.trans_a) + ", " +
         std::to_string(p.trans_b) + ", " + formatFloat(p.alpha) + ", " +
         formatFloat(p.beta) + ", " + formatInitializer(p.act) + "}";
}
