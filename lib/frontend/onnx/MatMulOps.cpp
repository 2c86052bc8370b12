//===- MatMulOps.cpp - Gemm and MatMul builders ---------------------------===//

#include "lib/frontend/onnx/OpTable.h"

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

const OpTableEntry kMatMulOps[] = {
    {"Gemm", 7, kMaxOpset, buildGemm},
    {"MatMul", 1, kMaxOpset, buildMatMul},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getMatMulOps() {
  return kMatMulOps;
}
