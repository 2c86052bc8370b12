//===- Passes.h - Kiln passes and pipelines ---------------------*- C++ -*-===//

#ifndef KILN_PASSES_PASSES_H
#define KILN_PASSES_PASSES_H

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace kiln {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// What the code generation pipeline needs from the driver and the target.
struct CodegenOptions {
  /// Byte alignment of arena buffers (the target's alignment).
  unsigned alignment = 16;
  /// The target's kernel family (Toolchain::kernelVariant): sizes scratch.
  std::string kernelVariant = "ref";
};

/// Cleanup (canonicalize, CSE) followed by memory planning on every function:
/// the form the kiln -> emitc lowering consumes.
void buildKilnCodegenPipeline(mlir::OpPassManager &pm, const CodegenOptions &options);

/// What the optimisation pipeline does; see docs/passes.md.
struct OptimizeOptions {
  /// 0: nothing (import + lower); 1: cleanup (constant folding, identities,
  /// canonicalize, CSE, DCE); 2: + fusion; 3: + layout (transposes).
  unsigned level = 3;
  /// Fuse only the epilogues int8 kernels apply (bias, relu, clip), for a
  /// graph that post-training quantisation calibrates next.
  bool int8Epilogues = false;
  /// Image layout of the float conv and pool ops at -O3 (kiln-convert-layout
  /// then transpose sinking); NCHW leaves the imported layout alone.
  ImageLayout layout = ImageLayout::nchw;
  /// NR of the pre-packed NHWC conv filters (kiln-pack-filters, last at -O3
  /// with layout nhwc): the target's Target::packedFilterWidth; 0 = no packing.
  unsigned packedFilterWidth = 0;
  /// 3x3 stride-1 convs by Winograd F(4x4, 3x3) (kiln-winograd, before the
  /// packing, only where packedFilterWidth is set).
  bool winograd = true;
  /// kiln-winograd's max-filter-bytes; 0 keeps the pass's default.
  int64_t winogradMaxFilterBytes = 0;
};

/// Graph optimisation at `options.level`, run before the codegen pipeline.
void buildKilnOptimizePipeline(mlir::OpPassManager &pm, const OptimizeOptions &options);

/// Registers the pipelines above with their `kiln-` names for kiln-opt.
void registerKilnPipelines();

} // namespace kiln

#endif // KILN_PASSES_PASSES_H
