//===- LowerMatmul.cpp - gemm and matmul -> runtime calls -----------------===//

#include "LoweringContext.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::codegen;

static LogicalResult lowerGemm(Operation *op, LoweringContext &ctx) {
  auto gemm = cast<GemmOp>(op);
  Value c = gemm.getC();
  ctx.callKernel(op->getLoc(), "kiln_gemm_f32",
                 {ctx.params("kiln_gemm_params", "gemm",
                             formatInitializer(toGemmParams(gemm))),
                  ctx.pointer(gemm.getA()), ctx.pointer(gemm.getB()),
                  c ? ctx.shape(c.getType()) : ctx.null(),
                  c ? ctx.pointer(c) : ctx.null(), ctx.resultPointer(op)});
  return success();
}

// The matmul kernel has no epilogue, so a fused activation runs in place on
// the result right after it.
static LogicalResult lowerMatmul(Operation *op, LoweringContext &ctx) {
  auto matmul = cast<MatMulOp>(op);
  Value out = ctx.resultPointer(op);
  ctx.callKernel(op->getLoc(), "kiln_matmul_f32",
                 {ctx.shape(matmul.getLhs().getType()),
                  ctx.pointer(matmul.getLhs()),
                  ctx.shape(matmul.getRhs().getType()),
                  ctx.pointer(matmul.getRhs()), out});
  kiln_activation act = toKilnActivation(matmul);
  if (act.kind == KILN_ACT_NONE)
    return success();
  ctx.callKernel(op->getLoc(), "kiln_activate_f32",
                 {ctx.params("kiln_activation", "act", formatInitializer(act)),
                  out, out, ctx.i32(getNumElements(matmul.getOutput()))});
  return success();
}

void codegen::populateMatmulLowerings(KernelLoweringTable &table) {
  table[GemmOp::getOperationName()] = lowerGemm;
  table[MatMulOp::getOperationName()] = lowerMatmul;
}
