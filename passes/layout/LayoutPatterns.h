//===- LayoutPatterns.h - Pattern sets of the layout passes -----*- C++ -*-===//

#ifndef KILN_PASSES_LAYOUT_LAYOUTPATTERNS_H
#define KILN_PASSES_LAYOUT_LAYOUTPATTERNS_H

#include "dialects/kiln/KilnDialect.h"

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
} // namespace kiln

#endif // KILN_PASSES_LAYOUT_LAYOUTPATTERNS_H
