//===- OnnxImporter.h - Import ONNX models into the kiln dialect -*- C++ -*-===//

#ifndef KILN_FRONTEND_ONNXIMPORTER_H
#define KILN_FRONTEND_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::frontend {

/// A shape for one graph input, chosen by name or by position ("0", "1", ...).
struct InputShapeOverride {
  std::string input;
  llvm::SmallVector<int64_t> dims;
};

struct OnnxImportOptions {
  std::vector<InputShapeOverride> inputShapes;
  /// Models from opset 7..17 are converted to this opset before import; a model
  /// the converter cannot handle is imported at its own opset.
  int64_t canonicalOpset = 13;
  /// Protobuf refuses messages above 2 GiB anyway; smaller limits guard tools.
  uint64_t maxModelBytes = (uint64_t(1) << 31) - 1;
};

/// Parses "name:1x3x224x224" (or "0:1x3x224x224"); fails with a message.
llvm::Expected<InputShapeOverride> parseInputShape(llvm::StringRef spec);

/// Imports the ONNX model at `path`. Errors are reported as MLIR diagnostics
/// through `context`; on failure nothing is returned.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxModel(llvm::StringRef path, const OnnxImportOptions &options,
                mlir::MLIRContext &context);

/// Same, for a model already in memory; `modelDir` anchors external data.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
importOnnxBuffer(llvm::StringRef bytes, llvm::StringRef modelName,
                 llvm::StringRef modelDir, const OnnxImportOptions &options,
                 mlir::MLIRContext &context);

/// One row of the importer's table: an ONNX op type and the opsets it covers.
struct SupportedOnnxOp {
  std::string opType;
  int64_t sinceOpset;
  int64_t untilOpset;
};

/// The supported op types, sorted by name, merged across builder entries.
std::vector<SupportedOnnxOp> getSupportedOnnxOps();

/// Registers the dialects an imported module uses.
void registerOnnxImportDialects(mlir::DialectRegistry &registry);

} // namespace kiln::frontend

#endif // KILN_FRONTEND_ONNXIMPORTER_H
