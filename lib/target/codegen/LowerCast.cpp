//===- LowerCast.cpp - kiln.cast -> kiln_cast ----------------------------===//

#include "LoweringContext.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::codegen;

/// The runtime's kiln_dtype for a tensor's element type.
static std::optional<StringRef> getCastDType(Value tensor) {
  Type t = cast<RankedTensorType>(tensor.getType()).getElementType();
  if (t.isF32())
    return StringRef("KILN_DTYPE_F32");
  if (t.isF16())
    return StringRef("KILN_DTYPE_F16");
  if (t.isInteger(1))
    return StringRef("KILN_DTYPE_BOOL");
  if (t.isInteger(32))
    return StringRef("KILN_DTYPE_I32");
  if (t.isInteger(64))
    return StringRef("KILN_DTYPE_I64");
  if (t.isUnsignedInteger(8))
    return StringRef("KILN_DTYPE_U8");
  if (t.isInteger(8))
    return StringRef("KILN_DTYPE_I8");
  return std::nullopt;
}

bool codegen::isCastLowerable(Operation *op) {
  return isa<CastOp>(op) && getCastDType(op->getOperand(0)) &&
         getCastDType(op->getResult(0));
}

static LogicalResult lowerCast(Operation *op, LoweringContext &ctx) {
  if (!isCastLowerable(op))
    return op->emitOpError("has no lowering for these element types");
  Value in = op->getOperand(0), out = op->getResult(0);
  MLIRContext *mctx = op->getContext();
  ctx.callKernel(op->getLoc(), "kiln_cast",
                 {ctx.pointer(in),
                  KernelArg(emitc::OpaqueAttr::get(mctx, *getCastDType(in))),
                  ctx.resultPointer(op),
                  KernelArg(emitc::OpaqueAttr::get(mctx, *getCastDType(out))),
                  ctx.i32(getNumElements(in))});
  return success();
}

void codegen::populateCastLowerings(KernelLoweringTable &table) {
  table[CastOp::getOperationName()] = lowerCast;
}
