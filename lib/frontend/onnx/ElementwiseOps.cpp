//===- ElementwiseOps.cpp - Broadcasting binary and variadic builders -----===//

#include "lib/frontend/onnx/OpTable.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
template <typename OpTy> LogicalResult buildBinary(ImportContext &ic) {
  return ic.createAsOutput<OpTy>(ic.input(0), ic.input(1));
}

/// Sum/Max/Min/Mean over any number of inputs, as a left-to-right chain.
template <typename OpTy> FailureOr<Value> chain(ImportContext &ic) {
  Value acc = ic.input(0);
  if (!acc)
    return ic.emitNodeError() << "expects at least one input";
  for (unsigned i = 1; i < ic.numInputs(); ++i) {
    FailureOr<OpTy> op = ic.create<OpTy>(acc, ic.input(i));
    if (failed(op))
      return failure();
    acc = op->getResult();
  }
  return acc;
}

template <typename OpTy> LogicalResult buildVariadic(ImportContext &ic) {
  FailureOr<Value> acc = chain<OpTy>(ic);
  if (failed(acc))
    return failure();
  ic.setOutput(0, *acc);
  return success();
}

LogicalResult buildMean(ImportContext &ic) {
  FailureOr<Value> sum = chain<kiln::AddOp>(ic);
  if (failed(sum))
    return failure();
  Value count =
      ic.scalar(getElementTypeOrSelf(sum->getType()), double(ic.numInputs()));
  return ic.createAsOutput<kiln::DivOp>(*sum, count);
}

LogicalResult buildWhere(ImportContext &ic) {
  return ic.createAsOutput<kiln::WhereOp>(ic.input(0), ic.input(1),
                                          ic.input(2));
}

/// Comparisons and logic have no kernels: they exist in exported graphs only
/// inside shape computations, which the import-time evaluator folds.
LogicalResult buildFoldOnly(ImportContext &ic) {
  return ic.emitNodeError()
         << "Kiln evaluates " << ic.node().op_type()
         << " only on inputs known at import time, and these "
            "inputs depend on the model's input data";
}

const OpTableEntry kElementwiseOps[] = {
    {"Add", 7, kMaxOpset, buildBinary<kiln::AddOp>},
    {"Sub", 7, kMaxOpset, buildBinary<kiln::SubOp>},
    {"Mul", 7, kMaxOpset, buildBinary<kiln::MulOp>},
    {"Div", 7, kMaxOpset, buildBinary<kiln::DivOp>},
    {"Pow", 7, kMaxOpset, buildBinary<kiln::PowOp>},
    {"PRelu", 7, kMaxOpset, buildBinary<kiln::PReluOp>},
    {"Max", 8, kMaxOpset, buildVariadic<kiln::MaxOp>},
    {"Min", 8, kMaxOpset, buildVariadic<kiln::MinOp>},
    {"Sum", 8, kMaxOpset, buildVariadic<kiln::AddOp>},
    {"Mean", 8, kMaxOpset, buildMean},
    {"Where", 9, kMaxOpset, buildWhere},
    {"Equal", 7, kMaxOpset, buildFoldOnly},
    {"Less", 7, kMaxOpset, buildFoldOnly},
    {"Greater", 7, kMaxOpset, buildFoldOnly},
    {"LessOrEqual", 12, kMaxOpset, buildFoldOnly},
    {"GreaterOrEqual", 12, kMaxOpset, buildFoldOnly},
    {"Not", 1, kMaxOpset, buildFoldOnly},
    {"And", 7, kMaxOpset, buildFoldOnly},
    {"Or", 7, kMaxOpset, buildFoldOnly},
    {"Floor", 6, kMaxOpset, buildFoldOnly},
    {"Ceil", 6, kMaxOpset, buildFoldOnly},
    {"Range", 11, kMaxOpset, buildFoldOnly},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getElementwiseOps() {
  return kElementwiseOps;
}
