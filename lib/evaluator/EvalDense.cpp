//===- EvalDense.cpp - Conv, matrix products, norms, pools and reductions ===//

#include "EvalKernels.h"

#include "kiln/target/RuntimeParams.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::evaluator;
using codegen::toKilnShape;

using PoolFn = kiln_status(const kiln_pool_params *, const kiln_shape *,
                           const float *, const kiln_shape *, float *);
using GlobalPoolFn = kiln_status(const kiln_shape *, const float *, float *);

static const float *optional(ArrayRef<Tensor> in, Value v, unsigned index) {
  return v ? in[index].data<float>() : nullptr;
}

template <typename ConvOp, typename Fn, typename ScratchFn>
static kiln_status runConv(ConvOp c, Fn fn, ScratchFn scratchSize,
                           ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
  kiln_conv_params params = codegen::toConvParams(c);
  kiln_shape is = toKilnShape(in[0].type), fs = toKilnShape(in[1].type),
             os = toKilnShape(out[0].type);
  std::vector<char> scratch(std::max(0, scratchSize(&params, &is, &fs, &os)));
  const float *residual = nullptr;
  if constexpr (!std::is_same_v<ConvOp, ConvTranspose2DOp>)
    residual = optional(in, c.getResidual(), 2 + (c.getBias() ? 1 : 0));
  return fn(&params, &is, in[0].data<float>(), &fs, in[1].data<float>(),
            optional(in, c.getBias(), 2), residual, &os, out[0].data<float>(),
            scratch.empty() ? nullptr : scratch.data());
}

/// conv2d in either layout: the NHWC kernel takes HWIO filters and the same
/// parameter struct, so only the entry point differs.
static kiln_status conv2d(Operation *op, ArrayRef<Tensor> in,
                          MutableArrayRef<Tensor> out) {
  auto c = cast<Conv2DOp>(op);
  if (c.getLayout() == ImageLayout::nhwc)
    return runConv(c, kiln_conv2d_nhwc_f32, kiln_conv2d_nhwc_f32_scratch_size,
                   in, out);
  return runConv(c, kiln_conv2d_f32, kiln_conv2d_f32_scratch_size, in, out);
}

/// conv2d_winograd: the runtime's Winograd kernel on its transformed
/// filter, so evaluation computes what the generated code does.
static kiln_status conv2dWinograd(Operation *op, ArrayRef<Tensor> in,
                                  MutableArrayRef<Tensor> out) {
  return runConv(cast<Conv2DWinogradOp>(op), kiln_conv2d_nhwc_winograd_f32,
                 kiln_conv2d_nhwc_winograd_f32_scratch_size, in, out);
}

static kiln_status convTranspose2d(Operation *op, ArrayRef<Tensor> in,
                                   MutableArrayRef<Tensor> out) {
  return runConv(cast<ConvTranspose2DOp>(op), kiln_conv_transpose2d_f32,
                 kiln_conv_transpose2d_f32_scratch_size, in, out);
}

static kiln_status matmul(Operation *op, ArrayRef<Tensor> in,
                          MutableArrayRef<Tensor> out) {
  kiln_shape a = toKilnShape(in[0].type), b = toKilnShape(in[1].type);
  if (kiln_status s = kiln_matmul_f32(&a, in[0].data<float>(), &b, in[1].data<float>(),
                                      out[0].data<float>()))
    return s;
  // As in the generated code: the matmul kernel has no epilogue.
  kiln_activation act = codegen::toKilnActivation(cast<MatMulOp>(op));
  if (act.kind == KILN_ACT_NONE)
    return KILN_OK;
  return kiln_activate_f32(&act, out[0].data<float>(), out[0].data<float>(),
                           static_cast<int32_t>(out[0].numElements()));
}

static kiln_status gemm(Operation *op, ArrayRef<Tensor> in,
                        MutableArrayRef<Tensor> out) {
  auto g = cast<GemmOp>(op);
  kiln_gemm_params params = codegen::toGemmParams(g);
  kiln_shape cs{};
  if (g.getC())
    cs = toKilnShape(in[2].type);
  return kiln_gemm_f32(&params, in[0].data<float>(), in[1].data<float>(),
                       g.getC() ? &cs : nullptr, optional(in, g.getC(), 2),
                       out[0].data<float>());
}

template <typename SoftmaxOp, typename Fn>
static EvalFn softmaxLike(Fn fn) {
  return [fn](Operation *op, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
    ArrayRef<int64_t> shape = in[0].type.getShape();
    int64_t axis = normalizeAxis(cast<SoftmaxOp>(op).getAxis(), shape.size());
    return fn(in[0].data<float>(), out[0].data<float>(), product(shape, 0, axis),
              static_cast<int32_t>(shape[axis]),
              product(shape, axis + 1, shape.size()));
  };
}

/// A pool in the op's layout: `nchw` or `nhwc` is the runtime entry point.
template <typename PoolOp> static EvalFn pool(PoolFn *nchw, PoolFn *nhwc) {
  return [nchw, nhwc](Operation *op, ArrayRef<Tensor> in,
                      MutableArrayRef<Tensor> out) {
    auto p = cast<PoolOp>(op);
    kiln_pool_params params = codegen::toPoolParams(p);
    kiln_shape is = toKilnShape(in[0].type), os = toKilnShape(out[0].type);
    return (p.getLayout() == ImageLayout::nhwc ? nhwc : nchw)(
        &params, &is, in[0].data<float>(), &os, out[0].data<float>());
  };
}

template <typename PoolOp>
static EvalFn globalPool(GlobalPoolFn *nchw, GlobalPoolFn *nhwc) {
  return [nchw, nhwc](Operation *op, ArrayRef<Tensor> in,
                      MutableArrayRef<Tensor> out) {
    kiln_shape is = toKilnShape(in[0].type);
    return (cast<PoolOp>(op).getLayout() == ImageLayout::nhwc ? nhwc : nchw)(
        &is, in[0].data<float>(), out[0].data<float>());
  };
}

template <typename ReduceOp>
static EvalFn reduce(kiln_reduce_f32_fn *fn) {
  return [fn](Operation *op, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
    int64_t rank = in[0].type.getRank();
    uint32_t mask = 0;
    for (int64_t axis : cast<ReduceOp>(op).getAxes())
      mask |= uint32_t(1) << normalizeAxis(axis, rank);
    kiln_shape is = toKilnShape(in[0].type);
    return fn(&is, in[0].data<float>(), mask, out[0].data<float>());
  };
}

void evaluator::populateDenseKernels(EvalKernelTable &table) {
  addKernel<Conv2DOp>(table, conv2d);
  addKernel<Conv2DWinogradOp>(table, conv2dWinograd);
  addKernel<ConvTranspose2DOp>(table, convTranspose2d);
  addKernel<MatMulOp>(table, matmul);
  addKernel<GemmOp>(table, gemm);
  addKernel<BatchNormOp>(table, [](Operation *op, ArrayRef<Tensor> in,
                                   MutableArrayRef<Tensor> out) {
    kiln_shape s = toKilnShape(in[0].type);
    return kiln_batch_norm_f32(&s, in[0].data<float>(), in[1].data<float>(),
                               in[2].data<float>(), in[3].data<float>(),
                               in[4].data<float>(),
                               cast<BatchNormOp>(op).getEpsilon().convertToFloat(),
                               out[0].data<float>());
  });
  addKernel<LayerNormOp>(table, [](Operation *op, ArrayRef<Tensor> in,
                                   MutableArrayRef<Tensor> out) {
    auto ln = cast<LayerNormOp>(op);
    ArrayRef<int64_t> shape = in[0].type.getShape();
    int64_t axis = normalizeAxis(ln.getAxis(), shape.size());
    return kiln_layer_norm_f32(in[0].data<float>(), in[1].data<float>(),
                               optional(in, ln.getBias(), 2),
                               ln.getEpsilon().convertToFloat(), out[0].data<float>(),
                               product(shape, 0, axis),
                               product(shape, axis, shape.size()));
  });
  addKernel<SoftmaxOp>(table, softmaxLike<SoftmaxOp>(kiln_softmax_f32));
  addKernel<LogSoftmaxOp>(table,
                          softmaxLike<LogSoftmaxOp>(kiln_log_softmax_f32));
  addKernel<MaxPool2DOp>(
      table, pool<MaxPool2DOp>(kiln_max_pool2d_f32, kiln_max_pool2d_nhwc_f32));
  addKernel<AvgPool2DOp>(
      table, pool<AvgPool2DOp>(kiln_avg_pool2d_f32, kiln_avg_pool2d_nhwc_f32));
  addKernel<GlobalAvgPoolOp>(
      table, globalPool<GlobalAvgPoolOp>(kiln_global_avg_pool_f32,
                                         kiln_global_avg_pool_nhwc_f32));
  addKernel<GlobalMaxPoolOp>(
      table, globalPool<GlobalMaxPoolOp>(kiln_global_max_pool_f32,
                                         kiln_global_max_pool_nhwc_f32));
  addKernel<ReduceSumOp>(table, reduce<ReduceSumOp>(kiln_reduce_sum_f32));
  addKernel<ReduceMeanOp>(table, reduce<ReduceMeanOp>(kiln_reduce_mean_f32));
  addKernel<ReduceMaxOp>(table, reduce<ReduceMaxOp>(kiln_reduce_max_f32));
  addKernel<ReduceMinOp>(table, reduce<ReduceMinOp>(kiln_reduce_min_f32));
}
