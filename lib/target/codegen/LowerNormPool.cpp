//===- LowerNormPool.cpp - softmax, norms, pools, reductions -> runtime ---===//

#include "LoweringContext.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::codegen;

/// Product of dims [begin, end) of a static shape.
static int64_t product(ArrayRef<int64_t> shape, int64_t begin, int64_t end) {
  int64_t n = 1;
  for (int64_t i = begin; i < end; ++i)
    n *= shape[i];
  return n;
}

template <typename SoftmaxOp>
static KernelLowering softmaxLike(StringRef callee) {
  return [callee = callee.str()](Operation *op, LoweringContext &ctx) {
    auto softmax = cast<SoftmaxOp>(op);
    auto type = cast<RankedTensorType>(softmax.getInput().getType());
    ArrayRef<int64_t> shape = type.getShape();
    int64_t axis = normalizeAxis(softmax.getAxis(), type.getRank());
    ctx.callKernel(op->getLoc(), callee,
                   {ctx.pointer(softmax.getInput()), ctx.resultPointer(op),
                    ctx.i32(product(shape, 0, axis)), ctx.i32(shape[axis]),
                    ctx.i32(product(shape, axis + 1, shape.size()))});
    return success();
  };
}

static LogicalResult lowerBatchNorm(Operation *op, LoweringContext &ctx) {
  auto bn = cast<BatchNormOp>(op);
  ctx.callKernel(
      op->getLoc(), "kiln_batch_norm_f32",
      {ctx.shape(bn.getInput().getType()), ctx.pointer(bn.getInput()),
       ctx.pointer(bn.getScale()), ctx.pointer(bn.getBias()),
       ctx.pointer(bn.getMean()), ctx.pointer(bn.getVariance()),
       ctx.f32(bn.getEpsilon().convertToFloat()), ctx.resultPointer(op)});
  return success();
}

static LogicalResult lowerLayerNorm(Operation *op, LoweringContext &ctx) {
  auto ln = cast<LayerNormOp>(op);
  auto type = cast<RankedTensorType>(ln.getInput().getType());
  int64_t axis = normalizeAxis(ln.getAxis(), type.getRank());
  Value bias = ln.getBias();
  ctx.callKernel(op->getLoc(), "kiln_layer_norm_f32",
                 {ctx.pointer(ln.getInput()), ctx.pointer(ln.getScale()),
                  bias ? ctx.pointer(bias) : ctx.null(),
                  ctx.f32(ln.getEpsilon().convertToFloat()),
                  ctx.resultPointer(op),
                  ctx.i32(product(type.getShape(), 0, axis)),
                  ctx.i32(product(type.getShape(), axis, type.getRank()))});
  return success();
}

/// `nchw` or `nhwc` by the op's layout; both kernels take the same arguments.
template <typename PoolOp>
static KernelLowering pool(StringRef nchw, StringRef nhwc) {
  return [nchw = nchw.str(), nhwc = nhwc.str()](Operation *op,
                                                LoweringContext &ctx) {
    auto pool = cast<PoolOp>(op);
    ctx.callKernel(
        op->getLoc(), isNhwc(op) ? nhwc : nchw,
        {ctx.params("kiln_pool_params", "pool",
                    formatInitializer(toPoolParams(pool))),
         ctx.shape(pool.getInput().getType()), ctx.pointer(pool.getInput()),
         ctx.shape(pool.getOutput().getType()), ctx.resultPointer(op)});
    return success();
  };
}

static KernelLowering globalPool(StringRef nchw, StringRef nhwc) {
  return [nchw = nchw.str(), nhwc = nhwc.str()](Operation *op,
                                                LoweringContext &ctx) {
    Value input = op->getOperand(0);
    ctx.callKernel(op->getLoc(), isNhwc(op) ? nhwc : nchw,
                   {ctx.shape(input.getType()), ctx.pointer(input),
                    ctx.resultPointer(op)});
    return success();
  };
}

template <typename ReduceOp> static KernelLowering reduce(StringRef callee) {
  return [callee = callee.str()](Operation *op, LoweringContext &ctx) {
    auto red = cast<ReduceOp>(op);
    int64_t rank = cast<RankedTensorType>(red.getInput().getType()).getRank();
    uint64_t mask = 0;
    for (int64_t axis : red.getAxes())
      mask |= uint64_t(1) << normalizeAxis(axis, rank);
    ctx.callKernel(op->getLoc(), callee,
                   {ctx.shape(red.getInput().getType()),
                    ctx.pointer(red.getInput()), ctx.u32(mask),
                    ctx.resultPointer(op)});
    return success();
  };
}

void codegen::populateNormPoolLowerings(KernelLoweringTable &table) {
  table[SoftmaxOp::getOperationName()] =
      softmaxLike<SoftmaxOp>("kiln_softmax_f32");
  table[LogSoftmaxOp::getOperationName()] =
      softmaxLike<LogSoftmaxOp>("kiln_log_softmax_f32");
  table[BatchNormOp::getOperationName()] = lowerBatchNorm;
  table[LayerNormOp::getOperationName()] = lowerLayerNorm;
  table[MaxPool2DOp::getOperationName()] =
      pool<MaxPool2DOp>("kiln_max_pool2d_f32", "kiln_max_pool2d_nhwc_f32");
  table[AvgPool2DOp::getOperationName()] =
      pool<AvgPool2DOp>("kiln_avg_pool2d_f32", "kiln_avg_pool2d_nhwc_f32");
  table[GlobalAvgPoolOp::getOperationName()] =
      globalPool("kiln_global_avg_pool_f32", "kiln_global_avg_pool_nhwc_f32");
  table[GlobalMaxPoolOp::getOperationName()] =
      globalPool("kiln_global_max_pool_f32", "kiln_global_max_pool_nhwc_f32");
  table[ReduceSumOp::getOperationName()] =
      reduce<ReduceSumOp>("kiln_reduce_sum_f32");
  table[ReduceMeanOp::getOperationName()] =
      reduce<ReduceMeanOp>("kiln_reduce_mean_f32");
  table[ReduceMaxOp::getOperationName()] =
      reduce<ReduceMaxOp>("kiln_reduce_max_f32");
  table[ReduceMinOp::getOperationName()] =
      reduce<ReduceMinOp>("kiln_reduce_min_f32");
}
