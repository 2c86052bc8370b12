//===- ObservedEvaluation.cpp - Float or QDQ evaluation, every value seen -===//
//
// Calibration and `kiln validate --per-layer` need every intermediate tensor,
// and validation needs the QDQ form evaluated as fake quantisation. Kernels
// come from the reference evaluator; quantize/dequantize use the runtime's
// reference quantisation kernels when the evaluator has none for them.
//
//===----------------------------------------------------------------------===//

#include "kiln/quant/Calibration.h"

#include "kiln/runtime.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace kiln;
using evaluator::Tensor;

namespace {

LogicalResult report(std::string *error, const Twine &message) {
  if (error)
    *error = message.str();
  return failure();
}

std::string describe(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "'" << op->getName() << "' at " << op->getLoc();
  return s;
}

/// [outer, axis size, inner], scales and zero points of a quantised type.
struct QuantLayout {
  int32_t outer = 1, axisSize = 1, inner = 1;
  std::vector<float> scales;
  std::vector<int32_t> zeroPoints;
  bool isSigned = true;
};

FailureOr<QuantLayout> getLayout(RankedTensorType type) {
  QuantLayout l;
  auto q = dyn_cast<mlir::quant::QuantizedType>(type.getElementType());
  if (!q || q.getStorageTypeIntegralWidth() != 8)
    return failure();
  l.isSigned = q.isSigned();
  if (auto u = dyn_cast<mlir::quant::UniformQuantizedType>(q)) {
    l.inner = static_cast<int32_t>(type.getNumElements());
    l.scales = {static_cast<float>(u.getScale())};
    l.zeroPoints = {static_cast<int32_t>(u.getZeroPoint())};
    return l;
  }
  auto a = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(q);
  if (!a)
    return failure();
  int64_t axis = a.getQuantizedDimension();
  ArrayRef<int64_t> shape = type.getShape();
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
    (d < axis   ? l.outer
     : d > axis ? l.inner
                : l.axisSize) *= static_cast<int32_t>(shape[d]);
  for (double s : a.getScales())
    l.scales.push_back(static_cast<float>(s));
  for (int64_t z : a.getZeroPoints())
    l.zeroPoints.push_back(static_cast<int32_t>(z));
  return l;
}

template <typename T> std::vector<T> narrow(ArrayRef<int32_t> v) {
  return std::vector<T>(v.begin(), v.end());
}

/// kiln.quantize, kiln.dequantize and quant.scast on int8/uint8 storage.
FailureOr<Tensor> evaluateQuantOp(Operation *op, const Tensor &in,
                                  std::string *error) {
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  if (isa<mlir::quant::StorageCastOp>(op)) {
    Tensor t = in;
    t.type = outType;
    return t;
  }
  bool isQuantize = isa<QuantizeOp>(op);
  auto qType = isQuantize ? outType : in.type;
  FailureOr<QuantLayout> l = getLayout(qType);
  if (failed(l))
    return report(error,
                  "only 8-bit uniform quantisation evaluates: " + describe(op));
  Tensor out;
  out.type = outType;
  out.bytes.assign(outType.getNumElements() * (isQuantize ? 1 : 4), 0);
  kiln_status status;
  if (isQuantize && l->isSigned) {
    auto zp = narrow<int8_t>(l->zeroPoints);
    status = kiln_quantize_f32_s8(in.data<float>(), out.data<int8_t>(),
                                  l->scales.data(), zp.data(), l->outer,
                                  l->axisSize, l->inner);
  } else if (isQuantize) {
    auto zp = narrow<uint8_t>(l->zeroPoints);
    status = kiln_quantize_f32_u8(in.data<float>(), out.data<uint8_t>(),
                                  l->scales.data(), zp.data(), l->outer,
                                  l->axisSize, l->inner);
  } else if (l->isSigned) {
    auto zp = narrow<int8_t>(l->zeroPoints);
    status = kiln_dequantize_s8_f32(in.data<int8_t>(), out.data<float>(),
                                    l->scales.data(), zp.data(), l->outer,
                                    l->axisSize, l->inner);
  } else {
    auto zp = narrow<uint8_t>(l->zeroPoints);
    status = kiln_dequantize_u8_f32(in.data<uint8_t>(), out.data<float>(),
                                    l->scales.data(), zp.data(), l->outer,
                                    l->axisSize, l->inner);
  }
  if (status != KILN_OK)
    return report(error, "the reference quantisation kernel of " +
                             describe(op) + " returned status " +
                             Twine(int(status)));
  return out;
}

bool isF32(Type t) {
  auto r = dyn_cast<RankedTensorType>(t);
  return r && r.getElementType().isF32();
}

} // namespace

FailureOr<SmallVector<Tensor>>
kiln::ptq::evaluateObserved(func::FuncOp func, ArrayRef<Tensor> inputs,
                            Observer observe, std::string *error) {
  // QDQ ops the evaluator has no kernel for run on the runtime's reference
  // quantisation kernels.
  auto evaluate = [](Operation *op, ArrayRef<Tensor> operands,
                     std::string *error) -> FailureOr<SmallVector<Tensor>> {
    if (isa<QuantizeOp, DequantizeOp, mlir::quant::StorageCastOp>(op) &&
        !evaluator::canEvaluate(op)) {
      FailureOr<Tensor> t = evaluateQuantOp(op, operands[0], error);
      if (failed(t))
        return failure();
      return SmallVector<Tensor>{std::move(*t)};
    }
    return evaluator::evaluateOp(op, operands, error);
  };
  return evaluator::evaluateFunction(func, inputs, error, evaluate,
                                     [&](Value v, const Tensor &t) {
                                       if (isF32(v.getType()))
                                         observe(v, t);
                                     });
}
