//===- MemoryPlan.h - Static arena planning of a kiln function -*- C++ -*-===//
//
// The analysis behind the kiln-plan-memory pass. The driver calls it too, to
// explain a plan that exceeds a RAM budget.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_MEMORYPLAN_H
#define KILN_PASSES_MEMORYPLAN_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace kiln {

/// One piece of storage shared by every value that aliases it.
struct PlannedBuffer {
  enum class Kind {
    Arena,    ///< planned into the arena at `offset`
    Input,    ///< the caller's input pointer `index`
    Output,   ///< the caller's output pointer `index`
    Constant, ///< the weights blob
  };
  Kind kind = Kind::Arena;
  int64_t index = -1;
  int64_t bytes = 0;
  int64_t offset = -1;
  /// First and last step (inclusive) of the schedule at which it is live.
  int64_t start = 0, end = 0;
  /// Values stored here, in definition order; empty for scratch.
  llvm::SmallVector<mlir::Value, 2> values;
  /// The op owning this scratch buffer, or null.
  mlir::Operation *scratchOf = nullptr;
};

struct MemoryPlan {
  /// The ops in execution order (the function's body order, no terminator).
  llvm::SmallVector<mlir::Operation *> schedule;
  llvm::SmallVector<PlannedBuffer> buffers;
  llvm::DenseMap<mlir::Value, unsigned> bufferOf;
  llvm::DenseMap<mlir::Operation *, unsigned> scratchOf;
  /// Ops that write over a dying operand, and reshapes that alias their input.
  llvm::SmallVector<mlir::Operation *> inPlaceOps, aliasOps;
  unsigned alignment = 16;
  int64_t arenaSize = 0;
  /// max over steps of the sum of live arena bytes; no plan can be smaller.
  int64_t lowerBound = 0;
  /// The step at which `lowerBound` is reached.
  int64_t peakStep = 0;

  /// Arena buffers live at `step`, largest first.
  llvm::SmallVector<const PlannedBuffer *> liveAt(int64_t step) const;
};

/// The element type as stored in memory: a quantised type's storage type.
mlir::Type getStorageElementType(mlir::Type elementType);

/// Bytes a tensor of `type` occupies (i1 and quantised types by storage).
int64_t getTensorBytes(mlir::Type type);

/// Plans `func`; fails with a diagnostic on values it cannot size.
/// `kernelVariant` is the target runtime's kernel family
/// (Toolchain::kernelVariant); kernel scratch is sized for it.
llvm::FailureOr<MemoryPlan> planMemory(mlir::func::FuncOp func,
                                       unsigned alignment,
                                       llvm::StringRef kernelVariant = "ref");

/// Bytes of caller-owned scratch the runtime kernel for `op` needs in a
/// runtime of `kernelVariant`, asked from the runtime itself (0 for kernels
/// without a scratch query).
int64_t queryKernelScratchBytes(mlir::Operation *op,
                                llvm::StringRef kernelVariant);

} // namespace kiln

#endif // KILN_PASSES_MEMORYPLAN_H
