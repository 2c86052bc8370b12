//===- QuantParams.cpp - int8 requantisation parameters of kiln ops -------===//

#include "kiln/target/QuantParams.h"

#include "kiln/target/RuntimeParams.h"

#include "mlir/IR/TypeUtilities.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace kiln;

kiln_requant codegen::quantizeMultiplier(double real) {
  if (!(real > 0.0))
    return {0, 0};
  int shift = 0;
  double fraction = std::frexp(real, &shift); // real = fraction * 2^shift
  // std::round is half away from zero, as TFLite's TfLiteRound.
  auto fixed = static_cast<int64_t>(std::round(fraction * (1LL << 31)));
  if (fixed == (1LL << 31)) {
    fixed /= 2;
    ++shift;
  }
  if (shift < -31)
    return {0, 0};
  if (shift > 30)
    return {std::numeric_limits<int32_t>::max(), 30};
  return {static_cast<int32_t>(fixed), shift};
}

std::optional<codegen::TensorQuant> codegen::getTensorQuant(Type type) {
  auto q = dyn_cast<quant::UniformQuantizedType>(getElementTypeOrSelf(type));
  if (!q)
    return std::nullopt;
  TensorQuant t;
  t.scale = q.getScale();
  t.zeroPoint = static_cast<int32_t>(q.getZeroPoint());
  t.qmin = static_cast<int32_t>(q.getStorageTypeMin());
  t.qmax = static_cast<int32_t>(q.getStorageTypeMax());
  return t;
}

SmallVector<double> codegen::getChannelScales(Type type, int64_t channels) {
  Type elem = getElementTypeOrSelf(type);
  if (auto q = dyn_cast<quant::UniformQuantizedType>(elem))
    return SmallVector<double>(channels, q.getScale());
  if (auto q = dyn_cast<quant::UniformQuantizedPerAxisType>(elem))
    if (static_cast<int64_t>(q.getScales().size()) == channels)
      return SmallVector<double>(q.getScales().begin(), q.getScales().end());
  return {};
}

/// zero_point + round(value / scale), saturated to int32 first so that
/// infinite clip bounds clamp to the storage range.
static int64_t quantizeBound(float value, const codegen::TensorQuant &out) {
  double q = std::round(static_cast<double>(value) / out.scale);
  q = std::clamp(q, -1e12, 1e12);
  return out.zeroPoint + static_cast<int64_t>(q);
}

std::optional<std::pair<int32_t, int32_t>>
codegen::getActivationRange(ActivationKind kind, ArrayRef<float> params,
                            const TensorQuant &out) {
  int64_t lo = out.qmin, hi = out.qmax;
  switch (kind) {
  case ActivationKind::none:
    break;
  case ActivationKind::relu:
    lo = std::max(lo, quantizeBound(0.0f, out));
    break;
  case ActivationKind::clip: {
    float min = params.size() > 0 ? params[0] : -INFINITY;
    float max = params.size() > 1 ? params[1] : INFINITY;
    lo = std::max(lo, quantizeBound(min, out));
    hi = std::min(hi, quantizeBound(max, out));
    break;
  }
  default:
    return std::nullopt;
  }
  // A clip entirely outside the representable range still clamps to a
  // valid (single-value) range.
  if (lo > hi)
    lo = hi = std::clamp<int64_t>(lo, out.qmin, out.qmax);
  return std::make_pair(static_cast<int32_t>(lo), static_cast<int32_t>(hi));
}

int32_t codegen::quantizeBias(double value, double scale) {
  double q = std::nearbyint(value / scale);
  if (std::isnan(q))
    return 0;
  q = std::clamp(q, static_cast<double>(std::numeric_limits<int32_t>::min()),
                 static_cast<double>(std::numeric_limits<int32_t>::max()));
  return static_cast<int32_t>(q);
}

bool codegen::isQuantizedOp(Operation *op) {
  return op->getNumResults() > 0 &&
         isa<quant::QuantizedType>(
             getElementTypeOrSelf(op->getResult(0).getType()));
}

static void copyInts(int32_t *dst, ArrayRef<int64_t> src) {
  for (auto [i, v] : llvm::enumerate(src))
    dst[i] = static_cast<int32_t>(v);
}

/// in_scale * w_scale[c] / out_scale for every output channel.
static SmallVector<kiln_requant> channelRequant(double inScale, Type weights,
                                                int64_t channels,
                                                double outScale) {
  SmallVector<kiln_requant> requant;
  for (double w : codegen::getChannelScales(weights, channels))
    requant.push_back(codegen::quantizeMultiplier(inScale * w / outScale));
  return requant;
}

codegen::ConvS8Params codegen::toConvS8Params(Conv2DOp op) {
  ConvS8Params r;
  TensorQuant in = *getTensorQuant(op.getInput().getType());
  TensorQuant out = *getTensorQuant(op.getOutput().getType());
  kiln_conv_s8_params &p = r.params;
  copyInts(p.stride, op.getStrides());
  copyInts(p.dilation, op.getDilations());
  copyInts(p.pad, op.getPads());
  p.groups = static_cast<int32_t>(op.getGroup());
  p.input_offset = -in.zeroPoint;
  p.output_offset = out.zeroPoint;
  auto range =
      getActivationRange(op.getActivation(), op.getEpilogueParams(), out);
  std::tie(p.act_min, p.act_max) =
      range.value_or(std::make_pair(out.qmin, out.qmax));
  int64_t channels =
      cast<RankedTensorType>(op.getFilter().getType()).getDimSize(0);
  r.requant =
      channelRequant(in.scale, op.getFilter().getType(), channels, out.scale);
  return r;
}

codegen::FcS8Params codegen::toFcS8Params(GemmOp op) {
  FcS8Params r;
  TensorQuant in = *getTensorQuant(op.getA().getType());
  TensorQuant out = *getTensorQuant(op.getOutput().getType());
  auto outType = cast<RankedTensorType>(op.getOutput().getType());
  kiln_fc_s8_params &p = r.params;
  p.batch = static_cast<int32_t>(outType.getDimSize(0));
  p.n = static_cast<int32_t>(outType.getDimSize(1));
  p.k = static_cast<int32_t>(
      cast<RankedTensorType>(op.getB().getType()).getDimSize(1));
  p.input_offset = -in.zeroPoint;
  p.output_offset = out.zeroPoint;
  auto range =
      getActivationRange(op.getActivation(), op.getEpilogueParams(), out);
  std::tie(p.act_min, p.act_max) =
      range.value_or(std::make_pair(out.qmin, out.qmax));
  r.requant = channelRequant(in.scale, op.getB().getType(), p.n, out.scale);
  return r;
}

kiln_add_s8_params codegen::toAddS8Params(AddOp op) {
  TensorQuant a = *getTensorQuant(op.getLhs().getType());
  TensorQuant b = *getTensorQuant(op.getRhs().getType());
  TensorQuant out = *getTensorQuant(op.getOutput().getType());
  kiln_add_s8_params p{};
  p.a_offset = -a.zeroPoint;
  p.b_offset = -b.zeroPoint;
  p.output_offset = out.zeroPoint;
  // TFLite's int8 Add: 20 bits of headroom, both inputs rescaled to twice
  // the larger input scale, the sum rescaled to the output.
  p.left_shift = 20;
  double twiceMax = 2.0 * std::max(a.scale, b.scale);
  p.a_requant = quantizeMultiplier(a.scale / twiceMax);
  p.b_requant = quantizeMultiplier(b.scale / twiceMax);
  p.output_requant = quantizeMultiplier(
      twiceMax / (static_cast<double>(1 << p.left_shift) * out.scale));
  p.act_min = out.qmin;
  p.act_max = out.qmax;
  return p;
}

std::pair<int32_t, int32_t> codegen::getPoolRange(Operation *op) {
  TensorQuant out = *getTensorQuant(op->getResult(0).getType());
  return {out.qmin, out.qmax};
}

codegen::GlobalAvgPoolS8Params
codegen::toGlobalAvgPoolS8Params(GlobalAvgPoolOp op) {
  TensorQuant in = *getTensorQuant(op.getInput().getType());
  TensorQuant out = *getTensorQuant(op.getOutput().getType());
  auto type = cast<RankedTensorType>(op.getInput().getType());
  int64_t count = 1;
  for (int64_t d : type.getShape().drop_front(2))
    count *= d;
  GlobalAvgPoolS8Params p;
  p.inputOffset = -in.zeroPoint;
  p.outputOffset = out.zeroPoint;
  p.requant =
      quantizeMultiplier(in.scale / (out.scale * static_cast<double>(count)));
  p.actMin = out.qmin;
  p.actMax = out.qmax;
  return p;
}

codegen::RequantizeS8Params codegen::toRequantizeS8Params(RequantizeOp op) {
  TensorQuant in = *getTensorQuant(op.getInput().getType());
  TensorQuant out = *getTensorQuant(op.getOutput().getType());
  RequantizeS8Params p;
  p.inputOffset = -in.zeroPoint;
  p.outputOffset = out.zeroPoint;
  p.requant = quantizeMultiplier(in.scale / out.scale);
  return p;
}

static std::string ints(const int32_t *values, size_t n) {
  std::string s = "{";
  for (size_t i = 0; i < n; ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "}";
}

std::string codegen::formatInitializer(const kiln_requant &r) {
  return "{" + std::to_string(r.multiplier) + ", " + std::to_string(r.shift) +
         "}";
}

std::string codegen::formatInitializer(const kiln_conv_s8_params &p) {
  return "{" + ints(p.stride, 2) + ", " + ints(p.dilation, 2) + ", " +
         ints(p.pad, 4) + ", " + std::to_string(p.groups) + ", " +
         std::to_string(p.input_offset) + ", " +
         std::to_string(p.output_offset) + ", " + std::to_string(p.act_min) +
         ", " + std::to_string(p.act_max) + "}";
}

std::string codegen::formatInitializer(const kiln_fc_s8_params &p) {
  return "{" + std::to_string(p.batch) + ", " + std::to_string(p.n) + ", " +
         std::to_string(p.k) + ", " + std::to_string(p.input_offset) + ", " +
         std::to_string(p.output_offset) + ", " + std::to_string(p.act_min) +
         ", " + std::to_string(p.act_max) + "}";
}

std::string codegen::formatInitializer(const kiln_add_s8_params &p) {
  return "{" + std::to_string(p.a_offset) + ", " + std::to_string(p.b_offset) +
         ", " + formatInitializer(p.a_requant) + ", " +
         formatInitializer(p.b_requant) + ", " +
         formatInitializer(p.output_requant) + ", " +
         std::to_string(p.left_shift) + ", " + std::to_string(p.output_offset) +
         ", " + std::to_string(p.act_min) + ", " + std::to_string(p.act_max) +
         "}";
}

std::string codegen::formatRequantArray(ArrayRef<kiln_requant> requant) {
  std::string s = "{";
  for (auto [i, r] : llvm::enumerate(requant))
    s += (i ? ", " : "") + formatInitializer(r);
  return s + "}";
}
