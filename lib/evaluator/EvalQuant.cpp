//===- EvalQuant.cpp - quantize/dequantize/requantize and the int8 ops ----===//
//
// The int8 forms of conv2d, gemm, add and the pools share their op names with
// the float forms, so their entries dispatch on the result type. Parameters
// come from kiln/target/QuantParams.h, the same values the generated code
// passes, so evaluated and compiled int8 graphs agree bit for bit.
//
//===----------------------------------------------------------------------===//

#include "EvalKernels.h"

#include "kiln/target/QuantParams.h"
#include "kiln/target/RuntimeParams.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/TypeUtilities.h"

#include <cstring>

using namespace mlir;
using namespace kiln;
using namespace kiln::evaluator;
using codegen::toKilnShape;

namespace {
quant::QuantizedType quantOf(Type tensor) {
  return dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(tensor));
}

bool isInt8(Type tensor) {
  auto q = quantOf(tensor);
  return q && q.isSigned() && q.getStorageTypeIntegralWidth() == 8;
}

/// A quantised tensor viewed as [outer, axis_size, inner], with one scale and
/// zero point per axis position: the kiln_(de)quantize_* calling convention.
struct QuantLayout {
  int32_t outer = 1, axisSize = 1, inner = 1;
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
};

std::optional<QuantLayout> getQuantLayout(RankedTensorType type) {
  QuantLayout l;
  ArrayRef<int64_t> shape = type.getShape();
  Type elem = type.getElementType();
  if (auto pt = dyn_cast<quant::UniformQuantizedType>(elem)) {
    l.inner = product(shape, 0, shape.size());
    l.scales = {static_cast<float>(pt.getScale())};
    l.zeroPoints = {pt.getZeroPoint()};
    return l;
  }
  auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(elem);
  if (!pa)
    return std::nullopt;
  int64_t axis = pa.getQuantizedDimension();
  l.outer = product(shape, 0, axis);
  l.axisSize = static_cast<int32_t>(shape[axis]);
  l.inner = product(shape, axis + 1, shape.size());
  for (double s : pa.getScales())
    l.scales.push_back(static_cast<float>(s));
  l.zeroPoints.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
  return l;
}

kiln_status quantize(Operation *op, ArrayRef<Tensor> in,
                     MutableArrayRef<Tensor> out) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  QuantLayout l = *getQuantLayout(type);
  if (quantOf(type).isSigned()) {
    std::vector<int8_t> zp(l.zeroPoints.begin(), l.zeroPoints.end());
    return kiln_quantize_f32_s8(in[0].data<float>(), out[0].data<int8_t>(),
                                l.scales.data(), zp.data(), l.outer, l.axisSize,
                                l.inner);
  }
  std::vector<uint8_t> zp(l.zeroPoints.begin(), l.zeroPoints.end());
  return kiln_quantize_f32_u8(in[0].data<float>(), out[0].data<uint8_t>(),
                              l.scales.data(), zp.data(), l.outer, l.axisSize,
                              l.inner);
}

kiln_status dequantize(Operation *op, ArrayRef<Tensor> in,
                       MutableArrayRef<Tensor> out) {
  auto type = cast<RankedTensorType>(op->getOperand(0).getType());
  QuantLayout l = *getQuantLayout(type);
  auto q = quantOf(type);
  if (q.getStorageTypeIntegralWidth() == 32) {
    // No runtime kernel: int32 only appears as QDQ biases, dequantised at
    // compile time; same formula as the 8-bit kernels, (q - zp) * scale.
    const int32_t *x = in[0].data<int32_t>();
    float *y = out[0].data<float>();
    int64_t idx = 0;
    for (int32_t o = 0; o < l.outer; ++o)
      for (int32_t a = 0; a < l.axisSize; ++a)
        for (int32_t i = 0; i < l.inner; ++i, ++idx)
          y[idx] = static_cast<float>(static_cast<int64_t>(x[idx]) -
                                      l.zeroPoints[a]) *
                   l.scales[a];
    return KILN_OK;
  }
  if (q.isSigned()) {
    std::vector<int8_t> zp(l.zeroPoints.begin(), l.zeroPoints.end());
    return kiln_dequantize_s8_f32(in[0].data<int8_t>(), out[0].data<float>(),
                                  l.scales.data(), zp.data(), l.outer,
                                  l.axisSize, l.inner);
  }
  std::vector<uint8_t> zp(l.zeroPoints.begin(), l.zeroPoints.end());
  return kiln_dequantize_u8_f32(in[0].data<uint8_t>(), out[0].data<float>(),
                                l.scales.data(), zp.data(), l.outer, l.axisSize,
                                l.inner);
}

bool acceptsQuantize(Operation *op) {
  auto q = quantOf(op->getResult(0).getType());
  return q && q.getStorageTypeIntegralWidth() == 8 &&
         getQuantLayout(cast<RankedTensorType>(op->getResult(0).getType())) &&
         getElementTypeOrSelf(op->getOperand(0).getType()).isF32();
}

bool acceptsDequantize(Operation *op) {
  auto q = quantOf(op->getOperand(0).getType());
  return q &&
         (q.getStorageTypeIntegralWidth() == 8 ||
          q.getStorageTypeIntegralWidth() == 32) &&
         getQuantLayout(cast<RankedTensorType>(op->getOperand(0).getType())) &&
         getElementTypeOrSelf(op->getResult(0).getType()).isF32();
}

/// quant.scast reinterprets storage: the bytes are unchanged.
kiln_status storageCast(Operation *, ArrayRef<Tensor> in,
                        MutableArrayRef<Tensor> out) {
  std::memcpy(out[0].bytes.data(), in[0].bytes.data(), out[0].bytes.size());
  return KILN_OK;
}

kiln_status requantize(Operation *op, ArrayRef<Tensor> in,
                       MutableArrayRef<Tensor> out) {
  codegen::RequantizeS8Params p =
      codegen::toRequantizeS8Params(cast<RequantizeOp>(op));
  return kiln_requantize_s8(in[0].data<int8_t>(), p.inputOffset, p.requant,
                            p.outputOffset, out[0].data<int8_t>(),
                            static_cast<int32_t>(in[0].numElements()));
}

kiln_status conv2dS8(Operation *op, ArrayRef<Tensor> in,
                     MutableArrayRef<Tensor> out) {
  auto conv = cast<Conv2DOp>(op);
  codegen::ConvS8Params p = codegen::toConvS8Params(conv);
  kiln_shape is = toKilnShape(in[0].type), fs = toKilnShape(in[1].type),
             os = toKilnShape(out[0].type);
  std::vector<char> scratch(
      std::max(0, kiln_conv2d_s8_scratch_size(&p.params, &is, &fs, &os)));
  return kiln_conv2d_s8(
      &p.params, p.requant.data(), &is, in[0].data<int8_t>(), &fs,
      in[1].data<int8_t>(), conv.getBias() ? in[2].data<int32_t>() : nullptr,
      &os, out[0].data<int8_t>(), scratch.empty() ? nullptr : scratch.data());
}

kiln_status gemmS8(Operation *op, ArrayRef<Tensor> in,
                   MutableArrayRef<Tensor> out) {
  auto gemm = cast<GemmOp>(op);
  codegen::FcS8Params p = codegen::toFcS8Params(gemm);
  return kiln_fully_connected_s8(
      &p.params, p.requant.data(), in[0].data<int8_t>(), in[1].data<int8_t>(),
      gemm.getC() ? in[2].data<int32_t>() : nullptr, out[0].data<int8_t>());
}

kiln_status addS8(Operation *op, ArrayRef<Tensor> in,
                  MutableArrayRef<Tensor> out) {
  kiln_add_s8_params p = codegen::toAddS8Params(cast<AddOp>(op));
  kiln_shape as = toKilnShape(in[0].type), bs = toKilnShape(in[1].type),
             os = toKilnShape(out[0].type);
  return kiln_add_s8(&p, &as, in[0].data<int8_t>(), &bs, in[1].data<int8_t>(),
                     &os, out[0].data<int8_t>());
}

template <typename PoolOp, typename Fn> EvalFn poolS8(Fn fn) {
  return [fn](Operation *op, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
    kiln_pool_params params = codegen::toPoolParams(cast<PoolOp>(op));
    auto [lo, hi] = codegen::getPoolRange(op);
    kiln_shape is = toKilnShape(in[0].type), os = toKilnShape(out[0].type);
    return fn(&params, lo, hi, &is, in[0].data<int8_t>(), &os,
              out[0].data<int8_t>());
  };
}

kiln_status globalAvgPoolS8(Operation *op, ArrayRef<Tensor> in,
                            MutableArrayRef<Tensor> out) {
  codegen::GlobalAvgPoolS8Params p =
      codegen::toGlobalAvgPoolS8Params(cast<GlobalAvgPoolOp>(op));
  kiln_shape is = toKilnShape(in[0].type);
  return kiln_global_avg_pool_s8(&is, in[0].data<int8_t>(), p.inputOffset,
                                 p.requant, p.outputOffset, p.actMin, p.actMax,
                                 out[0].data<int8_t>());
}

/// Every operand and the result int8 (biases are checked by the verifier).
bool allInt8Data(Operation *op) {
  return isInt8(op->getResult(0).getType()) &&
         isInt8(op->getOperand(0).getType());
}

/// Adds the int8 form of `OpTy` beside its float kernel: one table entry
/// that dispatches on whether the op is quantised.
template <typename OpTy> void addInt8Form(EvalKernelTable &table, EvalFn int8) {
  EvalKernel floatKernel = table.lookup(OpTy::getOperationName());
  table[OpTy::getOperationName()] =
      EvalKernel{[floatKernel, int8](Operation *op, ArrayRef<Tensor> in,
                                     MutableArrayRef<Tensor> out) {
                   return codegen::isQuantizedOp(op)
                              ? int8(op, in, out)
                              : floatKernel.eval(op, in, out);
                 },
                 [floatKernel](Operation *op) {
                   // The int8 kernels are NCHW only (the verifier says so too).
                   return codegen::isQuantizedOp(op)
                              ? !codegen::isNhwc(op) && allInt8Data(op)
                              : floatKernel.accepts(op);
                 }};
}
} // namespace

void evaluator::populateQuantKernels(EvalKernelTable &table) {
  addKernel<QuantizeOp>(table, quantize, acceptsQuantize);
  addKernel<DequantizeOp>(table, dequantize, acceptsDequantize);
  addKernel<RequantizeOp>(table, requantize, allInt8Data);
  table[quant::StorageCastOp::getOperationName()] = EvalKernel{
      storageCast, [](Operation *op) { return storableOperand(op, 0); }};
  addInt8Form<Conv2DOp>(table, conv2dS8);
  addInt8Form<GemmOp>(table, gemmS8);
  addInt8Form<AddOp>(table, addS8);
  addInt8Form<MaxPool2DOp>(table, poolS8<MaxPool2DOp>(kiln_max_pool2d_s8));
  addInt8Form<AvgPool2DOp>(table, poolS8<AvgPool2DOp>(kiln_avg_pool2d_s8));
  addInt8Form<GlobalAvgPoolOp>(table, globalAvgPoolS8);
}
