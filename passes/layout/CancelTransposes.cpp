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

/// True when transposing `type` by `perm` keeps the order of its non-unit
/// dimensions: the transpose is a reshape and moves no data.
bool movesOnlyUnitDims(RankedTensorType type, ArrayRef<int64_t> perm) {
  int64_t last = -1;
  for (int64_t p : perm) {
    if (type.getDimSize(p) == 1)
      continue;
    if (p < last)
      return false;
    last = p;
  }
  return true;
}

/// binary(transpose(a, p), transpose(b, p)), or binary(transpose(a, p), c)
/// where c can cheaply take a's layout: c is constant (its inverse transpose
/// is evaluated by constant folding), or its inverse transpose moves only
/// size-1 dimensions (a broadcast scale such as squeeze-excitation's
/// [N, C, 1, 1], which the transpose canonicaliser turns into a reshape).
/// A lower-rank c is first reshaped to full rank (numpy broadcasting).
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
      SmallVector<int64_t> inverse = invert(perm);
      Value moved;
      if (auto otherTranspose = other.getDefiningOp<TransposeOp>();
          otherTranspose && otherTranspose.getPerm() == perm && otherType == outType) {
        moved = otherTranspose.getInput();
      } else if (otherType.getRank() <= outType.getRank() &&
                 !movesOnlyUnitDims(transpose.getInput().getType(), perm)) {
        // (A transpose that moves no data is a reshape and stays put; sinking
        // it could move a transpose back and forth between the operands.)
        SmallVector<int64_t> fullShape(outType.getRank() - otherType.getRank(), 1);
        llvm::append_range(fullShape, otherType.getShape());
        auto fullType = otherType.clone(fullShape);
        if (!other.getDefiningOp<ConstantOp>() && !movesOnlyUnitDims(fullType, inverse))
          continue;
        rewriter.setInsertionPoint(op);
        Value full = other;
        if (fullType != otherType)
          full = ReshapeOp::create(rewriter, op.getLoc(), fullType, other);
        SmallVector<int64_t> shape;
        for (int64_t p : inverse)
          shape.push_back(fullShape[p]);
        moved = TransposeOp::create(rewriter, op.getLoc(), fullType.clone(shape), full,
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

/// pad(transpose(x, p), pads) == transpose(pad(x, pads'), p): the padding of
/// output dimension i applies to input dimension p[i].
struct SinkThroughPad final : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op, PatternRewriter &rewriter) const override {
    auto transpose = op.getInput().getDefiningOp<TransposeOp>();
    if (!transpose || !transpose->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not a single-use transpose");
    ArrayRef<int64_t> perm = transpose.getPerm();
    int64_t rank = perm.size();
    SmallVector<int64_t> pads(2 * rank);
    for (int64_t i = 0; i < rank; ++i) {
      pads[perm[i]] = op.getPads()[i];
      pads[rank + perm[i]] = op.getPads()[rank + i];
    }
    auto inType = cast<RankedTensorType>(transpose.getInput().getType());
    SmallVector<int64_t> shape(inType.getShape());
    for (int64_t d = 0; d < rank; ++d)
      shape[d] += pads[d] + pads[rank + d];
    auto clone = cast<PadOp>(sinkBelow(rewriter, op, transpose.getInput(),
                                       inType.clone(shape), perm));
    rewriter.modifyOpInPlace(clone, [&] { clone.setPads(pads); });
    return success();
  }
};

/// The flatten before a fully-connected layer:
/// fc(reshape(transpose(x, p) -> [N, M]), W) == fc(reshape(x -> [N, M]), W')
/// where W' is the constant W with its M rows (columns with trans_b) permuted
/// to x's element order. Exact (no arithmetic changes): the transposes and
/// reshapes on W are evaluated by constant folding.
FailureOr<std::pair<Value, Value>> flattenWithoutTranspose(PatternRewriter &rewriter,
                                                           Location loc, Value a,
                                                           Value b, bool transB) {
  auto reshape = a.getDefiningOp<ReshapeOp>();
  auto transpose = reshape ? reshape.getInput().getDefiningOp<TransposeOp>()
                           : TransposeOp();
  if (!transpose || !b.getDefiningOp<ConstantOp>())
    return failure();
  auto xType = cast<RankedTensorType>(transpose.getInput().getType());
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(b.getType());
  ArrayRef<int64_t> perm = transpose.getPerm();
  int64_t rank = perm.size();
  if (!isa<FloatType>(xType.getElementType()) || !isa<FloatType>(bType.getElementType()) ||
      rank < 2 || perm[0] != 0 || aType.getRank() != 2 || bType.getRank() != 2 ||
      aType.getDimSize(0) != xType.getDimSize(0))
    return failure();
  // W viewed with its contraction dimension split as the transposed x's
  // dimensions, permuted to x's order, and flattened again.
  auto tType = cast<RankedTensorType>(transpose.getType());
  SmallVector<int64_t> inverse = invert(perm);
  int64_t k = bType.getDimSize(transB ? 0 : 1);
  SmallVector<int64_t> split, permuted, q;
  if (transB) {
    split.push_back(k);
    q.push_back(0);
  }
  for (int64_t d = 1; d < rank; ++d)
    split.push_back(tType.getDimSize(d));
  for (int64_t d = 1; d < rank; ++d)
    q.push_back(transB ? inverse[d] : inverse[d] - 1);
  if (!transB) {
    split.push_back(k);
    q.push_back(rank - 1);
  }
  for (int64_t p : q)
    permuted.push_back(split[p]);
  Value w = ReshapeOp::create(rewriter, loc, bType.clone(split), b);
  w = TransposeOp::create(rewriter, loc, bType.clone(permuted), w, q);
  w = ReshapeOp::create(rewriter, loc, bType, w);
  Value flat = ReshapeOp::create(rewriter, loc, aType, transpose.getInput());
  return std::make_pair(flat, w);
}

struct FlattenGemmWithoutTranspose final : OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GemmOp op, PatternRewriter &rewriter) const override {
    if (op.getTransA())
      return rewriter.notifyMatchFailure(op, "A is transposed");
    auto operands = flattenWithoutTranspose(rewriter, op.getLoc(), op.getA(), op.getB(),
                                            op.getTransB());
    if (failed(operands))
      return rewriter.notifyMatchFailure(op, "A is not a flattened transpose");
    rewriter.modifyOpInPlace(op, [&] {
      op.getAMutable().assign(operands->first);
      op.getBMutable().assign(operands->second);
    });
    return success();
  }
};

struct FlattenMatMulWithoutTranspose final : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp op, PatternRewriter &rewriter) const override {
    auto operands = flattenWithoutTranspose(rewriter, op.getLoc(), op.getLhs(),
                                            op.getRhs(), /*transB=*/false);
    if (failed(operands))
      return rewriter.notifyMatchFailure(op, "lhs is not a flattened transpose");
    rewriter.modifyOpInPlace(op, [&] {
      op.getLhsMutable().assign(operands->first);
      op.getRhsMutable().assign(operands->second);
    });
    return success();
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
               SinkThroughReduce<ReduceMinOp>, SinkThroughConcat, SinkThroughPad,
               FlattenGemmWithoutTranspose, FlattenMatMulWithoutTranspose>(
      patterns.getContext());
}
