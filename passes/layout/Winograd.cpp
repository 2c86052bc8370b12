//===- Winograd.cpp - 3x3 stride-1 NHWC convs to Winograd F(4x4, 3x3) -----===//
//
// A 3x3 stride-1 conv computed by Winograd F(4x4, 3x3) takes 36 multiplies
// per 4x4 output tile and channel pair where the direct conv takes 144. The
// filter transform G f G^T is constant work, so it happens here, at compile
// time, with the runtime's own transform function; the kernel then reads the
// Winograd-domain panels as the direct kernel reads packed ones. The
// transformed filter is 4x the HWIO one (36 points for 9 taps) and every
// block of tiles reads all of it: one past the caches is streamed from
// memory for every block (ResNet-18's 14x14x256 layers, 9.4 MB each, run no
// faster in the model and add 21 MB of weights), and thin layers (few
// channels) or tiny maps do not pay back the transforms; they keep the
// direct conv.
//
//===----------------------------------------------------------------------===//

#include "kiln/passes/Passes.h"
#include "kiln/target/RuntimeParams.h"
#include "passes/cleanup/CleanupPatterns.h"
#include "passes/layout/LayoutPatterns.h"

namespace kiln {
#define GEN_PASS_DEF_KILNWINOGRADPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
struct Thresholds {
  int64_t minChannels;
  int64_t minTiles;
  int64_t maxFilterBytes;
  int64_t width;
};

/// Float NHWC, 3x3 HWIO filter, stride 1, dilation 1, group 1, with enough
/// channels and tiles to pay for the transforms and a Winograd filter small
/// enough to stay in cache between tile blocks (`limits`).
bool isWinogradCandidate(Conv2DOp conv, const Thresholds &limits) {
  if (conv.getLayout() != ImageLayout::nhwc || conv.hasPackedFilter() ||
      conv.getGroup() != 1)
    return false;
  auto isF32 = [](Type t) { return getElementTypeOrSelf(t).isF32(); };
  auto filter = cast<RankedTensorType>(conv.getFilter().getType());
  if (filter.getRank() != 4 || filter.getDimSize(0) != 3 ||
      filter.getDimSize(1) != 3 || !isF32(filter) ||
      !isF32(conv.getInput().getType()) || !isF32(conv.getType()))
    return false;
  if (llvm::any_of(conv.getStrides(), [](int64_t s) { return s != 1; }) ||
      llvm::any_of(conv.getDilations(), [](int64_t d) { return d != 1; }))
    return false;
  auto out = cast<RankedTensorType>(conv.getType());
  if (!filter.hasStaticShape() || !out.hasStaticShape())
    return false;
  int64_t c = filter.getDimSize(2), m = filter.getDimSize(3);
  int64_t tiles = ((out.getDimSize(1) + 3) / 4) * ((out.getDimSize(2) + 3) / 4);
  int64_t bytes = 36 * c * ((m + limits.width - 1) / limits.width) *
                  limits.width * static_cast<int64_t>(sizeof(float));
  return c >= limits.minChannels && m >= limits.minChannels &&
         tiles >= limits.minTiles && bytes <= limits.maxFilterBytes;
}

/// The Winograd-domain filter [P, 6, 6, C, width] of a 3x3 HWIO constant.
FailureOr<ElementsAttr> transformFilter(ElementsAttr hwio, int64_t width) {
  return rewriteFilter(
      hwio, "_winograd",
      [&](const kiln_shape &in, kiln_shape &out) {
        return kiln_conv2d_nhwc_winograd_shape(
            &in, static_cast<int32_t>(width), &out);
      },
      kiln_conv2d_nhwc_winograd_filter_f32);
}

/// conv2d -> conv2d_winograd; convs sharing the HWIO constant share the
/// transformed one, and the HWIO constant goes when nothing else reads it.
struct ConvToWinograd final : OpRewritePattern<Conv2DOp> {
  ConvToWinograd(MLIRContext *context, Thresholds limits)
      : OpRewritePattern(context), limits(limits) {}

  LogicalResult matchAndRewrite(Conv2DOp conv,
                                PatternRewriter &rewriter) const override {
    if (!isWinogradCandidate(conv, limits))
      return rewriter.notifyMatchFailure(
          conv, "not a float NHWC 3x3 stride-1 ungrouped conv big enough "
                "for Winograd");
    auto constant = conv.getFilter().getDefiningOp<ConstantOp>();
    if (!constant)
      return rewriter.notifyMatchFailure(conv,
                                         "the filter is computed at run time");
    FailureOr<ElementsAttr> wino =
        transformFilter(constant.getValue(), limits.width);
    if (failed(wino))
      return rewriter.notifyMatchFailure(
          conv, "the runtime cannot transform this filter");

    rewriter.setInsertionPointAfter(constant);
    Value winoFilter = ConstantOp::create(rewriter, constant.getLoc(), *wino);
    SmallVector<Conv2DOp> sharing;
    for (Operation *user : constant->getUsers())
      if (auto other = dyn_cast<Conv2DOp>(user);
          other && other.getFilter() == constant.getResult() &&
          isWinogradCandidate(other, limits))
        sharing.push_back(other);
    for (Conv2DOp user : sharing) {
      rewriter.setInsertionPoint(user);
      int64_t m = cast<RankedTensorType>(user.getType()).getDimSize(3);
      auto replacement = Conv2DWinogradOp::create(
          rewriter, user.getLoc(), user.getType(), user.getInput(), winoFilter,
          user.getBias(), user.getResidual(), user.getPadsAttr(),
          rewriter.getI64IntegerAttr(m), user.getActivationAttr(),
          user.getActivationParamsAttr());
      rewriter.replaceOp(user, replacement.getResult());
    }
    if (constant->use_empty())
      rewriter.eraseOp(constant);
    return success();
  }

  Thresholds limits;
};

struct KilnWinogradPass final
    : kiln::impl::KilnWinogradPassBase<KilnWinogradPass> {
  using Base::Base;
  void runOnOperation() override {
    if (width < 1 || width > 64) {
      getOperation().emitError("kiln-winograd: width ")
          << static_cast<int64_t>(width) << " is outside the runtime's 1 to 64";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateWinogradPatterns(patterns, width, minChannels, minTiles,
                             maxFilterBytes);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateWinogradPatterns(RewritePatternSet &patterns, int64_t width,
                                    int64_t minChannels, int64_t minTiles,
                                    int64_t maxFilterBytes) {
  patterns.add<ConvToWinograd>(
      patterns.getContext(),
      Thresholds{minChannels, minTiles, maxFilterBytes, width});
}
