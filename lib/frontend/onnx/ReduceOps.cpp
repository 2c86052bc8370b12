//===- ReduceOps.cpp - Reduce* builders -----------------------------------===//
//
// ReduceMean/Sum/Max/Min map onto kiln ops; ReduceL1/L2/SumSquare/LogSum/
// LogSumExp are the sum between the element-wise maps ONNX defines them with.
//
//===----------------------------------------------------------------------===//

#include "lib/frontend/onnx/OpTable.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
/// Axes come from an attribute, or (ReduceSum from opset 13) a constant input;
/// no axes means all of them unless noop_with_empty_axes (then none: the
/// result is null).
FailureOr<SmallVector<int64_t>> readAxes(ImportContext &ic, bool &noop) {
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
  noop = axes.empty() && ic.attrInt("noop_with_empty_axes", 0) != 0;
  if (axes.empty())
    for (int64_t i = 0; i < type.getRank(); ++i)
      axes.push_back(i);
  return axes;
}

using UnaryFn = FailureOr<Value> (*)(ImportContext &, Value);

FailureOr<Value> identity(ImportContext &, Value v) { return v; }
FailureOr<Value> square(ImportContext &ic, Value v) {
  return ic.createValue<kiln::MulOp>(v, v);
}
template <typename OpTy> FailureOr<Value> unary(ImportContext &ic, Value v) {
  return ic.createValue<OpTy>(v);
}

/// post(reduce(pre(x))); with noop_with_empty_axes the reduction is skipped.
template <typename OpTy, UnaryFn pre = identity, UnaryFn post = identity>
LogicalResult buildReduce(ImportContext &ic) {
  bool noop = false;
  FailureOr<SmallVector<int64_t>> axes = readAxes(ic, noop);
  Value x = ic.input(0);
  if (failed(axes) || !x)
    return failure();
  FailureOr<Value> v = pre(ic, x);
  if (succeeded(v) && !noop)
    v = ic.createValue<OpTy>(*v, *axes, ic.attrInt("keepdims", 1) != 0);
  if (succeeded(v))
    v = post(ic, *v);
  if (failed(v))
    return failure();
  ic.setOutput(0, *v);
  return success();
}

const OpTableEntry kReduceOps[] = {
    {"ReduceMean", 1, kMaxOpset, buildReduce<kiln::ReduceMeanOp>},
    {"ReduceSum", 1, kMaxOpset, buildReduce<kiln::ReduceSumOp>},
    {"ReduceMax", 1, kMaxOpset, buildReduce<kiln::ReduceMaxOp>},
    {"ReduceMin", 1, kMaxOpset, buildReduce<kiln::ReduceMinOp>},
    {"ReduceL1", 1, kMaxOpset,
     buildReduce<kiln::ReduceSumOp, unary<kiln::AbsOp>>},
    {"ReduceL2", 1, kMaxOpset,
     buildReduce<kiln::ReduceSumOp, square, unary<kiln::SqrtOp>>},
    {"ReduceSumSquare", 1, kMaxOpset, buildReduce<kiln::ReduceSumOp, square>},
    {"ReduceLogSum", 1, kMaxOpset,
     buildReduce<kiln::ReduceSumOp, identity, unary<kiln::LogOp>>},
    {"ReduceLogSumExp", 1, kMaxOpset,
     buildReduce<kiln::ReduceSumOp, unary<kiln::ExpOp>, unary<kiln::LogOp>>},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getReduceOps() {
  return kReduceOps;
}
