//===- QuantParams.h - int8 requantisation parameters -----------*- C++ -*-===//
//
// The compile-time half of the int8 scheme in kiln/runtime.h: fixed-point
// multipliers and shifts, int32 bias, and output clamps, derived from the
// `!quant.uniform` types of an op. Code generation prints these structs and
// the host evaluator passes the very same values to the reference kernels,
// which is what makes compiled and evaluated int8 graphs bit-exact.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_QUANTPARAMS_H
#define KILN_TARGET_QUANTPARAMS_H

#include "dialects/kiln/KilnDialect.h"
#include "kiln/runtime.h"

#include "llvm/ADT/SmallVector.h"

#include <string>
#include <utility>

namespace kiln::codegen {

/// `real` as multiplier * 2^(shift - 31) with multiplier in [2^30, 2^31),
/// exactly as TFLite's QuantizeMultiplier (frexp, round half away from zero);
/// 0 gives {0, 0}, factors below 2^-32 flush to {0, 0} and factors at or above
/// 2^30 saturate to {2^31 - 1, 30}. `real` must not be negative.
kiln_requant quantizeMultiplier(double real);

/// Scale, zero point and storage range of a per-tensor quantised type.
struct TensorQuant {
  double scale = 1.0;
  int32_t zeroPoint = 0;
  int32_t qmin = -128, qmax = 127;
};

/// The per-tensor parameters of `type` (a tensor type or an element type);
/// null when it is not a per-tensor `!quant.uniform` type.
std::optional<TensorQuant> getTensorQuant(mlir::Type type);

/// One scale per channel of a weight type quantised per tensor (repeated)
/// or per axis; empty when `type` is neither.
llvm::SmallVector<double> getChannelScales(mlir::Type type, int64_t channels);

/// The clamp of a fused none / relu / clip epilogue in `out`'s int8 domain
/// (TFLite's CalculateActivationRangeQuantized); std::nullopt for any other
/// activation, which has no integer form.
std::optional<std::pair<int32_t, int32_t>>
getActivationRange(ActivationKind kind, llvm::ArrayRef<float> params,
                   const TensorQuant &out);

/// `value / scale` rounded half to even (as QuantizeLinear), saturated to
/// int32: the int32 bias of a conv or fully-connected channel.
int32_t quantizeBias(double value, double scale);

/// True when `op`'s first result is a quantised tensor: the integer form of
/// conv2d, gemm, add and the pools.
bool isQuantizedOp(mlir::Operation *op);

/// kiln_conv2d_s8's arguments for the integer form of conv2d: one requant
/// entry per output channel.
struct ConvS8Params {
  kiln_conv_s8_params params{};
  llvm::SmallVector<kiln_requant> requant;
};
ConvS8Params toConvS8Params(Conv2DOp op);

/// kiln_fully_connected_s8's arguments for the integer form of gemm.
struct FcS8Params {
  kiln_fc_s8_params params{};
  llvm::SmallVector<kiln_requant> requant;
};
FcS8Params toFcS8Params(GemmOp op);

/// kiln_add_s8's parameters (TFLite's scheme: left shift 20, inputs rescaled
/// to twice the larger input scale).
kiln_add_s8_params toAddS8Params(AddOp op);

/// The output clamp of an int8 pool: the storage range of its result type.
std::pair<int32_t, int32_t> getPoolRange(mlir::Operation *op);

/// kiln_global_avg_pool_s8's scalar arguments.
struct GlobalAvgPoolS8Params {
  int32_t inputOffset = 0;
  kiln_requant requant{};
  int32_t outputOffset = 0, actMin = -128, actMax = 127;
};
GlobalAvgPoolS8Params toGlobalAvgPoolS8Params(GlobalAvgPoolOp op);

/// kiln_requantize_s8's scalar arguments.
struct RequantizeS8Params {
  int32_t inputOffset = 0;
  kiln_requant requant{};
  int32_t outputOffset = 0;
};
RequantizeS8Params toRequantizeS8Params(RequantizeOp op);

/// C initialisers of the structs above.
std::string formatInitializer(const kiln_requant &r);
std::string formatInitializer(const kiln_conv_s8_params &p);
std::string formatInitializer(const kiln_fc_s8_params &p);
std::string formatInitializer(const kiln_add_s8_params &p);
/// `{{m, s}, {m, s}, ...}` for a `static const kiln_requant x[]`.
std::string formatRequantArray(llvm::ArrayRef<kiln_requant> requant);

} // namespace kiln::codegen

#endif // KILN_TARGET_QUANTPARAMS_H
