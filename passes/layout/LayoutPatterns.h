//===- LayoutPatterns.h - Pattern sets of the layout passes -----*- C++ -*-===//

#ifndef KILN_PASSES_LAYOUT_LAYOUTPATTERNS_H
#define KILN_PASSES_LAYOUT_LAYOUTPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace kiln {
void populateCancelTransposesPatterns(mlir::RewritePatternSet &patterns);
} // namespace kiln

#endif // KILN_PASSES_LAYOUT_LAYOUTPATTERNS_H
