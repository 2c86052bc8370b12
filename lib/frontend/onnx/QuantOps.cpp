//===- QuantOps.cpp - QuantizeLinear and DequantizeLinear builders --------===//
//
// Scales and zero points must be constants: they become the parameters of a
// `!quant.uniform` element type, per tensor or per axis.
//
//===----------------------------------------------------------------------===//

#include "lib/frontend/onnx/OpTable.h"
#include "lib/frontend/onnx/ShapeMath.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace kiln::frontend::detail;

FailureOr<quant::QuantizedType>
kiln::frontend::detail::readQuantType(ImportContext &ic, unsigned scaleIdx,
                                      unsigned zpIdx, Type defaultStorage,
                                      int64_t rank, std::optional<int64_t> axis,
                                      StringRef what) {
  FailureOr<SmallVector<double>> scales =
      ic.constFloats(scaleIdx, (what + " scale").str());
  if (failed(scales))
    return failure();
  if (scales->empty())
    return ic.emitNodeError() << what << " scale is empty";
  for (double s : *scales)
    if (!(s > 0) || !std::isfinite(s))
      return ic.emitNodeError() << what << " scale " << s
                                << " is not a positive finite number";
  Type expressed = ic.inputType(scaleIdx).getElementType();
  if (!expressed.isF32())
    return ic.emitNodeError() << what << " scale must be float32, not " << expressed;
  SmallVector<int64_t> zeroPoints(scales->size(), 0);
  Type storage = defaultStorage;
  if (ic.hasInput(zpIdx)) {
    FailureOr<SmallVector<int64_t>> zp =
        ic.constInts(zpIdx, (what + " zero point").str());
    if (failed(zp))
      return failure();
    zeroPoints = *zp;
    storage = ic.inputType(zpIdx).getElementType();
  }
  if (!storage.isInteger(8) && !storage.isSignlessInteger(32))
    return ic.emitNodeError()
           << "only int8, uint8 and int32 quantisation is supported, not "
           << storage;
  if (zeroPoints.size() != scales->size())
    return ic.emitNodeError() << what << " scale and zero point differ in length";
  unsigned width = storage.getIntOrFloatBitWidth();
  bool isSigned = storage.isSignlessInteger();
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  int64_t qmin = isSigned ? llvm::minIntN(width) : 0;
  int64_t qmax = isSigned ? llvm::maxIntN(width) : llvm::maxUIntN(width);
  for (int64_t z : zeroPoints)
    if (z < qmin || z > qmax)
      return ic.emitNodeError() << what << " zero point " << z
                                << " is outside the range [" << qmin << ", "
                                << qmax << "] of " << storage;
  Type storageType = IntegerType::get(ic.ctx, width);
  if (ic.inputType(scaleIdx).getRank() == 0 || scales->size() == 1)
    return quant::QuantizedType(quant::UniformQuantizedType::get(
        flags, storageType, expressed, (*scales)[0], zeroPoints[0], qmin,
        qmax));
  if (!axis || *axis < 0 || *axis >= rank)
    return ic.emitNodeError() << what << " axis is out of range";
  return quant::QuantizedType(quant::UniformQuantizedPerAxisType::get(
      flags, storageType, expressed, *scales, zeroPoints, *axis, qmin, qmax));
}

FailureOr<Value> kiln::frontend::detail::quantizedInput(ImportContext &ic,
                                                        unsigned i,
                                                        quant::QuantizedType q,
                                                        StringRef what) {
  RankedTensorType type = ic.inputType(i);
  if (!type)
    return failure();
  Type elem = type.getElementType();
  if (elem == q)
    return ic.input(i);
  RankedTensorType want = type.clone(q);
  RankedTensorType storage = type.clone(q.getStorageType());
  auto other = dyn_cast<quant::QuantizedType>(elem);
  if (other && other.getStorageType() == q.getStorageType() &&
      other.isSigned() == q.isSigned()) {
    // The producer quantised with other parameters than this node reads it
    // with: the bytes are what counts, so reinterpret them.
    Value bytes = quant::StorageCastOp::create(ic.b, ic.loc(), storage, ic.input(i));
    return Value(quant::StorageCastOp::create(ic.b, ic.loc(), want, bytes));
  }
  if (!other) {
    if (Value constant = ic.constantInputAs(i, q.getStorageType()))
      return Value(quant::StorageCastOp::create(ic.b, ic.loc(), want, constant));
    if (elem == q.getStorageType())
      return Value(quant::StorageCastOp::create(ic.b, ic.loc(), want, ic.input(i)));
  }
  return ic.emitNodeError() << what << " of type " << type
                            << " must be a constant, or come from QuantizeLinear "
                               "or another QLinear op, with "
                            << (q.isSigned() ? "int8" : "uint8") << " storage";
}

Value kiln::frontend::detail::dequantizeValue(ImportContext &ic, Value quantized) {
  auto type = cast<RankedTensorType>(quantized.getType());
  auto q = cast<quant::QuantizedType>(type.getElementType());
  return kiln::DequantizeOp::create(ic.b, ic.loc(), type.clone(q.getExpressedType()),
                                    quantized);
}

/// `v` (integer) in f32 minus its zero point: exact, since 8-bit values and
/// zero points are small integers.
Value kiln::frontend::detail::centredFloat(ImportContext &ic, Value v, Value zeroPoint, int64_t zpAxis) {
  auto type = cast<RankedTensorType>(v.getType());
  auto f32 = type.clone(Float32Type::get(ic.ctx));
  Value x = kiln::CastOp::create(ic.b, ic.loc(), f32, v);
  if (!zeroPoint)
    return x;
  auto zpType = cast<RankedTensorType>(zeroPoint.getType());
  Value zp = kiln::CastOp::create(ic.b, ic.loc(), zpType.clone(Float32Type::get(ic.ctx)),
                                  zeroPoint);
  if (zpType.getNumElements() > 1) {
    // Per-row (MatMul) or per-filter (Conv) zero points broadcast along
    // their axis.
    SmallVector<int64_t> shape(type.getRank(), 1);
    shape[zpAxis] = zpType.getNumElements();
    zp = ic.reshape(zp, shape);
  }
  return kiln::SubOp::create(ic.b, ic.loc(), x, zp);
}

/// Float sums of integers are exact up to 2^24: refuses a ConvInteger or
/// MatMulInteger whose accumulators could go beyond. |x - x_zp| <= 255; the
/// weights' own magnitudes are used when they are known constants.
LogicalResult kiln::frontend::detail::checkExactInFloat(ImportContext &ic, unsigned wIdx, unsigned wzpIdx,
                                int64_t reduction, bool rowsAreOutputs) {
  double bound = 255.0 * 255.0 * static_cast<double>(reduction);
  RankedTensorType w = ic.inputType(wIdx);
  if (DenseElementsAttr values = ic.constInput(wIdx)) {
    SmallVector<int64_t> q = intsOf(values);
    SmallVector<int64_t> zp(1, 0);
    if (ic.hasInput(wzpIdx))
      if (DenseElementsAttr z = ic.constInput(wzpIdx))
        zp = intsOf(z);
    // Conv filters are [M, K...] (rows are outputs); MatMul's B is [K, N].
    int64_t outputs = rowsAreOutputs ? w.getDimSize(0) : w.getShape().back();
    SmallVector<double> sums(outputs, 0.0);
    for (int64_t i = 0, e = q.size(); i < e; ++i) {
      int64_t o = rowsAreOutputs ? i / (e / outputs) : i % outputs;
      sums[o] += std::abs(q[i] - zp[zp.size() == 1 ? 0 : o]);
    }
    bound = 255.0 * *std::max_element(sums.begin(), sums.end());
  }
  if (bound > double(1 << 24))
    return ic.emitNodeError()
           << "its int32 accumulators may reach " << static_cast<int64_t>(bound)
           << ", beyond 2^24, which Kiln does not compute exactly (this op's "
              "integer sums run in float)";
  return success();
}

namespace {
/// The quantised element type described by inputs 1 (scale) and 2 (zero
/// point) of QuantizeLinear / DequantizeLinear. Without a zero point the
/// storage is `defaultStorage` (uint8 for QuantizeLinear, the data's own type
/// for DequantizeLinear).
FailureOr<quant::QuantizedType> quantTypeOf(ImportContext &ic, int64_t rank,
                                            Type defaultStorage) {
  return readQuantType(ic, 1, 2, defaultStorage, rank,
                       normalizeAxis(ic.attrInt("axis", 1), rank), "the");
}

LogicalResult buildQuantize(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  Value x = ic.input(0);
  if (!x)
    return failure();
  FailureOr<quant::QuantizedType> q = quantTypeOf(
      ic, type.getRank(), IntegerType::get(ic.ctx, 8, IntegerType::Unsigned));
  if (failed(q))
    return failure();
  ic.setOutput(0, kiln::QuantizeOp::create(ic.b, ic.loc(), type.clone(*q), x));
  return success();
}

/// DequantizeLinear's input is either QuantizeLinear's result or, as in QDQ
/// models, integer weights stored with their scale beside them: those are
/// reinterpreted (no data change) as the quantised type.
LogicalResult buildDequantize(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  if (!type)
    return failure();
  auto q = dyn_cast<quant::QuantizedType>(type.getElementType());
  // Only quantised inputs are used as they are; integer constants get a
  // reinterpreted copy instead.
  Value x = q ? ic.input(0) : Value();
  if (!q) {
    FailureOr<quant::QuantizedType> qt =
        quantTypeOf(ic, type.getRank(), type.getElementType());
    if (failed(qt))
      return failure();
    q = *qt;
    Value storage = ic.constantInputAs(0, q.getStorageType());
    if (!storage)
      return ic.emitNodeError()
             << "the input must come from QuantizeLinear or be a constant "
                "integer tensor";
    x = quant::StorageCastOp::create(ic.b, ic.loc(), type.clone(q), storage);
  }
  if (!x)
    return failure();
  ic.setOutput(0, kiln::DequantizeOp::create(
                      ic.b, ic.loc(), type.clone(q.getExpressedType()), x));
  return success();
}

const OpTableEntry kQuantOps[] = {
    {"QuantizeLinear", 10, kMaxOpset, buildQuantize},
    {"DequantizeLinear", 10, kMaxOpset, buildDequantize},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getQuantOps() {
  return kQuantOps;
}
