//===- FusionPatterns.h - Pattern sets of the fusion passes -----*- C++ -*-===//

#ifndef KILN_PASSES_FUSION_FUSIONPATTERNS_H
#define KILN_PASSES_FUSION_FUSIONPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace kiln {
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);
void populateFoldPadPatterns(mlir::RewritePatternSet &patterns);
void populateFuseEpiloguePatterns(mlir::RewritePatternSet &patterns);
void populateFuseMatmulAddPatterns(mlir::RewritePatternSet &patterns);
void populateFoldScaleIntoWeightsPatterns(mlir::RewritePatternSet &patterns);
void populateFuseElementwisePatterns(mlir::RewritePatternSet &patterns);
} // namespace kiln

#endif // KILN_PASSES_FUSION_FUSIONPATTERNS_H
