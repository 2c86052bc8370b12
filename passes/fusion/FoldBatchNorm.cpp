//===- FoldBatchNorm.cpp - Inference batch norm into conv2d / gemm weights ===//

#include "FusionPatterns.h"
#include "FusionUtils.h"
#include "kiln/passes/Passes.h"

#include "passes/cleanup/CleanupPatterns.h"

#include <cmath>

namespace kiln {
#define GEN_PASS_DEF_KILNFOLDBATCHNORMPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::fusion;

namespace {
/// The affine form of a batch norm: y = scale[c] * x + shift[c].
struct ChannelAffine {
  std::vector<float> scale, shift;
};

std::optional<ChannelAffine> getAffine(BatchNormOp bn) {
  auto gamma = getF32Constant(bn.getScale()), beta = getF32Constant(bn.getBias()),
       mean = getF32Constant(bn.getMean()), var = getF32Constant(bn.getVariance());
  if (!gamma || !beta || !mean || !var)
    return std::nullopt;
  float eps = bn.getEpsilon().convertToFloat();
  ChannelAffine a;
  for (size_t c = 0; c < gamma->size(); ++c) {
    float s = (*gamma)[c] / std::sqrt((*var)[c] + eps);
    a.scale.push_back(s);
    a.shift.push_back((*beta)[c] - s * (*mean)[c]);
  }
  return a;
}

/// batch_norm(conv2d(x, W, b)) -> conv2d(x, W * s, b * s + shift).
struct FoldBatchNormIntoConv final : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn, PatternRewriter &rewriter) const override {
    auto conv = getSoleUseProducer<Conv2DOp>(bn.getInput());
    if (!conv || !hasEmptyEpilogue(conv))
      return rewriter.notifyMatchFailure(bn, "input is not a single-use plain conv2d");
    // batch_norm normalises dimension 1: an NHWC conv's rows, not its channels.
    if (conv.getLayout() != ImageLayout::nchw)
      return rewriter.notifyMatchFailure(bn, "conv2d is not NCHW");
    std::optional<std::vector<float>> w = getF32Constant(conv.getFilter());
    std::optional<ChannelAffine> affine = getAffine(bn);
    if (!w || !affine)
      return rewriter.notifyMatchFailure(bn, "weights or BN parameters not constant");
    std::vector<float> bias(affine->scale.size(), 0.0f);
    if (Value b = conv.getBias()) {
      std::optional<std::vector<float>> values = getF32Constant(b);
      if (!values)
        return rewriter.notifyMatchFailure(bn, "conv bias is not constant");
      bias = *values;
    }
    auto filterType = cast<RankedTensorType>(conv.getFilter().getType());
    size_t perChannel = w->size() / affine->scale.size();
    for (size_t m = 0; m < affine->scale.size(); ++m) {
      for (size_t i = 0; i < perChannel; ++i)
        (*w)[m * perChannel + i] *= affine->scale[m];
      bias[m] = bias[m] * affine->scale[m] + affine->shift[m];
    }
    Value filter = createF32Constant(rewriter, conv.getLoc(), filterType.getShape(), *w,
                                     "bn_folded_filter");
    Value biasValue = createF32Constant(rewriter, conv.getLoc(),
                                        {int64_t(bias.size())}, bias, "bn_folded_bias");
    replaceWithConv(rewriter, bn, conv, filter, biasValue, Value());
    return success();
  }
};

/// batch_norm(gemm(a, B, C)) over the N columns: B scaled along N, and
/// beta * C folded with the shift into a new [N] bias with beta = 1.
struct FoldBatchNormIntoGemm final : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn, PatternRewriter &rewriter) const override {
    auto gemm = getSoleUseProducer<GemmOp>(bn.getInput());
    if (!gemm || !hasEmptyEpilogue(gemm))
      return rewriter.notifyMatchFailure(bn, "input is not a single-use plain gemm");
    std::optional<ChannelAffine> affine = getAffine(bn);
    if (!affine)
      return rewriter.notifyMatchFailure(bn, "BN parameters not constant");
    if (failed(replaceWithScaledGemm(rewriter, bn, gemm, affine->scale, affine->shift)))
      return rewriter.notifyMatchFailure(bn, "B not constant or C not a constant [N] row");
    return success();
  }
};

struct KilnFoldBatchNormPass final
    : kiln::impl::KilnFoldBatchNormPassBase<KilnFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNormIntoConv, FoldBatchNormIntoGemm>(patterns.getContext());
}
