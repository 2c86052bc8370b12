//===- KilnOps.cpp - Verifiers, folders and canonicalisations -------------===//

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cstring>

using namespace mlir;
using namespace kiln;

#define GET_OP_CLASSES
#include "dialects/kiln/KilnOps.cpp.inc"

namespace {
RankedTensorType rankedOf(Type type) { return cast<RankedTensorType>(type); }

/// True when `value` is a constant splat equal to `expected`.
bool isSplatOf(Value value, double expected) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return false;
  if (auto f = dyn_cast<FloatType>(attr.getElementType()))
    return attr.getSplatValue<APFloat>().convertToDouble() == expected;
  if (isa<IntegerType>(attr.getElementType()))
    return attr.getSplatValue<APInt>().getSExtValue() == static_cast<int64_t>(expected);
  return false;
}
} // namespace

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

/// An int8 activation: per-tensor `!quant.uniform` over i8.
static bool isPerTensorI8(Type type) {
  auto q = dyn_cast<quant::UniformQuantizedType>(getElementTypeOrSelf(type));
  return q && q.getStorageTypeIntegralWidth() == 8 && q.isSigned();
}

/// The integer form of conv2d and gemm (see their descriptions): one check
/// for both, so the evaluator and code generation can rely on it.
static LogicalResult verifyIntegerForm(Operation *op, Value input, Value weights,
                                       Value bias, int64_t channels,
                                       FusedEpilogueOpInterface epilogue) {
  Type result = op->getResult(0).getType();
  auto isQuant = [](Type t) {
    return isa<quant::QuantizedType>(getElementTypeOrSelf(t));
  };
  if (!isQuant(input.getType()) && !isQuant(weights.getType()) && !isQuant(result))
    return success();
  if (!isPerTensorI8(input.getType()) || !isPerTensorI8(result))
    return op->emitOpError("integer form needs per-tensor i8 input and result");
  Type w = getElementTypeOrSelf(weights.getType());
  auto wStorage = dyn_cast<quant::QuantizedType>(w);
  if (!wStorage || wStorage.getStorageTypeIntegralWidth() != 8 || !wStorage.isSigned())
    return op->emitOpError("integer form needs i8 quantised weights");
  auto zeroPointsAreZero = [](Type t) {
    if (auto pt = dyn_cast<quant::UniformQuantizedType>(t))
      return pt.getZeroPoint() == 0;
    if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(t))
      return pa.getQuantizedDimension() == 0 &&
             llvm::all_of(pa.getZeroPoints(), [](int64_t z) { return z == 0; });
    return false;
  };
  if (!zeroPointsAreZero(w))
    return op->emitOpError("integer form needs symmetric weights (zero point 0), "
                           "per tensor or per output channel (axis 0)");
  if (bias) {
    Type b = getElementTypeOrSelf(bias.getType());
    auto bq = dyn_cast<quant::QuantizedType>(b);
    auto biasType = rankedOf(bias.getType());
    if (!bq || bq.getStorageTypeIntegralWidth() != 32 || !zeroPointsAreZero(b) ||
        biasType.getRank() != 1 || biasType.getDimSize(0) != channels)
      return op->emitOpError("integer form needs an i32 bias of shape [")
             << channels << "] with zero point 0, got " << bias.getType();
  }
  ActivationKind act = epilogue.getEpilogueActivation();
  if (act != ActivationKind::none && act != ActivationKind::relu &&
      act != ActivationKind::clip)
    return op->emitOpError("integer form supports only none, relu and clip "
                           "epilogues, not ")
           << stringifyActivationKind(act);
  return success();
}

LogicalResult kiln::detail::verifyLayoutElementTypes(Operation *op,
                                                     ImageLayout layout) {
  if (layout != ImageLayout::nhwc)
    return success();
  auto isQuant = [](Type t) {
    return isa<quant::QuantizedType>(getElementTypeOrSelf(t));
  };
  // The int8 kernels are NCHW only; kiln-convert-layout leaves them alone.
  if (llvm::any_of(op->getOperandTypes(), isQuant) ||
      llvm::any_of(op->getResultTypes(), isQuant))
    return op->emitOpError("layout nhwc has no integer form: quantised operands "
                           "and results must stay nchw");
  return success();
}

LogicalResult MaxPool2DOp::verify() {
  return detail::verifyLayoutElementTypes(*this, getLayout());
}
LogicalResult AvgPool2DOp::verify() {
  return detail::verifyLayoutElementTypes(*this, getLayout());
}
LogicalResult GlobalAvgPoolOp::verify() {
  return detail::verifyLayoutElementTypes(*this, getLayout());
}
LogicalResult GlobalMaxPoolOp::verify() {
  return detail::verifyLayoutElementTypes(*this, getLayout());
}

/// The packed filter `[G, P, kH, kW, C/G, NR]` against the declared result:
/// inference checks G, C/G and NR but cannot know M, which the result holds.
static LogicalResult verifyPackedFilter(Conv2DOp op) {
  auto filter = rankedOf(op.getFilter().getType());
  // Before the NHWC integer-form check, so that a packed filter hears why.
  if (op.getLayout() != ImageLayout::nhwc)
    return op.emitOpError("a rank-6 packed filter [G, P, kH, kW, C/G, NR] "
                          "needs layout nhwc");
  auto isF32 = [](Type t) { return getElementTypeOrSelf(t).isF32(); };
  if (!isF32(filter) || !isF32(op.getInput().getType()) ||
      !isF32(op.getOutput().getType()))
    return op.emitOpError("a packed filter [G, P, kH, kW, C/G, NR] is f32 "
                          "only, got filter ")
           << filter << " and result " << op.getOutput().getType();
  if (op.getOutput().getType().getRank() != 4)
    return op.emitOpError("expects a rank-4 NHWC result");
  int64_t group = op.getGroup(), m = op.getOutput().getType().getDimSize(3);
  int64_t panels = filter.getDimSize(1), nr = filter.getDimSize(5);
  if (group < 1 || filter.getDimSize(0) != group)
    return op.emitOpError("packed filter has G = ")
           << filter.getDimSize(0)
           << " groups (dimension 0) but the op has group " << group;
  if (m % group != 0)
    return op.emitOpError("group ") << group << " must divide the result's "
                                    << m << " output channels (dimension 3)";
  int64_t perGroup = m / group;
  if (panels != (perGroup + nr - 1) / nr)
    return op.emitOpError("packed filter has P = ")
           << panels << " panels (dimension 1) but M/G = " << perGroup
           << " output channels per group in panels of NR = " << nr
           << " need ceil(" << perGroup << " / " << nr
           << ") = " << (perGroup + nr - 1) / nr;
  if (filter.getDimSize(4) == 1 && perGroup == 1)
    return op.emitOpError("depthwise conv (C/G = 1, M/G = 1) takes its HWIO "
                          "filter [kH, kW, 1, M], not a packed one");
  return success();
}

LogicalResult Conv2DOp::verify() {
  if (hasPackedFilter() && failed(verifyPackedFilter(*this)))
    return failure();
  if (failed(detail::verifyLayoutElementTypes(*this, getLayout())))
    return failure();
  if (Value residual = getResidual()) {
    if (rankedOf(residual.getType()).getShape() != getOutput().getType().getShape())
      return emitOpError("residual of type ")
             << residual.getType() << " must have the result's shape "
             << getOutput().getType();
    if (isa<quant::QuantizedType>(getOutput().getType().getElementType()))
      return emitOpError("integer form has no residual operand");
  }
  return verifyIntegerForm(*this, getInput(), getFilter(), getBias(),
                           rankedOf(getFilter().getType()).getDimSize(0), *this);
}

LogicalResult Conv2DWinogradOp::verify() {
  auto filter = rankedOf(getFilter().getType());
  auto input = rankedOf(getInput().getType());
  if (input.getRank() != 4 || filter.getRank() != 5)
    return emitOpError("expects a rank-4 NHWC input and a rank-5 Winograd "
                       "filter [P, 6, 6, C, NR], got ranks ")
           << input.getRank() << " and " << filter.getRank();
  int64_t channels = rankedOf(getInput().getType()).getDimSize(3);
  int64_t m = getOutChannels(), panels = filter.getDimSize(0),
          nr = filter.getDimSize(4);
  if (filter.getDimSize(1) != 6 || filter.getDimSize(2) != 6)
    return emitOpError("Winograd filter [P, 6, 6, C, NR] has ")
           << filter.getDimSize(1) << "x" << filter.getDimSize(2)
           << " points (dimensions 1 and 2), not 6x6";
  if (filter.getDimSize(3) != channels)
    return emitOpError("Winograd filter has C = ")
           << filter.getDimSize(3) << " (dimension 3) but the NHWC input has "
           << channels << " channels";
  if (nr < 1 || nr > 64)
    return emitOpError("Winograd filter has NR = ")
           << nr << " columns per panel (dimension 4); the runtime takes 1 "
              "to 64";
  if (panels != (m + nr - 1) / nr)
    return emitOpError("Winograd filter has P = ")
           << panels << " panels (dimension 0) but out_channels = " << m
           << " in panels of NR = " << nr << " need " << (m + nr - 1) / nr;
  if (!getElementTypeOrSelf(getOutput().getType()).isF32())
    return emitOpError("is f32 only, got result ") << getOutput().getType();
  if (Value bias = getBias()) {
    auto biasType = rankedOf(bias.getType());
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != m ||
        !biasType.getElementType().isF32())
      return emitOpError("bias of type ")
             << biasType << " must be tensor<" << m << "xf32>";
  }
  if (Value residual = getResidual())
    if (rankedOf(residual.getType()) != getOutput().getType())
      return emitOpError("residual of type ")
             << residual.getType() << " must have the result's type "
             << getOutput().getType();
  return success();
}

LogicalResult GemmOp::verify() {
  if (!isa<quant::QuantizedType>(getOutput().getType().getElementType()) &&
      !isa<quant::QuantizedType>(rankedOf(getA().getType()).getElementType()))
    return success();
  if (getTransA() || !getTransB() || !getAlpha().isExactlyValue(1.0) ||
      !getBeta().isExactlyValue(1.0))
    return emitOpError("integer form needs trans_b, no trans_a and alpha = beta = 1");
  return verifyIntegerForm(*this, getA(), getB(), getC(),
                           rankedOf(getB().getType()).getDimSize(0), *this);
}

LogicalResult RequantizeOp::verify() {
  if (!isPerTensorI8(getInput().getType()) || !isPerTensorI8(getOutput().getType()))
    return emitOpError("expects per-tensor i8 quantised input and result");
  if (getInput().getType().getShape() != getOutput().getType().getShape())
    return emitOpError("cannot change the shape");
  return success();
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

LogicalResult WhereOp::verify() {
  if (getElementTypeOrSelf(getLhs().getType()) != getElementTypeOrSelf(getRhs().getType()))
    return emitOpError("both value operands must share an element type");
  return success();
}

LogicalResult ClipOp::verify() {
  if (getMin().convertToFloat() > getMax().convertToFloat())
    return emitOpError("min ") << getMin().convertToFloat() << " is greater than max "
                               << getMax().convertToFloat();
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("cannot change the element type (") << in.getElementType()
                                                           << " to " << out.getElementType()
                                                           << "); use kiln.cast";
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("element count changes from ")
           << in.getNumElements() << " to " << out.getNumElements();
  return success();
}

LogicalResult ExpandOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  SmallVector<int64_t> shape;
  if (in.getElementType() != out.getElementType() ||
      !OpTrait::util::getBroadcastedShape(in.getShape(), out.getShape(), shape) ||
      ArrayRef<int64_t>(shape) != out.getShape())
    return emitOpError("cannot broadcast ") << in << " to " << out;
  return success();
}

LogicalResult ResizeOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getRank() != 4 || out.getRank() != 4)
    return emitOpError("expects rank-4 NCHW input and result");
  if (in.getDimSize(0) != out.getDimSize(0) || in.getDimSize(1) != out.getDimSize(1))
    return emitOpError("may resize only the spatial dimensions, not N or C");
  if (in.getElementType() != out.getElementType())
    return emitOpError("cannot change the element type");
  if (auto scales = getScales())
    if (scales->size() != 2 || llvm::any_of(*scales, [](float s) { return !(s > 0); }))
      return emitOpError("'scales' must be two positive values (height, width)");
  return success();
}

LogicalResult CastOp::verify() {
  if (getInput().getType().getShape() != getOutput().getType().getShape())
    return emitOpError("cannot change the shape");
  if (isa<quant::QuantizedType>(getInput().getType().getElementType()) ||
      isa<quant::QuantizedType>(getOutput().getType().getElementType()))
    return emitOpError("cannot cast quantised types; use kiln.quantize or kiln.dequantize");
  return success();
}

/// Checks a float tensor against a quantised one for quantize and dequantize.
static LogicalResult verifyQuantPair(Operation *op, RankedTensorType floatType,
                                     RankedTensorType quantType) {
  if (floatType.getShape() != quantType.getShape())
    return op->emitOpError("cannot change the shape");
  auto q = cast<quant::QuantizedType>(quantType.getElementType());
  if (q.getExpressedType() != floatType.getElementType())
    return op->emitOpError("quantised type expresses ")
           << q.getExpressedType() << " but the float side is "
           << floatType.getElementType();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
    int64_t axis = perAxis.getQuantizedDimension();
    if (axis >= floatType.getRank())
      return op->emitOpError("quantised axis ") << axis << " is out of range";
    if (static_cast<int64_t>(perAxis.getScales().size()) != floatType.getDimSize(axis))
      return op->emitOpError("has ") << perAxis.getScales().size()
                                     << " scales for dimension " << axis << " of size "
                                     << floatType.getDimSize(axis);
  }
  return success();
}

LogicalResult QuantizeOp::verify() {
  return verifyQuantPair(*this, getInput().getType(), getOutput().getType());
}

LogicalResult DequantizeOp::verify() {
  return verifyQuantPair(*this, getOutput().getType(), getInput().getType());
}

//===----------------------------------------------------------------------===//
// Folders
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult AddOp::fold(FoldAdaptor) {
  if (getLhs().getType() == getType() && isSplatOf(getRhs(), 0.0))
    return getLhs();
  return {};
}

OpFoldResult MulOp::fold(FoldAdaptor) {
  if (getLhs().getType() == getType() && isSplatOf(getRhs(), 1.0))
    return getLhs();
  return {};
}

namespace {
/// mul(x, hard_sigmoid(x)) with alpha 1/6, beta 0.5 is hard_swish(x): the
/// same arithmetic (x * clamp(x / 6 + 0.5, 0, 1)), one op, and an activation
/// the epilogue fusion can move into the conv that produces x.
struct MulOfHardSigmoidIsHardSwish final : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp mul, PatternRewriter &rewriter) const override {
    for (auto [gate, x] : {std::pair(mul.getLhs(), mul.getRhs()),
                           std::pair(mul.getRhs(), mul.getLhs())}) {
      auto hs = gate.getDefiningOp<HardSigmoidOp>();
      if (!hs || hs.getInput() != x || x.getType() != mul.getType() ||
          hs.getAlpha().convertToFloat() != 1.0f / 6.0f ||
          hs.getBeta().convertToFloat() != 0.5f)
        continue;
      rewriter.replaceOpWithNewOp<HardSwishOp>(mul, mul.getType(), x);
      return success();
    }
    return failure();
  }
};
} // namespace

void MulOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<MulOfHardSigmoidIsHardSwish>(context);
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

namespace {
/// reshape(reshape(x)) is reshape(x): only the last shape matters.
struct CollapseReshapeChain final : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return failure();
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), inner.getInput());
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<CollapseReshapeChain>(context);
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  if (llvm::equal(getPerm(), llvm::seq<int64_t>(0, getPerm().size())))
    return getInput();
  // transpose(transpose(x, p1), p2) is transpose(x, p1 o p2), updated in place.
  auto inner = getInput().getDefiningOp<TransposeOp>();
  if (!inner)
    return {};
  SmallVector<int64_t> composed;
  for (int64_t p : getPerm())
    composed.push_back(inner.getPerm()[p]);
  if (llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())))
    return inner.getInput();
  getInputMutable().assign(inner.getInput());
  setPerm(composed);
  return getResult();
}

namespace {
/// A transpose that keeps the relative order of every dimension larger than 1
/// moves no data: it is a reshape, which aliases its input and composes with
/// neighbouring reshapes.
struct TransposeOfUnitDimsIsReshape final : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op, PatternRewriter &rewriter) const override {
    auto type = op.getInput().getType();
    // A per-axis quantised type names its channel dimension; moving it needs
    // a new type, not a reshape.
    if (isa<quant::UniformQuantizedPerAxisType>(type.getElementType()))
      return failure();
    int64_t last = -1;
    for (int64_t p : op.getPerm()) {
      if (type.getDimSize(p) == 1)
        continue;
      if (p < last)
        return failure();
      last = p;
    }
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), op.getInput());
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<TransposeOfUnitDimsIsReshape>(context);
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  return {};
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  auto in = getInput().getType();
  bool whole = llvm::all_of(getOffsets(), [](int64_t o) { return o == 0; }) &&
               llvm::all_of(getStrides(), [](int64_t s) { return s == 1; }) &&
               getSizes() == in.getShape();
  return whole ? OpFoldResult(getInput()) : OpFoldResult();
}

OpFoldResult DequantizeOp::fold(FoldAdaptor) {
  auto type = getInput().getType();
  auto scast = getInput().getDefiningOp<quant::StorageCastOp>();
  auto constant = scast ? scast.getInput().getDefiningOp<ConstantOp>() : ConstantOp();
  auto q = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!constant || !q || q.getStorageTypeIntegralWidth() != 32 ||
      !getType().getElementType().isF32())
    return {};
  SmallVector<int32_t> values;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(constant.getValue())) {
    for (const APInt &v : dense.getValues<APInt>())
      values.push_back(static_cast<int32_t>(v.getSExtValue()));
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue())) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != type.getNumElements() * sizeof(int32_t))
      return {};
    values.resize(type.getNumElements());
    std::memcpy(values.data(), blob->getData().data(), blob->getData().size());
  } else {
    return {};
  }
  // (q - zp) * scale in float, as the 8-bit dequantize kernels compute it.
  ArrayRef<int64_t> shape = type.getShape();
  int64_t axis = -1, inner = 1;
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
    axis = pa.getQuantizedDimension();
    for (int64_t d : shape.drop_front(axis + 1))
      inner *= d;
  }
  SmallVector<float> out(values.size());
  for (auto [i, v] : llvm::enumerate(values)) {
    double scale = 0;
    int64_t zp = 0;
    if (auto pt = dyn_cast<quant::UniformQuantizedType>(q)) {
      scale = pt.getScale();
      zp = pt.getZeroPoint();
    } else {
      auto pa = cast<quant::UniformQuantizedPerAxisType>(q);
      int64_t c = (static_cast<int64_t>(i) / inner) % shape[axis];
      scale = pa.getScales()[c];
      zp = pa.getZeroPoints()[c];
    }
    out[i] = static_cast<float>(static_cast<int64_t>(v) - zp) * static_cast<float>(scale);
  }
  return DenseElementsAttr::get(getType(), ArrayRef<float>(out));
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// Fused elementwise chains
//===----------------------------------------------------------------------===//

bool kiln::isFusableElementwiseOp(Operation *op) {
  return isa<ReluOp, ClipOp, LeakyReluOp, SigmoidOp, TanhOp, HardSigmoidOp,
             HardSwishOp, GeluOp, ErfOp, ExpOp, LogOp, SqrtOp, ReciprocalOp,
             NegOp, AbsOp, AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp,
             PReluOp>(op);
}

LogicalResult FusedElementwiseOp::verifyRegions() {
  Block &body = getBody().front();
  auto scalar = RankedTensorType::get({}, getType().getElementType());
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("body takes ") << body.getNumArguments()
                                      << " arguments for " << getInputs().size()
                                      << " inputs";
  SmallVector<int64_t> shape;
  for (auto [arg, input] : llvm::zip(body.getArguments(), getInputs())) {
    if (arg.getType() != scalar)
      return emitOpError("body argument of type ")
             << arg.getType() << " must be " << scalar;
    auto inType = cast<RankedTensorType>(input.getType());
    if (inType.getElementType() != scalar.getElementType())
      return emitOpError("input of type ") << inType << " must have element type "
                                           << scalar.getElementType();
    SmallVector<int64_t> next;
    if (!OpTrait::util::getBroadcastedShape(shape, inType.getShape(), next))
      return emitOpError("inputs do not broadcast together");
    shape = std::move(next);
  }
  if (ArrayRef<int64_t>(shape) != getType().getShape())
    return emitOpError("result type ")
           << getType() << " must be the broadcast of the inputs' shapes";
  for (Operation &op : body.without_terminator()) {
    bool scalarResults = llvm::all_of(op.getResultTypes(),
                                      [&](Type t) { return t == scalar; });
    if (!scalarResults ||
        !(isFusableElementwiseOp(&op) || isa<ConstantOp>(op)))
      return op.emitOpError("cannot appear in a kiln.fused_elementwise body: ")
             << "only elementwise ops and constants of type " << scalar;
  }
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield || yield.getValue().getType() != scalar)
    return emitOpError("body must end in kiln.yield of a ") << scalar;
  return success();
}
