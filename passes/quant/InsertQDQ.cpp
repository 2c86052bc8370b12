//===- InsertQDQ.cpp - Calibrated ranges -> int8 weights, activation QDQ --===//
//
// The post-training quantisation front end: turns a float graph whose values
// carry calibrated ranges (`kiln.range`) into the QDQ form the ONNX importer
// also produces, which the integer lowering then consumes.
//
//===----------------------------------------------------------------------===//

#include "kiln/evaluator/Evaluator.h"
#include "kiln/passes/Passes.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cmath>

namespace kiln {
#define GEN_PASS_DEF_KILNINSERTQDQPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

constexpr StringLiteral kRangeAttr = "kiln.range";

/// Where an op reads weights and activations. Operands that are neither
/// (biases, gemm's C) stay float: the integer lowering derives the int32 bias
/// from the input and weight scales.
struct QuantRoles {
  /// The constant operand quantised per output channel, and that axis.
  std::optional<unsigned> weight;
  int64_t weightAxis = 0;
  /// Operands that get activation quantize/dequantize.
  SmallVector<unsigned> activations;
};

bool isF32Tensor(Type t) {
  auto ranked = dyn_cast<RankedTensorType>(t);
  return ranked && ranked.getElementType().isF32();
}

bool isF32Constant(Value v) {
  return isF32Tensor(v.getType()) && v.getDefiningOp<ConstantOp>();
}

/// The roles of `op`'s operands, or nothing when the op has no int8 kernel
/// (it then stays float between dequantised inputs).
std::optional<QuantRoles> getQuantRoles(Operation *op) {
  QuantRoles roles;
  auto weightOr = [&](unsigned i, int64_t axis) {
    if (isF32Constant(op->getOperand(i))) {
      roles.weight = i;
      roles.weightAxis = axis;
    } else {
      roles.activations.push_back(i);
    }
  };
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    // A packed filter's axis 0 is the group, not the output channel; the
    // int8 kernels read OIHW only.
    if (conv.hasPackedFilter())
      return std::nullopt;
    roles.activations.push_back(0);
    weightOr(1, 0);
    if (conv.getResidual())
      roles.activations.push_back(op->getNumOperands() - 1);
    return roles;
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    roles.activations.push_back(0);
    weightOr(1, gemm.getTransB() ? 0 : 1);
    return roles;
  }
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    roles.activations.push_back(0);
    auto rhs = cast<RankedTensorType>(matmul.getRhs().getType());
    weightOr(1, std::max<int64_t>(rhs.getRank() - 1, 0));
    return roles;
  }
  if (isa<AddOp, MaxPool2DOp, AvgPool2DOp, GlobalAvgPoolOp, GlobalMaxPoolOp,
          ConcatOp>(op)) {
    for (unsigned i = 0; i < op->getNumOperands(); ++i)
      roles.activations.push_back(i);
    return roles;
  }
  return std::nullopt;
}

/// Ops whose output values are a subset of their input's: the output keeps
/// the input's quantisation parameters, so the integer form moves bytes and
/// never requantises.
Value getRangeSource(Value v) {
  Operation *def = v.getDefiningOp();
  if (!isa_and_nonnull<MaxPool2DOp, GlobalMaxPoolOp, ReshapeOp, TransposeOp>(
          def))
    return {};
  Value source = def->getOperand(0);
  // The input may already have its own quantize/dequantize pair.
  if (auto dq = source.getDefiningOp<DequantizeOp>())
    if (auto q = dq.getInput().getDefiningOp<QuantizeOp>())
      return q.getInput();
  return source;
}

void collectNames(Location loc, SmallVectorImpl<StringRef> &names) {
  if (auto named = dyn_cast<NameLoc>(loc)) {
    names.push_back(named.getName().strref());
    collectNames(named.getChildLoc(), names);
  } else if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location l : fused.getLocations())
      collectNames(l, names);
  } else if (auto site = dyn_cast<CallSiteLoc>(loc)) {
    collectNames(site.getCallee(), names);
  }
}

/// Per-tensor asymmetric int8 parameters for [lo, hi], widened to contain 0
/// so that zero (padding, ReLU) is exact.
quant::UniformQuantizedType getActivationType(MLIRContext *ctx, double lo,
                                              double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  // The scale is stored as the f32 the kernels will use.
  float scale = static_cast<float>((hi - lo) / 255.0);
  if (!(scale > 1e-9f))
    scale = 1e-9f;
  double zp = std::nearbyint(-128.0 - lo / scale);
  int64_t zeroPoint = static_cast<int64_t>(std::clamp(zp, -128.0, 127.0));
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, 8),
      Float32Type::get(ctx), scale, zeroPoint, -128, 127);
}

class InsertQDQ final : public kiln::impl::KilnInsertQDQPassBase<InsertQDQ> {
public:
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (mode != "int8" && mode != "int8-weights") {
      func.emitError() << "kiln-insert-qdq: unknown mode '" << mode
                       << "' (int8 or int8-weights)";
      return signalPassFailure();
    }
    excluded.clear();
    for (const std::string &name : exclude)
      excluded.insert(name);
    if (failed(checkRanges(func)))
      return signalPassFailure();

    llvm::SetVector<Value> activations;
    SmallVector<std::pair<Operation *, QuantRoles>> ops;
    func.walk([&](Operation *op) {
      std::optional<QuantRoles> roles = getQuantRoles(op);
      if (!roles || isExcluded(op) ||
          !llvm::all_of(op->getResultTypes(), isF32Tensor))
        return;
      if (mode == "int8-weights") {
        if (isa<GemmOp, MatMulOp>(op) && roles->weight)
          ops.push_back({op, *roles});
        return;
      }
      ops.push_back({op, *roles});
      for (unsigned i : roles->activations)
        if (isF32Tensor(op->getOperand(i).getType()))
          activations.insert(op->getOperand(i));
      for (Value r : op->getResults())
        activations.insert(r);
    });

    for (auto &[op, roles] : ops)
      if (roles.weight &&
          failed(quantizeWeight(op, *roles.weight, roles.weightAxis)))
        return signalPassFailure();
    for (Value v : activations)
      if (failed(insertActivationQDQ(func, v)))
        return signalPassFailure();

    func.walk([](Operation *op) { op->removeAttr(kRangeAttr); });
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      func.removeArgAttr(i, kRangeAttr);
  }

private:
  llvm::StringSet<> excluded;

  bool isExcluded(Operation *op) const {
    SmallVector<StringRef> names;
    collectNames(op->getLoc(), names);
    return llvm::any_of(names,
                        [&](StringRef n) { return excluded.contains(n); });
  }

  /// Malformed ranges are the calibration step's bug or a hand-written test
  /// error; say which op.
  LogicalResult checkRanges(func::FuncOp func) {
    WalkResult result =
        func.walk([&](Operation *op) {
          auto range = op->getAttrOfType<DenseF32ArrayAttr>(kRangeAttr);
          if (!op->hasAttr(kRangeAttr))
            return WalkResult::advance();
          if (!range ||
              range.size() != 2 * static_cast<int64_t>(op->getNumResults())) {
            op->emitError()
                << "'" << kRangeAttr
                << "' must be array<f32: lo, hi> with one pair per result";
            return WalkResult::interrupt();
          }
          for (int64_t i = 0; i < range.size(); i += 2)
            if (!std::isfinite(range[i]) || !std::isfinite(range[i + 1]) ||
                range[i] > range[i + 1]) {
              op->emitError() << "'" << kRangeAttr << "' of result " << i / 2
                              << " is not a finite range lo <= hi";
              return WalkResult::interrupt();
            }
          return WalkResult::advance();
        });
    return failure(result.wasInterrupted());
  }

  std::optional<std::pair<double, double>> getRange(func::FuncOp func,
                                                    Value v) {
    if (Value source = getRangeSource(v))
      if (auto range = getRange(func, source))
        return range;
    DenseF32ArrayAttr attr;
    unsigned index = 0;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner()->getParentOp() != func)
        return std::nullopt;
      attr = func.getArgAttrOfType<DenseF32ArrayAttr>(arg.getArgNumber(),
                                                      kRangeAttr);
    } else if (auto constant = v.getDefiningOp<ConstantOp>()) {
      // A constant addend or concat input: its own extremes.
      FailureOr<evaluator::Tensor> t =
          evaluator::readElements(constant.getValue());
      if (failed(t) || t->numElements() == 0)
        return std::nullopt;
      auto values = llvm::ArrayRef(t->data<float>(), t->numElements());
      auto [lo, hi] = std::minmax_element(values.begin(), values.end());
      return std::make_pair(double(*lo), double(*hi));
    } else {
      auto result = cast<OpResult>(v);
      attr = result.getOwner()->getAttrOfType<DenseF32ArrayAttr>(kRangeAttr);
      index = result.getResultNumber();
    }
    if (!attr || attr.size() < 2 * (index + 1))
      return std::nullopt;
    return std::make_pair(double(attr[2 * index]), double(attr[2 * index + 1]));
  }

  LogicalResult insertActivationQDQ(func::FuncOp func, Value v) {
    std::optional<std::pair<double, double>> range = getRange(func, v);
    if (!range)
      return success(); // not calibrated (e.g. a value the data never reached)
    auto type = cast<RankedTensorType>(v.getType());
    quant::UniformQuantizedType qtype =
        getActivationType(v.getContext(), range->first, range->second);
    OpBuilder b(v.getContext());
    if (Operation *def = v.getDefiningOp())
      b.setInsertionPointAfter(def);
    else
      b.setInsertionPointToStart(v.getParentBlock());
    Location loc = v.getLoc();
    auto q = QuantizeOp::create(b, loc, type.clone(qtype), v);
    auto d = DequantizeOp::create(b, loc, type, q);
    v.replaceAllUsesExcept(d, q);
    return success();
  }

  /// Symmetric int8 (qmin -127) per output channel along `axis`, or one scale.
  LogicalResult quantizeWeight(Operation *op, unsigned operand, int64_t axis) {
    Value w = op->getOperand(operand);
    auto constant = w.getDefiningOp<ConstantOp>();
    FailureOr<evaluator::Tensor> t =
        evaluator::readElements(constant.getValue());
    if (failed(t))
      return op->emitError()
             << "cannot read the weights of this op to quantise them";
    auto type = cast<RankedTensorType>(w.getType());
    ArrayRef<int64_t> shape = type.getShape();
    bool perChannel = !perTensor && type.getRank() > 0;
    int64_t channels = perChannel ? shape[axis] : 1, inner = 1, outer = 1;
    if (perChannel) {
      for (int64_t d = axis + 1; d < type.getRank(); ++d)
        inner *= shape[d];
      for (int64_t d = 0; d < axis; ++d)
        outer *= shape[d];
    } else {
      inner = type.getNumElements();
    }
    const float *data = t->data<float>();
    SmallVector<float> scales(channels, 0.0f);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t i = 0; i < inner; ++i)
          scales[c] = std::max(scales[c],
                               std::fabs(data[(o * channels + c) * inner + i]));
    for (float &s : scales) {
      if (!std::isfinite(s))
        return op->emitError() << "weights hold NaN or Inf; cannot quantise";
      // An all-zero channel quantises to zeros with any positive scale.
      s = s > 0.0f ? s / 127.0f : 1.0f;
    }
    std::vector<int8_t> q(type.getNumElements());
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t i = 0; i < inner; ++i) {
          int64_t at = (o * channels + c) * inner + i;
          float v = std::nearbyint(data[at] / scales[c]);
          q[at] = static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f));
        }

    MLIRContext *ctx = op->getContext();
    Type i8 = IntegerType::get(ctx, 8), f32 = Float32Type::get(ctx);
    unsigned flags = quant::QuantizationFlags::Signed;
    quant::QuantizedType qtype;
    if (perChannel) {
      SmallVector<double> s(scales.begin(), scales.end());
      SmallVector<int64_t> zeros(channels, 0);
      qtype = quant::UniformQuantizedPerAxisType::get(flags, i8, f32, s, zeros,
                                                      axis, -127, 127);
    } else {
      qtype = quant::UniformQuantizedType::get(flags, i8, f32, scales[0], 0,
                                               -127, 127);
    }
    evaluator::Tensor storage;
    storage.type = type.clone(i8);
    storage.bytes.assign(reinterpret_cast<const char *>(q.data()),
                         reinterpret_cast<const char *>(q.data()) + q.size());
    OpBuilder b(op);
    Location loc = constant.getLoc();
    auto intConst = ConstantOp::create(
        b, loc, evaluator::toElementsAttr(storage, "weights_i8"));
    auto cast =
        quant::StorageCastOp::create(b, loc, type.clone(qtype), intConst);
    auto deq = DequantizeOp::create(b, loc, type, cast);
    op->setOperand(operand, deq);
    if (constant->use_empty())
      constant->erase();
    return success();
  }
};

} // namespace
