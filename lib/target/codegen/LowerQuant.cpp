//===- LowerQuant.cpp - quantize/dequantize/requantize and int8 ops -------===//
//
// The int8 forms of conv2d, gemm, add and the pools share their op names with
// the float forms, so their table entries dispatch on the result type. All
// requantisation parameters come from kiln/target/QuantParams.h (the host
// evaluator uses the same values) and are emitted as `static const` data.
//
//===----------------------------------------------------------------------===//

#include "LoweringContext.h"

#include "kiln/passes/MemoryPlan.h"
#include "kiln/target/QuantParams.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::codegen;

namespace {
quant::QuantizedType quantOf(Type tensor) {
  return dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(tensor));
}

/// A quantised tensor as [outer, axis_size, inner] with its scales and zero
/// points: the kiln_(de)quantize_* calling convention.
struct QuantLayout {
  int64_t outer = 1, axisSize = 1, inner = 1;
  SmallVector<float> scales;
  SmallVector<int64_t> zeroPoints;
};

QuantLayout getQuantLayout(RankedTensorType type) {
  QuantLayout l;
  ArrayRef<int64_t> shape = type.getShape();
  auto product = [&](int64_t b, int64_t e) {
    int64_t n = 1;
    for (int64_t i = b; i < e; ++i)
      n *= shape[i];
    return n;
  };
  if (auto pt = dyn_cast<quant::UniformQuantizedType>(type.getElementType())) {
    l.inner = type.getNumElements();
    l.scales = {static_cast<float>(pt.getScale())};
    l.zeroPoints = {pt.getZeroPoint()};
    return l;
  }
  auto pa = cast<quant::UniformQuantizedPerAxisType>(type.getElementType());
  int64_t axis = pa.getQuantizedDimension();
  l.outer = product(0, axis);
  l.axisSize = shape[axis];
  l.inner = product(axis + 1, shape.size());
  for (double s : pa.getScales())
    l.scales.push_back(static_cast<float>(s));
  l.zeroPoints.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
  return l;
}

/// kiln_quantize_f32_{s8,u8} and kiln_dequantize_{s8,u8}_f32 share one
/// argument shape: (in, out, scales, zero points, outer, axis, inner).
LogicalResult lowerQuantizeLike(Operation *op, LoweringContext &ctx,
                                Value quantized, bool toInt) {
  auto type = cast<RankedTensorType>(quantized.getType());
  quant::QuantizedType q = quantOf(type);
  QuantLayout l = getQuantLayout(type);
  bool isSigned = q.isSigned();
  std::string callee =
      toInt ? (isSigned ? "kiln_quantize_f32_s8" : "kiln_quantize_f32_u8")
            : (isSigned ? "kiln_dequantize_s8_f32" : "kiln_dequantize_u8_f32");
  Value input = op->getOperand(0);
  ctx.callKernel(op->getLoc(), callee,
                 {ctx.pointer(input), ctx.resultPointer(op),
                  ctx.floatArray(l.scales),
                  ctx.int8Array(l.zeroPoints, isSigned), ctx.i32(l.outer),
                  ctx.i32(l.axisSize), ctx.i32(l.inner)});
  return success();
}

LogicalResult lowerConvS8(Conv2DOp conv, LoweringContext &ctx) {
  ConvS8Params p = toConvS8Params(conv);
  Value bias = conv.getBias();
  ctx.callKernel(
      conv.getLoc(), "kiln_conv2d_s8",
      {ctx.params("kiln_conv_s8_params", "conv_s8",
                  formatInitializer(p.params)),
       ctx.requantArray(p.requant), ctx.shape(conv.getInput().getType()),
       ctx.pointer(conv.getInput()), ctx.shape(conv.getFilter().getType()),
       ctx.pointer(conv.getFilter()), bias ? ctx.pointer(bias) : ctx.null(),
       ctx.shape(conv.getOutput().getType()), ctx.resultPointer(conv),
       ctx.scratch(conv)});
  return success();
}

LogicalResult lowerGemmS8(GemmOp gemm, LoweringContext &ctx) {
  FcS8Params p = toFcS8Params(gemm);
  Value c = gemm.getC();
  ctx.callKernel(
      gemm.getLoc(), "kiln_fully_connected_s8",
      {ctx.params("kiln_fc_s8_params", "fc_s8", formatInitializer(p.params)),
       ctx.requantArray(p.requant), ctx.pointer(gemm.getA()),
       ctx.pointer(gemm.getB()), c ? ctx.pointer(c) : ctx.null(),
       ctx.resultPointer(gemm)});
  return success();
}

LogicalResult lowerAddS8(AddOp add, LoweringContext &ctx) {
  ctx.callKernel(add.getLoc(), "kiln_add_s8",
                 {ctx.params("kiln_add_s8_params", "add_s8",
                             formatInitializer(toAddS8Params(add))),
                  ctx.shape(add.getLhs().getType()), ctx.pointer(add.getLhs()),
                  ctx.shape(add.getRhs().getType()), ctx.pointer(add.getRhs()),
                  ctx.shape(add.getOutput().getType()),
                  ctx.resultPointer(add)});
  return success();
}

template <typename PoolOp>
LogicalResult lowerPoolS8(PoolOp pool, LoweringContext &ctx, StringRef callee) {
  auto [lo, hi] = getPoolRange(pool);
  ctx.callKernel(
      pool.getLoc(), callee,
      {ctx.params("kiln_pool_params", "pool",
                  formatInitializer(toPoolParams(pool))),
       ctx.i32(lo), ctx.i32(hi), ctx.shape(pool.getInput().getType()),
       ctx.pointer(pool.getInput()), ctx.shape(pool.getOutput().getType()),
       ctx.resultPointer(pool)});
  return success();
}

LogicalResult lowerGlobalAvgPoolS8(GlobalAvgPoolOp pool, LoweringContext &ctx) {
  GlobalAvgPoolS8Params p = toGlobalAvgPoolS8Params(pool);
  ctx.callKernel(pool.getLoc(), "kiln_global_avg_pool_s8",
                 {ctx.shape(pool.getInput().getType()),
                  ctx.pointer(pool.getInput()), ctx.i32(p.inputOffset),
                  ctx.requantValue(p.requant), ctx.i32(p.outputOffset),
                  ctx.i32(p.actMin), ctx.i32(p.actMax),
                  ctx.resultPointer(pool)});
  return success();
}

LogicalResult lowerRequantize(Operation *op, LoweringContext &ctx) {
  RequantizeS8Params p = toRequantizeS8Params(cast<RequantizeOp>(op));
  Value input = op->getOperand(0);
  ctx.callKernel(op->getLoc(), "kiln_requantize_s8",
                 {ctx.pointer(input), ctx.i32(p.inputOffset),
                  ctx.requantValue(p.requant), ctx.i32(p.outputOffset),
                  ctx.resultPointer(op), ctx.i32(getNumElements(input))});
  return success();
}

/// quant.scast reinterprets storage: the planner aliases it with its operand
/// (a weight, usually), so it costs nothing; otherwise it is a copy.
LogicalResult lowerStorageCast(Operation *op, LoweringContext &ctx) {
  Value out = ctx.resultPointer(op);
  if (op->hasAttr("kiln.alias"))
    return success();
  Value input = op->getOperand(0);
  auto type = cast<RankedTensorType>(input.getType());
  int64_t bytes =
      getStorageElementType(type.getElementType()).getIntOrFloatBitWidth() / 8;
  ctx.callKernel(op->getLoc(), "kiln_copy",
                 {ctx.pointer(input), out, ctx.i32(type.getNumElements()),
                  ctx.i32(std::max<int64_t>(1, bytes))});
  return success();
}

/// Replaces `OpTy`'s float lowering with one that takes the int8 form aside.
template <typename OpTy>
void addInt8Form(KernelLoweringTable &table,
                 std::function<LogicalResult(OpTy, LoweringContext &)> int8) {
  KernelLowering floatLowering = table.lookup(OpTy::getOperationName());
  table[OpTy::getOperationName()] =
      [floatLowering, int8](Operation *op, LoweringContext &ctx) {
        return isQuantizedOp(op) ? int8(cast<OpTy>(op), ctx)
                                 : floatLowering(op, ctx);
      };
}
} // namespace

bool codegen::isInt8Lowerable(Operation *op) {
  auto isInt8 = [](Type t) {
    auto q = quantOf(t);
    return q && q.isSigned() && q.getStorageTypeIntegralWidth() == 8;
  };
  if (isa<QuantizeOp>(op)) {
    auto q = quantOf(op->getResult(0).getType());
    return q.getStorageTypeIntegralWidth() == 8 &&
           getElementTypeOrSelf(op->getOperand(0).getType()).isF32();
  }
  if (isa<DequantizeOp>(op)) {
    auto q = quantOf(op->getOperand(0).getType());
    return q.getStorageTypeIntegralWidth() == 8 &&
           getElementTypeOrSelf(op->getResult(0).getType()).isF32();
  }
  if (isa<quant::StorageCastOp>(op))
    return true;
  if (isa<RequantizeOp>(op))
    return true;
  // The int8 kernels are NCHW only.
  if (!isQuantizedOp(op) || isNhwc(op) ||
      !isa<Conv2DOp, GemmOp, AddOp, MaxPool2DOp, AvgPool2DOp, GlobalAvgPoolOp>(
          op))
    return false;
  return isInt8(op->getResult(0).getType()) &&
         isInt8(op->getOperand(0).getType());
}

void codegen::populateQuantLowerings(KernelLoweringTable &table) {
  table[QuantizeOp::getOperationName()] = [](Operation *op,
                                             LoweringContext &ctx) {
    return lowerQuantizeLike(op, ctx, op->getResult(0), /*toInt=*/true);
  };
  table[DequantizeOp::getOperationName()] = [](Operation *op,
                                               LoweringContext &ctx) {
    return lowerQuantizeLike(op, ctx, op->getOperand(0), /*toInt=*/false);
  };
  table[RequantizeOp::getOperationName()] = lowerRequantize;
  table[quant::StorageCastOp::getOperationName()] = lowerStorageCast;
  addInt8Form<Conv2DOp>(table, lowerConvS8);
  addInt8Form<GemmOp>(table, lowerGemmS8);
  addInt8Form<AddOp>(table, lowerAddS8);
  addInt8Form<MaxPool2DOp>(table, [](MaxPool2DOp op, LoweringContext &ctx) {
    return lowerPoolS8(op, ctx, "kiln_max_pool2d_s8");
  });
  addInt8Form<AvgPool2DOp>(table, [](AvgPool2DOp op, LoweringContext &ctx) {
    return lowerPoolS8(op, ctx, "kiln_avg_pool2d_s8");
  });
  addInt8Form<GlobalAvgPoolOp>(table, lowerGlobalAvgPoolS8);
}
