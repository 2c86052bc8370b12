//===- Evaluator.h - Host reference evaluation of kiln ops ------*- C++ -*-===//
//
// Runs kiln ops on the host through the runtime's pure-C reference kernels,
// the one definition of what each op computes. Constant folding, calibration
// and `kiln validate` all evaluate through this API.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_EVALUATOR_EVALUATOR_H
#define KILN_EVALUATOR_EVALUATOR_H

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>
#include <vector>

namespace kiln::evaluator {

/// A dense, row-major tensor in host memory. Elements are stored as the
/// runtime stores them (i1 as one byte holding 0 or 1).
struct Tensor {
  mlir::RankedTensorType type;
  std::vector<char> bytes;

  int64_t numElements() const { return type.getNumElements(); }
  template <typename T> T *data() { return reinterpret_cast<T *>(bytes.data()); }
  template <typename T> const T *data() const {
    return reinterpret_cast<const T *>(bytes.data());
  }
};

/// Bytes of one element of `type` as the runtime stores it, 0 if unsupported.
int64_t getElementBytes(mlir::Type elementType);

/// A zero-filled tensor of `type`.
Tensor makeTensor(mlir::RankedTensorType type);

/// Reads a dense or dense_resource attribute; fails on other encodings.
mlir::FailureOr<Tensor> readElements(mlir::ElementsAttr attr);

/// Builds an attribute holding `tensor`: plain `dense` for small tensors,
/// a `dense_resource` blob (named after `nameHint`) for large ones so that
/// folded weights do not bloat attribute storage.
mlir::ElementsAttr toElementsAttr(const Tensor &tensor, llvm::StringRef nameHint);

/// True when the evaluator has a kernel for `op` with its operand types.
bool canEvaluate(mlir::Operation *op);

/// Evaluates one op on host tensors; the error names the op and the reason.
llvm::FailureOr<llvm::SmallVector<Tensor>>
evaluateOp(mlir::Operation *op, llvm::ArrayRef<Tensor> operands,
           std::string *error = nullptr);

/// Evaluates `func` on `inputs` (one per argument, matching types) and
/// returns its results: the host reference a compiled model is compared with.
llvm::FailureOr<llvm::SmallVector<Tensor>>
evaluateFunction(mlir::func::FuncOp func, llvm::ArrayRef<Tensor> inputs,
                 std::string *error = nullptr);

/// Computes one op of a function walk (evaluateOp, or a caller's variant).
using OpEvaluator = llvm::function_ref<llvm::FailureOr<llvm::SmallVector<Tensor>>(
    mlir::Operation *, llvm::ArrayRef<Tensor>, std::string *)>;

/// Sees each argument and op result as it is computed.
using ValueObserver = llvm::function_ref<void(mlir::Value, const Tensor &)>;

/// evaluateFunction with every non-constant op computed by `evaluate` and,
/// when given, every argument and op result shown to `observe` (calibration
/// walks the graph this way). Tensors no later op reads are freed as it goes.
llvm::FailureOr<llvm::SmallVector<Tensor>>
evaluateFunction(mlir::func::FuncOp func, llvm::ArrayRef<Tensor> inputs,
                 std::string *error, OpEvaluator evaluate,
                 ValueObserver observe = nullptr);

} // namespace kiln::evaluator

#endif // KILN_EVALUATOR_EVALUATOR_H
