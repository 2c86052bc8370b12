//===- CancelTransposes.cpp - Sink transposes through elementwise ops -----===//

#include "kiln/passes/Passes.h"
#include "passes/cleanup/CleanupPatterns.h"
#include "passes/layout/LayoutPatterns.h"

#include "llvm/ADT/DenseSet.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCANCELTRANSPOSESPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
SmallVector<int64_t> invert(ArrayRef<int64_t> perm) {
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  return inverse;
}

/// Clones `op` onto `operands` with its result retyped to `type`, and puts
/// `perm` back on the result: op(transpose(x)) == transpose(op(x)) for an
/// elementwise op.
Operation *sinkBelow(PatternRewriter &rewriter, Operation *op, ValueRange operands,
                     RankedTensorType type, ArrayRef<int64_t> perm) {
  Operation *clone = rewriter.clone(*op);
  clone->setOperands(operands);
  clone->getResult(0).setType(type);
  rewriter.replaceOpWithNewOp<TransposeOp>(op, op->getResult(0).getType(),
                                           clone->getResult(0), perm);
  return clone;
}

int64_t normalized(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

/// softmax(transpose(x, p), axis k) == transpose(softmax(x, axis p[k]), p):
/// output dimension k is input dimension p[k].
template <typename OpTy>
struct SinkThroughAxisOp final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    auto transpose = op.getInput().template getDefiningOp<TransposeOp>();
    if (!transpose || !transpose->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not a single-use transpose");
    ArrayRef<int64_t> perm = transpose.getPerm();
    int64_t axis = perm[normalized(op.getAxis(), perm.size())];
    auto type = cast<RankedTensorType>(transpose.getInput().getType())
                    .clone(cast<RankedTensorType>(op.getType()).getElementType());
    auto clone = cast<OpTy>(sinkBelow(rewriter, op, transpose.getInput(), type, perm));
    rewriter.modifyOpInPlace(clone, [&] { clone.setAxis(axis); });
    return success();
  }
};

/// reduce(transpose(x, p), axes A) == transpose(reduce(x, axes p[A]), q),
/// where q is p on the kept dimensions (p itself with keepdims).
template <typename OpTy>
struct SinkThroughReduce final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    auto transpose = op.getInput().template getDefiningOp<TransposeOp>();
    if (!transpose || !transpose->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not a single-use transpose");
    ArrayRef<int64_t> perm = transpose.getPerm();
    int64_t rank = perm.size();
    llvm::SmallDenseSet<int64_t> reducedOut, reducedIn;
    SmallVector<int64_t> axes;
    for (int64_t a : op.getAxes()) {
      reducedOut.insert(normalized(a, rank));
      reducedIn.insert(perm[normalized(a, rank)]);
    }
    for (int64_t d = 0; d < rank; ++d)
      if (reducedIn.contains(d))
        axes.push_back(d);
    auto inType = cast<RankedTensorType>(transpose.getInput().getType());
    SmallVector<int64_t> shape, newPerm;
    // Input dimensions that survive, in order, and where each lands.
    DenseMap<int64_t, int64_t> keptIndex;
    for (int64_t d = 0; d < rank; ++d) {
      if (reducedIn.contains(d)) {
        if (op.getKeepdims())
          shape.push_back(1);
      } else {
        shape.push_back(inType.getDimSize(d));
      }
      if (op.getKeepdims() || !reducedIn.contains(d))
        keptIndex[d] = keptIndex.size();
    }
    for (int64_t i = 0; i < rank; ++i)
      if (op.getKeepdims() || !reducedOut.contains(i))
        newPerm.push_back(keptIndex.lookup(perm[i]));
    auto type = RankedTensorType::get(
        shape, cast<RankedTensorType>(op.getType()).getElementType());
    auto clone = cast<OpTy>(sinkBelow(rewriter, op, transpose.getInput(), type, newPerm));
    rewriter.modifyOpInPlace(clone, [&] { clone.setAxes(axes); });
    return success();
  }
};

/// concat(transpose(a, p), transpose(b, p), ..., axis k) ==
/// transpose(concat(a, b, ..., axis p[k]), p).
struct SinkThroughConcat final : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op, PatternRewriter &rewriter) const override {
    SmallVector<Value> inputs;
    std::optional<SmallVector<int64_t>> perm;
    for (Value input : op.getInputs()) {
      auto transpose = input.getDefiningOp<TransposeOp>();
      if (!transpose || !transpose->hasOneUse() ||
          (perm && ArrayRef<int64_t>(*perm) != transpose.getPerm()))
        return rewriter.notifyMatchFailure(op, "inputs are not single-use transposes "
                                               "with one permutation");
      perm = SmallVector<int64_t>(transpose.getPerm());
      inputs.push_back(transpose.getInput());
    }
    int64_t rank = perm->size();
    int64_t axis = (*perm)[normalized(op.getAxis(), rank)];
    auto firstType = cast<RankedTensorType>(inputs.front().getType());
    SmallVector<int64_t> shape(firstType.getShape());
    shape[axis] = 0;
    for (Value input : inputs)
      shape[axis] += cast<RankedTensorType>(input.getType()).getDimSize(axis);
    auto clone = cast<ConcatOp>(
        sinkBelow(rewriter, op, inputs, firstType.clone(shape), *perm));
    rewriter.modifyOpInPlace(clone, [&] { clone.setAxis(axis); });
    return success();
  }
};

template <typename OpTy>
struct SinkThroughUnary final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    auto transpose = op->getOperand(0).template getDefiningOp<TransposeOp>();
    if (!transpose || !transpose->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not a single-use transpose");
    auto type = cast<RankedTensorType>(transpose.getInput().getType())
                    .clone(cast<RankedTensorType>(op.getType()).getElementType());
    sinkBelow(rewriter, op, transpose.getInput(), type, transpose.getPerm());
    return success();
  }
};

/// binary(transpose(a, p), transpose(b, p)) or binary(transpose(a, p), c)
/// with c constant: the other side is brought to a's layout (c through an
/// inverse transpose that constant folding evaluates).
template <typename OpTy>
struct SinkThroughBinary final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    auto outType = cast<RankedTensorType>(op.getType());
    for (unsigned side = 0; side < 2; ++side) {
      auto transpose = op->getOperand(side).template getDefiningOp<TransposeOp>();
      Value other = op->getOperand(1 - side);
      if (!transpose || !transpose->hasOneUse() || transpose.getType() != outType)
        continue;
      ArrayRef<int64_t> perm = transpose.getPerm();
      auto otherType = cast<RankedTensorType>(other.getType());
      Value moved;
      if (auto otherTranspose = other.getDefiningOp<TransposeOp>()) {
        if (otherTranspose.getPerm() != perm || otherType != outType)
          continue;
        moved = otherTranspose.getInput();
      } else if (other.getDefiningOp<ConstantOp>() &&
                 otherType.getRank() == outType.getRank()) {
        SmallVector<int64_t> inverse = invert(perm), shape;
        for (int64_t p : inverse)
          shape.push_back(otherType.getDimSize(p));
        moved = TransposeOp::create(rewriter, op.getLoc(), otherType.clone(shape), other,
                                    inverse);
      } else {
        continue;
      }
      SmallVector<Value, 2> operands(2);
      operands[side] = transpose.getInput();
      operands[1 - side] = moved;
      auto type = cast<RankedTensorType>(transpose.getInput().getType())
                      .clone(outType.getElementType());
      sinkBelow(rewriter, op, operands, type, perm);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no transpose pair or constant to sink past");
  }
};

struct KilnCancelTransposesPass final
    : kiln::impl::KilnCancelTransposesPassBase<KilnCancelTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateCancelTransposesPatterns(patterns);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateCancelTransposesPatterns(RewritePatternSet &patterns) {
  patterns.add<SinkThroughUnary<ReluOp>, SinkThroughUnary<ClipOp>,
               SinkThroughUnary<LeakyReluOp>, SinkThroughUnary<SigmoidOp>,
               SinkThroughUnary<TanhOp>, SinkThroughUnary<HardSigmoidOp>,
               SinkThroughUnary<HardSwishOp>, SinkThroughUnary<GeluOp>,
               SinkThroughUnary<ErfOp>, SinkThroughUnary<ExpOp>, SinkThroughUnary<LogOp>,
               SinkThroughUnary<SqrtOp>, SinkThroughUnary<ReciprocalOp>,
               SinkThroughUnary<NegOp>, SinkThroughUnary<AbsOp>, SinkThroughUnary<CastOp>,
               SinkThroughBinary<AddOp>, SinkThroughBinary<SubOp>,
               SinkThroughBinary<MulOp>, SinkThroughBinary<DivOp>,
               SinkThroughBinary<MaxOp>, SinkThroughBinary<MinOp>,
               SinkThroughBinary<PowOp>, SinkThroughAxisOp<SoftmaxOp>,
               SinkThroughAxisOp<LogSoftmaxOp>, SinkThroughReduce<ReduceMeanOp>,
               SinkThroughReduce<ReduceSumOp>, SinkThroughReduce<ReduceMaxOp>,
               SinkThroughReduce<ReduceMinOp>, SinkThroughConcat>(patterns.getContext());
}
