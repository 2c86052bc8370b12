//===- FoldConstants.cpp - Constant subgraphs through the reference evaluator ===//

#include "CleanupPatterns.h"
#include "kiln/evaluator/Evaluator.h"
#include "kiln/passes/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cstring>

namespace kiln {
#define GEN_PASS_DEF_KILNFOLDCONSTANTSPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
int64_t tensorBytes(Type type) {
  auto ranked = cast<RankedTensorType>(type);
  return ranked.getNumElements() * evaluator::getElementBytes(ranked.getElementType());
}

/// Any kiln op whose operands are all kiln.constant becomes constants.
struct EvaluateConstantOp final : RewritePattern {
  EvaluateConstantOp(MLIRContext *ctx, int64_t maxGrowthBytes)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx),
        maxGrowthBytes(maxGrowthBytes) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isa<KilnDialect>(op->getDialect()) || isa<ConstantOp>(op) ||
        op->getNumOperands() == 0)
      return failure();
    SmallVector<evaluator::Tensor> operands;
    int64_t operandBytes = 0;
    for (Value v : op->getOperands()) {
      auto constant = v.getDefiningOp<ConstantOp>();
      if (!constant)
        return rewriter.notifyMatchFailure(op, "an operand is not constant");
      operandBytes += tensorBytes(v.getType());
    }
    int64_t resultBytes = 0;
    for (Type t : op->getResultTypes())
      resultBytes += tensorBytes(t);
    if (resultBytes - operandBytes > maxGrowthBytes)
      return rewriter.notifyMatchFailure(op, "the folded result would be too large");
    if (!evaluator::canEvaluate(op))
      return rewriter.notifyMatchFailure(op, "no host kernel for these types");
    for (Value v : op->getOperands()) {
      FailureOr<evaluator::Tensor> t =
          evaluator::readElements(v.getDefiningOp<ConstantOp>().getValue());
      if (failed(t))
        return rewriter.notifyMatchFailure(op, "unreadable constant operand");
      operands.push_back(std::move(*t));
    }
    FailureOr<SmallVector<evaluator::Tensor>> results =
        evaluator::evaluateOp(op, operands);
    if (failed(results))
      return rewriter.notifyMatchFailure(op, "the reference kernel failed");
    SmallVector<Value> constants;
    for (const evaluator::Tensor &t : *results)
      constants.push_back(ConstantOp::create(rewriter, op->getLoc(),
                                             evaluator::toElementsAttr(t, "folded")));
    rewriter.replaceOp(op, constants);
    return success();
  }

  int64_t maxGrowthBytes;
};

/// A resource-blob constant whose elements are all equal (the importer
/// stores every initializer as a blob, LayerNorm's default scale of ones
/// included) becomes a `dense` splat, which the op folders and
/// kiln-remove-identities recognise (`x * 1`, `x + 0`) and which costs no
/// bytes per element.
struct SplatResourceToDense final : OpRewritePattern<ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConstantOp op, PatternRewriter &rewriter) const override {
    if (!isa<DenseResourceElementsAttr>(op.getValue()))
      return failure();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t elemBytes = evaluator::getElementBytes(type.getElementType());
    if (elemBytes == 0 || type.getElementType().isInteger(1) || type.getNumElements() == 0)
      return failure();
    FailureOr<evaluator::Tensor> t = evaluator::readElements(op.getValue());
    if (failed(t))
      return failure();
    const std::vector<char> &bytes = t->bytes;
    for (size_t off = elemBytes; off < bytes.size(); off += elemBytes)
      if (std::memcmp(bytes.data(), bytes.data() + off, elemBytes) != 0)
        return rewriter.notifyMatchFailure(op, "not a splat");
    auto splat = DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(bytes.data(), elemBytes));
    rewriter.replaceOpWithNewOp<ConstantOp>(op, splat);
    return success();
  }
};

struct KilnFoldConstantsPass final
    : kiln::impl::KilnFoldConstantsPassBase<KilnFoldConstantsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldConstantsPatterns(patterns, maxGrowthBytes);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateFoldConstantsPatterns(RewritePatternSet &patterns,
                                         int64_t maxGrowthBytes) {
  patterns.add<EvaluateConstantOp>(patterns.getContext(), maxGrowthBytes);
  patterns.add<SplatResourceToDense>(patterns.getContext());
}

LogicalResult kiln::applyPatternSet(Operation *op, RewritePatternSet &&patterns) {
  return applyPatternsGreedily(op, std::move(patterns));
}
