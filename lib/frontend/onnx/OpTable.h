//===- OpTable.h - (ONNX op type, opset range) -> builder -------*- C++ -*-===//

#ifndef KILN_LIB_FRONTEND_ONNX_OPTABLE_H
#define KILN_LIB_FRONTEND_ONNX_OPTABLE_H

#include "lib/frontend/onnx/ImportContext.h"

#include "llvm/ADT/ArrayRef.h"

namespace kiln::frontend::detail {

/// Builds the kiln ops for the current node of `ic` and binds its outputs.
using OpBuildFn = llvm::LogicalResult (*)(ImportContext &ic);

struct OpTableEntry {
  llvm::StringLiteral opType;
  int64_t sinceOpset;
  int64_t untilOpset;
  OpBuildFn build;
};

/// The newest opset libonnx 1.12 knows.
constexpr int64_t kMaxOpset = 17;

// One table per op family, each in its own source file.
llvm::ArrayRef<OpTableEntry> getConstantOps();
llvm::ArrayRef<OpTableEntry> getConvOps();
llvm::ArrayRef<OpTableEntry> getMatMulOps();
llvm::ArrayRef<OpTableEntry> getElementwiseOps();
llvm::ArrayRef<OpTableEntry> getActivationOps();
llvm::ArrayRef<OpTableEntry> getNormOps();
llvm::ArrayRef<OpTableEntry> getReduceOps();
llvm::ArrayRef<OpTableEntry> getPoolOps();
llvm::ArrayRef<OpTableEntry> getShapeOps();
llvm::ArrayRef<OpTableEntry> getSliceOps();
llvm::ArrayRef<OpTableEntry> getResizeOps();
llvm::ArrayRef<OpTableEntry> getQuantOps();
llvm::ArrayRef<OpTableEntry> getRearrangeOps();

// Attribute readers shared across families.
/// Pads of a 2-D window (auto_pad resolved), with its strides and dilations.
mlir::FailureOr<llvm::SmallVector<int64_t>>
readPoolPads(ImportContext &ic, llvm::ArrayRef<int64_t> spatialIn,
             llvm::ArrayRef<int64_t> kernel,
             llvm::SmallVector<int64_t> &strides,
             llvm::SmallVector<int64_t> &dilations);
struct SliceWindow;
/// Slice's starts/ends/axes/steps (attributes or constant inputs), normalised.
mlir::FailureOr<SliceWindow> readSliceWindow(ImportContext &ic,
                                             llvm::ArrayRef<int64_t> shape);

/// The builder for `opType` at `opset`, or null.
const OpTableEntry *findOpBuilder(llvm::StringRef opType, int64_t opset);

/// Every entry of every family.
const std::vector<OpTableEntry> &getOpTable();

/// Evaluates the current node at import time when all its inputs are known
/// constants (the static-shape subgraphs exporters emit). Returns true when
/// the outputs were bound to constants.
mlir::FailureOr<bool> tryFoldNode(ImportContext &ic);

} // namespace kiln::frontend::detail

#endif // KILN_LIB_FRONTEND_ONNX_OPTABLE_H
