//===- RemoveIdentities.cpp - Ops that return their input unchanged -------===//

#include "CleanupPatterns.h"
#include "kiln/passes/Passes.h"

#include "mlir/IR/Matchers.h"

#include <cmath>

namespace kiln {
#define GEN_PASS_DEF_KILNREMOVEIDENTITIESPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
/// Replaces an op by its first operand when `isIdentity` holds and the
/// types agree (so no broadcast or element-type change is lost).
template <typename OpTy, bool (*isIdentity)(OpTy)>
struct ForwardInput final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    Value input = op->getOperand(0);
    if (op->getNumResults() != 1 || input.getType() != op->getResult(0).getType() ||
        !isIdentity(op))
      return rewriter.notifyMatchFailure(op, "not an identity");
    rewriter.replaceOp(op, input);
    return success();
  }
};

bool zeroPads(PadOp op) {
  return llvm::all_of(op.getPads(), [](int64_t p) { return p == 0; });
}
/// Only infinite bounds: clip(inf, -FLT_MAX, FLT_MAX) is FLT_MAX, not inf.
bool unboundedClip(ClipOp op) {
  return std::isinf(op.getMin().convertToFloat()) && op.getMin().isNegative() &&
         std::isinf(op.getMax().convertToFloat()) && !op.getMax().isNegative();
}
bool singleSplit(SplitOp op) { return op.getNumResults() == 1; }
template <typename PoolOp> bool unitPool(PoolOp op) {
  auto ones = [](ArrayRef<int64_t> v) {
    return llvm::all_of(v, [](int64_t x) { return x == 1; });
  };
  return ones(op.getKernel()) && ones(op.getStrides()) &&
         llvm::all_of(op.getPads(), [](int64_t p) { return p == 0; });
}
/// The rhs is a constant splat of `value` (x - 0, x / 1).
template <typename BinaryOp, int value> bool rhsSplat(BinaryOp op) {
  DenseElementsAttr attr;
  if (!matchPattern(op.getRhs(), m_Constant(&attr)) || !attr.isSplat() ||
      !isa<FloatType>(attr.getElementType()))
    return false;
  return attr.template getSplatValue<APFloat>().convertToDouble() == value;
}
bool expandSameType(ExpandOp) { return true; }

struct KilnRemoveIdentitiesPass final
    : kiln::impl::KilnRemoveIdentitiesPassBase<KilnRemoveIdentitiesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRemoveIdentitiesPatterns(patterns);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateRemoveIdentitiesPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  // reshape, transpose, cast, slice and concat identities are their ops'
  // folders, which the greedy driver applies along with these; reshape
  // chains collapse first so that a round trip becomes one identity.
  patterns.add<ForwardInput<PadOp, zeroPads>, ForwardInput<ClipOp, unboundedClip>,
               ForwardInput<ExpandOp, expandSameType>,
               ForwardInput<SplitOp, singleSplit>,
               ForwardInput<MaxPool2DOp, unitPool<MaxPool2DOp>>,
               ForwardInput<AvgPool2DOp, unitPool<AvgPool2DOp>>,
               ForwardInput<SubOp, rhsSplat<SubOp, 0>>,
               ForwardInput<DivOp, rhsSplat<DivOp, 1>>>(ctx);
  ReshapeOp::getCanonicalizationPatterns(patterns, ctx);
}
