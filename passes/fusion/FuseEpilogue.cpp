//===- FuseEpilogue.cpp - Bias, residual and activation into the producer -===//

#include "FusionPatterns.h"
#include "FusionUtils.h"
#include "kiln/passes/Passes.h"

#include "passes/cleanup/CleanupPatterns.h"

namespace kiln {
#define GEN_PASS_DEF_KILNFUSEEPILOGUEPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::fusion;

namespace {
/// The producer of `value` when it is a single-use conv2d or gemm with no
/// activation yet (a bias lands before the activation, so none may be fused).
Operation *getBiasTarget(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op || !op->hasOneUse() || !isa<Conv2DOp, GemmOp>(op))
    return nullptr;
  return cast<FusedEpilogueOpInterface>(op).getEpilogueActivation() ==
                 ActivationKind::none
             ? op
             : nullptr;
}

/// add(p, c), add(c, p) and sub(p, c) with p a conv2d or gemm and c a
/// constant along the output channels: c joins p's bias.
template <typename BinaryOp>
struct FuseBiasAdd final : OpRewritePattern<BinaryOp> {
  using OpRewritePattern<BinaryOp>::OpRewritePattern;
  static constexpr bool kIsSub = std::is_same_v<BinaryOp, SubOp>;

  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    for (unsigned side = 0; side < (kIsSub ? 1u : 2u); ++side) {
      Value producerValue = op->getOperand(side);
      Operation *producer = getBiasTarget(producerValue);
      if (!producer || producerValue.getType() != op.getType())
        continue;
      auto outType = cast<RankedTensorType>(op.getType());
      // The output channels: dimension 1 of a gemm and an NCHW conv, 3 of
      // an NHWC conv.
      auto conv = dyn_cast<Conv2DOp>(producer);
      int64_t axis = conv && conv.getLayout() == ImageLayout::nhwc ? 3 : 1;
      std::optional<std::vector<float>> c =
          getPerAxisConstant(op->getOperand(1 - side), outType, axis);
      if (!c)
        continue;
      if (kIsSub)
        for (float &v : *c)
          v = -v;
      if (conv)
        return fuseIntoConv(rewriter, op, conv, *c);
      return fuseIntoGemm(rewriter, op, cast<GemmOp>(producer), *c);
    }
    return rewriter.notifyMatchFailure(
        op, "no single-use producer with a channel constant");
  }

  static LogicalResult fuseIntoConv(PatternRewriter &rewriter, BinaryOp op,
                                    Conv2DOp conv, std::vector<float> c) {
    if (Value bias = conv.getBias()) {
      std::optional<std::vector<float>> old = getF32Constant(bias);
      if (!old)
        return rewriter.notifyMatchFailure(op, "conv bias is not constant");
      for (size_t i = 0; i < c.size(); ++i)
        c[i] += (*old)[i];
    }
    Value bias = createF32Constant(rewriter, op.getLoc(), {int64_t(c.size())},
                                   c, "fused_bias");
    replaceWithConv(rewriter, op, conv, conv.getFilter(), bias,
                    conv.getResidual());
    return success();
  }

  static LogicalResult fuseIntoGemm(PatternRewriter &rewriter, BinaryOp op,
                                    GemmOp gemm, std::vector<float> c) {
    auto outType = cast<RankedTensorType>(gemm.getType());
    float beta = gemm.getBeta().convertToFloat();
    if (Value old = gemm.getC()) {
      std::optional<std::vector<float>> values =
          getPerAxisConstant(old, outType, 1);
      if (!values)
        return rewriter.notifyMatchFailure(op, "gemm C is not a constant row");
      for (size_t i = 0; i < c.size(); ++i)
        c[i] += beta * (*values)[i];
    }
    Value cValue = createF32Constant(rewriter, op.getLoc(), {int64_t(c.size())},
                                     c, "fused_gemm_c");
    rewriter.replaceOpWithNewOp<GemmOp>(
        op, outType, gemm.getA(), gemm.getB(), cValue, gemm.getAlphaAttr(),
        rewriter.getF32FloatAttr(1.0f), gemm.getTransAAttr(),
        gemm.getTransBAttr(), gemm.getActivationAttr(),
        gemm.getActivationParamsAttr());
    rewriter.eraseOp(gemm);
    return success();
  }
};

/// add(conv2d(x), r) with r of the result's shape: r becomes the residual.
struct FuseResidualAdd final : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    for (Value side : {add.getLhs(), add.getRhs()}) {
      auto conv = getSoleUseProducer<Conv2DOp>(side);
      Value other = otherOperand(add, side);
      if (!conv || !hasEmptyEpilogue(conv) || side.getType() != add.getType() ||
          other.getType() != add.getType())
        continue;
      replaceWithConv(rewriter, add, conv, conv.getFilter(), conv.getBias(),
                      other);
      return success();
    }
    return rewriter.notifyMatchFailure(
        add, "no single-use plain conv2d of equal shape");
  }
};

/// The epilogue form of an activation op: its kind and its parameters in the
/// order FusedEpilogueOpInterface documents.
template <typename OpTy> struct ActivationInfo;
#define KILN_PLAIN_ACTIVATION(OP, KIND)                                        \
  template <> struct ActivationInfo<OP> {                                      \
    static constexpr ActivationKind kind = ActivationKind::KIND;               \
    static SmallVector<float> params(OP) { return {}; }                        \
  };
KILN_PLAIN_ACTIVATION(ReluOp, relu)
KILN_PLAIN_ACTIVATION(SigmoidOp, sigmoid)
KILN_PLAIN_ACTIVATION(TanhOp, tanh)
KILN_PLAIN_ACTIVATION(HardSwishOp, hard_swish)
KILN_PLAIN_ACTIVATION(GeluOp, gelu)
#undef KILN_PLAIN_ACTIVATION
template <> struct ActivationInfo<ClipOp> {
  static constexpr ActivationKind kind = ActivationKind::clip;
  static SmallVector<float> params(ClipOp op) {
    return {op.getMin().convertToFloat(), op.getMax().convertToFloat()};
  }
};
template <> struct ActivationInfo<LeakyReluOp> {
  static constexpr ActivationKind kind = ActivationKind::leaky_relu;
  static SmallVector<float> params(LeakyReluOp op) {
    return {op.getAlpha().convertToFloat()};
  }
};
template <> struct ActivationInfo<HardSigmoidOp> {
  static constexpr ActivationKind kind = ActivationKind::hard_sigmoid;
  static SmallVector<float> params(HardSigmoidOp op) {
    return {op.getAlpha().convertToFloat(), op.getBeta().convertToFloat()};
  }
};

/// act(p) with p a single-use conv2d/gemm/matmul and no activation yet.
template <typename OpTy> struct FuseActivation final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Operation *producer = op.getInput().getDefiningOp();
    auto epilogue = dyn_cast_if_present<FusedEpilogueOpInterface>(producer);
    if (!epilogue || !producer->hasOneUse() ||
        epilogue.getEpilogueActivation() != ActivationKind::none ||
        !cast<RankedTensorType>(op.getType()).getElementType().isF32())
      return rewriter.notifyMatchFailure(op,
                                         "producer cannot take an activation");
    rewriter.modifyOpInPlace(producer, [&] {
      epilogue.setEpilogueActivation(ActivationInfo<OpTy>::kind,
                                     ActivationInfo<OpTy>::params(op));
    });
    rewriter.replaceOp(op, producer->getResults());
    return success();
  }
};

/// mul(p, sigmoid(p)) (either operand order) with p a conv2d/gemm/matmul
/// result whose only users are that sigmoid and that mul: SiLU (swish, how
/// torch exports nn.SiLU) becomes the producer's activation, so the output
/// is written once instead of read twice by two more full-tensor passes.
struct FuseSiluActivation final : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp mul,
                                PatternRewriter &rewriter) const override {
    for (auto [x, gate] : {std::pair(mul.getLhs(), mul.getRhs()),
                           std::pair(mul.getRhs(), mul.getLhs())}) {
      auto sigmoid = gate.getDefiningOp<SigmoidOp>();
      if (!sigmoid || sigmoid.getInput() != x || !sigmoid->hasOneUse())
        continue;
      Operation *producer = x.getDefiningOp();
      auto epilogue = dyn_cast_if_present<FusedEpilogueOpInterface>(producer);
      // x's users are exactly the sigmoid and this mul (two uses).
      if (!epilogue || producer->getNumResults() != 1 ||
          !llvm::hasNItems(x.getUses(), 2) ||
          epilogue.getEpilogueActivation() != ActivationKind::none ||
          x.getType() != mul.getType() ||
          !cast<RankedTensorType>(mul.getType()).getElementType().isF32())
        continue;
      rewriter.modifyOpInPlace(producer, [&] {
        epilogue.setEpilogueActivation(ActivationKind::silu, {});
      });
      rewriter.replaceOp(mul, x);
      rewriter.eraseOp(sigmoid);
      return success();
    }
    return rewriter.notifyMatchFailure(
        mul, "not x * sigmoid(x) of a producer used by nothing else");
  }
};

struct KilnFuseEpiloguePass final
    : kiln::impl::KilnFuseEpiloguePassBase<KilnFuseEpiloguePass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseEpiloguePatterns(patterns, int8Epilogues);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateFuseEpiloguePatterns(RewritePatternSet &patterns,
                                        bool int8Epilogues) {
  // Bias before residual: add(conv, c) with a full-shape constant c is
  // cheaper as a bias only when c is per-channel, which the bias pattern
  // checks; the benefit orders them when both could apply.
  patterns.add<FuseBiasAdd<AddOp>, FuseBiasAdd<SubOp>>(patterns.getContext(),
                                                       /*benefit=*/2);
  patterns.add<FuseActivation<ReluOp>, FuseActivation<ClipOp>>(
      patterns.getContext());
  if (int8Epilogues)
    return;
  patterns.add<FuseResidualAdd, FuseActivation<LeakyReluOp>,
               FuseActivation<SigmoidOp>, FuseActivation<TanhOp>,
               FuseActivation<HardSigmoidOp>, FuseActivation<HardSwishOp>,
               FuseActivation<GeluOp>, FuseSiluActivation>(
      patterns.getContext());
}
