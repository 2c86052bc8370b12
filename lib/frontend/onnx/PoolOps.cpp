//===- PoolOps.cpp - MaxPool, AveragePool and global pool builders --------===//

#include "lib/frontend/onnx/OpTable.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
template <typename OpTy> LogicalResult buildPool(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  if (!type || type.getRank() != 4)
    return ic.emitNodeError()
           << "only 2-D pooling over NCHW inputs is supported";
  if (ic.numOutputs() > 1 && !ic.node().output(1).empty())
    return ic.emitNodeError() << "the Indices output is not supported";
  SmallVector<int64_t> kernel = ic.attrInts("kernel_shape"), strides, dilations;
  FailureOr<SmallVector<int64_t>> pads = readPoolPads(
      ic, type.getShape().drop_front(2), kernel, strides, dilations);
  if (failed(pads))
    return failure();
  bool ceil = ic.attrInt("ceil_mode", 0) != 0;
  if constexpr (std::is_same_v<OpTy, kiln::AvgPool2DOp>)
    return ic.createAsOutput<OpTy>(ic.input(0), kernel, strides, *pads,
                                   dilations, ceil,
                                   ic.attrInt("count_include_pad", 0) != 0);
  else
    return ic.createAsOutput<OpTy>(ic.input(0), kernel, strides, *pads,
                                   dilations, ceil);
}

template <typename OpTy> LogicalResult buildGlobalPool(ImportContext &ic) {
  return ic.createAsOutput<OpTy>(ic.input(0));
}

const OpTableEntry kPoolOps[] = {
    {"MaxPool", 1, kMaxOpset, buildPool<kiln::MaxPool2DOp>},
    {"AveragePool", 1, kMaxOpset, buildPool<kiln::AvgPool2DOp>},
    {"GlobalAveragePool", 1, kMaxOpset, buildGlobalPool<kiln::GlobalAvgPoolOp>},
    {"GlobalMaxPool", 1, kMaxOpset, buildGlobalPool<kiln::GlobalMaxPoolOp>},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getPoolOps() { return kPoolOps; }
