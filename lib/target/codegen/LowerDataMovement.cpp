//===- LowerDataMovement.cpp - reshape, transpose, slice, pad, ... -> runtime
//===//

#include "LoweringContext.h"
#include "kiln/passes/MemoryPlan.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::codegen;

static int64_t elemBytes(Value tensor) {
  int64_t n = std::max<int64_t>(1, getNumElements(tensor));
  return getTensorBytes(tensor.getType()) / n;
}

// A reshape the planner aliased costs nothing; otherwise it is a copy.
static LogicalResult lowerReshape(Operation *op, LoweringContext &ctx) {
  Value out = ctx.resultPointer(op);
  if (op->hasAttr("kiln.alias"))
    return success();
  Value input = op->getOperand(0);
  ctx.callKernel(op->getLoc(), "kiln_copy",
                 {ctx.pointer(input), out, ctx.i32(getNumElements(input)),
                  ctx.i32(elemBytes(input))});
  return success();
}

static LogicalResult lowerTranspose(Operation *op, LoweringContext &ctx) {
  auto tr = cast<TransposeOp>(op);
  ctx.callKernel(op->getLoc(), "kiln_transpose",
                 {ctx.shape(tr.getInput().getType()),
                  ctx.pointer(tr.getInput()), ctx.intArray(tr.getPerm()),
                  ctx.resultPointer(op), ctx.i32(elemBytes(tr.getInput()))});
  return success();
}

static LogicalResult lowerSlice(Operation *op, LoweringContext &ctx) {
  auto slice = cast<SliceOp>(op);
  ctx.callKernel(
      op->getLoc(), "kiln_slice",
      {ctx.shape(slice.getInput().getType()), ctx.pointer(slice.getInput()),
       ctx.intArray(slice.getOffsets()), ctx.intArray(slice.getStrides()),
       ctx.shape(slice.getOutput().getType()), ctx.resultPointer(op),
       ctx.i32(elemBytes(slice.getInput()))});
  return success();
}

static LogicalResult lowerPad(Operation *op, LoweringContext &ctx) {
  auto pad = cast<PadOp>(op);
  if (!cast<RankedTensorType>(pad.getInput().getType())
           .getElementType()
           .isF32())
    return op->emitOpError("has no lowering for a non-f32 pad value");
  static const char *const kModes[] = {"KILN_PAD_CONSTANT", "KILN_PAD_REFLECT",
                                       "KILN_PAD_EDGE"};
  MLIRContext *mctx = op->getContext();
  ctx.callKernel(op->getLoc(), "kiln_pad",
                 {ctx.shape(pad.getInput().getType()),
                  ctx.pointer(pad.getInput()), ctx.intArray(pad.getPads()),
                  KernelArg(emitc::OpaqueAttr::get(
                      mctx, kModes[static_cast<int>(pad.getMode())])),
                  ctx.params("float", "value",
                             formatFloat(pad.getValue().convertToFloat())),
                  ctx.resultPointer(op), ctx.i32(elemBytes(pad.getInput()))});
  return success();
}

static LogicalResult lowerExpand(Operation *op, LoweringContext &ctx) {
  Value input = op->getOperand(0);
  ctx.callKernel(op->getLoc(), "kiln_expand_f32",
                 {ctx.shape(input.getType()), ctx.pointer(input),
                  ctx.shape(op->getResult(0).getType()),
                  ctx.resultPointer(op)});
  return success();
}

static LogicalResult lowerGather(Operation *op, LoweringContext &ctx) {
  auto gather = cast<GatherOp>(op);
  auto indices = cast<RankedTensorType>(gather.getIndices().getType());
  if (!indices.getElementType().isInteger(64))
    return op->emitOpError("has no lowering for ")
           << indices.getElementType() << " indices (the runtime takes i64)";
  auto data = cast<RankedTensorType>(gather.getData().getType());
  int64_t axis = normalizeAxis(gather.getAxis(), data.getRank());
  ctx.callKernel(op->getLoc(), "kiln_gather",
                 {ctx.shape(data), ctx.pointer(gather.getData()), ctx.i32(axis),
                  ctx.pointer(gather.getIndices()),
                  ctx.i32(indices.getNumElements()), ctx.resultPointer(op),
                  ctx.i32(elemBytes(gather.getData()))});
  return success();
}

static LogicalResult lowerConcat(Operation *op, LoweringContext &ctx) {
  auto concat = cast<ConcatOp>(op);
  SmallVector<Value> inputs;
  for (Value in : concat.getInputs())
    inputs.push_back(ctx.pointer(in));
  int64_t rank = cast<RankedTensorType>(concat.getOutput().getType()).getRank();
  int64_t axis = normalizeAxis(concat.getAxis(), rank);
  Value out = ctx.resultPointer(op);
  ctx.callKernel(op->getLoc(), "kiln_concat",
                 {ctx.i32(inputs.size()),
                  ctx.pointerArray(op->getLoc(), inputs),
                  ctx.shapeArray(concat.getInputs().getTypes()), ctx.i32(axis),
                  out, ctx.i32(elemBytes(concat.getOutput()))});
  return success();
}

void codegen::populateDataMovementLowerings(KernelLoweringTable &table) {
  table[ReshapeOp::getOperationName()] = lowerReshape;
  table[ConcatOp::getOperationName()] = lowerConcat;
  table[TransposeOp::getOperationName()] = lowerTranspose;
  table[SliceOp::getOperationName()] = lowerSlice;
  table[PadOp::getOperationName()] = lowerPad;
  table[ExpandOp::getOperationName()] = lowerExpand;
  table[GatherOp::getOperationName()] = lowerGather;
}
