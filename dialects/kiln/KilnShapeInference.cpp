//===- KilnShapeInference.cpp - Result types of the kiln ops --------------===//
//
// Every kiln op whose result follows from its operands and attributes infers
// it here; the verifier compares the declared type against the inferred one,
// so these functions are also where malformed shapes get their messages.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Traits.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace kiln;

namespace {
RankedTensorType rankedOf(Type type) { return cast<RankedTensorType>(type); }

LogicalResult checkPositive(std::optional<Location> loc, StringRef name,
                            ArrayRef<int64_t> values, size_t expectedSize) {
  if (values.size() != expectedSize)
    return emitOptionalError(loc, "'", name, "' must have ", expectedSize,
                             " values, got ", values.size());
  if (llvm::any_of(values, [](int64_t v) { return v <= 0; }))
    return emitOptionalError(loc, "'", name, "' values must be positive");
  return success();
}

LogicalResult checkPads(std::optional<Location> loc, ArrayRef<int64_t> pads,
                        size_t expectedSize) {
  if (pads.size() != expectedSize)
    return emitOptionalError(loc, "'pads' must have ", expectedSize,
                             " values, got ", pads.size());
  if (llvm::any_of(pads, [](int64_t v) { return v < 0; }))
    return emitOptionalError(loc, "'pads' values must not be negative");
  return success();
}

/// Sliding-window output size; fails (with a message) when the window does not
/// fit even once.
FailureOr<int64_t> windowOutputSize(std::optional<Location> loc, int64_t in,
                                    int64_t kernel, int64_t stride, int64_t padBegin,
                                    int64_t padEnd, int64_t dilation, bool ceilMode,
                                    StringRef dimName) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = in + padBegin + padEnd - span;
  if (padded < 0) {
    (void)emitOptionalError(loc, "window of ", span, " does not fit the padded ",
                            dimName, " of ", in + padBegin + padEnd);
    return failure();
  }
  int64_t out = (ceilMode ? (padded + stride - 1) / stride : padded / stride) + 1;
  // ONNX: with ceil_mode the last window must start inside the input or its
  // leading padding.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

bool isQuantized(Type element) { return isa<quant::QuantizedType>(element); }

Type storageOf(Type element) {
  if (auto q = dyn_cast<quant::QuantizedType>(element))
    return q.getStorageType();
  return element;
}
} // namespace

bool kiln::detail::areCompatibleInferredTypes(TypeRange inferred, TypeRange declared) {
  if (inferred.size() != declared.size())
    return false;
  for (auto [a, b] : llvm::zip(inferred, declared)) {
    auto ta = dyn_cast<RankedTensorType>(a), tb = dyn_cast<RankedTensorType>(b);
    if (!ta || !tb || ta.getRank() != tb.getRank())
      return false;
    // A dynamic inferred size is one inference cannot know (the M of a
    // packed conv without bias); the op's verifier checks the declared one.
    for (auto [da, db] : llvm::zip(ta.getShape(), tb.getShape()))
      if (da != db && da != ShapedType::kDynamic)
        return false;
    Type ea = ta.getElementType(), eb = tb.getElementType();
    if (ea == eb)
      continue;
    // A quantised op may produce a type with its own scale, or requantise into
    // a float output (dequantised epilogue).
    bool quantMix = (isQuantized(ea) || isQuantized(eb)) &&
                    (storageOf(ea) == storageOf(eb) || isa<FloatType>(ea) ||
                     isa<FloatType>(eb));
    if (!quantMix)
      return false;
  }
  return true;
}

LogicalResult kiln::detail::inferBroadcastType(std::optional<Location> loc,
                                               ArrayRef<Type> operands,
                                               SmallVectorImpl<Type> &results) {
  SmallVector<int64_t> shape;
  for (Type operand : operands) {
    SmallVector<int64_t> next;
    if (!OpTrait::util::getBroadcastedShape(shape, rankedOf(operand).getShape(), next))
      return emitOptionalError(loc, "operand shapes are not broadcast-compatible: ",
                               operands);
    shape = std::move(next);
  }
  results.push_back(RankedTensorType::get(shape, rankedOf(operands[0]).getElementType()));
  return success();
}

LogicalResult kiln::detail::checkAxis(std::optional<Location> loc, int64_t axis,
                                      int64_t rank) {
  if (axis < -rank || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", rank);
  return success();
}

LogicalResult kiln::detail::inferPoolType(std::optional<Location> loc, Type input,
                                          ArrayRef<int64_t> kernel,
                                          ArrayRef<int64_t> strides,
                                          ArrayRef<int64_t> pads,
                                          ArrayRef<int64_t> dilations, bool ceilMode,
                                          ImageLayout layout,
                                          SmallVectorImpl<Type> &results) {
  auto type = rankedOf(input);
  bool nhwc = layout == ImageLayout::nhwc;
  if (type.getRank() != 4)
    return emitOptionalError(loc, "expects an ", nhwc ? "NHWC" : "NCHW",
                             " input of rank 4, got rank ", type.getRank());
  if (failed(checkPositive(loc, "kernel", kernel, 2)) ||
      failed(checkPositive(loc, "strides", strides, 2)) ||
      failed(checkPositive(loc, "dilations", dilations, 2)) ||
      failed(checkPads(loc, pads, 4)))
    return failure();
  SmallVector<int64_t> shape(type.getShape());
  int64_t firstSpatial = nhwc ? 1 : 2;
  for (int i = 0; i < 2; ++i) {
    auto out = windowOutputSize(loc, shape[firstSpatial + i], kernel[i], strides[i],
                                pads[i], pads[2 + i], dilations[i], ceilMode,
                                i == 0 ? "height" : "width");
    if (failed(out))
      return failure();
    shape[firstSpatial + i] = *out;
  }
  results.push_back(type.clone(shape));
  return success();
}

LogicalResult kiln::detail::inferGlobalPoolType(std::optional<Location> loc,
                                                Type input, ImageLayout layout,
                                                SmallVectorImpl<Type> &results) {
  auto type = rankedOf(input);
  if (layout == ImageLayout::nhwc) {
    // The NHWC kernels are 2-D only: N, H, W, C.
    if (type.getRank() != 4)
      return emitOptionalError(loc, "layout nhwc expects a rank-4 [N, H, W, C] input, "
                                    "got rank ", type.getRank());
    results.push_back(type.clone({type.getDimSize(0), 1, 1, type.getDimSize(3)}));
    return success();
  }
  if (type.getRank() < 3)
    return emitOptionalError(loc, "expects an input of rank >= 3 (N, C, spatial...), got rank ",
                             type.getRank());
  SmallVector<int64_t> shape(type.getShape());
  std::fill(shape.begin() + 2, shape.end(), 1);
  results.push_back(type.clone(shape));
  return success();
}

LogicalResult kiln::detail::inferReduceType(std::optional<Location> loc, Type input,
                                            ArrayRef<int64_t> axes, bool keepdims,
                                            SmallVectorImpl<Type> &results) {
  auto type = rankedOf(input);
  int64_t rank = type.getRank();
  llvm::SmallBitVector reduced(rank);
  for (int64_t axis : axes) {
    if (failed(kiln::detail::checkAxis(loc, axis, rank)))
      return failure();
    int64_t a = axis < 0 ? axis + rank : axis;
    if (reduced[a])
      return emitOptionalError(loc, "axis ", axis, " is listed twice");
    reduced.set(a);
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced[i])
      shape.push_back(type.getDimSize(i));
    else if (keepdims)
      shape.push_back(1);
  }
  results.push_back(type.clone(shape));
  return success();
}

//===----------------------------------------------------------------------===//
// Per-op inference
//===----------------------------------------------------------------------===//

/// conv2d with a pre-packed NHWC filter `[G, P, kH, kW, C/G, NR]`. The
/// padding columns hide M, so the result's channel count comes from the
/// bias, or stays dynamic (matching any declared M) for the verifier to
/// check against P.
static LogicalResult inferPackedConvType(std::optional<Location> loc,
                                         Conv2DOp::Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  auto filter = rankedOf(adaptor.getFilter().getType());
  if (adaptor.getLayout() != ImageLayout::nhwc)
    return emitOptionalError(loc,
                             "a rank-6 packed filter [G, P, kH, kW, C/G, NR] "
                             "needs layout nhwc");
  if (!filter.getElementType().isF32() || !input.getElementType().isF32())
    return emitOptionalError(loc,
                             "a packed filter [G, P, kH, kW, C/G, NR] is f32 "
                             "only, got filter ",
                             filter, " and input ", input);
  if (input.getRank() != 4)
    return emitOptionalError(loc, "expects a rank-4 NHWC input, got rank ",
                             input.getRank());
  if (failed(checkPositive(loc, "strides", adaptor.getStrides(), 2)) ||
      failed(checkPositive(loc, "dilations", adaptor.getDilations(), 2)) ||
      failed(checkPads(loc, adaptor.getPads(), 4)))
    return failure();
  int64_t group = adaptor.getGroup(), channels = input.getDimSize(3);
  if (filter.getDimSize(0) != group)
    return emitOptionalError(
        loc, "packed filter has G = ", filter.getDimSize(0),
        " groups (dimension 0) but the op has group ", group);
  if (group < 1 || channels % group != 0 ||
      filter.getDimSize(4) * group != channels)
    return emitOptionalError(
        loc, "packed filter has C/G = ", filter.getDimSize(4),
        " input channels per group (dimension 4) but the NHWC "
        "input has ",
        channels, " channels (dimension 3) in ", group, " groups");
  int64_t nr = filter.getDimSize(5);
  if (nr < 1 || nr > 64)
    return emitOptionalError(loc, "packed filter has NR = ", nr,
                             " columns per panel (dimension 5); the runtime "
                             "takes 1 to 64");
  int64_t filters = ShapedType::kDynamic;
  if (Value bias = adaptor.getBias()) {
    auto biasType = rankedOf(bias.getType());
    if (biasType.getRank() != 1)
      return emitOptionalError(loc, "bias must have shape [M], got ", biasType);
    filters = biasType.getDimSize(0);
  }
  SmallVector<int64_t> shape(4, 0);
  shape[0] = input.getDimSize(0);
  shape[3] = filters;
  for (int i = 0; i < 2; ++i) {
    auto out =
        windowOutputSize(loc, input.getDimSize(1 + i), filter.getDimSize(2 + i),
                         adaptor.getStrides()[i], adaptor.getPads()[i],
                         adaptor.getPads()[2 + i], adaptor.getDilations()[i],
                         /*ceilMode=*/false, i == 0 ? "height" : "width");
    if (failed(out))
      return failure();
    shape[1 + i] = *out;
  }
  types.push_back(input.clone(shape));
  return success();
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  auto filter = rankedOf(adaptor.getFilter().getType());
  bool nhwc = adaptor.getLayout() == ImageLayout::nhwc;
  if (filter.getRank() == 6)
    return inferPackedConvType(loc, adaptor, types);
  if (input.getRank() != 4 || filter.getRank() != 4)
    return emitOptionalError(loc, "expects rank-4 input (", nhwc ? "NHWC" : "NCHW",
                             ") and filter (", nhwc ? "HWIO" : "MCkHkW", "), got ranks ",
                             input.getRank(), " and ", filter.getRank());
  if (failed(checkPositive(loc, "strides", adaptor.getStrides(), 2)) ||
      failed(checkPositive(loc, "dilations", adaptor.getDilations(), 2)) ||
      failed(checkPads(loc, adaptor.getPads(), 4)))
    return failure();
  // NCHW: input [N, C, H, W], filter [M, C/g, kH, kW].
  // NHWC: input [N, H, W, C], filter HWIO [kH, kW, C/g, M].
  int64_t channelDim = nhwc ? 3 : 1, firstSpatial = nhwc ? 1 : 2;
  int64_t filterOutDim = nhwc ? 3 : 0, filterInDim = nhwc ? 2 : 1,
          filterSpatial = nhwc ? 0 : 2;
  int64_t group = adaptor.getGroup();
  int64_t channels = input.getDimSize(channelDim),
          filters = filter.getDimSize(filterOutDim);
  if (group < 1 || channels % group != 0 || filters % group != 0)
    return emitOptionalError(loc, "group ", group, " must be positive and divide both the ",
                             channels, " input channels and the ", filters, " filters");
  if (filter.getDimSize(filterInDim) * group != channels) {
    if (nhwc)
      return emitOptionalError(loc, "HWIO filter has ", filter.getDimSize(filterInDim),
                               " input channels per group (dimension 2) but the NHWC "
                               "input has ",
                               channels, " channels (dimension 3) in ", group, " groups");
    return emitOptionalError(loc, "filter has ", filter.getDimSize(1),
                             " channels per group but the input has ", channels,
                             " channels in ", group, " groups");
  }
  if (Value bias = adaptor.getBias()) {
    auto biasType = rankedOf(bias.getType());
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != filters)
      return emitOptionalError(loc, "bias must have shape [", filters, "], got ", biasType);
  }
  SmallVector<int64_t> shape(4, 0);
  shape[0] = input.getDimSize(0);
  shape[channelDim] = filters;
  for (int i = 0; i < 2; ++i) {
    auto out = windowOutputSize(loc, input.getDimSize(firstSpatial + i),
                                filter.getDimSize(filterSpatial + i),
                                adaptor.getStrides()[i], adaptor.getPads()[i],
                                adaptor.getPads()[2 + i], adaptor.getDilations()[i],
                                /*ceilMode=*/false, i == 0 ? "height" : "width");
    if (failed(out))
      return failure();
    shape[firstSpatial + i] = *out;
  }
  types.push_back(input.clone(shape));
  return success();
}

/// conv2d_winograd: 3x3, stride 1, dilation 1 and the Winograd-domain
/// filter [P, 6, 6, C, NR]; M is the out_channels attribute (the panels'
/// padding columns hide it).
LogicalResult Conv2DWinogradOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  auto filter = rankedOf(adaptor.getFilter().getType());
  if (input.getRank() != 4 || filter.getRank() != 5)
    return emitOptionalError(loc,
                             "expects a rank-4 NHWC input and a rank-5 "
                             "Winograd filter [P, 6, 6, C, NR], got ranks ",
                             input.getRank(), " and ", filter.getRank());
  if (!input.getElementType().isF32() || !filter.getElementType().isF32())
    return emitOptionalError(loc, "is f32 only, got input ", input,
                             " and filter ", filter);
  if (failed(checkPads(loc, adaptor.getPads(), 4)))
    return failure();
  int64_t m = adaptor.getOutChannels();
  if (m < 1)
    return emitOptionalError(loc, "out_channels must be positive, got ", m);
  SmallVector<int64_t> shape{input.getDimSize(0), 0, 0, m};
  for (int i = 0; i < 2; ++i) {
    auto out = windowOutputSize(loc, input.getDimSize(1 + i), /*kernel=*/3,
                                /*stride=*/1, adaptor.getPads()[i],
                                adaptor.getPads()[2 + i], /*dilation=*/1,
                                /*ceilMode=*/false, i == 0 ? "height" : "width");
    if (failed(out))
      return failure();
    shape[1 + i] = *out;
  }
  types.push_back(input.clone(shape));
  return success();
}

LogicalResult ConvTranspose2DOp::inferReturnTypes(MLIRContext *,
                                                  std::optional<Location> loc,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  auto filter = rankedOf(adaptor.getFilter().getType());
  if (input.getRank() != 4 || filter.getRank() != 4)
    return emitOptionalError(loc, "expects rank-4 input (NCHW) and filter (CMkHkW), got ranks ",
                             input.getRank(), " and ", filter.getRank());
  if (failed(checkPositive(loc, "strides", adaptor.getStrides(), 2)) ||
      failed(checkPositive(loc, "dilations", adaptor.getDilations(), 2)) ||
      failed(checkPads(loc, adaptor.getPads(), 4)))
    return failure();
  ArrayRef<int64_t> outPad = adaptor.getOutputPadding();
  if (outPad.size() != 2 || outPad[0] < 0 || outPad[1] < 0)
    return emitOptionalError(loc, "'output_padding' must be 2 non-negative values");
  int64_t group = adaptor.getGroup();
  if (group < 1 || input.getDimSize(1) != filter.getDimSize(0) ||
      input.getDimSize(1) % group != 0)
    return emitOptionalError(loc, "filter's first dimension ", filter.getDimSize(0),
                             " must equal the input channels ", input.getDimSize(1),
                             " and be divisible by group ", group);
  int64_t outChannels = filter.getDimSize(1) * group;
  if (Value bias = adaptor.getBias()) {
    auto biasType = rankedOf(bias.getType());
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != outChannels)
      return emitOptionalError(loc, "bias must have shape [", outChannels, "], got ",
                               biasType);
  }
  SmallVector<int64_t> shape = {input.getDimSize(0), outChannels, 0, 0};
  for (int i = 0; i < 2; ++i) {
    int64_t out = adaptor.getStrides()[i] * (input.getDimSize(2 + i) - 1) + outPad[i] +
                  (filter.getDimSize(2 + i) - 1) * adaptor.getDilations()[i] + 1 -
                  adaptor.getPads()[i] - adaptor.getPads()[2 + i];
    if (out <= 0)
      return emitOptionalError(loc, "output ", i == 0 ? "height" : "width",
                               " would be ", out);
    shape[2 + i] = out;
  }
  types.push_back(input.clone(shape));
  return success();
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto lhs = rankedOf(adaptor.getLhs().getType());
  auto rhs = rankedOf(adaptor.getRhs().getType());
  if (lhs.getRank() < 1 || rhs.getRank() < 1)
    return emitOptionalError(loc, "matmul operands must have rank >= 1");
  SmallVector<int64_t> l(lhs.getShape()), r(rhs.getShape());
  bool promoteL = l.size() == 1, promoteR = r.size() == 1;
  if (promoteL)
    l.insert(l.begin(), 1);
  if (promoteR)
    r.push_back(1);
  if (l.back() != r[r.size() - 2])
    return emitOptionalError(loc, "contraction dimensions differ: lhs has ", l.back(),
                             ", rhs has ", r[r.size() - 2]);
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(ArrayRef(l).drop_back(2),
                                          ArrayRef(r).drop_back(2), batch))
    return emitOptionalError(loc, "batch dimensions are not broadcast-compatible");
  if (!promoteL)
    batch.push_back(l[l.size() - 2]);
  if (!promoteR)
    batch.push_back(r.back());
  types.push_back(lhs.clone(batch));
  return success();
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto a = rankedOf(adaptor.getA().getType());
  auto b = rankedOf(adaptor.getB().getType());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "gemm operands A and B must be rank 2");
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t ka = a.getDimSize(adaptor.getTransA() ? 0 : 1);
  int64_t kb = b.getDimSize(adaptor.getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  if (ka != kb)
    return emitOptionalError(loc, "contraction dimensions differ: A has ", ka, ", B has ",
                             kb);
  if (Value c = adaptor.getC()) {
    SmallVector<int64_t> out;
    if (!OpTrait::util::getBroadcastedShape({m, n}, rankedOf(c.getType()).getShape(),
                                            out) ||
        out != SmallVector<int64_t>{m, n})
      return emitOptionalError(loc, "C of type ", c.getType(),
                               " does not broadcast to [", m, ", ", n, "]");
  }
  types.push_back(a.clone({m, n}));
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  if (input.getRank() < 2)
    return emitOptionalError(loc, "input must have rank >= 2 (N, C, ...)");
  int64_t channels = input.getDimSize(1);
  for (Value param : {adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
                      adaptor.getVariance()}) {
    auto t = rankedOf(param.getType());
    if (t.getRank() != 1 || t.getDimSize(0) != channels)
      return emitOptionalError(loc, "parameters must have shape [", channels, "], got ", t);
  }
  types.push_back(input);
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  int64_t rank = input.getRank();
  if (failed(kiln::detail::checkAxis(loc, adaptor.getAxis(), rank)))
    return failure();
  int64_t axis = adaptor.getAxis() < 0 ? adaptor.getAxis() + rank : adaptor.getAxis();
  ArrayRef<int64_t> normalized = input.getShape().drop_front(axis);
  for (Value param : {adaptor.getScale(), adaptor.getBias()}) {
    if (!param)
      continue;
    SmallVector<int64_t> out;
    if (!OpTrait::util::getBroadcastedShape(normalized, rankedOf(param.getType()).getShape(),
                                            out) ||
        ArrayRef<int64_t>(out) != normalized)
      return emitOptionalError(loc, "scale and bias must broadcast to the normalised shape");
  }
  types.push_back(input);
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (static_cast<int64_t>(perm.size()) != input.getRank())
    return emitOptionalError(loc, "'perm' has ", perm.size(), " entries for rank ",
                             input.getRank());
  llvm::SmallBitVector seen(perm.size());
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= input.getRank() || seen[p])
      return emitOptionalError(loc, "'perm' is not a permutation of 0..",
                               input.getRank() - 1);
    seen.set(p);
    shape.push_back(input.getDimSize(p));
  }
  types.push_back(input.clone(shape));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "concat needs at least one input");
  auto first = rankedOf(adaptor.getInputs().front().getType());
  int64_t rank = first.getRank();
  if (failed(kiln::detail::checkAxis(loc, adaptor.getAxis(), rank)))
    return failure();
  int64_t axis = adaptor.getAxis() < 0 ? adaptor.getAxis() + rank : adaptor.getAxis();
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value input : adaptor.getInputs()) {
    auto t = rankedOf(input.getType());
    if (t.getRank() != rank || t.getElementType() != first.getElementType())
      return emitOptionalError(loc, "inputs must share rank and element type");
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis && t.getDimSize(i) != first.getDimSize(i))
        return emitOptionalError(loc, "inputs differ in dimension ", i,
                                 " which is not the concat axis");
    shape[axis] += t.getDimSize(axis);
  }
  types.push_back(first.clone(shape));
  return success();
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  ArrayRef<int64_t> offsets = adaptor.getOffsets(), sizes = adaptor.getSizes(),
                    strides = adaptor.getStrides();
  size_t rank = input.getRank();
  if (offsets.size() != rank || sizes.size() != rank || strides.size() != rank)
    return emitOptionalError(loc, "'offsets', 'sizes' and 'strides' need ", rank,
                             " entries each");
  for (size_t i = 0; i < rank; ++i) {
    int64_t dim = input.getDimSize(i);
    if (strides[i] == 0 || sizes[i] < 0)
      return emitOptionalError(loc, "dimension ", i, ": stride must be non-zero and size >= 0");
    int64_t last = offsets[i] + (sizes[i] - 1) * strides[i];
    if (sizes[i] > 0 && (offsets[i] < 0 || offsets[i] >= dim || last < 0 || last >= dim))
      return emitOptionalError(loc, "dimension ", i, ": window [", offsets[i], ", ", last,
                               "] is outside [0, ", dim, ")");
  }
  types.push_back(input.clone(sizes));
  return success();
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  int64_t rank = input.getRank();
  if (failed(kiln::detail::checkAxis(loc, adaptor.getAxis(), rank)))
    return failure();
  int64_t axis = adaptor.getAxis() < 0 ? adaptor.getAxis() + rank : adaptor.getAxis();
  int64_t total = 0;
  for (int64_t size : adaptor.getSizes()) {
    if (size < 0)
      return emitOptionalError(loc, "split sizes must not be negative");
    total += size;
  }
  if (total != input.getDimSize(axis))
    return emitOptionalError(loc, "split sizes add up to ", total, " but dimension ", axis,
                             " is ", input.getDimSize(axis));
  for (int64_t size : adaptor.getSizes()) {
    SmallVector<int64_t> shape(input.getShape());
    shape[axis] = size;
    types.push_back(input.clone(shape));
  }
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  int64_t rank = input.getRank();
  ArrayRef<int64_t> pads = adaptor.getPads();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return emitOptionalError(loc, "'pads' needs ", 2 * rank, " entries, got ", pads.size());
  SmallVector<int64_t> shape(input.getShape());
  for (int64_t i = 0; i < rank; ++i) {
    shape[i] += pads[i] + pads[rank + i];
    if (shape[i] < 0)
      return emitOptionalError(loc, "padding makes dimension ", i, " negative");
    bool reflect = adaptor.getMode() == PadMode::reflect;
    if (reflect && (pads[i] >= input.getDimSize(i) || pads[rank + i] >= input.getDimSize(i)))
      return emitOptionalError(loc, "reflect padding of dimension ", i,
                               " must be smaller than its size ", input.getDimSize(i));
  }
  types.push_back(input.clone(shape));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto data = rankedOf(adaptor.getData().getType());
  auto indices = rankedOf(adaptor.getIndices().getType());
  int64_t rank = data.getRank();
  if (rank < 1)
    return emitOptionalError(loc, "data must have rank >= 1");
  if (failed(kiln::detail::checkAxis(loc, adaptor.getAxis(), rank)))
    return failure();
  int64_t axis = adaptor.getAxis() < 0 ? adaptor.getAxis() + rank : adaptor.getAxis();
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  types.push_back(data.clone(shape));
  return success();
}
