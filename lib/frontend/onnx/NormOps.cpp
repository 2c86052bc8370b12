//===- NormOps.cpp - Batch, layer and instance normalization builders ----===//

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

/// InstanceNormalization as ONNX defines it: per sample and channel,
/// scale * (x - mean) / sqrt(var + epsilon) + B over the spatial dimensions.
LogicalResult buildInstanceNorm(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  Value x = ic.input(0), scale = ic.input(1), bias = ic.input(2);
  if (!type || !x || !scale || !bias)
    return failure();
  if (type.getRank() < 3)
    return ic.emitNodeError() << "expects an input of rank 3 or more (N, C, "
                                 "spatial...), got rank "
                              << type.getRank();
  SmallVector<int64_t> spatial, perChannel{type.getDimSize(1)};
  for (int64_t i = 2; i < type.getRank(); ++i) {
    spatial.push_back(i);
    perChannel.push_back(1);
  }
  for (Value param : {scale, bias})
    if (cast<RankedTensorType>(param.getType()).getShape() !=
        ArrayRef<int64_t>(perChannel).take_front(1))
      return ic.emitNodeError()
             << "scale and B must have shape [C] = [" << perChannel[0] << "]";
  Type elem = type.getElementType();
  FailureOr<Value> mean = ic.createValue<kiln::ReduceMeanOp>(x, spatial, true);
  if (failed(mean))
    return failure();
  FailureOr<Value> centered = ic.createValue<kiln::SubOp>(x, *mean);
  if (failed(centered))
    return failure();
  FailureOr<Value> sq = ic.createValue<kiln::MulOp>(*centered, *centered);
  if (failed(sq))
    return failure();
  FailureOr<Value> var = ic.createValue<kiln::ReduceMeanOp>(*sq, spatial, true);
  if (failed(var))
    return failure();
  FailureOr<Value> shifted = ic.createValue<kiln::AddOp>(
      *var, ic.scalar(elem, ic.attrFloat("epsilon", 1e-5f)));
  if (failed(shifted))
    return failure();
  FailureOr<Value> stddev = ic.createValue<kiln::SqrtOp>(*shifted);
  if (failed(stddev))
    return failure();
  FailureOr<Value> scaled =
      ic.createValue<kiln::MulOp>(*centered, ic.reshape(scale, perChannel));
  if (failed(scaled))
    return failure();
  FailureOr<Value> normed = ic.createValue<kiln::DivOp>(*scaled, *stddev);
  if (failed(normed))
    return failure();
  return ic.createAsOutput<kiln::AddOp>(*normed, ic.reshape(bias, perChannel));
}

const OpTableEntry kNormOps[] = {
    {"BatchNormalization", 7, kMaxOpset, buildBatchNorm},
    {"LayerNormalization", 17, kMaxOpset, buildLayerNorm},
    {"InstanceNormalization", 6, kMaxOpset, buildInstanceNorm},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getNormOps() { return kNormOps; }
