//===- QuantPatterns.h - Pattern sets of the integer lowering ---*- C++ -*-===//

#ifndef KILN_PASSES_QUANT_QUANTPATTERNS_H
#define KILN_PASSES_QUANT_QUANTPATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace kiln {
/// QDQ around conv2d, gemm, matmul, add, pools and concat -> their int8
/// forms; quantize(dequantize(x)) -> x or kiln.requantize; dequantize moved
/// past data movement and max pooling; uint8 activations -> int8.
void populateQuantizeOpsPatterns(mlir::RewritePatternSet &patterns);

/// dequantize(quant.scast(constant)) -> a float constant: the weights of ops
/// that stayed float, dequantised once at compile time.
void populateFoldDequantizedConstantsPatterns(
    mlir::RewritePatternSet &patterns);
} // namespace kiln

#endif // KILN_PASSES_QUANT_QUANTPATTERNS_H
