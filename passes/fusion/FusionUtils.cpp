//===- FusionUtils.cpp - Constant access shared by the fusion patterns ----===//

#include "FusionUtils.h"

#include "kiln/evaluator/Evaluator.h"

#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;
using namespace kiln;

std::optional<std::vector<float>> fusion::getF32Constant(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant || !cast<RankedTensorType>(value.getType()).getElementType().isF32())
    return std::nullopt;
  FailureOr<evaluator::Tensor> t = evaluator::readElements(constant.getValue());
  if (failed(t))
    return std::nullopt;
  std::vector<float> values(t->numElements());
  std::memcpy(values.data(), t->bytes.data(), t->bytes.size());
  return values;
}

std::optional<std::vector<float>>
fusion::getPerAxisConstant(Value value, RankedTensorType outType, int64_t axis) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t offset = outType.getRank() - type.getRank();
  if (offset < 0)
    return std::nullopt;
  int64_t channels = outType.getDimSize(axis);
  for (auto [i, dim] : llvm::enumerate(type.getShape())) {
    bool isAxis = static_cast<int64_t>(i) + offset == axis;
    if (dim != 1 && !(isAxis && dim == channels))
      return std::nullopt;
  }
  std::optional<std::vector<float>> values = getF32Constant(value);
  if (!values)
    return std::nullopt;
  if (static_cast<int64_t>(values->size()) == channels)
    return values;
  return std::vector<float>(channels, values->front());
}

Value fusion::createF32Constant(PatternRewriter &rewriter, Location loc,
                                ArrayRef<int64_t> shape, ArrayRef<float> values,
                                StringRef nameHint) {
  evaluator::Tensor t =
      evaluator::makeTensor(RankedTensorType::get(shape, rewriter.getF32Type()));
  std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return ConstantOp::create(rewriter, loc, evaluator::toElementsAttr(t, nameHint));
}

Value fusion::otherOperand(Operation *binary, Value value) {
  return binary->getOperand(0) == value ? binary->getOperand(1) : binary->getOperand(0);
}

bool fusion::hasEmptyEpilogue(Operation *op) {
  auto epilogue = dyn_cast<FusedEpilogueOpInterface>(op);
  if (!epilogue || epilogue.getEpilogueActivation() != ActivationKind::none)
    return false;
  if (auto conv = dyn_cast<Conv2DOp>(op))
    return !conv.getResidual();
  return true;
}

Conv2DOp fusion::replaceWithConv(PatternRewriter &rewriter, Operation *root,
                                 Conv2DOp conv, Value filter, Value bias,
                                 Value residual) {
  rewriter.setInsertionPoint(root);
  auto fused = Conv2DOp::create(
      rewriter, conv.getLoc(), conv.getType(), conv.getInput(), filter, bias, residual,
      conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
      conv.getGroupAttr(), conv.getActivationAttr(), conv.getActivationParamsAttr());
  rewriter.replaceOp(root, fused.getResult());
  rewriter.eraseOp(conv);
  return fused;
}
