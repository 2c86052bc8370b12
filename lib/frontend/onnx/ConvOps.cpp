//===- ConvOps.cpp - Conv and ConvTranspose builders ----------------------===//

#include "lib/frontend/onnx/OpTable.h"
#include "lib/frontend/onnx/ShapeMath.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
/// Stride/dilation/pad attributes of a 2-D window op, with auto_pad resolved
/// to explicit [top, left, bottom, right] pads.
struct Window2D {
  SmallVector<int64_t> kernel, strides, dilations, pads;
};

FailureOr<Window2D> readWindow(ImportContext &ic, ArrayRef<int64_t> spatialIn,
                               ArrayRef<int64_t> kernel) {
  Window2D w;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = ic.attrInts("strides");
  w.dilations = ic.attrInts("dilations");
  w.pads = ic.attrInts("pads");
  if (w.strides.empty())
    w.strides.assign(2, 1);
  if (w.dilations.empty())
    w.dilations.assign(2, 1);
  if (w.pads.empty())
    w.pads.assign(4, 0);
  if (w.strides.size() != 2 || w.dilations.size() != 2 || w.pads.size() != 4)
    return ic.emitNodeError() << "expects 2 spatial dimensions in strides, "
                                 "dilations and pads";
  std::string autoPad = ic.attrString("auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    w.pads.assign(4, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int i = 0; i < 2; ++i) {
      int64_t out = (spatialIn[i] + w.strides[i] - 1) / w.strides[i];
      int64_t span = (kernel[i] - 1) * w.dilations[i] + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[i] + span - spatialIn[i]);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      w.pads[i + 2] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad != "NOTSET") {
    return ic.emitNodeError() << "unknown auto_pad '" << autoPad << "'";
  }
  return w;
}

/// 1-D convolutions run as 2-D ones over a height of 1.
Value as2D(ImportContext &ic, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() != 3)
    return v;
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + 2, 1);
  return ic.reshape(v, shape);
}

/// Reads the window of a 1-D or 2-D node, widening 1-D lists to 2-D.
FailureOr<Window2D> readAnyWindow(ImportContext &ic, RankedTensorType x,
                                  ArrayRef<int64_t> kernel) {
  bool is1D = x.getRank() == 3;
  if (!is1D)
    return readWindow(ic, x.getShape().drop_front(2), kernel);
  // Read 1-D attributes as if they had a leading unit dimension.
  SmallVector<int64_t> strides = ic.attrInts("strides"),
                       dil = ic.attrInts("dilations"),
                       pads = ic.attrInts("pads");
  Window2D w;
  w.kernel = {1, kernel[0]};
  w.strides = strides.empty() ? SmallVector<int64_t>{1} : strides;
  w.dilations = dil.empty() ? SmallVector<int64_t>{1} : dil;
  w.pads = pads.empty() ? SmallVector<int64_t>{0, 0} : pads;
  std::string autoPad = ic.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID")
    return ic.emitNodeError()
           << "auto_pad " << autoPad << " is supported for 2-D windows only";
  if (autoPad == "VALID")
    w.pads = {0, 0};
  if (w.strides.size() != 1 || w.dilations.size() != 1 || w.pads.size() != 2)
    return ic.emitNodeError() << "expects 1 spatial dimension in strides, "
                                 "dilations and pads";
  w.strides.insert(w.strides.begin(), 1);
  w.dilations.insert(w.dilations.begin(), 1);
  w.pads = {0, w.pads[0], 0, w.pads[1]};
  return w;
}

Value as1D(ImportContext &ic, Value v, bool is1D) {
  if (!is1D)
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + 2);
  return ic.reshape(v, shape);
}

/// A 1-D or 2-D convolution of `input` by `filter` with the node's window
/// attributes; `x` and `w` are the node's input and filter types.
FailureOr<Value> createConv(ImportContext &ic, Value input, Value filter, Value bias,
                            RankedTensorType x, RankedTensorType w) {
  if (!x || !w || (x.getRank() != 4 && x.getRank() != 3) ||
      w.getRank() != x.getRank())
    return ic.emitNodeError() << "only 1-D and 2-D convolutions are supported";
  FailureOr<Window2D> win = readAnyWindow(ic, x, w.getShape().drop_front(2));
  if (failed(win) || !input || !filter)
    return failure();
  bool is1D = x.getRank() == 3;
  auto conv = ic.create<kiln::Conv2DOp>(
      as2D(ic, input), as2D(ic, filter), bias, Value(), win->strides,
      win->pads, win->dilations, ic.attrInt("group", 1),
      kiln::ActivationKind::none, DenseF32ArrayAttr());
  if (failed(conv))
    return failure();
  return as1D(ic, conv->getResult(), is1D);
}

LogicalResult buildConv(ImportContext &ic) {
  RankedTensorType x = ic.inputType(0), w = ic.inputType(1);
  // Materialise in operand order so that constants appear as they are read.
  Value input = ic.input(0);
  Value filter = ic.input(1);
  Value bias = ic.input(2);
  FailureOr<Value> y = createConv(ic, input, filter, bias, x, w);
  if (failed(y))
    return failure();
  ic.setOutput(0, *y);
  return success();
}

/// QLinearConv as the QDQ form kiln-quantize-ops turns into the int8 conv:
/// dequantize(x), dequantize(w) (per output channel when w_scale has one
/// value per filter), the int32 bias dequantised with x_scale * w_scale,
/// a float conv, and quantize to y's type.
LogicalResult buildQLinearConv(ImportContext &ic) {
  RankedTensorType x = ic.inputType(0), w = ic.inputType(3);
  if (!x || !w)
    return failure();
  Type xStorage = x.getElementType(), wStorage = w.getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(xStorage))
    xStorage = q.isSigned() ? IntegerType::get(ic.ctx, 8)
                            : IntegerType::get(ic.ctx, 8, IntegerType::Unsigned);
  FailureOr<quant::QuantizedType> qx =
      readQuantType(ic, 1, 2, xStorage, x.getRank(), std::nullopt, "x");
  FailureOr<quant::QuantizedType> qw =
      readQuantType(ic, 4, 5, wStorage, w.getRank(), 0, "w");
  FailureOr<quant::QuantizedType> qy =
      readQuantType(ic, 6, 7, xStorage, x.getRank(), std::nullopt, "y");
  if (failed(qx) || failed(qw) || failed(qy))
    return failure();
  FailureOr<Value> xq = quantizedInput(ic, 0, *qx, "x");
  FailureOr<Value> wq = quantizedInput(ic, 3, *qw, "w");
  if (failed(xq) || failed(wq))
    return failure();
  Value bias;
  if (ic.hasInput(8)) {
    RankedTensorType b = ic.inputType(8);
    int64_t m = w.getDimSize(0);
    if (!b || b.getRank() != 1 || b.getDimSize(0) != m ||
        !b.getElementType().isSignlessInteger(32))
      return ic.emitNodeError() << "bias must be int32 of shape [" << m << "]";
    double xScale = cast<quant::UniformQuantizedType>(*qx).getScale();
    SmallVector<double> scales;
    if (auto pt = dyn_cast<quant::UniformQuantizedType>(*qw))
      scales.assign(m, xScale * pt.getScale());
    else
      for (double s : cast<quant::UniformQuantizedPerAxisType>(*qw).getScales())
        scales.push_back(xScale * s);
    auto qb = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, b.getElementType(), Float32Type::get(ic.ctx),
        scales, SmallVector<int64_t>(m, 0), 0, llvm::minIntN(32), llvm::maxIntN(32));
    FailureOr<Value> bq = quantizedInput(ic, 8, qb, "bias");
    if (failed(bq))
      return failure();
    bias = dequantizeValue(ic, *bq);
  }
  Value xf = dequantizeValue(ic, *xq);
  Value wf = dequantizeValue(ic, *wq);
  FailureOr<Value> y = createConv(ic, xf, wf, bias, x, w);
  if (failed(y))
    return failure();
  auto yType = cast<RankedTensorType>(y->getType());
  ic.setOutput(0, kiln::QuantizeOp::create(ic.b, ic.loc(), yType.clone(*qy), *y));
  return success();
}

/// ConvInteger: int32 output of the integer conv of (x - x_zp) and
/// (w - w_zp), computed in float on centred values and cast back; refused
/// when the accumulation could leave float's exact integer range.
LogicalResult buildConvInteger(ImportContext &ic) {
  RankedTensorType x = ic.inputType(0), w = ic.inputType(1);
  if (!x || !w)
    return failure();
  for (RankedTensorType t : {x, w})
    if (!t.getElementType().isInteger(8))
      return ic.emitNodeError() << "expects int8 or uint8 inputs, got " << t;
  int64_t reduction = 1;
  for (int64_t d : w.getShape().drop_front())
    reduction *= d;
  if (failed(checkExactInFloat(ic, 1, 3, reduction, /*rowsAreOutputs=*/true)))
    return failure();
  Value xv = ic.input(0), wv = ic.input(1);
  if (!xv || !wv)
    return failure();
  Value xzp = ic.hasInput(2) ? ic.input(2) : Value();
  Value wzp = ic.hasInput(3) ? ic.input(3) : Value();
  Value xf = centredFloat(ic, xv, xzp, 1);
  Value wf = centredFloat(ic, wv, wzp, 0);
  FailureOr<Value> y = createConv(ic, xf, wf, Value(), x, w);
  if (failed(y))
    return failure();
  auto yType = cast<RankedTensorType>(y->getType());
  ic.setOutput(0, kiln::CastOp::create(ic.b, ic.loc(),
                                       yType.clone(IntegerType::get(ic.ctx, 32)), *y));
  return success();
}

/// Resolves ConvTranspose's `output_shape` and SAME auto_pad into explicit
/// pads and output_padding, as the ONNX spec defines them: the total padding
/// is what the full output exceeds the target by, split with the odd element
/// at the end for SAME_UPPER and at the start otherwise. A target larger than
/// the full output grows output_padding (zeros plus bias at the end).
LogicalResult resolveTransposeTarget(ImportContext &ic, RankedTensorType x,
                                     RankedTensorType w, StringRef autoPad,
                                     ArrayRef<int64_t> strides,
                                     ArrayRef<int64_t> dil,
                                     SmallVector<int64_t> &pads,
                                     SmallVector<int64_t> &outPad) {
  SmallVector<int64_t> target = ic.attrInts("output_shape");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (target.empty() && !same)
    return success();
  if (target.size() == 4)
    target.erase(target.begin(), target.begin() + 2);
  if (!target.empty() && target.size() != 2)
    return ic.emitNodeError() << "output_shape must give the 2 spatial sizes";
  pads.assign(4, 0);
  for (int i = 0; i < 2; ++i) {
    int64_t in = x.getDimSize(2 + i), k = w.getDimSize(2 + i);
    int64_t want = target.empty() ? in * strides[i] : target[i];
    int64_t full = strides[i] * (in - 1) + (k - 1) * dil[i] + 1 + outPad[i];
    int64_t total = full - want;
    if (total < 0) {
      outPad[i] -= total;
      total = 0;
    }
    int64_t head = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
    pads[i] = head;
    pads[i + 2] = total - head;
  }
  return success();
}

LogicalResult buildConvTranspose(ImportContext &ic) {
  RankedTensorType x = ic.inputType(0), w = ic.inputType(1);
  if (!x || !w || x.getRank() != 4 || w.getRank() != 4)
    return ic.emitNodeError()
           << "only 2-D transposed convolutions are supported";
  std::string autoPad = ic.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return ic.emitNodeError() << "unknown auto_pad '" << autoPad << "'";
  SmallVector<int64_t> strides = ic.attrInts("strides"),
                       dil = ic.attrInts("dilations"),
                       pads = ic.attrInts("pads"),
                       outPad = ic.attrInts("output_padding");
  if (strides.empty())
    strides = {1, 1};
  if (dil.empty())
    dil = {1, 1};
  if (pads.empty() || autoPad == "VALID")
    pads = {0, 0, 0, 0};
  if (outPad.empty())
    outPad = {0, 0};
  if (strides.size() != 2 || dil.size() != 2 || pads.size() != 4 ||
      outPad.size() != 2)
    return ic.emitNodeError() << "expects 2 spatial dimensions in strides, "
                                 "dilations, pads and output_padding";
  if (failed(resolveTransposeTarget(ic, x, w, autoPad, strides, dil, pads,
                                    outPad)))
    return failure();
  return ic.createAsOutput<kiln::ConvTranspose2DOp>(
      ic.input(0), ic.input(1), ic.input(2), strides, pads, dil, outPad,
      ic.attrInt("group", 1));
}

const OpTableEntry kConvOps[] = {
    {"Conv", 1, kMaxOpset, buildConv},
    {"ConvTranspose", 1, kMaxOpset, buildConvTranspose},
    {"QLinearConv", 10, kMaxOpset, buildQLinearConv},
    {"ConvInteger", 10, kMaxOpset, buildConvInteger},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getConvOps() { return kConvOps; }

namespace kiln::frontend::detail {
FailureOr<SmallVector<int64_t>> readPoolPads(ImportContext &ic,
                                             ArrayRef<int64_t> spatialIn,
                                             ArrayRef<int64_t> kernel,
                                             SmallVector<int64_t> &strides,
                                             SmallVector<int64_t> &dilations) {
  FailureOr<Window2D> w = readWindow(ic, spatialIn, kernel);
  if (failed(w))
    return failure();
  strides = w->strides;
  dilations = w->dilations;
  return w->pads;
}
} // namespace kiln::frontend::detail
