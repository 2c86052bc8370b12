//===- LowerElementwise.cpp - unary and broadcast binary ops -> runtime ---===//

#include "LoweringContext.h"

#include "kiln/target/FusedProgram.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::codegen;

/// Extra scalar arguments a unary kernel takes after `count`.
using ExtraArgs =
    std::function<SmallVector<KernelArg>(Operation *, LoweringContext &)>;

static KernelLowering unary(StringRef callee, ExtraArgs extra = nullptr) {
  return [callee = callee.str(), extra](Operation *op, LoweringContext &ctx) {
    SmallVector<KernelArg> args = {ctx.pointer(op->getOperand(0)),
                                   ctx.resultPointer(op),
                                   ctx.i32(getNumElements(op->getResult(0)))};
    if (extra)
      args.append(extra(op, ctx));
    ctx.callKernel(op->getLoc(), callee, args);
    return success();
  };
}

static KernelLowering binary(StringRef callee) {
  return [callee = callee.str()](Operation *op, LoweringContext &ctx) {
    Value lhs = op->getOperand(0), rhs = op->getOperand(1);
    ctx.callKernel(op->getLoc(), callee,
                   {ctx.shape(lhs.getType()), ctx.pointer(lhs),
                    ctx.shape(rhs.getType()), ctx.pointer(rhs),
                    ctx.shape(op->getResult(0).getType()),
                    ctx.resultPointer(op)});
    return success();
  };
}

/// One call of the fused-chain kernel with the body encoded as a `static
/// const kiln_fused_program`.
static LogicalResult lowerFusedElementwise(Operation *op, LoweringContext &ctx) {
  auto fused = cast<FusedElementwiseOp>(op);
  std::string why;
  FailureOr<kiln_fused_program> program = toFusedProgram(fused, &why);
  if (failed(program))
    return fused.emitError("cannot encode the fused elementwise body: ") << why;
  SmallVector<Value> inputs;
  for (Value input : fused.getInputs())
    inputs.push_back(ctx.pointer(input));
  ctx.callKernel(op->getLoc(), "kiln_fused_elementwise_f32",
                 {ctx.params("kiln_fused_program", "fused",
                             formatInitializer(*program)),
                  inputs.empty() ? ctx.null() : ctx.shapeArray(fused.getInputs().getTypes()),
                  inputs.empty() ? ctx.null()
                                 : KernelArg(ctx.pointerArray(op->getLoc(), inputs)),
                  ctx.shape(fused.getType()), ctx.resultPointer(op)});
  return success();
}

template <typename OpTy>
static void add(KernelLoweringTable &table, KernelLowering lowering) {
  table[OpTy::getOperationName()] = std::move(lowering);
}

void codegen::populateElementwiseLowerings(KernelLoweringTable &table) {
  add<ReluOp>(table, unary("kiln_relu_f32"));
  add<SigmoidOp>(table, unary("kiln_sigmoid_f32"));
  add<TanhOp>(table, unary("kiln_tanh_f32"));
  add<HardSwishOp>(table, unary("kiln_hard_swish_f32"));
  add<GeluOp>(table, unary("kiln_gelu_f32"));
  add<ErfOp>(table, unary("kiln_erf_f32"));
  add<ExpOp>(table, unary("kiln_exp_f32"));
  add<LogOp>(table, unary("kiln_log_f32"));
  add<SqrtOp>(table, unary("kiln_sqrt_f32"));
  add<ReciprocalOp>(table, unary("kiln_reciprocal_f32"));
  add<NegOp>(table, unary("kiln_neg_f32"));
  add<AbsOp>(table, unary("kiln_abs_f32"));
  add<ClipOp>(
      table, unary("kiln_clip_f32", [](Operation *op, LoweringContext &ctx) {
        auto clip = cast<ClipOp>(op);
        return SmallVector<KernelArg>{ctx.f32(clip.getMin().convertToFloat()),
                                      ctx.f32(clip.getMax().convertToFloat())};
      }));
  add<LeakyReluOp>(
      table,
      unary("kiln_leaky_relu_f32", [](Operation *op, LoweringContext &ctx) {
        return SmallVector<KernelArg>{
            ctx.f32(cast<LeakyReluOp>(op).getAlpha().convertToFloat())};
      }));
  add<HardSigmoidOp>(
      table,
      unary("kiln_hard_sigmoid_f32", [](Operation *op, LoweringContext &ctx) {
        auto hs = cast<HardSigmoidOp>(op);
        return SmallVector<KernelArg>{ctx.f32(hs.getAlpha().convertToFloat()),
                                      ctx.f32(hs.getBeta().convertToFloat())};
      }));

  add<AddOp>(table, binary("kiln_add_f32"));
  add<SubOp>(table, binary("kiln_sub_f32"));
  add<MulOp>(table, binary("kiln_mul_f32"));
  add<DivOp>(table, binary("kiln_div_f32"));
  add<MaxOp>(table, binary("kiln_max_f32"));
  add<MinOp>(table, binary("kiln_min_f32"));
  add<PowOp>(table, binary("kiln_pow_f32"));
  add<PReluOp>(table, binary("kiln_prelu_f32"));
  add<FusedElementwiseOp>(table, lowerFusedElementwise);
}
