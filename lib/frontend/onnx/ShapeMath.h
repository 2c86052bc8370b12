//===- ShapeMath.h - ONNX shape arithmetic shared by builders ---*- C++ -*-===//
//
// The same normalisations serve the op builders and the import-time constant
// evaluator, so folding and building cannot disagree.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LIB_FRONTEND_ONNX_SHAPEMATH_H
#define KILN_LIB_FRONTEND_ONNX_SHAPEMATH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace kiln::frontend::detail {

/// `axis` in [-rank, rank) mapped to [0, rank).
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// ONNX Reshape's target with 0 (copy, unless allowzero) and -1 (infer).
std::optional<llvm::SmallVector<int64_t>>
reshapeTarget(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> shape,
              bool allowZero, std::string &error);

/// Unsqueeze: inserts size-1 dims at `axes` (relative to the output rank).
std::optional<llvm::SmallVector<int64_t>>
unsqueezeShape(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> axes,
               std::string &error);

/// Squeeze: drops `axes` (all size-1 dims when empty); they must be 1.
std::optional<llvm::SmallVector<int64_t>>
squeezeShape(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> axes,
             std::string &error);

/// Per-dimension offset, size and stride of an ONNX Slice, clamped like ONNX.
struct SliceWindow {
  llvm::SmallVector<int64_t> offsets, sizes, strides;
};
std::optional<SliceWindow>
normalizeSlice(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> starts,
               llvm::ArrayRef<int64_t> ends, llvm::ArrayRef<int64_t> axes,
               llvm::ArrayRef<int64_t> steps, std::string &error);

/// numpy broadcast of two shapes.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

int64_t product(llvm::ArrayRef<int64_t> dims);

} // namespace kiln::frontend::detail

#endif // KILN_LIB_FRONTEND_ONNX_SHAPEMATH_H
