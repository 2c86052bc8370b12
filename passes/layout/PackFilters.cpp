//===- PackFilters.cpp - Constant NHWC conv filters into kernel panels ----===//
//
// The x86 NHWC conv kernels read their filter as panels of NR output
// channels. Packing a constant filter here, with the runtime's own packing
// function, saves the kernels that copy on every inference; the rank-6
// result is an ordinary constant, so memory planning and code generation
// treat it like any weight.
//
//===----------------------------------------------------------------------===//

#include "kiln/evaluator/Evaluator.h"
#include "kiln/passes/Passes.h"
#include "kiln/target/RuntimeParams.h"
#include "passes/cleanup/CleanupPatterns.h"
#include "passes/layout/LayoutPatterns.h"


namespace kiln {
#define GEN_PASS_DEF_KILNPACKFILTERSPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
/// What a conv's packed filter depends on besides the HWIO data: convs that
/// share a constant and agree on these share the packed constant too.
struct PackKey {
  int64_t group;
  int64_t outChannels;
  bool operator==(const PackKey &other) const {
    return group == other.group && outChannels == other.outChannels;
  }
};

/// Float NHWC with a rank-4 HWIO filter, and not depthwise: the depthwise
/// kernel reads HWIO taps directly, and one column per group would pad
/// every panel with NR - 1 zero columns.
std::optional<PackKey> packableConv(Conv2DOp conv) {
  if (conv.getLayout() != ImageLayout::nhwc || conv.hasPackedFilter())
    return std::nullopt;
  auto filter = cast<RankedTensorType>(conv.getFilter().getType());
  auto isF32 = [](Type t) { return getElementTypeOrSelf(t).isF32(); };
  if (filter.getRank() != 4 || !isF32(filter) ||
      !isF32(conv.getInput().getType()) || !isF32(conv.getType()))
    return std::nullopt;
  int64_t group = conv.getGroup(), m = filter.getDimSize(3);
  if (group < 1 || m % group != 0)
    return std::nullopt;
  if (filter.getDimSize(2) == 1 && m / group == 1)
    return std::nullopt;
  return PackKey{group, m};
}

/// The packed copy of `hwio`, stored the way the HWIO constant was.
FailureOr<ElementsAttr> packFilter(ElementsAttr hwio, const PackKey &key,
                                   int64_t width) {
  return rewriteFilter(
      hwio, "_packed",
      [&](const kiln_shape &in, kiln_shape &out) {
        return kiln_conv2d_nhwc_packed_shape(
            &in, static_cast<int32_t>(key.group), static_cast<int32_t>(width),
            &out);
      },
      kiln_conv2d_nhwc_pack_filter_f32);
}

/// Replaces the HWIO constant filter of a conv, and of every other conv
/// with the same constant, groups and M, by one packed constant.
struct PackConvFilter final : OpRewritePattern<Conv2DOp> {
  PackConvFilter(MLIRContext *context, int64_t width)
      : OpRewritePattern(context), width(width) {}

  LogicalResult matchAndRewrite(Conv2DOp conv,
                                PatternRewriter &rewriter) const override {
    std::optional<PackKey> key = packableConv(conv);
    if (!key)
      return rewriter.notifyMatchFailure(
          conv, "not a float NHWC non-depthwise conv with an HWIO filter");
    auto constant = conv.getFilter().getDefiningOp<ConstantOp>();
    if (!constant)
      return rewriter.notifyMatchFailure(conv,
                                         "the filter is computed at run time");
    FailureOr<ElementsAttr> packed =
        packFilter(constant.getValue(), *key, width);
    if (failed(packed))
      return rewriter.notifyMatchFailure(conv,
                                         "the runtime cannot pack this filter");

    rewriter.setInsertionPointAfter(constant);
    Value packedFilter =
        ConstantOp::create(rewriter, constant.getLoc(), *packed);
    SmallVector<Conv2DOp> sharing;
    for (Operation *user : constant->getUsers())
      if (auto other = dyn_cast<Conv2DOp>(user);
          other && other.getFilter() == constant.getResult() &&
          packableConv(other) == key)
        sharing.push_back(other);
    for (Conv2DOp user : sharing)
      rewriter.modifyOpInPlace(
          user, [&] { user.getFilterMutable().assign(packedFilter); });
    if (constant->use_empty())
      rewriter.eraseOp(constant);
    return success();
  }

  int64_t width;
};

struct KilnPackFiltersPass final
    : kiln::impl::KilnPackFiltersPassBase<KilnPackFiltersPass> {
  using Base::Base;
  void runOnOperation() override {
    if (width < 1 || width > 64) {
      getOperation().emitError("kiln-pack-filters: width ")
          << static_cast<int64_t>(width) << " is outside the runtime's 1 to 64";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populatePackFiltersPatterns(patterns, width);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populatePackFiltersPatterns(RewritePatternSet &patterns,
                                       int64_t width) {
  patterns.add<PackConvFilter>(patterns.getContext(), width);
}
