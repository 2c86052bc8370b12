//===- ImportContext.cpp - State shared by the ONNX op builders -----------===//

#include "lib/frontend/onnx/ImportContext.h"
#include "lib/frontend/onnx/TensorChecks.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <cstring>

using namespace mlir;
using namespace kiln::frontend::detail;
using onnx::TensorProto;

ImportContext::ImportContext(OpBuilder &builder, int64_t opset,
                             Location fileLoc)
    : b(builder), ctx(builder.getContext()), opset(opset), fileLoc(fileLoc),
      nodeLoc(fileLoc) {}

Type ImportContext::elementType(int32_t onnxType) const {
  switch (onnxType) {
  case TensorProto::FLOAT:
    return Float32Type::get(ctx);
  case TensorProto::FLOAT16:
    return Float16Type::get(ctx);
  case TensorProto::BOOL:
    return IntegerType::get(ctx, 1);
  case TensorProto::INT8:
    return IntegerType::get(ctx, 8);
  case TensorProto::UINT8:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case TensorProto::INT32:
    return IntegerType::get(ctx, 32);
  case TensorProto::INT64:
    return IntegerType::get(ctx, 64);
  default:
    return {};
  }
}

//===----------------------------------------------------------------------===//
// Tensor contents
//===----------------------------------------------------------------------===//

/// The tensor's elements packed little-endian at MLIR's storage width.
static std::vector<char> tensorBytes(const TensorProto &t,
                                     RankedTensorType type) {
  if (t.has_raw_data())
    return std::vector<char>(t.raw_data().begin(), t.raw_data().end());
  int64_t n = type.getNumElements();
  unsigned width = std::max(1u, type.getElementTypeBitWidth() / 8);
  std::vector<char> bytes(n * width);
  for (int64_t i = 0; i < n; ++i) {
    char *dst = bytes.data() + i * width;
    if (t.data_type() == TensorProto::FLOAT) {
      float v = t.float_data(i);
      std::memcpy(dst, &v, 4);
    } else if (t.data_type() == TensorProto::INT64) {
      int64_t v = t.int64_data(i);
      std::memcpy(dst, &v, 8);
    } else {
      // int32_data carries every narrower type, f16 as its bit pattern.
      int32_t v = t.int32_data(i);
      std::memcpy(dst, &v, width);
    }
  }
  return bytes;
}

FailureOr<DenseElementsAttr>
kiln::frontend::detail::denseFromTensor(const TensorProto &t,
                                        RankedTensorType type) {
  std::vector<char> bytes = tensorBytes(t, type);
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> bits(bytes.size());
    for (auto [i, c] : llvm::enumerate(bytes))
      bits[i] = c != 0;
    return DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  }
  bool splat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, bytes, splat))
    return failure();
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

SmallVector<int64_t> kiln::frontend::detail::intsOf(DenseElementsAttr attr) {
  SmallVector<int64_t> out;
  Type elem = attr.getElementType();
  if (isa<FloatType>(elem)) {
    for (const APFloat &v : attr.getValues<APFloat>())
      out.push_back(static_cast<int64_t>(v.convertToDouble()));
    return out;
  }
  bool zext = elem.isUnsignedInteger() || elem.isInteger(1);
  for (const APInt &v : attr.getValues<APInt>())
    out.push_back(zext ? static_cast<int64_t>(v.getZExtValue())
                       : v.getSExtValue());
  return out;
}

SmallVector<double> kiln::frontend::detail::floatsOf(DenseElementsAttr attr) {
  if (!isa<FloatType>(attr.getElementType()))
    return llvm::to_vector(llvm::map_range(
        intsOf(attr), [](int64_t v) { return static_cast<double>(v); }));
  SmallVector<double> out;
  for (const APFloat &v : attr.getValues<APFloat>()) {
    APFloat d = v;
    bool lost;
    d.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
    out.push_back(d.convertToDouble());
  }
  return out;
}

DenseElementsAttr kiln::frontend::detail::makeDense(RankedTensorType type,
                                                    ArrayRef<int64_t> ints) {
  Type elem = type.getElementType();
  if (auto ft = dyn_cast<FloatType>(elem)) {
    SmallVector<double> d(ints.begin(), ints.end());
    return makeDenseFloat(type, d);
  }
  if (elem.isInteger(1))
    return DenseElementsAttr::get(
        type, ArrayRef<bool>(llvm::to_vector(
                  llvm::map_range(ints, [](int64_t v) { return v != 0; }))));
  unsigned width = elem.getIntOrFloatBitWidth();
  SmallVector<APInt> vals;
  for (int64_t v : ints)
    vals.push_back(APInt(width, static_cast<uint64_t>(v), /*isSigned=*/true,
                         /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, vals);
}

DenseElementsAttr
kiln::frontend::detail::makeDenseFloat(RankedTensorType type,
                                       ArrayRef<double> values) {
  auto ft = dyn_cast<FloatType>(type.getElementType());
  if (!ft)
    return makeDense(type, llvm::to_vector(llvm::map_range(
                               values, [](double v) { return (int64_t)v; })));
  SmallVector<APFloat> vals;
  for (double v : values) {
    APFloat f(v);
    bool lost;
    f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    vals.push_back(f);
  }
  return DenseElementsAttr::get(type, vals);
}

//===----------------------------------------------------------------------===//
// Slots
//===----------------------------------------------------------------------===//

static RankedTensorType tensorTypeOf(const ImportContext &ic,
                                     const TensorProto &t) {
  Type elem = ic.elementType(t.data_type());
  if (!elem)
    return {};
  return RankedTensorType::get(llvm::to_vector(t.dims()), elem);
}

LogicalResult ImportContext::addTensor(StringRef name, const TensorProto &t) {
  TensorSlot slot;
  slot.tensor = &t;
  if (RankedTensorType type = tensorTypeOf(*this, t);
      type && type.getNumElements() <= kMaxFoldedElements) {
    FailureOr<DenseElementsAttr> dense = denseFromTensor(t, type);
    if (failed(dense))
      return emitError(fileLoc)
             << "tensor '" << name << "' holds malformed data";
    slot.constant = *dense;
  }
  slots[name] = slot;
  return success();
}

void ImportContext::addValue(StringRef name, Value value) {
  TensorSlot slot;
  slot.value = value;
  slots[name] = slot;
}

/// Blob keys are printed as identifiers; keep them readable and valid.
static std::string blobName(StringRef tensorName) {
  std::string s;
  for (char c : tensorName)
    s += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  if (s.empty() || llvm::isDigit(s[0]))
    s = "t_" + s;
  return s;
}

FailureOr<Value> ImportContext::materialize(StringRef name, TensorSlot &slot,
                                            Type reinterpretAs) {
  if (slot.value && !reinterpretAs)
    return slot.value;
  const TensorProto *t = slot.tensor;
  if (!t && !slot.constant)
    return failure();
  RankedTensorType type = slot.constant
                              ? cast<RankedTensorType>(slot.constant.getType())
                              : tensorTypeOf(*this, *t);
  if (!type)
    return emitError(fileLoc)
           << "tensor '" << name << "' has ONNX data type "
           << TensorProto::DataType_Name(
                  static_cast<TensorProto::DataType>(t->data_type()))
           << ", which Kiln does not support";
  if (reinterpretAs)
    type = type.clone(reinterpretAs);
  Type elem = type.getElementType();
  bool dense = !t || elem.isInteger(1) ||
               (isa<IntegerType>(elem) && type.getNumElements() <= 64);
  ElementsAttr value;
  if (dense && slot.constant) {
    value =
        reinterpretAs ? slot.constant.bitcast(reinterpretAs) : slot.constant;
  } else {
    std::vector<char> bytes = tensorBytes(*t, type);
    size_t align = std::max<size_t>(1, elem.getIntOrFloatBitWidth() / 8);
    value = DenseResourceElementsAttr::get(
        type, blobName(name),
        HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, align));
  }
  Value result = kiln::ConstantOp::create(
      b, NameLoc::get(b.getStringAttr(name), fileLoc), value);
  if (!reinterpretAs)
    slot.value = result;
  return result;
}

Value ImportContext::constantInputAs(unsigned i, Type elem) {
  if (!hasInput(i))
    return {};
  auto it = slots.find(current->input(i));
  if (it == slots.end() || (!it->second.tensor && !it->second.constant))
    return {};
  RankedTensorType type = typeOf(current->input(i));
  if (!type || type.getElementTypeBitWidth() != elem.getIntOrFloatBitWidth())
    return {};
  FailureOr<Value> v = materialize(current->input(i), it->second, elem);
  return succeeded(v) ? *v : Value();
}

FailureOr<Value> ImportContext::lookup(StringRef name) {
  auto it = slots.find(name);
  if (it == slots.end())
    return failure();
  return materialize(name, it->second);
}

Value ImportContext::constant(DenseElementsAttr value) {
  return kiln::ConstantOp::create(b, nodeLoc, value);
}

Value ImportContext::scalar(Type elem, double value) {
  return constant(makeDenseFloat(RankedTensorType::get({}, elem), {value}));
}

Value ImportContext::reshape(Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return kiln::ReshapeOp::create(b, nodeLoc, type.clone(shape), value);
}

//===----------------------------------------------------------------------===//
// The current node
//===----------------------------------------------------------------------===//

void ImportContext::beginNode(const onnx::NodeProto &node) {
  current = &node;
  // Unnamed nodes are known by their first output.
  nodeName = node.name().empty() && node.output_size()
                 ? node.op_type() + "->" + node.output(0)
                 : node.name();
  nodeLoc = NameLoc::get(b.getStringAttr(nodeName), fileLoc);
}

InFlightDiagnostic ImportContext::emitNodeError() {
  return emitError(nodeLoc)
         << "node '" << nodeName << "' (" << current->op_type() << "): ";
}

bool ImportContext::hasInput(unsigned i) const {
  return i < numInputs() && !current->input(i).empty();
}

Value ImportContext::input(unsigned i) {
  if (!hasInput(i))
    return {};
  FailureOr<Value> v = lookup(current->input(i));
  return succeeded(v) ? *v : Value();
}

RankedTensorType ImportContext::inputType(unsigned i) {
  return hasInput(i) ? typeOf(current->input(i)) : RankedTensorType();
}

RankedTensorType ImportContext::typeOf(StringRef name) const {
  auto it = slots.find(name);
  if (it == slots.end())
    return {};
  if (it->second.value)
    return cast<RankedTensorType>(it->second.value.getType());
  if (it->second.constant)
    return cast<RankedTensorType>(it->second.constant.getType());
  return tensorTypeOf(*this, *it->second.tensor);
}

DenseElementsAttr ImportContext::constInput(unsigned i) {
  if (!hasInput(i))
    return {};
  auto it = slots.find(current->input(i));
  return it == slots.end() ? DenseElementsAttr() : it->second.constant;
}

FailureOr<SmallVector<int64_t>> ImportContext::constInts(unsigned i,
                                                         StringRef what) {
  DenseElementsAttr c = constInput(i);
  if (!c)
    return emitNodeError() << "the " << what << " (input " << i
                           << ") must be a constant known at import time";
  return intsOf(c);
}

FailureOr<SmallVector<double>> ImportContext::constFloats(unsigned i,
                                                          StringRef what) {
  DenseElementsAttr c = constInput(i);
  if (!c)
    return emitNodeError() << "the " << what << " (input " << i
                           << ") must be a constant known at import time";
  return floatsOf(c);
}

void ImportContext::setOutput(unsigned i, Value value) {
  if (i < numOutputs() && !current->output(i).empty())
    addValue(current->output(i), value);
}

void ImportContext::setConstOutput(unsigned i, DenseElementsAttr value) {
  if (i >= numOutputs() || current->output(i).empty())
    return;
  TensorSlot slot;
  slot.constant = value;
  slots[current->output(i)] = slot;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *ImportContext::attr(StringRef name) const {
  for (const auto &a : current->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t ImportContext::attrInt(StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

float ImportContext::attrFloat(StringRef name, float dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string ImportContext::attrString(StringRef name, StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

SmallVector<int64_t> ImportContext::attrInts(StringRef name) const {
  const auto *a = attr(name);
  return a ? SmallVector<int64_t>(a->ints().begin(), a->ints().end())
           : SmallVector<int64_t>();
}

SmallVector<float> ImportContext::attrFloats(StringRef name) const {
  const auto *a = attr(name);
  return a ? SmallVector<float>(a->floats().begin(), a->floats().end())
           : SmallVector<float>();
}
