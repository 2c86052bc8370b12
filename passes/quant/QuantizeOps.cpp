//===- QuantizeOps.cpp - QDQ graphs -> int8 kernels (kiln-quantize-ops) ---===//
//
// Every pattern is rooted at the `kiln.quantize` that ends a float op whose
// operands are all dequantised int8, so it sees the op's output scale, and it
// gives up (leaving correct float code) on anything the int8 kernels cannot
// compute exactly as the QDQ graph specifies.
//
//===----------------------------------------------------------------------===//

#include "QuantPatterns.h"

#include "kiln/evaluator/Evaluator.h"
#include "kiln/passes/Passes.h"
#include "kiln/target/QuantParams.h"
#include "passes/cleanup/CleanupPatterns.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/TypeUtilities.h"

namespace kiln {
#define GEN_PASS_DEF_KILNQUANTIZEOPSPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

bool isPerTensorI8(Type type) {
  auto q = dyn_cast<quant::UniformQuantizedType>(getElementTypeOrSelf(type));
  return q && q.isSigned() && q.getStorageTypeIntegralWidth() == 8 &&
         q.getScale() > 0;
}

/// The int8 tensor behind a per-tensor `kiln.dequantize`, or null.
Value getInt8Source(Value v) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq || !isPerTensorI8(dq.getInput().getType()))
    return {};
  return dq.getInput();
}

RankedTensorType withElement(Type tensor, Type element) {
  return cast<RankedTensorType>(tensor).clone(element);
}

/// Constant int8 weights behind `dequantize(quant.scast(kiln.constant))`,
/// symmetric (zero point 0), per tensor or per `channelAxis`.
struct ConstantWeights {
  Value quantized; ///< the quant.scast result
  ConstantOp storage;
  quant::QuantizedType type;
};

std::optional<ConstantWeights> getConstantWeights(Value v,
                                                  int64_t channelAxis) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq)
    return std::nullopt;
  auto scast = dq.getInput().getDefiningOp<quant::StorageCastOp>();
  if (!scast)
    return std::nullopt;
  auto storage = scast.getInput().getDefiningOp<ConstantOp>();
  auto type =
      dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(scast.getType()));
  if (!storage || !type || !type.isSigned() ||
      type.getStorageTypeIntegralWidth() != 8)
    return std::nullopt;
  if (auto pt = dyn_cast<quant::UniformQuantizedType>(type)) {
    if (pt.getZeroPoint() != 0 || !(pt.getScale() > 0))
      return std::nullopt;
  } else if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    if (pa.getQuantizedDimension() != channelAxis ||
        llvm::any_of(pa.getZeroPoints(), [](int64_t z) { return z != 0; }) ||
        llvm::any_of(pa.getScales(), [](double s) { return !(s > 0); }))
      return std::nullopt;
  } else {
    return std::nullopt;
  }
  return ConstantWeights{scast.getResult(), storage, type};
}

/// The float values of `dequantize(quant.scast(kiln.constant))`, computed by
/// the host evaluator (the same arithmetic as the runtime), or failure when
/// `dq` does not read a constant.
FailureOr<evaluator::Tensor> evaluateDequantizedConstant(DequantizeOp dq) {
  auto scast = dq.getInput().getDefiningOp<quant::StorageCastOp>();
  auto storage =
      scast ? scast.getInput().getDefiningOp<ConstantOp>() : ConstantOp();
  if (!storage)
    return failure();
  FailureOr<evaluator::Tensor> t = evaluator::readElements(storage.getValue());
  if (failed(t))
    return failure();
  t->type = cast<RankedTensorType>(scast.getType());
  FailureOr<SmallVector<evaluator::Tensor>> out =
      evaluator::evaluateOp(dq, {*t});
  if (failed(out))
    return failure();
  return std::move((*out)[0]);
}

/// The float values of a constant that broadcasts along `channels` (a conv
/// bias, a gemm C of shape [N], [1, N] or a scalar): a float `kiln.constant`
/// or a dequantised integer one, as QDQ models store int32 biases.
std::optional<SmallVector<double>> getChannelValues(Value v, int64_t channels) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t n = type.getNumElements();
  if (n != 1 && n != channels)
    return std::nullopt;
  if (type.getRank() > 0 && n != 1 && type.getShape().back() != channels)
    return std::nullopt;
  SmallVector<double> values;
  if (auto constant = v.getDefiningOp<ConstantOp>()) {
    if (!type.getElementType().isF32())
      return std::nullopt;
    FailureOr<evaluator::Tensor> t =
        evaluator::readElements(constant.getValue());
    if (failed(t))
      return std::nullopt;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(t->data<float>()[i]);
  } else if (auto dq = v.getDefiningOp<DequantizeOp>()) {
    FailureOr<evaluator::Tensor> t = evaluateDequantizedConstant(dq);
    if (failed(t))
      return std::nullopt;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(t->data<float>()[i]);
  } else {
    return std::nullopt;
  }
  if (n == 1)
    values.assign(channels, values.front());
  return values;
}

/// The int32 bias `values / (inScale * wScale[c])`, as quant.scast of an i32
/// constant to `!quant.uniform<i32:f32:0, {inScale * wScale[c], ...}>`.
Value buildInt32Bias(PatternRewriter &rewriter, Location loc,
                     ArrayRef<double> values, double inScale,
                     ArrayRef<double> weightScales) {
  int64_t n = values.size();
  auto storageType = RankedTensorType::get({n}, rewriter.getI32Type());
  evaluator::Tensor t = evaluator::makeTensor(storageType);
  SmallVector<double> scales;
  for (int64_t c = 0; c < n; ++c) {
    scales.push_back(inScale * weightScales[c]);
    t.data<int32_t>()[c] = codegen::quantizeBias(values[c], scales.back());
  }
  Value storage = ConstantOp::create(rewriter, loc,
                                     evaluator::toElementsAttr(t, "bias_i32"));
  auto qType = quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, rewriter.getI32Type(),
      rewriter.getF32Type(), scales, SmallVector<int64_t>(n, 0),
      /*quantizedDimension=*/0, std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int32_t>::max());
  return quant::StorageCastOp::create(rewriter, loc, storageType.clone(qType),
                                      storage);
}

/// [K, N] int8 weights as [N, K] (a new constant), their per-axis channel
/// moving from axis 1 to axis 0.
Value transposeWeights(PatternRewriter &rewriter, Location loc,
                       const ConstantWeights &w) {
  ConstantOp storageOp = w.storage;
  FailureOr<evaluator::Tensor> t =
      evaluator::readElements(storageOp.getValue());
  auto type = cast<RankedTensorType>(storageOp.getType());
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  evaluator::Tensor out = evaluator::makeTensor(
      RankedTensorType::get({n, k}, type.getElementType()));
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j)
      out.bytes[j * k + i] = t->bytes[i * n + j];
  Value storage = ConstantOp::create(
      rewriter, loc, evaluator::toElementsAttr(out, "weights_t"));
  Type qType = w.type;
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(w.type))
    qType = quant::UniformQuantizedPerAxisType::get(
        pa.getFlags(), pa.getStorageType(), pa.getExpressedType(),
        pa.getScales(), pa.getZeroPoints(), /*quantizedDimension=*/0,
        pa.getStorageTypeMin(), pa.getStorageTypeMax());
  return quant::StorageCastOp::create(rewriter, loc, out.type.clone(qType),
                                      storage);
}

/// Only none, relu and clip have an int8 form: a clamp of the output.
bool hasIntegerEpilogue(FusedEpilogueOpInterface op) {
  ActivationKind kind = op.getEpilogueActivation();
  return kind == ActivationKind::none || kind == ActivationKind::relu ||
         kind == ActivationKind::clip;
}

/// The single-use producer of `q`'s input, of type OpTy.
/// The int8 kernels are NCHW only: an NHWC conv or pool (kiln-convert-layout)
/// stays float.
bool isNhwc(Operation *op) {
  auto layout = op->getAttrOfType<ImageLayoutAttr>("layout");
  return layout && layout.getValue() == ImageLayout::nhwc;
}

template <typename OpTy> OpTy getQuantizedProducer(QuantizeOp q) {
  auto op = q.getInput().getDefiningOp<OpTy>();
  if (!op || !op->hasOneUse() || !isPerTensorI8(q.getType()) || isNhwc(op))
    return {};
  return op;
}

/// Replaces `q` by `intOp`, whose single result takes `q`'s int8 type.
LogicalResult replaceByInt8Op(PatternRewriter &rewriter, QuantizeOp q,
                              Operation *intOp) {
  intOp->getResult(0).setType(q.getType());
  rewriter.replaceOp(q, intOp->getResult(0));
  return success();
}

/// quantize(conv2d(dequantize(x), dequantize(w), bias)) -> int8 conv2d.
struct QuantizeConv final : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    auto conv = getQuantizedProducer<Conv2DOp>(q);
    if (!conv)
      return rewriter.notifyMatchFailure(q,
                                         "not a single-use conv2d into int8");
    if (conv.hasPackedFilter())
      return rewriter.notifyMatchFailure(conv, "packed filters are float only");
    if (conv.getResidual() || !hasIntegerEpilogue(conv))
      return rewriter.notifyMatchFailure(conv,
                                         "residual or non-clamp epilogue");
    Value x = getInt8Source(conv.getInput());
    std::optional<ConstantWeights> w = getConstantWeights(conv.getFilter(), 0);
    if (!x || !w)
      return rewriter.notifyMatchFailure(conv,
                                         "input or weights are not int8 QDQ");
    int64_t channels =
        cast<RankedTensorType>(conv.getFilter().getType()).getDimSize(0);
    double inScale = codegen::getTensorQuant(x.getType())->scale;
    Value bias;
    if (Value b = conv.getBias()) {
      std::optional<SmallVector<double>> values = getChannelValues(b, channels);
      if (!values)
        return rewriter.notifyMatchFailure(conv, "bias is not a constant");
      bias = buildInt32Bias(rewriter, conv.getLoc(), *values, inScale,
                            codegen::getChannelScales(w->type, channels));
    }
    rewriter.setInsertionPoint(q);
    auto intConv = cast<Conv2DOp>(rewriter.clone(*conv));
    intConv.getInputMutable().assign(x);
    intConv.getFilterMutable().assign(w->quantized);
    if (bias)
      intConv.getBiasMutable().assign(bias);
    return replaceByInt8Op(rewriter, q, intConv);
  }
};

/// quantize(gemm(dequantize(a), dequantize(w), c)) -> int8 gemm (fully
/// connected, weights [N, K]).
struct QuantizeGemm final : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    auto gemm = getQuantizedProducer<GemmOp>(q);
    if (!gemm)
      return rewriter.notifyMatchFailure(q, "not a single-use gemm into int8");
    if (gemm.getTransA() || !gemm.getAlpha().isExactlyValue(1.0) ||
        !hasIntegerEpilogue(gemm))
      return rewriter.notifyMatchFailure(gemm,
                                         "trans_a, alpha != 1 or epilogue");
    Value a = getInt8Source(gemm.getA());
    bool transB = gemm.getTransB();
    std::optional<ConstantWeights> w =
        getConstantWeights(gemm.getB(), transB ? 0 : 1);
    if (!a || !w)
      return rewriter.notifyMatchFailure(gemm, "A or B is not int8 QDQ");
    int64_t n =
        cast<RankedTensorType>(gemm.getOutput().getType()).getDimSize(1);
    std::optional<SmallVector<double>> bias;
    if (Value c = gemm.getC()) {
      bias = getChannelValues(c, n);
      if (!bias)
        return rewriter.notifyMatchFailure(gemm,
                                           "C is not a constant row bias");
      for (double &v : *bias)
        v *= gemm.getBeta().convertToDouble();
    }
    return rewriteAsFullyConnected(rewriter, q, gemm, a, *w, transB, bias);
  }

  /// Shared with matmul: an int8 gemm from `a` [M, K] and the weights.
  static LogicalResult
  rewriteAsFullyConnected(PatternRewriter &rewriter, QuantizeOp q,
                          FusedEpilogueOpInterface epilogue, Value a,
                          const ConstantWeights &w, bool transB,
                          const std::optional<SmallVector<double>> &bias) {
    Location loc = epilogue->getLoc();
    rewriter.setInsertionPoint(q);
    Value weights = transB ? w.quantized : transposeWeights(rewriter, loc, w);
    int64_t n = cast<RankedTensorType>(weights.getType()).getDimSize(0);
    Value c;
    if (bias)
      c = buildInt32Bias(rewriter, loc, *bias,
                         codegen::getTensorQuant(a.getType())->scale,
                         codegen::getChannelScales(w.type, n));
    auto gemm = GemmOp::create(rewriter, loc, a, weights, c, 1.0f, 1.0f,
                               /*trans_a=*/false, /*trans_b=*/true);
    auto aType = cast<RankedTensorType>(a.getType());
    gemm.getResult().setType(RankedTensorType::get(
        {aType.getDimSize(0), n}, getElementTypeOrSelf(q.getType())));
    gemm.setEpilogueActivation(epilogue.getEpilogueActivation(),
                               epilogue.getEpilogueParams());
    Value result = gemm.getResult();
    if (result.getType() != q.getType())
      result = ReshapeOp::create(rewriter, loc, q.getType(), result);
    rewriter.replaceOp(q, result);
    return success();
  }
};

/// quantize(matmul(dequantize(a), dequantize(w))) with constant rank-2 `w`
/// -> int8 gemm, a batched `a` flattened to rows and the result reshaped back.
struct QuantizeMatMul final : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    auto matmul = getQuantizedProducer<MatMulOp>(q);
    if (!matmul || !hasIntegerEpilogue(matmul))
      return rewriter.notifyMatchFailure(q,
                                         "not a single-use matmul into int8");
    Value a = getInt8Source(matmul.getLhs());
    std::optional<ConstantWeights> w = getConstantWeights(matmul.getRhs(), 1);
    auto aType = a ? cast<RankedTensorType>(a.getType()) : RankedTensorType();
    if (!a || !w || aType.getRank() < 2 ||
        cast<RankedTensorType>(matmul.getRhs().getType()).getRank() != 2)
      return rewriter.notifyMatchFailure(
          matmul, "not rank >= 2 int8 x constant rank-2 int8");
    rewriter.setInsertionPoint(q);
    if (aType.getRank() > 2) {
      int64_t k = aType.getShape().back();
      a = ReshapeOp::create(rewriter, matmul.getLoc(),
                            aType.clone({aType.getNumElements() / k, k}), a);
    }
    return QuantizeGemm::rewriteAsFullyConnected(rewriter, q, matmul, a, *w,
                                                 /*transB=*/false,
                                                 std::nullopt);
  }
};

/// quantize(add(dequantize(a), dequantize(b))) -> int8 add.
struct QuantizeAdd final : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    auto add = getQuantizedProducer<AddOp>(q);
    if (!add)
      return rewriter.notifyMatchFailure(q, "not a single-use add into int8");
    Value a = getInt8Source(add.getLhs()), b = getInt8Source(add.getRhs());
    if (!a || !b)
      return rewriter.notifyMatchFailure(add, "an operand is not int8 QDQ");
    rewriter.setInsertionPoint(q);
    return replaceByInt8Op(rewriter, q,
                           AddOp::create(rewriter, add.getLoc(), a, b));
  }
};

/// `x` as `type`: itself, or a kiln.requantize.
Value requantizeTo(PatternRewriter &rewriter, Location loc, Value x,
                   Type type) {
  if (x.getType() == type)
    return x;
  return RequantizeOp::create(rewriter, loc, type, x);
}

/// quantize(avg_pool2d(dequantize(x))) -> int8 avg_pool2d, which keeps the
/// input's scale, then a requantize when the output's differs. Zero-point
/// padding counted in the average is left to float: the kernel's padding
/// taps hold q = 0.
struct QuantizeAvgPool final : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    auto pool = getQuantizedProducer<AvgPool2DOp>(q);
    Value x = pool ? getInt8Source(pool.getInput()) : Value();
    if (!x)
      return rewriter.notifyMatchFailure(q, "not a single-use int8 avg_pool2d");
    bool padded =
        llvm::any_of(pool.getPads(), [](int64_t p) { return p != 0; });
    if (padded && pool.getCountIncludePad() &&
        codegen::getTensorQuant(x.getType())->zeroPoint != 0)
      return rewriter.notifyMatchFailure(
          pool, "counted padding with a non-zero zero point");
    rewriter.setInsertionPoint(q);
    auto intPool = cast<AvgPool2DOp>(rewriter.clone(*pool));
    intPool.getInputMutable().assign(x);
    intPool.getResult().setType(
        withElement(pool.getType(), getElementTypeOrSelf(x.getType())));
    rewriter.replaceOp(
        q, requantizeTo(rewriter, pool.getLoc(), intPool, q.getType()));
    return success();
  }
};

/// quantize(global_avg_pool(dequantize(x))) -> int8 global_avg_pool, which
/// requantises to any output scale itself.
struct QuantizeGlobalAvgPool final : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    auto pool = getQuantizedProducer<GlobalAvgPoolOp>(q);
    Value x = pool ? getInt8Source(pool.getInput()) : Value();
    if (!x)
      return rewriter.notifyMatchFailure(
          q, "not a single-use int8 global_avg_pool");
    rewriter.setInsertionPoint(q);
    return replaceByInt8Op(rewriter, q,
                           GlobalAvgPoolOp::create(rewriter, pool.getLoc(), x));
  }
};

/// quantize(concat(dequantize(x_i))) -> concat of the x_i, each requantised
/// to the output's scale where it differs.
struct QuantizeConcat final : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    auto concat = getQuantizedProducer<ConcatOp>(q);
    if (!concat)
      return rewriter.notifyMatchFailure(q,
                                         "not a single-use concat into int8");
    SmallVector<Value> sources;
    for (Value in : concat.getInputs()) {
      Value x = getInt8Source(in);
      if (!x)
        return rewriter.notifyMatchFailure(concat, "an input is not int8 QDQ");
      sources.push_back(x);
    }
    rewriter.setInsertionPoint(q);
    Type element = getElementTypeOrSelf(q.getType());
    for (Value &x : sources)
      x = requantizeTo(rewriter, concat.getLoc(), x,
                       withElement(x.getType(), element));
    auto intConcat =
        ConcatOp::create(rewriter, concat.getLoc(), sources, concat.getAxis());
    rewriter.replaceOp(q, intConcat.getResult());
    return success();
  }
};

/// quantize(dequantize(x)): x when the types agree, else a requantize.
struct FoldQuantizeDequantize final : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    auto dq = q.getInput().getDefiningOp<DequantizeOp>();
    if (!dq)
      return rewriter.notifyMatchFailure(q, "input is not a dequantize");
    Value x = dq.getInput();
    if (x.getType() == q.getType()) {
      rewriter.replaceOp(q, x);
      return success();
    }
    if (!isPerTensorI8(x.getType()) || !isPerTensorI8(q.getType()))
      return rewriter.notifyMatchFailure(q,
                                         "requantize is int8 per tensor only");
    rewriter.replaceOpWithNewOp<RequantizeOp>(q, q.getType(), x);
    return success();
  }
};

/// op(dequantize(x)) -> dequantize(op(x)) for ops that commute with a
/// per-tensor affine map of positive scale: data movement, and max pooling
/// (monotonic). The int8 graph then stays int8 across them.
template <typename OpTy> struct SinkDequantize final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Value x = getInt8Source(op->getOperand(0));
    if (!x || op->getNumOperands() != 1 || isNhwc(op))
      return rewriter.notifyMatchFailure(op, "input is not int8 QDQ, or NHWC");
    Operation *intOp = rewriter.clone(*op);
    intOp->setOperand(0, x);
    Type floatType = op->getResult(0).getType();
    intOp->getResult(0).setType(
        withElement(floatType, getElementTypeOrSelf(x.getType())));
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, floatType,
                                              intOp->getResult(0));
    return success();
  }
};

/// The per-tensor uint8 quantisation of `type`'s elements, or null.
quant::UniformQuantizedType getPerTensorUint8(Type type) {
  auto u8 = dyn_cast<quant::UniformQuantizedType>(getElementTypeOrSelf(type));
  if (!u8 || u8.isSigned() || u8.getStorageTypeIntegralWidth() != 8)
    return {};
  return u8;
}

/// The int8 type holding the same real values as uint8 `u8`: the zero point
/// and range moved by -128 (q_s8 = q_u8 - 128 exactly).
quant::UniformQuantizedType asInt8(quant::UniformQuantizedType u8) {
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, u8.getStorageType(),
      u8.getExpressedType(), u8.getScale(), u8.getZeroPoint() - 128,
      u8.getStorageTypeMin() - 128, u8.getStorageTypeMax() - 128);
}

/// quantize to per-tensor uint8 read only by dequantize -> the same values
/// as int8 with the zero point moved by -128 (q_s8 = q_u8 - 128 exactly), so
/// uint8 QDQ models reach the int8 kernels.
struct QuantizeUint8AsInt8 final : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp q,
                                PatternRewriter &rewriter) const override {
    quant::UniformQuantizedType u8 = getPerTensorUint8(q.getType());
    if (!u8 || q->use_empty() || !llvm::all_of(q->getUsers(), [](Operation *u) {
          return isa<DequantizeOp>(u);
        }))
      return rewriter.notifyMatchFailure(q,
                                         "not uint8 read only by dequantize");
    quant::UniformQuantizedType s8 = asInt8(u8);
    auto intQ = QuantizeOp::create(rewriter, q.getLoc(),
                                   withElement(q.getType(), s8), q.getInput());
    for (Operation *user : llvm::make_early_inc_range(q->getUsers()))
      rewriter.replaceOpWithNewOp<DequantizeOp>(
          user, user->getResult(0).getType(), intQ.getResult());
    rewriter.eraseOp(q);
    return success();
  }
};

/// Data movement and max pooling applied straight to uint8 tensors (ORT's
/// QOperator models do this): the same op on the int8 view, with dequantize
/// and quantize pairs at both ends that the patterns above then cancel.
template <typename OpTy> struct MoveUint8AsInt8 final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Value x = op->getOperand(0);
    quant::UniformQuantizedType u8 = getPerTensorUint8(x.getType());
    if (op->getNumOperands() != 1 || !u8 || !(u8.getScale() > 0))
      return rewriter.notifyMatchFailure(op, "input is not per-tensor uint8");
    quant::UniformQuantizedType s8 = asInt8(u8);
    Location loc = op.getLoc();
    Type expressed = u8.getExpressedType();
    Value xf = DequantizeOp::create(rewriter, loc,
                                    withElement(x.getType(), expressed), x);
    Value xs =
        QuantizeOp::create(rewriter, loc, withElement(x.getType(), s8), xf);
    Operation *intOp = rewriter.clone(*op);
    intOp->setOperand(0, xs);
    Type resultType = op->getResult(0).getType();
    intOp->getResult(0).setType(withElement(resultType, s8));
    Value yf = DequantizeOp::create(
        rewriter, loc, withElement(resultType, expressed), intOp->getResult(0));
    rewriter.replaceOpWithNewOp<QuantizeOp>(op, resultType, yf);
    return success();
  }
};

/// dequantize(quant.scast(constant)) -> a float constant, evaluated once.
struct FoldDequantizedConstant final : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DequantizeOp dq,
                                PatternRewriter &rewriter) const override {
    FailureOr<evaluator::Tensor> t = evaluateDequantizedConstant(dq);
    if (failed(t))
      return rewriter.notifyMatchFailure(
          dq, "not a dequantised constant the host evaluator can compute");
    rewriter.replaceOpWithNewOp<ConstantOp>(
        dq, evaluator::toElementsAttr(*t, "dequantized"));
    return success();
  }
};

struct KilnQuantizeOpsPass final
    : kiln::impl::KilnQuantizeOpsPassBase<KilnQuantizeOpsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet integer(&getContext());
    populateQuantizeOpsPatterns(integer);
    if (failed(applyPatternSet(getOperation(), std::move(integer))))
      return signalPassFailure();
    // Only once every integer op has taken its weights: what is left feeds
    // float ops.
    RewritePatternSet fold(&getContext());
    populateFoldDequantizedConstantsPatterns(fold);
    if (failed(applyPatternSet(getOperation(), std::move(fold))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateQuantizeOpsPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizeConv, QuantizeGemm, QuantizeMatMul, QuantizeAdd,
               QuantizeAvgPool, QuantizeGlobalAvgPool, QuantizeConcat,
               FoldQuantizeDequantize, QuantizeUint8AsInt8,
               SinkDequantize<ReshapeOp>, SinkDequantize<TransposeOp>,
               SinkDequantize<SliceOp>, SinkDequantize<MaxPool2DOp>,
               MoveUint8AsInt8<ReshapeOp>, MoveUint8AsInt8<TransposeOp>,
               MoveUint8AsInt8<SliceOp>, MoveUint8AsInt8<MaxPool2DOp>>(
      patterns.getContext());
}

void kiln::populateFoldDequantizedConstantsPatterns(
    RewritePatternSet &patterns) {
  patterns.add<FoldDequantizedConstant>(patterns.getContext());
}
