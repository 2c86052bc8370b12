//===- EvalKernels.h - Op name -> host kernel table of the evaluator -*- C++ -*-===//

#ifndef KILN_LIB_EVALUATOR_EVALKERNELS_H
#define KILN_LIB_EVALUATOR_EVALKERNELS_H

#include "kiln/evaluator/Evaluator.h"
#include "kiln/runtime.h"

#include "llvm/ADT/StringMap.h"

#include <functional>

namespace kiln::evaluator {

/// Fills `results` (already allocated with the op's result types) from
/// `operands`; returns the runtime status of the kernel it called.
using EvalFn = std::function<kiln_status(mlir::Operation *, llvm::ArrayRef<Tensor>,
                                         llvm::MutableArrayRef<Tensor>)>;
/// Whether a kernel serves the op's element types.
using AcceptFn = std::function<bool(mlir::Operation *)>;

struct EvalKernel {
  EvalFn eval;
  AcceptFn accepts;
};

using EvalKernelTable = llvm::StringMap<EvalKernel>;

/// True when every operand and result of `op` is an f32 tensor.
bool allF32(mlir::Operation *op);
/// True when operand `i` has a runtime element size (data movement kernels).
bool storableOperand(mlir::Operation *op, unsigned i);

void populateElementwiseKernels(EvalKernelTable &table);
void populateDenseKernels(EvalKernelTable &table);
void populateDataMovementKernels(EvalKernelTable &table);
/// quantize, dequantize, requantize, quant.scast and the int8 forms of
/// conv2d, gemm, add and the pools (after the float kernels it wraps).
void populateQuantKernels(EvalKernelTable &table);

/// Adds `fn` for `OpTy`, by default accepted on all-f32 ops only.
template <typename OpTy>
void addKernel(EvalKernelTable &table, EvalFn fn, AcceptFn accepts = allF32) {
  table[OpTy::getOperationName()] = EvalKernel{std::move(fn), std::move(accepts)};
}

/// Normalises a possibly negative axis.
inline int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Product of dims [begin, end).
int32_t product(llvm::ArrayRef<int64_t> shape, int64_t begin, int64_t end);

/// Broadcast index map: for every output element, the linear index into an
/// operand of `shape` under numpy broadcasting to `outShape`.
std::vector<int64_t> broadcastIndices(llvm::ArrayRef<int64_t> shape,
                                      llvm::ArrayRef<int64_t> outShape);

} // namespace kiln::evaluator

#endif // KILN_LIB_EVALUATOR_EVALKERNELS_H
