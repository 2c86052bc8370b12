//===- FoldScaleIntoConv.cpp - Per-channel constant multiply into conv weights ===//

#include "FusionPatterns.h"
#include "FusionUtils.h"
#include "kiln/passes/Passes.h"

#include "passes/cleanup/CleanupPatterns.h"

namespace kiln {
#define GEN_PASS_DEF_KILNFOLDSCALEINTOCONVPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::fusion;

namespace {
/// mul(conv2d(x, W, b), s) -> conv2d(x, s W, s b) for s along the channels.
struct FoldScaleIntoConv final : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp mul, PatternRewriter &rewriter) const override {
    for (Value side : {mul.getLhs(), mul.getRhs()}) {
      auto conv = getSoleUseProducer<Conv2DOp>(side);
      if (!conv || !hasEmptyEpilogue(conv) || side.getType() != mul.getType())
        continue;
      auto outType = cast<RankedTensorType>(mul.getType());
      std::optional<std::vector<float>> scale =
          getPerAxisConstant(otherOperand(mul, side), outType, 1);
      std::optional<std::vector<float>> w = getF32Constant(conv.getFilter());
      if (!scale || !w)
        continue;
      std::optional<std::vector<float>> bias;
      if (conv.getBias() && !(bias = getF32Constant(conv.getBias())))
        continue;
      size_t perChannel = w->size() / scale->size();
      for (size_t m = 0; m < scale->size(); ++m) {
        for (size_t i = 0; i < perChannel; ++i)
          (*w)[m * perChannel + i] *= (*scale)[m];
        if (bias)
          (*bias)[m] *= (*scale)[m];
      }
      Location loc = conv.getLoc();
      Value filter = createF32Constant(
          rewriter, loc, cast<RankedTensorType>(conv.getFilter().getType()).getShape(),
          *w, "scaled_filter");
      Value biasValue = bias ? createF32Constant(rewriter, loc, {int64_t(bias->size())},
                                                 *bias, "scaled_bias")
                             : Value();
      replaceWithConv(rewriter, mul, conv, filter, biasValue, Value());
      return success();
    }
    return rewriter.notifyMatchFailure(
        mul, "not a single-use plain conv2d with constant weights times a channel constant");
  }
};

struct KilnFoldScaleIntoConvPass final
    : kiln::impl::KilnFoldScaleIntoConvPassBase<KilnFoldScaleIntoConvPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldScaleIntoConvPatterns(patterns);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateFoldScaleIntoConvPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldScaleIntoConv>(patterns.getContext());
}
