//===- ConvertLayout.cpp - Conv and pool ops to the target's image layout
//--===//
//
// Each float conv2d/pool in the other layout is rewritten in place between a
// transpose of its image operands and the inverse transpose of its result.
// Between two converted ops the pair composes to the identity (the transpose
// folder); what is left is sunk and cancelled by kiln-cancel-transposes.
//
//===----------------------------------------------------------------------===//

#include "kiln/passes/Passes.h"
#include "passes/cleanup/CleanupPatterns.h"
#include "passes/layout/LayoutPatterns.h"

namespace kiln {
#define GEN_PASS_DEF_KILNCONVERTLAYOUTPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
// Image tensors: NCHW -> NHWC and back.
constexpr int64_t kToNhwc[] = {0, 2, 3, 1};
constexpr int64_t kToNchw[] = {0, 3, 1, 2};
// Filters: OIHW [M, C/g, kH, kW] -> HWIO [kH, kW, C/g, M] and back.
constexpr int64_t kToHwio[] = {2, 3, 1, 0};
constexpr int64_t kToOihw[] = {3, 2, 0, 1};

Value transposed(PatternRewriter &rewriter, Location loc, Value value,
                 ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  return TransposeOp::create(rewriter, loc, type.clone(shape), value, perm);
}

bool isQuantizedOp(Operation *op) {
  auto quantized = [](Type t) {
    return isa<quant::QuantizedType>(getElementTypeOrSelf(t));
  };
  return llvm::any_of(op->getOperandTypes(), quantized) ||
         llvm::any_of(op->getResultTypes(), quantized);
}

/// Rewrites a rank-4 float conv/pool `op` whose layout is not `target`: its
/// image operands (`imageOperands`) and, for a conv, its filter get the
/// transpose into `target`, the op is cloned with the new layout, and its
/// result is transposed back so that users see the old layout.
LogicalResult convertOp(PatternRewriter &rewriter, Operation *op,
                        ImageLayout current, ImageLayout target,
                        ArrayRef<unsigned> imageOperands,
                        std::optional<unsigned> filterOperand) {
  if (current == target)
    return rewriter.notifyMatchFailure(op, "already in the target layout");
  if (isQuantizedOp(op))
    return rewriter.notifyMatchFailure(op, "int8 kernels are NCHW only");
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (resultType.getRank() != 4)
    return rewriter.notifyMatchFailure(op, "not a 2-D image op");
  bool toNhwc = target == ImageLayout::nhwc;
  ArrayRef<int64_t> in = toNhwc ? ArrayRef(kToNhwc) : ArrayRef(kToNchw);
  ArrayRef<int64_t> out = toNhwc ? ArrayRef(kToNchw) : ArrayRef(kToNhwc);
  ArrayRef<int64_t> filter = toNhwc ? ArrayRef(kToHwio) : ArrayRef(kToOihw);

  Location loc = op->getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<Value> operands(op->getOperands());
  for (unsigned index : imageOperands)
    operands[index] = transposed(rewriter, loc, operands[index], in);
  if (filterOperand)
    operands[*filterOperand] =
        transposed(rewriter, loc, operands[*filterOperand], filter);

  Operation *clone = rewriter.clone(*op);
  clone->setOperands(operands);
  SmallVector<int64_t> shape;
  for (int64_t p : in)
    shape.push_back(resultType.getDimSize(p));
  clone->getResult(0).setType(resultType.clone(shape));
  clone->setAttr("layout", ImageLayoutAttr::get(op->getContext(), target));
  rewriter.replaceOp(op, transposed(rewriter, loc, clone->getResult(0), out));
  return success();
}

struct ConvertConv final : OpRewritePattern<Conv2DOp> {
  ConvertConv(MLIRContext *context, ImageLayout target)
      : OpRewritePattern(context), target(target) {}
  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    if (op.hasPackedFilter())
      return rewriter.notifyMatchFailure(op, "a packed filter is NHWC only");
    SmallVector<unsigned, 2> images = {op.getInputMutable().getOperandNumber()};
    if (!op.getResidualMutable().empty())
      images.push_back(op.getResidualMutable()[0].getOperandNumber());
    return convertOp(rewriter, op, op.getLayout(), target, images,
                     op.getFilterMutable().getOperandNumber());
  }
  ImageLayout target;
};

template <typename OpTy> struct ConvertPool final : OpRewritePattern<OpTy> {
  ConvertPool(MLIRContext *context, ImageLayout target)
      : OpRewritePattern<OpTy>(context), target(target) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    return convertOp(rewriter, op, op.getLayout(), target, {0}, std::nullopt);
  }
  ImageLayout target;
};

struct KilnConvertLayoutPass final
    : kiln::impl::KilnConvertLayoutPassBase<KilnConvertLayoutPass> {
  using KilnConvertLayoutPassBase::KilnConvertLayoutPassBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateConvertLayoutPatterns(patterns, layout);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateConvertLayoutPatterns(RewritePatternSet &patterns,
                                         ImageLayout target) {
  MLIRContext *context = patterns.getContext();
  patterns.add<ConvertConv, ConvertPool<MaxPool2DOp>, ConvertPool<AvgPool2DOp>,
               ConvertPool<GlobalAvgPoolOp>, ConvertPool<GlobalMaxPoolOp>>(
      context, target);
}
