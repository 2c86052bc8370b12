//===- QuantOps.cpp - QuantizeLinear and DequantizeLinear builders --------===//
//
// Scales and zero points must be constants: they become the parameters of a
// `!quant.uniform` element type, per tensor or per axis.
//
//===----------------------------------------------------------------------===//

#include "lib/frontend/onnx/OpTable.h"
#include "lib/frontend/onnx/ShapeMath.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
/// The quantised element type described by inputs 1 (scale) and 2 (zero
/// point) of the current node, expressed in `expressed`.
FailureOr<Type> quantTypeOf(ImportContext &ic, Type expressed, int64_t rank) {
  FailureOr<SmallVector<double>> scales = ic.constFloats(1, "scale");
  if (failed(scales))
    return failure();
  SmallVector<int64_t> zeroPoints(scales->size(), 0);
  Type storage = IntegerType::get(ic.ctx, 8, IntegerType::Unsigned);
  if (ic.hasInput(2)) {
    FailureOr<SmallVector<int64_t>> zp = ic.constInts(2, "zero point");
    if (failed(zp))
      return failure();
    zeroPoints = *zp;
    storage = ic.inputType(2).getElementType();
  }
  if (!storage.isInteger(8))
    return ic.emitNodeError() << "only 8-bit quantisation is supported";
  if (zeroPoints.size() != scales->size())
    return ic.emitNodeError() << "scale and zero point differ in length";
  bool isSigned = storage.isSignlessInteger();
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  int64_t qmin = isSigned ? -128 : 0, qmax = isSigned ? 127 : 255;
  Type storageType = IntegerType::get(ic.ctx, 8);
  if (ic.inputType(1).getRank() == 0 || scales->size() == 1)
    return Type(quant::UniformQuantizedType::get(flags, storageType, expressed,
                                                 (*scales)[0], zeroPoints[0],
                                                 qmin, qmax));
  std::optional<int64_t> axis = normalizeAxis(ic.attrInt("axis", 1), rank);
  if (!axis)
    return ic.emitNodeError() << "axis is out of range";
  return Type(quant::UniformQuantizedPerAxisType::get(
      flags, storageType, expressed, *scales, zeroPoints, *axis, qmin, qmax));
}

LogicalResult buildQuantize(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  Value x = ic.input(0);
  if (!x)
    return failure();
  FailureOr<Type> q = quantTypeOf(ic, type.getElementType(), type.getRank());
  if (failed(q))
    return failure();
  ic.setOutput(0, kiln::QuantizeOp::create(ic.b, ic.loc(), type.clone(*q), x));
  return success();
}

LogicalResult buildDequantize(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  Value x = ic.input(0);
  if (!x)
    return failure();
  auto q = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!q)
    return ic.emitNodeError() << "the input must come from QuantizeLinear; "
                                 "dequantising plain integer tensors is not "
                                 "supported";
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
