//===- CompileModel.h - Model file -> generated library directory -*- C++ -*-===//
//
// What `kiln compile` does, callable from other subcommands (`kiln run`).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_COMPILEMODEL_H
#define KILN_TARGET_COMPILEMODEL_H

#include "kiln/target/Codegen.h"
#include "kiln/target/Target.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

enum class EmitKind { Source, Lib, Asm };

struct CompileModelOptions {
  /// A .onnx model, or kiln-dialect .mlir.
  std::string modelPath;
  std::string target = "host";
  /// The library directory; replaced as a whole, never left half written.
  std::string outputDir;
  /// Defaults to the model's file stem, made into a C identifier.
  std::string name;
  EmitKind emit = EmitKind::Source;
  /// Graph optimisation level, 0-3 (buildKilnOptimizePipeline).
  unsigned optLevel = 3;
  /// Image layout of the float conv and pool ops at -O3; unset takes the
  /// target's preference (Target::layout). int8 kernels are NCHW only, so
  /// `quantize == "int8"` keeps NCHW (and rejects an explicit NHWC).
  std::optional<target::Layout> layout;
  /// 3x3 stride-1 NHWC convs by Winograd F(4x4, 3x3) at -O3 on targets with
  /// packed filters (kiln-winograd); false keeps every conv direct, as does
  /// weightType "fp16".
  bool winograd = true;
  /// Instrument each op for `kiln bench --per-layer` (LibraryOptions).
  bool profileOps = false;
  /// Largest Winograd-domain filter in bytes; 0 keeps kiln-winograd's
  /// default (a tuning knob: it trades weight bytes for speed).
  int64_t winogradMaxFilterBytes = 0;
  codegen::WeightsFormat weightsFormat = codegen::WeightsFormat::Asm;
  /// Budgets in bytes; 0 is unbounded.
  uint64_t maxRam = 0, maxFlash = 0;
  /// Where the runtime's include/ and src/ are copied from; empty finds it
  /// (KILN_RUNTIME_DIR, then the source tree the compiler was built from).
  std::string runtimeDir;

  /// Post-training quantisation (docs/quantization.md): "" for none, "int8"
  /// (weights and activations) or "int8-weights" (gemm/matmul weights only).
  std::string quantize;
  /// The calibration set (a directory of .npy/.pb, an .npz, or one file).
  std::string calibrationData;
  /// minmax, percentile:P, entropy or mse.
  std::string calibrator = "minmax";
  /// One weight scale per tensor instead of per output channel.
  bool perTensor = false;
  /// ONNX node names kept in fp32.
  std::vector<std::string> exclude;
  /// Storage of float weights: "fp32", or "fp16" (converted back to fp32 at
  /// run time, so the arithmetic stays fp32).
  std::string weightType = "fp32";
  /// Print calibration progress on stderr.
  bool progress = true;
};

/// Compiles the model into options.outputDir; progress for slow steps goes
/// to stderr. The error names the file, op or budget at fault.
llvm::Error compileModel(const CompileModelOptions &options);

} // namespace kiln

#endif // KILN_TARGET_COMPILEMODEL_H
