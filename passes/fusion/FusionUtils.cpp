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
      conv.getGroupAttr(), conv.getActivationAttr(), conv.getActivationParamsAttr(),
      conv.getLayoutAttr());
  rewriter.replaceOp(root, fused.getResult());
  rewriter.eraseOp(conv);
  return fused;
}

LogicalResult fusion::replaceWithScaledGemm(PatternRewriter &rewriter,
                                            Operation *root, GemmOp gemm,
                                            ArrayRef<float> scale,
                                            ArrayRef<float> shift) {
  std::optional<std::vector<float>> b = getF32Constant(gemm.getB());
  if (!b)
    return failure();
  auto outType = cast<RankedTensorType>(gemm.getType());
  int64_t n = outType.getDimSize(1);
  std::vector<float> c(n, 0.0f);
  if (Value cv = gemm.getC()) {
    std::optional<std::vector<float>> values = getPerAxisConstant(cv, outType, 1);
    if (!values)
      return failure();
    c = *values;
  }
  float beta = gemm.getBeta().convertToFloat();
  auto bType = cast<RankedTensorType>(gemm.getB().getType());
  int64_t rows = bType.getDimSize(0), cols = bType.getDimSize(1);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t col = 0; col < cols; ++col)
      (*b)[r * cols + col] *= scale[gemm.getTransB() ? r : col];
  for (int64_t j = 0; j < n; ++j)
    c[j] = scale[j] * beta * c[j] + shift[j];
  Value newB = createF32Constant(rewriter, gemm.getLoc(), bType.getShape(), *b,
                                 "scaled_gemm_b");
  Value newC = createF32Constant(rewriter, gemm.getLoc(), {n}, c, "scaled_gemm_c");
  rewriter.setInsertionPoint(root);
  auto scaled = GemmOp::create(rewriter, gemm.getLoc(), outType, gemm.getA(), newB,
                               newC, gemm.getAlphaAttr(), rewriter.getF32FloatAttr(1.0f),
                               gemm.getTransAAttr(), gemm.getTransBAttr(),
                               gemm.getActivationAttr(), nullptr);
  rewriter.replaceOp(root, scaled.getResult());
  rewriter.eraseOp(gemm);
  return success();
}
