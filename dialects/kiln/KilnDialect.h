//===- KilnDialect.h - The kiln dialect, its attributes and ops -*- C++ -*-===//
//
// The one header clients include to use the kiln dialect.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECTS_KILN_KILNDIALECT_H
#define KILN_DIALECTS_KILN_KILNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/kiln/KilnDialect.h.inc"
#include "dialects/kiln/KilnEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/kiln/KilnAttrs.h.inc"

namespace kiln::detail {
/// Inferred and declared result types agree when their shapes match and the
/// element types are equal or both quantised over the same storage type.
bool areCompatibleInferredTypes(mlir::TypeRange inferred, mlir::TypeRange declared);

/// The numpy broadcast of all `operands`, with the first operand's element type.
llvm::LogicalResult inferBroadcastType(std::optional<mlir::Location> loc,
                                       llvm::ArrayRef<mlir::Type> operands,
                                       llvm::SmallVectorImpl<mlir::Type> &results);

/// Checks that `axis` lies in [-rank, rank).
llvm::LogicalResult checkAxis(std::optional<mlir::Location> loc, int64_t axis,
                              int64_t rank);

llvm::LogicalResult inferPoolType(std::optional<mlir::Location> loc, mlir::Type input,
                                  llvm::ArrayRef<int64_t> kernel,
                                  llvm::ArrayRef<int64_t> strides,
                                  llvm::ArrayRef<int64_t> pads,
                                  llvm::ArrayRef<int64_t> dilations, bool ceilMode,
                                  ImageLayout layout,
                                  llvm::SmallVectorImpl<mlir::Type> &results);

llvm::LogicalResult inferGlobalPoolType(std::optional<mlir::Location> loc,
                                        mlir::Type input, ImageLayout layout,
                                        llvm::SmallVectorImpl<mlir::Type> &results);

llvm::LogicalResult inferReduceType(std::optional<mlir::Location> loc, mlir::Type input,
                                    llvm::ArrayRef<int64_t> axes, bool keepdims,
                                    llvm::SmallVectorImpl<mlir::Type> &results);

/// Fails with "<what> in layout nhwc has no integer form ..." when an NHWC op
/// carries quantised types (the int8 kernels are NCHW only).
llvm::LogicalResult verifyLayoutElementTypes(mlir::Operation *op,
                                             ImageLayout layout);
} // namespace kiln::detail

#include "dialects/kiln/KilnInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/kiln/KilnOps.h.inc"

namespace kiln {
/// True for the elementwise ops a `kiln.fused_elementwise` body may hold:
/// the unary activations and math ops and the broadcasting binaries.
bool isFusableElementwiseOp(mlir::Operation *op);
} // namespace kiln

#endif // KILN_DIALECTS_KILN_KILNDIALECT_H
