//===- ShapeOps.cpp - Reshape, transpose, concat, gather and friends ------===//
//
// Shapes are static, so every shape operand (Reshape's shape, Unsqueeze's
// axes, Expand's shape) must be known at import time, usually by folding.
//
//===----------------------------------------------------------------------===//

#include "lib/frontend/onnx/OpTable.h"
#include "lib/frontend/onnx/ShapeMath.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
/// Rebinds output 0 to input 0 reshaped to `newShape`; constants stay constant.
LogicalResult reshapeOutput(ImportContext &ic,
                            std::optional<SmallVector<int64_t>> newShape,
                            const std::string &error) {
  if (!newShape)
    return ic.emitNodeError() << error;
  if (DenseElementsAttr c = ic.constInput(0)) {
    ic.setConstOutput(0, c.reshape(c.getType().clone(*newShape)));
    return success();
  }
  Value x = ic.input(0);
  if (!x)
    return failure();
  ic.setOutput(0, ic.reshape(x, *newShape));
  return success();
}

/// Axes from an attribute (older opsets) or a constant input (newer ones).
FailureOr<SmallVector<int64_t>> axesOperand(ImportContext &ic, unsigned index) {
  if (!ic.hasInput(index))
    return ic.attrInts("axes");
  return ic.constInts(index, "axes");
}

LogicalResult buildReshape(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  SmallVector<int64_t> shape = ic.attrInts("shape");
  if (ic.opset >= 5) {
    FailureOr<SmallVector<int64_t>> v = ic.constInts(1, "target shape");
    if (failed(v))
      return failure();
    shape = *v;
  }
  std::string error;
  auto target = reshapeTarget(type.getShape(), shape,
                              ic.attrInt("allowzero", 0) != 0, error);
  return reshapeOutput(ic, target, error);
}

LogicalResult buildFlatten(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  int64_t rank = type.getRank();
  int64_t axis = ic.attrInt("axis", 1);
  if (axis < -rank || axis > rank)
    return ic.emitNodeError() << "axis " << axis << " is out of range";
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> s = type.getShape();
  return reshapeOutput(ic,
                       SmallVector<int64_t>{product(s.take_front(axis)),
                                            product(s.drop_front(axis))},
                       "");
}

LogicalResult buildSqueeze(ImportContext &ic) {
  FailureOr<SmallVector<int64_t>> axes = axesOperand(ic, 1);
  if (failed(axes))
    return failure();
  std::string error;
  return reshapeOutput(
      ic, squeezeShape(ic.inputType(0).getShape(), *axes, error), error);
}

LogicalResult buildUnsqueeze(ImportContext &ic) {
  FailureOr<SmallVector<int64_t>> axes = axesOperand(ic, 1);
  if (failed(axes))
    return failure();
  std::string error;
  return reshapeOutput(
      ic, unsqueezeShape(ic.inputType(0).getShape(), *axes, error), error);
}

LogicalResult buildTranspose(ImportContext &ic) {
  SmallVector<int64_t> perm = ic.attrInts("perm");
  if (perm.empty())
    for (int64_t i = ic.inputType(0).getRank() - 1; i >= 0; --i)
      perm.push_back(i);
  return ic.createAsOutput<kiln::TransposeOp>(ic.input(0), perm);
}

LogicalResult buildConcat(ImportContext &ic) {
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < ic.numInputs(); ++i) {
    Value v = ic.input(i);
    if (!v)
      return failure();
    // Empty tensors contribute nothing (exporters emit them for optional
    // parts).
    if (cast<RankedTensorType>(v.getType()).getNumElements() == 0 &&
        ic.numInputs() > 1)
      continue;
    inputs.push_back(v);
  }
  if (inputs.size() == 1) {
    ic.setOutput(0, inputs[0]);
    return success();
  }
  return ic.createAsOutput<kiln::ConcatOp>(ValueRange(inputs),
                                           ic.attrInt("axis", 0));
}

LogicalResult buildGather(ImportContext &ic) {
  return ic.createAsOutput<kiln::GatherOp>(ic.input(0), ic.input(1),
                                           ic.attrInt("axis", 0));
}

LogicalResult buildExpand(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  FailureOr<SmallVector<int64_t>> shape = ic.constInts(1, "target shape");
  if (failed(shape))
    return failure();
  auto out = broadcastShapes(type.getShape(), *shape);
  if (!out)
    return ic.emitNodeError() << "input shape " << type
                              << " does not broadcast to the target shape";
  Value x = ic.input(0);
  if (!x)
    return failure();
  if (*out == type.getShape()) {
    ic.setOutput(0, x);
    return success();
  }
  ic.setOutput(0, kiln::ExpandOp::create(ic.b, ic.loc(), type.clone(*out), x));
  return success();
}

LogicalResult buildIdentity(ImportContext &ic) {
  for (unsigned i = 1; i < ic.numOutputs(); ++i)
    if (!ic.node().output(i).empty())
      return ic.emitNodeError()
             << "only the first output is supported at inference";
  if (DenseElementsAttr c = ic.constInput(0)) {
    ic.setConstOutput(0, c);
    return success();
  }
  ic.setOutput(0, ic.input(0));
  return success();
}

/// Dropout is the identity at inference. In training mode it draws a random
/// mask, which a deterministic compiled model cannot reproduce, so a
/// training_mode input must be a constant false.
LogicalResult buildDropout(ImportContext &ic) {
  if (ic.hasInput(2)) {
    DenseElementsAttr training = ic.constInput(2);
    if (!training)
      return ic.emitNodeError()
             << "training_mode (input 2) must be a constant known at import time";
    if (llvm::any_of(training.getValues<bool>(), [](bool on) { return on; }))
      return ic.emitNodeError()
             << "training_mode is true: training-time dropout is random and is "
                "not supported; export the model in eval mode";
  }
  return buildIdentity(ic);
}

LogicalResult buildShape(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  int64_t rank = type.getRank();
  int64_t start = ic.attrInt("start", 0), end = ic.attrInt("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  ArrayRef<int64_t> dims = type.getShape();
  SmallVector<int64_t> out(dims.begin() + start,
                           dims.begin() + std::max(start, end));
  auto i64 = IntegerType::get(ic.ctx, 64);
  ic.setConstOutput(
      0, makeDense(RankedTensorType::get({int64_t(out.size())}, i64), out));
  return success();
}

LogicalResult buildSize(ImportContext &ic) {
  auto i64 = IntegerType::get(ic.ctx, 64);
  ic.setConstOutput(0, makeDense(RankedTensorType::get({}, i64),
                                 {ic.inputType(0).getNumElements()}));
  return success();
}

LogicalResult buildConstantOfShape(ImportContext &ic) {
  FailureOr<SmallVector<int64_t>> shape = ic.constInts(0, "shape");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return ic.emitNodeError() << "the shape has a negative dimension";
  DenseElementsAttr fill = makeDenseFloat(
      RankedTensorType::get({1}, Float32Type::get(ic.ctx)), {0.0});
  if (const onnx::AttributeProto *a = ic.attr("value")) {
    Type elem = ic.elementType(a->t().data_type());
    if (!elem)
      return ic.emitNodeError()
             << "the fill value's data type is not supported";
    FailureOr<DenseElementsAttr> v =
        denseFromTensor(a->t(), RankedTensorType::get({1}, elem));
    if (failed(v))
      return ic.emitNodeError() << "the fill value must hold one element";
    fill = *v;
  }
  auto type = RankedTensorType::get(*shape, fill.getElementType());
  ic.setConstOutput(
      0, DenseElementsAttr::get(type, fill.getValues<Attribute>()[0]));
  return success();
}

LogicalResult buildCast(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  int64_t to = ic.attrInt("to", 0);
  Type elem = ic.elementType(static_cast<int32_t>(to));
  if (!elem)
    return ic.emitNodeError()
           << "casting to ONNX type "
           << onnx::TensorProto::DataType_Name(
                  static_cast<onnx::TensorProto::DataType>(to))
           << " is not supported";
  Value x = ic.input(0);
  if (!x)
    return failure();
  if (elem == type.getElementType()) {
    ic.setOutput(0, x);
    return success();
  }
  ic.setOutput(0, kiln::CastOp::create(ic.b, ic.loc(), type.clone(elem), x));
  return success();
}

LogicalResult buildConstant(ImportContext &ic) {
  const onnx::NodeProto &node = ic.node();
  for (const onnx::AttributeProto &a : node.attribute()) {
    auto f32 = Float32Type::get(ic.ctx);
    auto i64 = IntegerType::get(ic.ctx, 64);
    if (a.name() == "value")
      return ic.addTensor(node.output(0), a.t());
    if (a.name() == "value_float")
      ic.setConstOutput(
          0, makeDenseFloat(RankedTensorType::get({}, f32), {a.f()}));
    else if (a.name() == "value_floats")
      ic.setConstOutput(
          0,
          makeDenseFloat(RankedTensorType::get({a.floats_size()}, f32),
                         llvm::to_vector(llvm::map_range(
                             a.floats(), [](float f) { return double(f); }))));
    else if (a.name() == "value_int")
      ic.setConstOutput(0, makeDense(RankedTensorType::get({}, i64), {a.i()}));
    else if (a.name() == "value_ints")
      ic.setConstOutput(0,
                        makeDense(RankedTensorType::get({a.ints_size()}, i64),
                                  llvm::to_vector(a.ints())));
    else
      return ic.emitNodeError()
             << "attribute '" << a.name() << "' is not supported";
    return success();
  }
  return ic.emitNodeError() << "has no value";
}

const OpTableEntry kShapeOps[] = {
    {"Reshape", 1, kMaxOpset, buildReshape},
    {"Flatten", 1, kMaxOpset, buildFlatten},
    {"Squeeze", 1, kMaxOpset, buildSqueeze},
    {"Unsqueeze", 1, kMaxOpset, buildUnsqueeze},
    {"Transpose", 1, kMaxOpset, buildTranspose},
    {"Concat", 4, kMaxOpset, buildConcat},
    {"Gather", 1, kMaxOpset, buildGather},
    {"Expand", 8, kMaxOpset, buildExpand},
    {"Identity", 1, kMaxOpset, buildIdentity},
    {"Dropout", 1, kMaxOpset, buildDropout},
    {"Shape", 1, kMaxOpset, buildShape},
    {"Size", 1, kMaxOpset, buildSize},
    {"ConstantOfShape", 9, kMaxOpset, buildConstantOfShape},
    {"Cast", 6, kMaxOpset, buildCast},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getShapeOps() {
  return kShapeOps;
}

namespace {
const OpTableEntry kConstantOps[] = {
    {"Constant", 1, kMaxOpset, buildConstant},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getConstantOps() {
  return kConstantOps;
}
