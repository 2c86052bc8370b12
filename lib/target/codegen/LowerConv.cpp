//===- LowerConv.cpp - conv2d and conv_transpose2d -> runtime calls -------===//

#include "LoweringContext.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::codegen;

template <typename ConvOp>
static LogicalResult lowerConv(ConvOp op, LoweringContext &ctx, Value residual,
                               StringRef callee) {
  KernelArg params = ctx.params("kiln_conv_params", "conv",
                                formatInitializer(toConvParams(op)));
  Value bias = op.getBias();
  ctx.callKernel(
      op.getLoc(), callee,
      {params, ctx.shape(op.getInput().getType()), ctx.pointer(op.getInput()),
       ctx.shape(op.getFilter().getType()), ctx.pointer(op.getFilter()),
       bias ? ctx.pointer(bias) : ctx.null(),
       residual ? ctx.pointer(residual) : ctx.null(),
       ctx.shape(op.getOutput().getType()), ctx.resultPointer(op),
       ctx.scratch(op)});
  return success();
}

void codegen::populateConvLowerings(KernelLoweringTable &table) {
  table[Conv2DOp::getOperationName()] = [](Operation *op,
                                           LoweringContext &ctx) {
    auto conv = cast<Conv2DOp>(op);
    // Same arguments in NHWC: the shapes carry the layout (HWIO filter).
    return lowerConv(conv, ctx, conv.getResidual(),
                     isNhwc(op) ? "kiln_conv2d_nhwc_f32" : "kiln_conv2d_f32");
  };
  table[Conv2DWinogradOp::getOperationName()] = [](Operation *op,
                                                   LoweringContext &ctx) {
    auto conv = cast<Conv2DWinogradOp>(op);
    return lowerConv(conv, ctx, conv.getResidual(),
                     "kiln_conv2d_nhwc_winograd_f32");
  };
  table[ConvTranspose2DOp::getOperationName()] = [](Operation *op,
                                                    LoweringContext &ctx) {
    return lowerConv(cast<ConvTranspose2DOp>(op), ctx, Value(),
                     "kiln_conv_transpose2d_f32");
  };
}
