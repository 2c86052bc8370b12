//===- LayoutPatterns.h - Pattern sets of the layout passes -----*- C++ -*-===//

#ifndef KILN_PASSES_LAYOUT_LAYOUTPATTERNS_H
#define KILN_PASSES_LAYOUT_LAYOUTPATTERNS_H

#include "dialects/kiln/KilnDialect.h"
#include "kiln/runtime.h"

#include "mlir/IR/PatternMatch.h"

namespace kiln {
void populateCancelTransposesPatterns(mlir::RewritePatternSet &patterns);
/// Float conv and pool ops not in `target` move to it between transposes.
void populateConvertLayoutPatterns(mlir::RewritePatternSet &patterns,
                                   ImageLayout target);
/// Constant HWIO filters of float NHWC convs become packed filters
/// [G, P, kH, kW, C/G, width] (kiln-pack-filters).
void populatePackFiltersPatterns(mlir::RewritePatternSet &patterns,
                                 int64_t width);
/// Constant 3x3 filters of float NHWC stride-1 convs with at least
/// `minChannels` in and out, `minTiles` 4x4 output tiles and a Winograd
/// filter of at most `maxFilterBytes` become kiln.conv2d_winograd with the
/// filter in the Winograd domain, [P, 6, 6, C, width] (kiln-winograd).
void populateWinogradPatterns(mlir::RewritePatternSet &patterns, int64_t width,
                              int64_t minChannels, int64_t minTiles,
                              int64_t maxFilterBytes);

/// An f32 filter constant rewritten at compile time by a pair of runtime
/// functions: `shapeOf` gives the new shape, `fill` the new data (the
/// runtime's own packing or transform, so there is one loop for both). The
/// result is stored the way `filter` was: a `dense_resource` blob stays a
/// blob named after it plus `suffix` (weights never enter MLIR's uniqued
/// attribute storage), a plain `dense` stays plain.
mlir::FailureOr<mlir::ElementsAttr> rewriteFilter(
    mlir::ElementsAttr filter, llvm::StringRef suffix,
    llvm::function_ref<kiln_status(const kiln_shape &, kiln_shape &)> shapeOf,
    kiln_status (*fill)(const kiln_shape *, const float *, const kiln_shape *,
                        float *));
} // namespace kiln

#endif // KILN_PASSES_LAYOUT_LAYOUTPATTERNS_H
