//===- LoweringContext.cpp - Pointers, globals and checked kernel calls ---===//

#include "LoweringContext.h"

#include "kiln/passes/MemoryPlan.h"
#include "kiln/target/QuantParams.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace kiln;
using namespace kiln::codegen;

static StringRef cTypeOf(Type tensorType) {
  Type elem = getStorageElementType(
      cast<RankedTensorType>(tensorType).getElementType());
  if (elem.isF32())
    return "float";
  if (elem.isInteger(64))
    return "int64_t";
  if (elem.isInteger(32))
    return "int32_t";
  if (elem.isSignlessInteger(8) || elem.isSignedInteger(8))
    return "int8_t";
  return "uint8_t";
}

int64_t codegen::normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

int64_t codegen::getNumElements(Value tensor) {
  return cast<RankedTensorType>(tensor.getType()).getNumElements();
}

LoweringContext::LoweringContext(ModuleOp module, emitc::FuncOp run,
                                 const WeightsBlob &weights, StringRef name)
    : module(module), run(run), weights(weights), name(name.str()),
      b(run.getContext()), globals(run.getContext()) {
  globals.setInsertionPoint(run);
  Block &entry = run.getBody().front();
  b.setInsertionPointToStart(&entry);
  Location loc = run.getLoc();
  MLIRContext *ctx = run.getContext();
  auto bytePtr =
      emitc::PointerType::get(IntegerType::get(ctx, 8, IntegerType::Unsigned));
  arena = emitc::CastOp::create(b, loc, bytePtr, run.getArgument(2));
  weightsBase = emitc::LiteralOp::create(
      b, loc,
      emitc::PointerType::get(emitc::OpaqueType::get(ctx, "const uint8_t")),
      this->name + "_weights");
}

Type LoweringContext::pointerType(Type tensor, bool isConst) {
  std::string pointee = (isConst ? "const " : "") + cTypeOf(tensor).str();
  return emitc::PointerType::get(
      emitc::OpaqueType::get(b.getContext(), pointee));
}

Value LoweringContext::offsetPointer(Location loc, Value base, int64_t offset,
                                     Type type) {
  if (offset == 0)
    return emitc::CastOp::create(b, loc, type, base);
  Value literal =
      emitc::LiteralOp::create(b, loc, b.getI32Type(), std::to_string(offset));
  auto expr =
      emitc::ExpressionOp::create(b, loc, type, ValueRange{base, literal});
  Block &body = expr.createBody();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&body);
  Value sum = emitc::AddOp::create(b, loc, base.getType(), body.getArgument(0),
                                   body.getArgument(1));
  Value cast = emitc::CastOp::create(b, loc, type, sum);
  emitc::YieldOp::create(b, loc, cast);
  return expr;
}

Value LoweringContext::loadIndexed(Location loc, Value array, int64_t index,
                                   Type pointee, Type ptr) {
  Value idx =
      emitc::LiteralOp::create(b, loc, b.getI32Type(), std::to_string(index));
  Value slot = emitc::SubscriptOp::create(
      b, loc, emitc::LValueType::get(pointee), array, ValueRange{idx});
  Value loaded = emitc::LoadOp::create(b, loc, pointee, slot);
  return emitc::CastOp::create(b, loc, ptr, loaded);
}

Value LoweringContext::pointer(Value tensor) {
  if (Value p = pointers.lookup(tensor))
    return p;
  Location loc = tensor.getLoc();
  Value p;
  if (auto arg = dyn_cast<BlockArgument>(tensor)) {
    auto pointee = emitc::OpaqueType::get(b.getContext(), "const void *const");
    p = loadIndexed(loc, run.getArgument(0), arg.getArgNumber(), pointee,
                    pointerType(tensor.getType(), /*isConst=*/true));
  } else {
    Operation *def = tensor.getDefiningOp();
    auto it = weights.offsetOf.find(def);
    assert(it != weights.offsetOf.end() && "operand lowered before its use");
    p = offsetPointer(loc, weightsBase, it->second,
                      pointerType(tensor.getType(), /*isConst=*/true));
  }
  pointers[tensor] = p;
  return p;
}

Value LoweringContext::resultPointer(Operation *op, unsigned i) {
  Value result = op->getResult(i);
  if (Value p = pointers.lookup(result))
    return p;
  Location loc = op->getLoc();
  Value p;
  auto outputs = op->getAttrOfType<DenseI64ArrayAttr>("kiln.output");
  auto offsets = op->getAttrOfType<DenseI64ArrayAttr>("kiln.offset");
  if (op->hasAttr("kiln.alias")) {
    p = pointer(op->getOperand(0));
  } else if (outputs && outputs[i] >= 0) {
    Value &out = outputPointers[outputs[i]];
    if (!out) {
      auto pointee = emitc::OpaqueType::get(b.getContext(), "void *const");
      out = loadIndexed(loc, run.getArgument(1), outputs[i], pointee,
                        pointerType(result.getType(), /*isConst=*/false));
    }
    p = out;
  } else {
    p = offsetPointer(loc, arena, offsets[i],
                      pointerType(result.getType(), /*isConst=*/false));
  }
  pointers[result] = p;
  return p;
}

KernelArg LoweringContext::scratch(Operation *op) {
  auto planned = op->getAttrOfType<DenseI64ArrayAttr>("kiln.scratch");
  if (!planned)
    return null();
  Type bytes =
      emitc::PointerType::get(emitc::OpaqueType::get(b.getContext(), "void"));
  return offsetPointer(op->getLoc(), arena, planned[0], bytes);
}

KernelArg LoweringContext::global(StringRef ctype, StringRef prefix,
                                  const std::string &initializer,
                                  int64_t arrayCount) {
  bool isArray = arrayCount > 0;
  std::string &symbol = globalNames[{ctype.str(), initializer}];
  if (symbol.empty()) {
    symbol = ("kiln_" + prefix + "_" + Twine(globalCounts[prefix]++)).str();
    Type type = emitc::OpaqueType::get(b.getContext(), ctype);
    if (isArray)
      type = emitc::ArrayType::get({arrayCount}, type);
    emitc::GlobalOp::create(globals, run.getLoc(), symbol, type,
                            emitc::OpaqueAttr::get(b.getContext(), initializer),
                            /*extern_specifier=*/false,
                            /*static_specifier=*/true,
                            /*const_specifier=*/true);
  }
  return KernelArg(
      emitc::OpaqueAttr::get(b.getContext(), (isArray ? "" : "&") + symbol));
}

KernelArg LoweringContext::shape(Type type) {
  return global("kiln_shape", "shape",
                formatInitializer(toKilnShape(cast<RankedTensorType>(type))),
                /*arrayCount=*/0);
}

KernelArg LoweringContext::params(StringRef ctype, StringRef prefix,
                                  const std::string &initializer) {
  return global(ctype, prefix, initializer, /*arrayCount=*/0);
}

KernelArg LoweringContext::intArray(ArrayRef<int64_t> values) {
  std::string init = "{";
  for (auto [i, v] : llvm::enumerate(values))
    init += (i ? ", " : "") + std::to_string(v);
  init += "}";
  return global("int32_t", "ints", init, values.size());
}

KernelArg LoweringContext::shapeArray(TypeRange types) {
  std::string init = "{";
  for (auto [i, t] : llvm::enumerate(types))
    init += (i ? ", " : "") +
            formatInitializer(toKilnShape(cast<RankedTensorType>(t)));
  init += "}";
  return global("kiln_shape", "shapes", init, types.size());
}

Value LoweringContext::pointerArray(Location loc, ValueRange pointers) {
  MLIRContext *ctx = b.getContext();
  auto elem =
      emitc::PointerType::get(emitc::OpaqueType::get(ctx, "const void"));
  auto arrayType =
      emitc::ArrayType::get({static_cast<int64_t>(pointers.size())}, elem);
  Value array = emitc::VariableOp::create(b, loc, arrayType,
                                          emitc::OpaqueAttr::get(ctx, ""));
  for (auto [i, p] : llvm::enumerate(pointers)) {
    Value idx =
        emitc::LiteralOp::create(b, loc, b.getI32Type(), std::to_string(i));
    Value slot = emitc::SubscriptOp::create(
        b, loc, emitc::LValueType::get(elem), array, ValueRange{idx});
    emitc::AssignOp::create(b, loc, slot,
                            emitc::CastOp::create(b, loc, elem, p));
  }
  return array;
}

KernelArg LoweringContext::floatArray(ArrayRef<float> values) {
  std::string init = "{";
  for (auto [i, v] : llvm::enumerate(values))
    init += (i ? ", " : "") + formatFloat(v);
  init += "}";
  return global("float", "floats", init, values.size());
}

KernelArg LoweringContext::int8Array(ArrayRef<int64_t> values, bool isSigned) {
  std::string init = "{";
  for (auto [i, v] : llvm::enumerate(values))
    init += (i ? ", " : "") + std::to_string(v);
  init += "}";
  return global(isSigned ? "int8_t" : "uint8_t", "zp", init, values.size());
}

KernelArg LoweringContext::requantArray(ArrayRef<kiln_requant> requant) {
  return global("kiln_requant", "requant", formatRequantArray(requant),
                requant.size());
}

KernelArg LoweringContext::requantValue(const kiln_requant &requant) {
  KernelArg pointer = global("kiln_requant", "rq", formatInitializer(requant),
                             /*arrayCount=*/0);
  // The scalar global is handed out as `&name`; this kernel takes it by value.
  StringRef symbol = cast<emitc::OpaqueAttr>(pointer.attr).getValue();
  return KernelArg(
      emitc::OpaqueAttr::get(b.getContext(), symbol.drop_front()));
}

KernelArg LoweringContext::i32(int64_t value) {
  return KernelArg(b.getI32IntegerAttr(static_cast<int32_t>(value)));
}

KernelArg LoweringContext::u32(uint64_t value) {
  return KernelArg(
      emitc::OpaqueAttr::get(b.getContext(), std::to_string(value) + "u"));
}

KernelArg LoweringContext::f32(float value) {
  return KernelArg(emitc::OpaqueAttr::get(b.getContext(), formatFloat(value)));
}

KernelArg LoweringContext::null() {
  return KernelArg(emitc::OpaqueAttr::get(b.getContext(), "NULL"));
}

void LoweringContext::callKernel(Location loc, StringRef callee,
                                 ArrayRef<KernelArg> args) {
  SmallVector<Value> operands;
  SmallVector<Attribute> argAttrs;
  for (const KernelArg &arg : args) {
    if (arg.value) {
      argAttrs.push_back(b.getIndexAttr(operands.size()));
      operands.push_back(arg.value);
    } else {
      argAttrs.push_back(arg.attr);
    }
  }
  Type status = emitc::OpaqueType::get(b.getContext(), "kiln_status");
  auto call = emitc::CallOpaqueOp::create(b, loc, TypeRange{status}, callee,
                                          operands, b.getArrayAttr(argAttrs));
  emitc::VerbatimOp::create(b, loc,
                            b.getStringAttr("if ({} != KILN_OK) return {};"),
                            ValueRange{call.getResult(0), call.getResult(0)});
}

void LoweringContext::finish(Location loc, func::ReturnOp ret) {
  for (auto [j, value] : llvm::enumerate(ret.getOperands())) {
    Operation *def = value.getDefiningOp();
    auto outputs =
        def ? def->getAttrOfType<DenseI64ArrayAttr>("kiln.output") : nullptr;
    unsigned resultNo = def ? cast<OpResult>(value).getResultNumber() : 0;
    if (outputs && outputs[resultNo] == static_cast<int64_t>(j))
      continue;
    // Caller inputs, weights and duplicated results are copied out.
    auto pointee = emitc::OpaqueType::get(b.getContext(), "void *const");
    Value dst = loadIndexed(loc, run.getArgument(1), j, pointee,
                            pointerType(value.getType(), /*isConst=*/false));
    auto type = cast<RankedTensorType>(value.getType());
    int64_t bytes = getTensorBytes(type);
    callKernel(loc, "kiln_copy",
               {pointer(value), dst, i32(type.getNumElements()),
                i32(bytes / std::max<int64_t>(1, type.getNumElements()))});
  }
  Value zero = emitc::LiteralOp::create(
      b, loc, emitc::OpaqueType::get(b.getContext(), "int"), "0");
  emitc::ReturnOp::create(b, loc, zero);
}
