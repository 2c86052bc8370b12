//===- CleanupPatterns.h - Pattern sets of the cleanup passes ---*- C++ -*-===//

#ifndef KILN_PASSES_CLEANUP_CLEANUPPATTERNS_H
#define KILN_PASSES_CLEANUP_CLEANUPPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace kiln {
/// Evaluates kiln ops on constant operands; results may grow by at most
/// `maxGrowthBytes` over the operands.
void populateFoldConstantsPatterns(mlir::RewritePatternSet &patterns,
                                   int64_t maxGrowthBytes);
void populateRemoveIdentitiesPatterns(mlir::RewritePatternSet &patterns);

/// Runs `patterns` greedily on `op`: the body of every pattern-set pass.
llvm::LogicalResult applyPatternSet(mlir::Operation *op,
                                    mlir::RewritePatternSet &&patterns);
} // namespace kiln

#endif // KILN_PASSES_CLEANUP_CLEANUPPATTERNS_H
