//===- NormOps.cpp - BatchNormalization and LayerNormalization builders ---===//

#include "lib/frontend/onnx/OpTable.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
LogicalResult buildBatchNorm(ImportContext &ic) {
  if (ic.attrInt("training_mode", 0) != 0)
    return ic.emitNodeError() << "training_mode is not supported for inference";
  return ic.createAsOutput<kiln::BatchNormOp>(
      ic.input(0), ic.input(1), ic.input(2), ic.input(3), ic.input(4),
      APFloat(ic.attrFloat("epsilon", 1e-5f)));
}

LogicalResult buildLayerNorm(ImportContext &ic) {
  for (unsigned i = 1; i < ic.numOutputs(); ++i)
    if (!ic.node().output(i).empty())
      return ic.emitNodeError()
             << "the Mean and InvStdDev outputs are not supported";
  return ic.createAsOutput<kiln::LayerNormOp>(
      ic.input(0), ic.input(1), ic.input(2), ic.attrInt("axis", -1),
      APFloat(ic.attrFloat("epsilon", 1e-5f)));
}

const OpTableEntry kNormOps[] = {
    {"BatchNormalization", 7, kMaxOpset, buildBatchNorm},
    {"LayerNormalization", 17, kMaxOpset, buildLayerNorm},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getNormOps() { return kNormOps; }
