//===- FoldPad.cpp - Constant spatial kiln.pad into conv / pool padding ---===//

#include "FusionPatterns.h"
#include "FusionUtils.h"
#include "kiln/passes/Passes.h"

#include "passes/cleanup/CleanupPatterns.h"

#include <cmath>

namespace kiln {
#define GEN_PASS_DEF_KILNFOLDPADPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
/// The [top, left, bottom, right] amounts of a constant-mode pad that touches
/// only H and W (dimensions 2, 3 in NCHW, 1, 2 in NHWC), never crops, or
/// nothing when it does anything else.
std::optional<SmallVector<int64_t, 4>> getSpatialPads(PadOp pad, ImageLayout layout) {
  ArrayRef<int64_t> p = pad.getPads();
  if (pad.getMode() != PadMode::constant || p.size() != 8 ||
      llvm::any_of(p, [](int64_t v) { return v < 0; }))
    return std::nullopt;
  int64_t h = layout == ImageLayout::nhwc ? 1 : 2;
  int64_t c = layout == ImageLayout::nhwc ? 3 : 1;
  if (p[0] || p[4] || p[c] || p[4 + c])
    return std::nullopt;
  return SmallVector<int64_t, 4>{p[h], p[h + 1], p[4 + h], p[4 + h + 1]};
}

DenseI64ArrayAttr addPads(PatternRewriter &rewriter, ArrayRef<int64_t> pads,
                          ArrayRef<int64_t> extra) {
  SmallVector<int64_t, 4> sum;
  for (auto [a, b] : llvm::zip(pads, extra))
    sum.push_back(a + b);
  return rewriter.getDenseI64ArrayAttr(sum);
}

/// The producer's pad operand, if it is a foldable kiln.pad.
template <typename OpTy>
std::optional<std::pair<PadOp, SmallVector<int64_t, 4>>> matchPad(OpTy op) {
  auto pad = op.getInput().template getDefiningOp<PadOp>();
  if (!pad)
    return std::nullopt;
  std::optional<SmallVector<int64_t, 4>> pads = getSpatialPads(pad, op.getLayout());
  if (!pads)
    return std::nullopt;
  return std::make_pair(pad, *pads);
}

/// conv2d pads with zeros, so only a zero pad folds.
struct FoldPadIntoConv final : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2DOp conv, PatternRewriter &rewriter) const override {
    auto match = matchPad(conv);
    if (!match || match->first.getValue().convertToDouble() != 0.0)
      return rewriter.notifyMatchFailure(conv, "input is not a zero spatial pad");
    rewriter.modifyOpInPlace(conv, [&] {
      conv.getInputMutable().assign(match->first.getInput());
      conv.setPadsAttr(addPads(rewriter, conv.getPads(), match->second));
    });
    return success();
  }
};

/// The explicit zeros were averaged as data, so the folded pool counts its
/// padding; that is only the same when the pool had no padding of its own or
/// already counted it.
struct FoldPadIntoAvgPool final : OpRewritePattern<AvgPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AvgPool2DOp pool,
                                PatternRewriter &rewriter) const override {
    auto match = matchPad(pool);
    if (!match || match->first.getValue().convertToDouble() != 0.0)
      return rewriter.notifyMatchFailure(pool, "input is not a zero spatial pad");
    bool unpadded = llvm::all_of(pool.getPads(), [](int64_t p) { return p == 0; });
    if (!unpadded && !pool.getCountIncludePad())
      return rewriter.notifyMatchFailure(pool, "own padding is excluded from the count");
    rewriter.modifyOpInPlace(pool, [&] {
      pool.getInputMutable().assign(match->first.getInput());
      pool.setPadsAttr(addPads(rewriter, pool.getPads(), match->second));
      pool.setCountIncludePad(true);
    });
    return success();
  }
};

/// True when `value` cannot be negative.
bool isNonNegative(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return false;
  if (isa<ReluOp, SigmoidOp>(op))
    return true;
  if (auto clip = dyn_cast<ClipOp>(op))
    return clip.getMin().convertToDouble() >= 0.0;
  if (auto epilogue = dyn_cast<FusedEpilogueOpInterface>(op)) {
    ActivationKind kind = epilogue.getEpilogueActivation();
    SmallVector<float> params = epilogue.getEpilogueParams();
    return kind == ActivationKind::relu || kind == ActivationKind::sigmoid ||
           (kind == ActivationKind::clip && !params.empty() && params[0] >= 0.0f);
  }
  return false;
}

/// max_pool2d ignores its padding, so a pad folds when it could never win a
/// window: -inf, or 0 above non-negative data when every window still
/// overlaps a real element (pads smaller than the dilated kernel).
struct FoldPadIntoMaxPool final : OpRewritePattern<MaxPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool2DOp pool,
                                PatternRewriter &rewriter) const override {
    auto match = matchPad(pool);
    if (!match)
      return rewriter.notifyMatchFailure(pool, "input is not a spatial constant pad");
    auto [pad, amounts] = *match;
    double value = pad.getValue().convertToDouble();
    SmallVector<int64_t, 4> total;
    for (auto [a, b] : llvm::zip(pool.getPads(), amounts))
      total.push_back(a + b);
    bool windowsOverlapData = true;
    for (int64_t i = 0; i < 4; ++i) {
      int64_t extent = (pool.getKernel()[i % 2] - 1) * pool.getDilations()[i % 2] + 1;
      windowsOverlapData &= total[i] < extent;
    }
    bool neverWins = (std::isinf(value) && value < 0) ||
                     (value == 0.0 && isNonNegative(pad.getInput()) && windowsOverlapData &&
                      !pool.getCeilMode());
    if (!neverWins)
      return rewriter.notifyMatchFailure(pool, "the pad value could win a window");
    rewriter.modifyOpInPlace(pool, [&] {
      pool.getInputMutable().assign(pad.getInput());
      pool.setPadsAttr(rewriter.getDenseI64ArrayAttr(total));
    });
    return success();
  }
};

struct KilnFoldPadPass final : kiln::impl::KilnFoldPadPassBase<KilnFoldPadPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldPadPatterns(patterns);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateFoldPadPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldPadIntoConv, FoldPadIntoAvgPool, FoldPadIntoMaxPool>(
      patterns.getContext());
}
