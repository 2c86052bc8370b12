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

/// slice(transpose(x, p)) == transpose(slice(x, q), p) with the offsets,
/// sizes and strides of output dimension i moved to input dimension p[i].
/// Every user of the transpose must be a slice (a channel split takes two
/// halves of one tensor), so that the transpose disappears and is not copied.
struct SinkThroughSlice final : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp op, PatternRewriter &rewriter) const override {
    auto transpose = op.getInput().getDefiningOp<TransposeOp>();
    if (!transpose ||
        !llvm::all_of(transpose->getUsers(), [](Operation *u) { return isa<SliceOp>(u); }))
      return rewriter.notifyMatchFailure(op, "input is not a transpose used by slices");
    ArrayRef<int64_t> perm = transpose.getPerm();
    int64_t rank = perm.size();
    SmallVector<int64_t> offsets(rank), sizes(rank), strides(rank);
    for (int64_t i = 0; i < rank; ++i) {
      offsets[perm[i]] = op.getOffsets()[i];
      sizes[perm[i]] = op.getSizes()[i];
      strides[perm[i]] = op.getStrides()[i];
    }
    auto type = cast<RankedTensorType>(transpose.getInput().getType()).clone(sizes);
    auto clone = cast<SliceOp>(sinkBelow(rewriter, op, transpose.getInput(), type, perm));
    rewriter.modifyOpInPlace(clone, [&] {
      clone.setOffsets(offsets);
      clone.setSizes(sizes);
      clone.setStrides(strides);
    });
    return success();
  }
};

/// reshape(transpose(x, p)) where the reshape splits single dimensions and
/// merges runs of dimensions that are adjacent in x (in any order):
/// == transpose(reshape(transpose(x, inner)), outer). `inner` only reorders
/// within each merged run (ShuffleNet's channel shuffle: the data movement
/// the model asked for); `outer` is the layout permutation, which sinks on.
/// Not applied when `outer` would be the identity (the transpose is then a
/// reordering the reshape needs, e.g. a flatten to NCHW order).
struct SinkThroughReshape final : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto transpose = op.getInput().getDefiningOp<TransposeOp>();
    if (!transpose || !transpose->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not a single-use transpose");
    ArrayRef<int64_t> perm = transpose.getPerm();
    auto xType = cast<RankedTensorType>(transpose.getInput().getType());
    ArrayRef<int64_t> t = transpose.getType().getShape();
    ArrayRef<int64_t> r = op.getType().getShape();
    int64_t nt = t.size(), nr = r.size();
    if (nt == 0 || nr == 0)
      return failure();
    // Groups of transposed dims <-> groups of result dims of equal product,
    // each one-to-many (split) or many-to-one (merge).
    SmallVector<std::pair<SmallVector<int64_t>, SmallVector<int64_t>>> groups;
    int64_t i = 0, j = 0;
    while (i < nt && j < nr) {
      SmallVector<int64_t> tg = {i}, rg = {j};
      int64_t pt = t[i++], pr = r[j++];
      while (pt != pr) {
        if (pt < pr && i < nt) {
          tg.push_back(i);
          pt *= t[i++];
        } else if (pr < pt && j < nr) {
          rg.push_back(j);
          pr *= r[j++];
        } else {
          return rewriter.notifyMatchFailure(op, "shapes do not regroup");
        }
      }
      if (tg.size() > 1 && rg.size() > 1)
        return rewriter.notifyMatchFailure(op, "a group is both split and merged");
      groups.emplace_back(std::move(tg), std::move(rg));
    }
    if (i != nt || j != nr)
      return rewriter.notifyMatchFailure(op, "trailing dimensions");
    // x dimension -> its group; a merged group's x dims must be one run.
    int64_t rank = xType.getRank();
    SmallVector<int64_t> groupOf(rank, -1), runStart(groups.size());
    for (auto [g, group] : llvm::enumerate(groups)) {
      int64_t lo = rank, hi = -1;
      for (int64_t d : group.first) {
        groupOf[perm[d]] = g;
        lo = std::min(lo, perm[d]);
        hi = std::max(hi, perm[d]);
      }
      if (hi - lo + 1 != static_cast<int64_t>(group.first.size()))
        return rewriter.notifyMatchFailure(op, "merged dims are not adjacent in x");
      runStart[g] = lo;
    }
    // x in group order within each run (inner), its reshape, and where each
    // group's result dims land (outer).
    SmallVector<int64_t> inner, innerShape, newShape;
    SmallVector<SmallVector<int64_t>> landing(groups.size());
    for (int64_t d = 0; d < rank; ++d) {
      int64_t g = groupOf[d];
      if (runStart[g] != d)
        continue;
      for (int64_t td : groups[g].first) {
        inner.push_back(perm[td]);
        innerShape.push_back(xType.getDimSize(perm[td]));
      }
      for (int64_t rd : groups[g].second) {
        landing[g].push_back(newShape.size());
        newShape.push_back(r[rd]);
      }
    }
    SmallVector<int64_t> outer;
    for (const SmallVector<int64_t> &dims : landing)
      llvm::append_range(outer, dims);
    if (llvm::equal(outer, llvm::seq<int64_t>(0, outer.size())))
      return rewriter.notifyMatchFailure(op, "nothing to move past the reshape");
    Location loc = op.getLoc();
    Value x = transpose.getInput();
    if (!llvm::equal(inner, llvm::seq<int64_t>(0, rank)))
      x = TransposeOp::create(rewriter, loc, xType.clone(innerShape), x, inner);
    Value reshaped = ReshapeOp::create(rewriter, loc, xType.clone(newShape), x);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), reshaped, outer);
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
               SinkThroughSlice, SinkThroughReshape,
               FlattenGemmWithoutTranspose, FlattenMatMulWithoutTranspose>(
      patterns.getContext());
}
