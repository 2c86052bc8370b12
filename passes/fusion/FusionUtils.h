//===- FusionUtils.h - Constant access shared by the fusion patterns -*- C++ -*-===//

#ifndef KILN_PASSES_FUSION_FUSIONUTILS_H
#define KILN_PASSES_FUSION_FUSIONUTILS_H

#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/PatternMatch.h"

#include <optional>
#include <vector>

namespace kiln::fusion {

/// The values of an f32 `kiln.constant` (dense or dense_resource).
std::optional<std::vector<float>> getF32Constant(mlir::Value value);

/// The values of a constant that broadcasts against `outType` along `axis`
/// alone (every other dimension is 1 or absent), expanded to
/// `outType.getDimSize(axis)` entries. A scalar constant counts. Fails when
/// the constant would broadcast the result or vary along another axis.
std::optional<std::vector<float>> getPerAxisConstant(mlir::Value value,
                                                     mlir::RankedTensorType outType,
                                                     int64_t axis);

/// A new f32 `kiln.constant` of `shape` holding `values`.
mlir::Value createF32Constant(mlir::PatternRewriter &rewriter, mlir::Location loc,
                              llvm::ArrayRef<int64_t> shape,
                              llvm::ArrayRef<float> values, llvm::StringRef nameHint);

/// The other operand of a binary op whose operand `index` is `value`.
mlir::Value otherOperand(mlir::Operation *binary, mlir::Value value);

/// The producer of `value` when it is an op of type OpTy whose only user is
/// the op being rewritten.
template <typename OpTy> OpTy getSoleUseProducer(mlir::Value value) {
  auto op = value.getDefiningOp<OpTy>();
  return op && op->hasOneUse() ? op : OpTy();
}

/// True when no activation or residual is fused into `op` yet, so that an
/// op applied after it may still move before the epilogue.
bool hasEmptyEpilogue(mlir::Operation *op);

/// Replaces `root` (the single user of `conv`) by a copy of `conv` with new
/// filter, bias and residual operands, created at `root` so that every
/// operand dominates it, and erases `conv`.
Conv2DOp replaceWithConv(mlir::PatternRewriter &rewriter, mlir::Operation *root,
                         Conv2DOp conv, mlir::Value filter, mlir::Value bias,
                         mlir::Value residual);

/// Replaces `root` (the single user of `gemm`) by a gemm computing
/// `scale[j] * gemm[:, j] + shift[j]` per output column j: B scaled along N
/// (rows when trans_b), and `scale * beta * C + shift` as a new [N] bias with
/// beta = 1. Batch norm and constant multiplies both fold through it. Fails,
/// leaving the IR untouched, when B is not constant or C is not a constant
/// [N] row.
mlir::LogicalResult replaceWithScaledGemm(mlir::PatternRewriter &rewriter,
                                          mlir::Operation *root, GemmOp gemm,
                                          llvm::ArrayRef<float> scale,
                                          llvm::ArrayRef<float> shift);

} // namespace kiln::fusion

#endif // KILN_PASSES_FUSION_FUSIONUTILS_H
