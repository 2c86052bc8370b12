//===- OpTable.h - (ONNX op type, opset range) -> builder -------*- C++ -*-===//

#ifndef KILN_LIB_FRONTEND_ONNX_OPTABLE_H
#define KILN_LIB_FRONTEND_ONNX_OPTABLE_H

#include "lib/frontend/onnx/ImportContext.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
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

// Quantisation helpers shared by QuantizeLinear/DequantizeLinear and the
// QLinear*/…Integer ops (QuantOps.cpp).
/// The `!quant.uniform` element type whose scale is input `scaleIdx` and
/// zero point input `zpIdx` (absent: 0 over `defaultStorage`); per tensor for
/// one scale, else per `axis` of a rank-`rank` tensor. Errors name the node
/// and `what`: non-constant parameters, a scale that is not positive and
/// finite, a zero point outside its storage range, lengths that differ.
mlir::FailureOr<mlir::quant::QuantizedType>
readQuantType(ImportContext &ic, unsigned scaleIdx, unsigned zpIdx,
              mlir::Type defaultStorage, int64_t rank,
              std::optional<int64_t> axis, llvm::StringRef what);
/// Input `i` as a tensor of quantised type `q`: as it is, an integer
/// constant or integer tensor reinterpreted (quant.scast), or a tensor of
/// another quantised type with the same storage re-typed; an error otherwise.
mlir::FailureOr<mlir::Value> quantizedInput(ImportContext &ic, unsigned i,
                                            mlir::quant::QuantizedType q,
                                            llvm::StringRef what);
/// kiln.dequantize of a quantised tensor to its expressed type.
mlir::Value dequantizeValue(ImportContext &ic, mlir::Value quantized);
/// Integer `v` as f32 minus its zero point (scalar, or one per position of
/// `zpAxis`): exact for 8-bit data.
mlir::Value centredFloat(ImportContext &ic, mlir::Value v, mlir::Value zeroPoint,
                         int64_t zpAxis);
/// ConvInteger / MatMulInteger accumulate in float here; this refuses the
/// node (naming it) when |accumulator| could exceed 2^24, judged from the
/// constant weights (input `wIdx`, zero point `wzpIdx`) when known.
llvm::LogicalResult checkExactInFloat(ImportContext &ic, unsigned wIdx,
                                      unsigned wzpIdx, int64_t reduction,
                                      bool rowsAreOutputs);

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
