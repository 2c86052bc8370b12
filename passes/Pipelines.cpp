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
  pm.addNestedPass<func::FuncOp>(createKilnPlanMemoryPass(plan));
}

namespace {
struct CodegenPipelineOptions
    : public PassPipelineOptions<CodegenPipelineOptions> {
  Option<unsigned> alignment{*this, "alignment",
                             llvm::cl::desc("arena buffer alignment in bytes"),
                             llvm::cl::init(16)};
};
} // namespace

void kiln::registerKilnPipelines() {
  PassPipelineRegistration<CodegenPipelineOptions>(
      "kiln-codegen-pipeline",
      "cleanup and memory planning: the input of the kiln -> emitc lowering",
      [](OpPassManager &pm, const CodegenPipelineOptions &opts) {
        CodegenOptions options;
        options.alignment = opts.alignment;
        buildKilnCodegenPipeline(pm, options);
      });
}
