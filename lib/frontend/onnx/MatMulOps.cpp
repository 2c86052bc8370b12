//===- MatMulOps.cpp - Gemm and MatMul builders ---------------------------===//

#include "lib/frontend/onnx/OpTable.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

#include <algorithm>

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
LogicalResult buildGemm(ImportContext &ic) {
  RankedTensorType a = ic.inputType(0), b = ic.inputType(1);
  if (!a || !b || a.getRank() != 2 || b.getRank() != 2)
    return ic.emitNodeError() << "Gemm expects rank-2 A and B";
  return ic.createAsOutput<kiln::GemmOp>(
      ic.input(0), ic.input(1), ic.input(2),
      APFloat(ic.attrFloat("alpha", 1.0f)), APFloat(ic.attrFloat("beta", 1.0f)),
      ic.attrInt("transA", 0) != 0, ic.attrInt("transB", 0) != 0,
      kiln::ActivationKind::none, DenseF32ArrayAttr());
}

LogicalResult buildMatMul(ImportContext &ic) {
  return ic.createAsOutput<kiln::MatMulOp>(ic.input(0), ic.input(1),
                                           kiln::ActivationKind::none,
                                           DenseF32ArrayAttr());
}

/// QLinearMatMul as QDQ: dequantize(a), dequantize(b) (per column when
/// b_scale has one value per column), a float matmul, quantize to y's type.
LogicalResult buildQLinearMatMul(ImportContext &ic) {
  RankedTensorType a = ic.inputType(0), b = ic.inputType(3);
  if (!a || !b)
    return failure();
  auto storageOf = [&](Type t) -> Type {
    if (auto q = dyn_cast<quant::QuantizedType>(t))
      return q.isSigned() ? IntegerType::get(ic.ctx, 8)
                          : IntegerType::get(ic.ctx, 8, IntegerType::Unsigned);
    return t;
  };
  FailureOr<quant::QuantizedType> qa = readQuantType(
      ic, 1, 2, storageOf(a.getElementType()), a.getRank(), a.getRank() - 2, "a");
  FailureOr<quant::QuantizedType> qb = readQuantType(
      ic, 4, 5, storageOf(b.getElementType()), b.getRank(), b.getRank() - 1, "b");
  FailureOr<quant::QuantizedType> qy = readQuantType(
      ic, 6, 7, storageOf(a.getElementType()), a.getRank(), std::nullopt, "y");
  if (failed(qa) || failed(qb) || failed(qy))
    return failure();
  FailureOr<Value> aq = quantizedInput(ic, 0, *qa, "a");
  FailureOr<Value> bq = quantizedInput(ic, 3, *qb, "b");
  if (failed(aq) || failed(bq))
    return failure();
  Value af = dequantizeValue(ic, *aq);
  Value bf = dequantizeValue(ic, *bq);
  FailureOr<Value> y = ic.createValue<kiln::MatMulOp>(af, bf, kiln::ActivationKind::none,
                                                      DenseF32ArrayAttr());
  if (failed(y))
    return failure();
  auto yType = cast<RankedTensorType>(y->getType());
  ic.setOutput(0, kiln::QuantizeOp::create(ic.b, ic.loc(), yType.clone(*qy), *y));
  return success();
}

/// MatMulInteger: int32 output of (a - a_zp) x (b - b_zp), computed in float
/// on centred values (a_zp per row, b_zp per column) and cast back.
LogicalResult buildMatMulInteger(ImportContext &ic) {
  RankedTensorType a = ic.inputType(0), b = ic.inputType(1);
  if (!a || !b)
    return failure();
  for (RankedTensorType t : {a, b})
    if (!t.getElementType().isInteger(8))
      return ic.emitNodeError() << "expects int8 or uint8 inputs, got " << t;
  if (b.getRank() < 1 ||
      failed(checkExactInFloat(ic, 1, 3, b.getRank() == 1 ? b.getDimSize(0)
                                                          : b.getDimSize(b.getRank() - 2),
                               /*rowsAreOutputs=*/false)))
    return failure();
  Value av = ic.input(0), bv = ic.input(1);
  if (!av || !bv)
    return failure();
  Value azp = ic.hasInput(2) ? ic.input(2) : Value();
  Value bzp = ic.hasInput(3) ? ic.input(3) : Value();
  Value af = centredFloat(ic, av, azp, std::max<int64_t>(0, a.getRank() - 2));
  Value bf = centredFloat(ic, bv, bzp, b.getRank() - 1);
  FailureOr<Value> y = ic.createValue<kiln::MatMulOp>(af, bf, kiln::ActivationKind::none,
                                                      DenseF32ArrayAttr());
  if (failed(y))
    return failure();
  auto yType = cast<RankedTensorType>(y->getType());
  ic.setOutput(0, kiln::CastOp::create(ic.b, ic.loc(),
                                       yType.clone(IntegerType::get(ic.ctx, 32)), *y));
  return success();
}

const OpTableEntry kMatMulOps[] = {
    {"Gemm", 7, kMaxOpset, buildGemm},
    {"MatMul", 1, kMaxOpset, buildMatMul},
    {"QLinearMatMul", 10, kMaxOpset, buildQLinearMatMul},
    {"MatMulInteger", 10, kMaxOpset, buildMatMulInteger},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getMatMulOps() {
  return kMatMulOps;
}
