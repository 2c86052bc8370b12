//===- Quantize.h - The --quantize / --weights step ------------*- C++ -*-===//

#ifndef KILN_DRIVER_QUANTIZE_H
#define KILN_DRIVER_QUANTIZE_H

#include "kiln/target/CompileModel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace kiln::driver {

/// A context with every dialect an imported or quantised model uses.
std::unique_ptr<mlir::MLIRContext> createModelContext();

/// Imports MODEL (.onnx or kiln .mlir) and runs the optimisation pipeline at
/// `optLevel`: the float graph that is calibrated and used as the reference.
/// `int8Epilogues` fuses only what int8 kernels apply (as `kiln compile
/// --quantize int8` does), so the graph quantises the same way.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
loadOptimizedModel(llvm::StringRef path, unsigned optLevel,
                   mlir::MLIRContext &ctx, bool int8Epilogues = false);

/// Checks the quantisation flags of `options` (mode, calibrator, that int8
/// has calibration data, weight type) without doing any work.
llvm::Error checkQuantizeOptions(const CompileModelOptions &options);

/// Applies `options.quantize` (calibration on `options.calibrationData`,
/// kiln-insert-qdq, then kiln-quantize-ops unless `qdqOnly`) and
/// `options.weightType` (fp16: kiln-store-weights-f16) to the optimised
/// module. A no-op when neither is asked for.
llvm::Error quantizeModule(mlir::ModuleOp module,
                           const CompileModelOptions &options,
                           bool qdqOnly = false);

/// kiln-quantize-ops and cleanup on a module in QDQ form: what
/// quantizeModule does after kiln-insert-qdq unless `qdqOnly`.
llvm::Error lowerQDQToInteger(mlir::ModuleOp module);

} // namespace kiln::driver

#endif // KILN_DRIVER_QUANTIZE_H
