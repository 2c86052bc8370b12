//===- ReduceOps.cpp - ReduceMean/Sum/Max/Min builders --------------------===//

#include "lib/frontend/onnx/OpTable.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
/// Axes come from an attribute, or (ReduceSum from opset 13) a constant input;
/// no axes means all of them unless noop_with_empty_axes.
template <typename OpTy> LogicalResult buildReduce(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  if (!type)
    return failure();
  SmallVector<int64_t> axes = ic.attrInts("axes");
  if (ic.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> v = ic.constInts(1, "axes");
    if (failed(v))
      return failure();
    axes = *v;
  }
  if (axes.empty()) {
    if (ic.attrInt("noop_with_empty_axes", 0)) {
      ic.setOutput(0, ic.input(0));
      return success();
    }
    for (int64_t i = 0; i < type.getRank(); ++i)
      axes.push_back(i);
  }
  return ic.createAsOutput<OpTy>(ic.input(0), axes,
                                 ic.attrInt("keepdims", 1) != 0);
}

const OpTableEntry kReduceOps[] = {
    {"ReduceMean", 1, kMaxOpset, buildReduce<kiln::ReduceMeanOp>},
    {"ReduceSum", 1, kMaxOpset, buildReduce<kiln::ReduceSumOp>},
    {"ReduceMax", 1, kMaxOpset, buildReduce<kiln::ReduceMaxOp>},
    {"ReduceMin", 1, kMaxOpset, buildReduce<kiln::ReduceMinOp>},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getReduceOps() {
  return kReduceOps;
}
