//===- RuntimeParams.h - kiln ops as kiln/runtime.h parameter structs -*- C++ -*-===//
//
// One translation from op attributes to the runtime's structs, used both to
// ask the runtime for scratch sizes at compile time and to print the
// `static const` initialisers of the generated code.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_RUNTIMEPARAMS_H
#define KILN_TARGET_RUNTIMEPARAMS_H

#include "dialects/kiln/KilnDialect.h"
#include "kiln/runtime.h"

#include <string>

namespace kiln::codegen {

/// The runtime shape of a ranked tensor type (rank <= KILN_MAX_RANK).
kiln_shape toKilnShape(mlir::RankedTensorType type);
kiln_activation toKilnActivation(FusedEpilogueOpInterface op);
kiln_conv_params toConvParams(Conv2DOp op);
kiln_conv_params toConvParams(ConvTranspose2DOp op);
kiln_conv_params toConvParams(Conv2DWinogradOp op);
kiln_pool_params toPoolParams(MaxPool2DOp op);
kiln_pool_params toPoolParams(AvgPool2DOp op);
kiln_gemm_params toGemmParams(GemmOp op);

/// True when `op` is a conv/pool op with `layout = #kiln<layout nhwc>`: its
/// image operands are [N, H, W, C] (conv filters HWIO) and it runs the
/// runtime's *_nhwc_f32 kernels.
bool isNhwc(mlir::Operation *op);

/// C initialisers, e.g. `{4, {1, 3, 8, 8}}`; floats print exactly (%a-free,
/// round-trip decimal) so the generated code is byte-stable.
std::string formatInitializer(const kiln_shape &shape);
std::string formatInitializer(const kiln_activation &act);
std::string formatInitializer(const kiln_conv_params &params);
std::string formatInitializer(const kiln_pool_params &params);
std::string formatInitializer(const kiln_gemm_params &params);
/// A float literal that round-trips, e.g. `0.5f`, `-3.40282347e+38f`.
std::string formatFloat(float value);

} // namespace kiln::codegen

#endif // KILN_TARGET_RUNTIMEPARAMS_H
