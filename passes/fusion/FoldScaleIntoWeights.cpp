//===- FoldScaleIntoWeights.cpp - Constant channel scales into weights ---===//

#include "FusionPatterns.h"
#include "FusionUtils.h"
#include "kiln/passes/Passes.h"

#include "passes/cleanup/CleanupPatterns.h"

namespace kiln {
#define GEN_PASS_DEF_KILNFOLDSCALEINTOWEIGHTSPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::fusion;

namespace {
/// mul(conv2d(x, W, b), s) -> conv2d(x, s W, s b) for s along the channels.
struct FoldScaleIntoConv final : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp mul,
                                PatternRewriter &rewriter) const override {
    for (Value side : {mul.getLhs(), mul.getRhs()}) {
      auto conv = getSoleUseProducer<Conv2DOp>(side);
      // A packed filter's columns are panels, not channels (and packing
      // runs last, so no scale should be left to fold by then).
      if (!conv || !hasEmptyEpilogue(conv) || conv.hasPackedFilter() ||
          side.getType() != mul.getType())
        continue;
      auto outType = cast<RankedTensorType>(mul.getType());
      // NCHW: channels are dimension 1 and the OIHW filter's outermost; NHWC:
      // dimension 3 and the HWIO filter's innermost.
      bool nhwc = conv.getLayout() == ImageLayout::nhwc;
      std::optional<std::vector<float>> scale =
          getPerAxisConstant(otherOperand(mul, side), outType, nhwc ? 3 : 1);
      std::optional<std::vector<float>> w = getF32Constant(conv.getFilter());
      if (!scale || !w)
        continue;
      std::optional<std::vector<float>> bias;
      if (conv.getBias() && !(bias = getF32Constant(conv.getBias())))
        continue;
      size_t channels = scale->size(), perChannel = w->size() / channels;
      for (size_t m = 0; m < channels; ++m) {
        for (size_t i = 0; i < perChannel; ++i)
          (*w)[nhwc ? i * channels + m : m * perChannel + i] *= (*scale)[m];
        if (bias)
          (*bias)[m] *= (*scale)[m];
      }
      Location loc = conv.getLoc();
      Value filter = createF32Constant(
          rewriter, loc,
          cast<RankedTensorType>(conv.getFilter().getType()).getShape(), *w,
          "scaled_filter");
      Value biasValue =
          bias ? createF32Constant(rewriter, loc, {int64_t(bias->size())},
                                   *bias, "scaled_bias")
               : Value();
      replaceWithConv(rewriter, mul, conv, filter, biasValue, Value());
      return success();
    }
    return rewriter.notifyMatchFailure(
        mul, "not a single-use plain conv2d with constant weights times a "
             "channel constant");
  }
};

/// mul(gemm(a, B, C), s) -> gemm(a, B s, s beta C) for s along the N
/// output columns (a scalar counts): s (alpha A B + beta C) =
/// alpha A (B s) + (s beta C).
struct FoldScaleIntoGemm final : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp mul,
                                PatternRewriter &rewriter) const override {
    for (Value side : {mul.getLhs(), mul.getRhs()}) {
      auto gemm = getSoleUseProducer<GemmOp>(side);
      if (!gemm || !hasEmptyEpilogue(gemm) || side.getType() != mul.getType())
        continue;
      std::optional<std::vector<float>> scale = getPerAxisConstant(
          otherOperand(mul, side), cast<RankedTensorType>(mul.getType()), 1);
      if (!scale)
        continue;
      std::vector<float> shift(scale->size(), 0.0f);
      if (succeeded(replaceWithScaledGemm(rewriter, mul, gemm, *scale, shift)))
        return success();
    }
    return rewriter.notifyMatchFailure(
        mul, "not a single-use plain gemm with constant B and C times a column "
             "constant");
  }
};

struct KilnFoldScaleIntoWeightsPass final
    : kiln::impl::KilnFoldScaleIntoWeightsPassBase<
          KilnFoldScaleIntoWeightsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldScaleIntoWeightsPatterns(patterns);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateFoldScaleIntoWeightsPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldScaleIntoConv, FoldScaleIntoGemm>(patterns.getContext());
}
