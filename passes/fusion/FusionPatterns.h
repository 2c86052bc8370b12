//===- FusionPatterns.h - Pattern sets of the fusion passes -----*- C++ -*-===//

#ifndef KILN_PASSES_FUSION_FUSIONPATTERNS_H
#define KILN_PASSES_FUSION_FUSIONPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace kiln {
void populateFoldBatchNormPatterns(mlir::RewritePatternSet &patterns);
void populateFoldPadPatterns(mlir::RewritePatternSet &patterns);
/// `int8Epilogues`: only bias, relu and clip (the int8 kernels' clamp).
void populateFuseEpiloguePatterns(mlir::RewritePatternSet &patterns,
                                  bool int8Epilogues = false);
void populateFuseMatmulAddPatterns(mlir::RewritePatternSet &patterns);
void populateFoldScaleIntoWeightsPatterns(mlir::RewritePatternSet &patterns);
void populateFuseElementwisePatterns(mlir::RewritePatternSet &patterns);
} // namespace kiln

#endif // KILN_PASSES_FUSION_FUSIONPATTERNS_H
