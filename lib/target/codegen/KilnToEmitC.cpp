//===- KilnToEmitC.cpp - A planned kiln function -> emitc NAME_run --------===//

#include "LoweringContext.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::codegen;

void codegen::populateKilnToEmitCLowerings(KernelLoweringTable &table) {
  populateConvLowerings(table);
  populateMatmulLowerings(table);
  populateElementwiseLowerings(table);
  populateNormPoolLowerings(table);
  populateDataMovementLowerings(table);
  // Last: it wraps the float lowerings of ops that also have int8 forms.
  populateQuantLowerings(table);
  populateCastLowerings(table);
}

FailureOr<func::FuncOp> codegen::getEntryFunction(ModuleOp module) {
  SmallVector<func::FuncOp> funcs;
  for (auto func : module.getOps<func::FuncOp>())
    if (!func.isExternal())
      funcs.push_back(func);
  if (funcs.size() != 1)
    return module.emitError("expected exactly one function with a body to "
                            "compile, found ")
           << funcs.size();
  return funcs.front();
}

// The f32 kernels are the only ones the runtime has for compute ops; data
// movement is generic over the element size.
static bool isElementSizeGeneric(Operation *op) {
  return isa<ReshapeOp, TransposeOp, SliceOp, GatherOp, ConcatOp>(op);
}

static bool allF32(Operation *op) {
  auto isF32 = [](Type t) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    return tensor && tensor.getElementType().isF32();
  };
  return llvm::all_of(op->getResultTypes(), isF32) &&
         llvm::all_of(op->getOperandTypes(),
                      [&](Type t) { return isF32(t) || isa<GatherOp>(op); });
}

/// Every op `table` cannot lower, reported together so that the user sees
/// the whole list at once.
static LogicalResult checkSupported(func::FuncOp func,
                                    const KernelLoweringTable &table) {
  bool ok = true;
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (op.hasTrait<OpTrait::ConstantLike>())
      continue;
    StringRef name = op.getName().getStringRef();
    if (!table.count(name)) {
      op.emitError("no code generation for '")
          << name << "': the runtime has no kernel call for it yet";
      ok = false;
    } else if (isNhwc(&op) && !allF32(&op)) {
      op.emitError("no code generation for '")
          << name
          << "' in layout nhwc on non-f32 tensors: the runtime's NHWC kernels "
             "are float32 only (int8 ops stay NCHW)";
      ok = false;
    } else if (!isElementSizeGeneric(&op) && !allF32(&op) &&
               !isInt8Lowerable(&op) && !isCastLowerable(&op)) {
      op.emitError("no code generation for '")
          << name
          << "' on non-f32 tensors: the runtime has f32 kernels for it, and "
             "int8 ones only for the integer forms kiln-quantize-ops produces";
      ok = false;
    }
  }
  return success(ok);
}

FailureOr<OwningOpRef<ModuleOp>>
codegen::lowerToEmitC(func::FuncOp func, const WeightsBlob &weights,
                      StringRef name, bool profileOps) {
  if (!func->hasAttr("kiln.arena_size"))
    return func.emitError("the function has no memory plan; run "
                          "kiln-plan-memory before lowering to emitc");
  KernelLoweringTable table;
  populateKilnToEmitCLowerings(table);
  if (failed(checkSupported(func, table)))
    return failure();

  MLIRContext *ctx = func.getContext();
  ctx->getOrLoadDialect<emitc::EmitCDialect>();
  Location loc = func.getLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  OpBuilder b = OpBuilder::atBlockEnd(module->getBody());
  emitc::IncludeOp::create(b, loc, (name + ".h").str());
  emitc::IncludeOp::create(b, loc, "kiln/runtime.h");
  // NULL and INFINITY appear in kernel arguments and parameter initialisers.
  emitc::IncludeOp::create(b, loc, "stddef.h", /*is_standard_include=*/true);
  emitc::IncludeOp::create(b, loc, "math.h", /*is_standard_include=*/true);
  emitc::VerbatimOp::create(
      b, loc,
      b.getStringAttr(
          "#if KILN_RUNTIME_ABI_VERSION != " + Twine(KILN_RUNTIME_ABI_VERSION) +
          "\n#error \"generated for another kiln runtime ABI\"\n#endif"),
      ValueRange{});
  if (!weights.bytes.empty()) {
    auto blobType =
        emitc::ArrayType::get({static_cast<int64_t>(weights.bytes.size())},
                              IntegerType::get(ctx, 8, IntegerType::Unsigned));
    emitc::GlobalOp::create(b, loc, (name + "_weights").str(), blobType,
                            Attribute(), /*extern_specifier=*/true,
                            /*static_specifier=*/false,
                            /*const_specifier=*/true);
  }
  if (profileOps)
    emitc::VerbatimOp::create(
        b, loc,
        b.getStringAttr("/* kiln bench --per-layer: the caller times the ops. "
                        "*/\nextern \"C\" void kiln_profile_op(int op);"),
        ValueRange{});
  auto opaque = [&](StringRef t) { return emitc::OpaqueType::get(ctx, t); };
  auto runType =
      b.getFunctionType({emitc::PointerType::get(opaque("const void *const")),
                         emitc::PointerType::get(opaque("void *const")),
                         emitc::PointerType::get(opaque("void"))},
                        {opaque("int")});
  auto run = emitc::FuncOp::create(b, loc, (name + "_run").str(), runType);
  run.addEntryBlock();

  LoweringContext lowering(*module, run, weights, name);
  // Op i of NAME.report.json is the i-th non-constant op, as here.
  int opIndex = 0;
  auto mark = [&](Location at) {
    if (!profileOps)
      return;
    OpBuilder &body = lowering.builder();
    emitc::VerbatimOp::create(
        body, at,
        body.getStringAttr("kiln_profile_op(" + Twine(opIndex) + ");"),
        ValueRange{});
  };
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (op.hasTrait<OpTrait::ConstantLike>())
      continue;
    mark(op.getLoc());
    ++opIndex;
    if (failed(table.lookup(op.getName().getStringRef())(&op, lowering)))
      return failure();
  }
  mark(loc);
  lowering.finish(loc,
                  cast<func::ReturnOp>(func.getBody().front().getTerminator()));
  return module;
}
