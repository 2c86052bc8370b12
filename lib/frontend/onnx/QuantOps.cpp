//===- QuantOps.cpp - QuantizeLinear and DequantizeLinear builders --------===//
//
// Scales and zero points must be constants: they become the parameters of a
// `!quant.uniform` element type, per tensor or per axis.
//
//===----------------------------------------------------------------------===//

#include "lib/frontend/onnx/OpTable.h"
#include "lib/frontend/onnx/ShapeMath.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
/// The quantised element type described by inputs 1 (scale) and 2 (zero
/// point) of the current node. Without a zero point the storage is
/// `defaultStorage` (uint8 for QuantizeLinear, the data's own type for
/// DequantizeLinear).
FailureOr<quant::QuantizedType> quantTypeOf(ImportContext &ic, int64_t rank,
                                            Type defaultStorage) {
  FailureOr<SmallVector<double>> scales = ic.constFloats(1, "scale");
  if (failed(scales))
    return failure();
  Type expressed = ic.inputType(1).getElementType();
  SmallVector<int64_t> zeroPoints(scales->size(), 0);
  Type storage = defaultStorage;
  if (ic.hasInput(2)) {
    FailureOr<SmallVector<int64_t>> zp = ic.constInts(2, "zero point");
    if (failed(zp))
      return failure();
    zeroPoints = *zp;
    storage = ic.inputType(2).getElementType();
  }
  if (!storage.isInteger(8) && !storage.isSignlessInteger(32))
    return ic.emitNodeError()
           << "only int8, uint8 and int32 quantisation is supported, not "
           << storage;
  if (zeroPoints.size() != scales->size())
    return ic.emitNodeError() << "scale and zero point differ in length";
  unsigned width = storage.getIntOrFloatBitWidth();
  bool isSigned = storage.isSignlessInteger();
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  int64_t qmin = isSigned ? llvm::minIntN(width) : 0;
  int64_t qmax = isSigned ? llvm::maxIntN(width) : llvm::maxUIntN(width);
  Type storageType = IntegerType::get(ic.ctx, width);
  if (ic.inputType(1).getRank() == 0 || scales->size() == 1)
    return quant::QuantizedType(quant::UniformQuantizedType::get(
        flags, storageType, expressed, (*scales)[0], zeroPoints[0], qmin,
        qmax));
  std::optional<int64_t> axis = normalizeAxis(ic.attrInt("axis", 1), rank);
  if (!axis)
    return ic.emitNodeError() << "axis is out of range";
  return quant::QuantizedType(quant::UniformQuantizedPerAxisType::get(
      flags, storageType, expressed, *scales, zeroPoints, *axis, qmin, qmax));
}

LogicalResult buildQuantize(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  Value x = ic.input(0);
  if (!x)
    return failure();
  FailureOr<quant::QuantizedType> q = quantTypeOf(
      ic, type.getRank(), IntegerType::get(ic.ctx, 8, IntegerType::Unsigned));
  if (failed(q))
    return failure();
  ic.setOutput(0, kiln::QuantizeOp::create(ic.b, ic.loc(), type.clone(*q), x));
  return success();
}

/// DequantizeLinear's input is either QuantizeLinear's result or, as in QDQ
/// models, integer weights stored with their scale beside them: those are
/// reinterpreted (no data change) as the quantised type.
LogicalResult buildDequantize(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  if (!type)
    return failure();
  auto q = dyn_cast<quant::QuantizedType>(type.getElementType());
  // Only quantised inputs are used as they are; integer constants get a
  // reinterpreted copy instead.
  Value x = q ? ic.input(0) : Value();
  if (!q) {
    FailureOr<quant::QuantizedType> qt =
        quantTypeOf(ic, type.getRank(), type.getElementType());
    if (failed(qt))
      return failure();
    q = *qt;
    Value storage = ic.constantInputAs(0, q.getStorageType());
    if (!storage)
      return ic.emitNodeError()
             << "the input must come from QuantizeLinear or be a constant "
                "integer tensor";
    x = quant::StorageCastOp::create(ic.b, ic.loc(), type.clone(q), storage);
  }
  if (!x)
    return failure();
  ic.setOutput(0, kiln::DequantizeOp::create(
                      ic.b, ic.loc(), type.clone(q.getExpressedType()), x));
  return success();
}

const OpTableEntry kQuantOps[] = {
    {"QuantizeLinear", 10, kMaxOpset, buildQuantize},
    {"DequantizeLinear", 10, kMaxOpset, buildDequantize},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getQuantOps() {
  return kQuantOps;
}
