//===- LibraryParts.h - Writers of the generated library's files -*- C++
//-*-===//

#ifndef KILN_LIB_TARGET_CODEGEN_LIBRARYPARTS_H
#define KILN_LIB_TARGET_CODEGEN_LIBRARYPARTS_H

#include "kiln/target/Codegen.h"

#include "mlir/IR/BuiltinTypes.h"

namespace kiln::codegen {

/// One input or output of the generated API.
struct TensorInfo {
  std::string name;
  mlir::RankedTensorType type;
  int64_t bytes = 0;
};

struct ModelInfo {
  std::vector<TensorInfo> inputs, outputs;
  int64_t arenaSize = 0, arenaLowerBound = 0, arenaAlign = 16;
  int64_t weightBytes = 0;
};

ModelInfo describeModel(mlir::func::FuncOp func, const WeightsBlob &weights);
/// Fails, naming each one, when an input or output has an element type the
/// generated API and the runners do not carry (e.g. f16).
mlir::LogicalResult checkBoundaryTypes(mlir::func::FuncOp func);
/// `KILN_DTYPE_F32` etc. for an element type.
llvm::StringRef getDTypeMacro(mlir::Type elementType);

std::string emitHeader(const ModelInfo &info, const LibraryOptions &options);
std::string emitReport(mlir::func::FuncOp func, const ModelInfo &info,
                       const LibraryOptions &options);
/// NAME_weights.S + .bin, or NAME_weights.c, per options.weightsFormat.
void emitWeightFiles(const WeightsBlob &weights, const LibraryOptions &options,
                     FileMap &files);
std::string emitCMakeLists(const LibraryOptions &options);

} // namespace kiln::codegen

#endif // KILN_LIB_TARGET_CODEGEN_LIBRARYPARTS_H
