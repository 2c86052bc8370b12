//===- Pipelines.cpp - Named pass pipelines of the Kiln compiler ----------===//

#include "kiln/passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void kiln::buildKilnCodegenPipeline(OpPassManager &pm,
                                    const CodegenOptions &options) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  KilnPlanMemoryPassOptions plan;
  plan.alignment = options.alignment;
  plan.kernelVariant = options.kernelVariant;
  pm.addNestedPass<func::FuncOp>(createKilnPlanMemoryPass(plan));
}

/// Canonicalize, CSE and dead-symbol removal: run after each family so the
/// next one sees folded, deduplicated IR.
static void addCleanup(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createSymbolDCEPass());
}

void kiln::buildKilnOptimizePipeline(OpPassManager &pm,
                                     const OptimizeOptions &options) {
  if (options.level == 0)
    return;
  OpPassManager &fn = pm.nest<func::FuncOp>();
  fn.addPass(createKilnFoldConstantsPass());
  fn.addPass(createKilnRemoveIdentitiesPass());
  addCleanup(pm);
  if (options.level >= 2) {
    // BN, scale and pad fold first so that the conv reaches the epilogue
    // fusion with its final weights and no op between it and its bias add
    // or activation; matmul + add becomes gemm before activations fuse.
    OpPassManager &fuse = pm.nest<func::FuncOp>();
    fuse.addPass(createKilnFoldBatchNormPass());
    fuse.addPass(createKilnFoldScaleIntoWeightsPass());
    fuse.addPass(createKilnFoldPadPass());
    fuse.addPass(createKilnFuseMatmulAddPass());
    KilnFuseEpiloguePassOptions epilogue;
    epilogue.int8Epilogues = options.int8Epilogues;
    fuse.addPass(createKilnFuseEpiloguePass(epilogue));
    addCleanup(pm);
  }
  if (options.level >= 3) {
    OpPassManager &layout = pm.nest<func::FuncOp>();
    layout.addPass(createKilnCancelTransposesPass());
    // Transposes moved onto constants evaluate away.
    layout.addPass(createKilnFoldConstantsPass());
    addCleanup(pm);
  }
  // QDQ graphs (imported or from kiln-insert-qdq) become int8 kernels once
  // epilogues are fused and layout is settled, and before anything hides
  // the ops the patterns match.
  pm.addNestedPass<func::FuncOp>(createKilnQuantizeOpsPass());
  addCleanup(pm);
  // The target's layout once the int8 ops (NCHW only) are formed: float
  // conv/pool ops move between transposes, which then sink and cancel so
  // that they are left at the model boundary.
  if (options.level >= 3 && options.layout == ImageLayout::nhwc) {
    OpPassManager &convert = pm.nest<func::FuncOp>();
    KilnConvertLayoutPassOptions layout;
    layout.layout = options.layout;
    convert.addPass(createKilnConvertLayoutPass(layout));
    convert.addPass(createKilnCancelTransposesPass());
    convert.addPass(createKilnFoldConstantsPass());
    addCleanup(pm);
  }
  // Elementwise chains fuse last: every other fusion has taken the ops it
  // can (an activation into its conv), and a fused body would hide its ops
  // from transpose sinking.
  if (options.level >= 2) {
    pm.addNestedPass<func::FuncOp>(createKilnFuseElementwisePass());
    addCleanup(pm);
  }
  // Winograd and filter packing last: every pass before reads HWIO filters,
  // and the new constant replaces the HWIO one, so nothing is stored twice.
  if (options.level >= 3 && options.layout == ImageLayout::nhwc &&
      options.packedFilterWidth != 0) {
    // Winograd first: it takes the 3x3 convs' HWIO filters, and packing
    // then takes the rest.
    if (options.winograd) {
      KilnWinogradPassOptions winograd;
      winograd.width = options.packedFilterWidth;
      if (options.winogradMaxFilterBytes != 0)
        winograd.maxFilterBytes = options.winogradMaxFilterBytes;
      pm.addNestedPass<func::FuncOp>(createKilnWinogradPass(winograd));
    }
    KilnPackFiltersPassOptions pack;
    pack.width = options.packedFilterWidth;
    pm.addNestedPass<func::FuncOp>(createKilnPackFiltersPass(pack));
  }
}

namespace {
struct OptimizePipelineOptions
    : public PassPipelineOptions<OptimizePipelineOptions> {
  Option<kiln::ImageLayout> layout{
      *this, "layout",
      llvm::cl::desc("image layout of float conv/pool ops at -O3"),
      llvm::cl::init(kiln::ImageLayout::nchw),
      llvm::cl::values(
          clEnumValN(kiln::ImageLayout::nchw, "nchw", "[N, C, H, W] (ONNX's)"),
          clEnumValN(kiln::ImageLayout::nhwc, "nhwc", "[N, H, W, C]"))};
  Option<unsigned> packedFilterWidth{
      *this, "packed-filter-width",
      llvm::cl::desc("NR of the packed NHWC conv filters at -O3 with "
                     "layout=nhwc (32 AVX-512, 16 AVX2; 0 = keep HWIO)"),
      llvm::cl::init(0)};
  Option<bool> winograd{
      *this, "winograd",
      llvm::cl::desc("3x3 stride-1 convs by Winograd F(4x4, 3x3) when "
                     "packed-filter-width is set (kiln-winograd)"),
      llvm::cl::init(true)};
};

struct CodegenPipelineOptions
    : public PassPipelineOptions<CodegenPipelineOptions> {
  Option<unsigned> alignment{*this, "alignment",
                             llvm::cl::desc("arena buffer alignment in bytes"),
                             llvm::cl::init(16)};
  Option<std::string> kernelVariant{
      *this, "kernel-variant",
      llvm::cl::desc("the target runtime's kernel family (sizes scratch)"),
      llvm::cl::init("ref")};
};
} // namespace

void kiln::registerKilnPipelines() {
  for (unsigned level = 0; level <= 3; ++level)
    PassPipelineRegistration<OptimizePipelineOptions>(
        "kiln-O" + std::to_string(level),
        "graph optimisation at -O" + std::to_string(level) + " (docs/passes.md)",
        [level](OpPassManager &pm, const OptimizePipelineOptions &opts) {
          OptimizeOptions options;
          options.level = level;
          options.layout = opts.layout;
          options.packedFilterWidth = opts.packedFilterWidth;
          options.winograd = opts.winograd;
          buildKilnOptimizePipeline(pm, options);
        });
  PassPipelineRegistration<CodegenPipelineOptions>(
      "kiln-codegen-pipeline",
      "cleanup and memory planning: the input of the kiln -> emitc lowering",
      [](OpPassManager &pm, const CodegenPipelineOptions &opts) {
        CodegenOptions options;
        options.alignment = opts.alignment;
        options.kernelVariant = opts.kernelVariant;
        buildKilnCodegenPipeline(pm, options);
      });
}
