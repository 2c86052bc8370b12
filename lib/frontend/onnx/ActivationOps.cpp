//===- ActivationOps.cpp - Unary activations and softmax builders ---------===//

#include "lib/frontend/onnx/OpTable.h"
#include "lib/frontend/onnx/ShapeMath.h"

#include <limits>

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
template <typename OpTy> LogicalResult buildUnary(ImportContext &ic) {
  return ic.createAsOutput<OpTy>(ic.input(0));
}

LogicalResult buildLeakyRelu(ImportContext &ic) {
  return ic.createAsOutput<kiln::LeakyReluOp>(
      ic.input(0), APFloat(ic.attrFloat("alpha", 0.01f)));
}

LogicalResult buildHardSigmoid(ImportContext &ic) {
  return ic.createAsOutput<kiln::HardSigmoidOp>(
      ic.input(0), APFloat(ic.attrFloat("alpha", 0.2f)),
      APFloat(ic.attrFloat("beta", 0.5f)));
}

/// `v + 1`, in v's element type.
FailureOr<Value> addOne(ImportContext &ic, FailureOr<Value> v) {
  if (failed(v))
    return failure();
  return ic.createValue<kiln::AddOp>(
      *v, ic.scalar(getElementTypeOrSelf(v->getType()), 1.0));
}

/// Softplus(x) = log(exp(x) + 1) and Softsign(x) = x / (1 + |x|), literally
/// as ONNX defines them.
LogicalResult buildSoftplus(ImportContext &ic) {
  Value x = ic.input(0);
  if (!x)
    return failure();
  FailureOr<Value> sum = addOne(ic, ic.createValue<kiln::ExpOp>(x));
  if (failed(sum))
    return failure();
  return ic.createAsOutput<kiln::LogOp>(*sum);
}

LogicalResult buildSoftsign(ImportContext &ic) {
  Value x = ic.input(0);
  if (!x)
    return failure();
  FailureOr<Value> denom = addOne(ic, ic.createValue<kiln::AbsOp>(x));
  if (failed(denom))
    return failure();
  return ic.createAsOutput<kiln::DivOp>(x, *denom);
}

/// Clip bounds are attributes before opset 11 and (constant) inputs after.
LogicalResult buildClip(ImportContext &ic) {
  float lo = std::numeric_limits<float>::lowest();
  float hi = std::numeric_limits<float>::max();
  if (ic.opset < 11) {
    lo = ic.attrFloat("min", lo);
    hi = ic.attrFloat("max", hi);
  } else {
    for (auto [index, bound, what] :
         {std::tuple<unsigned, float *, const char *>{1, &lo, "min bound"},
          {2, &hi, "max bound"}}) {
      if (!ic.hasInput(index))
        continue;
      FailureOr<SmallVector<double>> v = ic.constFloats(index, what);
      if (failed(v))
        return failure();
      if (v->size() != 1)
        return ic.emitNodeError() << "the " << what << " must be a scalar";
      *bound = static_cast<float>((*v)[0]);
    }
  }
  return ic.createAsOutput<kiln::ClipOp>(ic.input(0), APFloat(lo), APFloat(hi));
}

/// Before opset 13, softmax normalises over the input flattened to 2-D at
/// `axis`; from 13 on, over `axis` alone.
template <typename OpTy> LogicalResult buildSoftmax(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  Value x = ic.input(0);
  if (!type || !x)
    return failure();
  if (ic.opset >= 13)
    return ic.createAsOutput<OpTy>(x, ic.attrInt("axis", -1));
  std::optional<int64_t> axis =
      normalizeAxis(ic.attrInt("axis", 1), type.getRank());
  if (!axis)
    return ic.emitNodeError() << "axis is out of range";
  // Softmax over the last dimension needs no reshape.
  if (*axis == type.getRank() - 1)
    return ic.createAsOutput<OpTy>(x, int64_t(-1));
  ArrayRef<int64_t> shape = type.getShape();
  Value flat = ic.reshape(
      x, {product(shape.take_front(*axis)), product(shape.drop_front(*axis))});
  FailureOr<OpTy> op = ic.create<OpTy>(flat, int64_t(1));
  if (failed(op))
    return failure();
  ic.setOutput(0, ic.reshape(op->getResult(), shape));
  return success();
}

const OpTableEntry kActivationOps[] = {
    {"Relu", 6, kMaxOpset, buildUnary<kiln::ReluOp>},
    {"Sigmoid", 6, kMaxOpset, buildUnary<kiln::SigmoidOp>},
    {"Tanh", 6, kMaxOpset, buildUnary<kiln::TanhOp>},
    {"Erf", 9, kMaxOpset, buildUnary<kiln::ErfOp>},
    {"Exp", 6, kMaxOpset, buildUnary<kiln::ExpOp>},
    {"Log", 6, kMaxOpset, buildUnary<kiln::LogOp>},
    {"Sqrt", 6, kMaxOpset, buildUnary<kiln::SqrtOp>},
    {"Reciprocal", 6, kMaxOpset, buildUnary<kiln::ReciprocalOp>},
    {"Neg", 6, kMaxOpset, buildUnary<kiln::NegOp>},
    {"Abs", 6, kMaxOpset, buildUnary<kiln::AbsOp>},
    {"HardSwish", 14, kMaxOpset, buildUnary<kiln::HardSwishOp>},
    {"LeakyRelu", 6, kMaxOpset, buildLeakyRelu},
    {"HardSigmoid", 6, kMaxOpset, buildHardSigmoid},
    {"Clip", 6, kMaxOpset, buildClip},
    {"Softplus", 1, kMaxOpset, buildSoftplus},
    {"Softsign", 1, kMaxOpset, buildSoftsign},
    {"Softmax", 1, kMaxOpset, buildSoftmax<kiln::SoftmaxOp>},
    {"LogSoftmax", 1, kMaxOpset, buildSoftmax<kiln::LogSoftmaxOp>},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getActivationOps() {
  return kActivationOps;
}
