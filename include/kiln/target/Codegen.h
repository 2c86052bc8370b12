//===- Codegen.h - kiln dialect -> emitc -> a standalone C/C++ library -*- C++ -*-===//
//
// The back end of `kiln compile`: lowers a memory-planned kiln function to
// the upstream emitc dialect, prints it with mlir::emitc::translateToCpp, and
// writes the library directory described in docs/codegen.md.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_CODEGEN_H
#define KILN_TARGET_CODEGEN_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kiln::codegen {

enum class WeightsFormat {
  Asm, ///< NAME_weights.S with .incbin of NAME_weights.bin
  C,   ///< NAME_weights.c, a const byte array
};

struct LibraryOptions {
  /// Prefix of every generated symbol and file (a C identifier).
  std::string name = "model";
  WeightsFormat weightsFormat = WeightsFormat::Asm;
  /// Arena and weight blob alignment in bytes (the target's).
  unsigned alignment = 16;
  /// Hex digest of the imported model bytes (NAME_MODEL_HASH).
  std::string modelHash;
  /// Calls `kiln_profile_op(i)` before op i of the report (and
  /// `kiln_profile_op(N)` before the output copies), for `kiln bench
  /// --per-layer`; the caller defines that function. Off in a product build.
  bool profileOps = false;
};

/// The constants of a function packed into one aligned blob.
struct WeightsBlob {
  std::vector<uint8_t> bytes;
  /// Byte offset of each constant op's data in `bytes`.
  std::map<mlir::Operation *, int64_t> offsetOf;
};

/// Packs every constant of `func` (in op order, each aligned) into a blob.
llvm::FailureOr<WeightsBlob> collectWeights(mlir::func::FuncOp func,
                                            unsigned alignment);

/// Lowers a memory-planned kiln function (see kiln-plan-memory) into a new
/// module holding `NAME_run` and its constant parameter structs, all emitc.
/// Reports every op without a lowering, by name and location, in one go.
llvm::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
lowerToEmitC(mlir::func::FuncOp func, const WeightsBlob &weights,
             llvm::StringRef name, bool profileOps = false);

/// The single public function of a module Kiln compiles.
llvm::FailureOr<mlir::func::FuncOp> getEntryFunction(mlir::ModuleOp module);

/// Every file of the generated library except the runtime: relative path ->
/// contents. `func` must be memory-planned. `weightBytes`, when given,
/// receives the size of the weights blob.
using FileMap = std::map<std::string, std::string>;
llvm::FailureOr<FileMap> generateLibrary(mlir::func::FuncOp func,
                                         const LibraryOptions &options,
                                         int64_t *weightBytes = nullptr);

/// The runtime sources copied beside the generated code, relative to
/// `runtimeDir` (its include/ and src/), in sorted order.
llvm::FailureOr<std::vector<std::string>>
listRuntimeFiles(llvm::StringRef runtimeDir);

/// The compiler version written into NAME_COMPILER_VERSION.
llvm::StringRef getCompilerVersion();

} // namespace kiln::codegen

#endif // KILN_TARGET_CODEGEN_H
