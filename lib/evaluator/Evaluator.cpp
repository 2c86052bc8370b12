//===- Evaluator.cpp - Evaluates kiln ops and functions on the host -------===//

#include "EvalKernels.h"

#include "kiln/target/RuntimeParams.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace kiln;
using namespace kiln::evaluator;

/// Above this size a folded constant becomes a resource blob, as imported
/// weights are, instead of a uniqued `dense` attribute.
static constexpr size_t kResourceThresholdBytes = 1024;

int64_t evaluator::getElementBytes(Type type) {
  // Quantised tensors are stored as their storage integers.
  if (auto q = dyn_cast<quant::QuantizedType>(type))
    type = q.getStorageType();
  if (type.isF32() || type.isInteger(32))
    return 4;
  if (type.isInteger(64))
    return 8;
  if (type.isF16())
    return 2;
  if (type.isInteger(8) || type.isInteger(1))
    return 1;
  return 0;
}

Tensor evaluator::makeTensor(RankedTensorType type) {
  Tensor t;
  t.type = type;
  t.bytes.assign(type.getNumElements() * getElementBytes(type.getElementType()), 0);
  return t;
}

FailureOr<Tensor> evaluator::readElements(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !getElementBytes(type.getElementType()))
    return failure();
  Tensor t = makeTensor(type);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != t.bytes.size())
      return failure();
    std::memcpy(t.bytes.data(), blob->getData().data(), t.bytes.size());
    return t;
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return failure();
  if (type.getElementType().isInteger(1)) {
    for (auto [i, b] : llvm::enumerate(dense.getValues<bool>()))
      t.bytes[i] = b ? 1 : 0;
    return t;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    for (size_t off = 0; off < t.bytes.size(); off += raw.size())
      std::memcpy(t.bytes.data() + off, raw.data(), raw.size());
    return t;
  }
  if (raw.size() != t.bytes.size())
    return failure();
  std::memcpy(t.bytes.data(), raw.data(), raw.size());
  return t;
}

ElementsAttr evaluator::toElementsAttr(const Tensor &tensor, StringRef nameHint) {
  if (tensor.type.getElementType().isInteger(1)) {
    SmallVector<bool> values(tensor.bytes.begin(), tensor.bytes.end());
    return DenseElementsAttr::get(tensor.type, values);
  }
  if (tensor.bytes.size() <= kResourceThresholdBytes)
    return DenseElementsAttr::getFromRawBuffer(tensor.type, tensor.bytes);
  size_t align = getElementBytes(tensor.type.getElementType());
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(tensor.bytes), align);
  return DenseResourceElementsAttr::get(tensor.type, nameHint, std::move(blob));
}

bool evaluator::allF32(Operation *op) {
  auto isF32 = [](Type t) {
    auto ranked = dyn_cast<RankedTensorType>(t);
    return ranked && ranked.getElementType().isF32();
  };
  return llvm::all_of(op->getOperandTypes(), isF32) &&
         llvm::all_of(op->getResultTypes(), isF32);
}

bool evaluator::storableOperand(Operation *op, unsigned i) {
  auto type = dyn_cast<RankedTensorType>(op->getOperand(i).getType());
  return type && getElementBytes(type.getElementType()) > 0;
}

int32_t evaluator::product(ArrayRef<int64_t> shape, int64_t begin, int64_t end) {
  int64_t n = 1;
  for (int64_t i = begin; i < end; ++i)
    n *= shape[i];
  return static_cast<int32_t>(n);
}

std::vector<int64_t> evaluator::broadcastIndices(ArrayRef<int64_t> shape,
                                                 ArrayRef<int64_t> outShape) {
  int64_t rank = outShape.size(), offset = rank - shape.size();
  SmallVector<int64_t> strides(rank, 0);
  for (int64_t d = rank - 1, stride = 1; d >= offset; --d) {
    int64_t dim = shape[d - offset];
    strides[d] = dim == 1 ? 0 : stride;
    stride *= dim;
  }
  int64_t count = 1;
  for (int64_t d : outShape)
    count *= d;
  std::vector<int64_t> indices(count);
  SmallVector<int64_t> pos(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t idx = 0;
    for (int64_t d = 0; d < rank; ++d)
      idx += pos[d] * strides[d];
    indices[i] = idx;
    for (int64_t d = rank - 1; d >= 0 && ++pos[d] == outShape[d]; --d)
      pos[d] = 0;
  }
  return indices;
}

static const EvalKernelTable &getKernelTable() {
  static const EvalKernelTable table = [] {
    EvalKernelTable t;
    populateElementwiseKernels(t);
    populateDenseKernels(t);
    populateDataMovementKernels(t);
    // Last: it wraps the float entries of the ops that also have int8 forms.
    populateQuantKernels(t);
    return t;
  }();
  return table;
}

static const EvalKernel *lookup(Operation *op) {
  const EvalKernelTable &table = getKernelTable();
  auto it = table.find(op->getName().getStringRef());
  return it == table.end() ? nullptr : &it->second;
}

bool evaluator::canEvaluate(Operation *op) {
  if (!llvm::all_of(op->getResultTypes(), [](Type t) {
        auto ranked = dyn_cast<RankedTensorType>(t);
        return ranked && getElementBytes(ranked.getElementType()) > 0;
      }))
    return false;
  const EvalKernel *kernel = lookup(op);
  return kernel && kernel->accepts(op);
}

static LogicalResult report(std::string *error, const Twine &message) {
  if (error)
    *error = message.str();
  return failure();
}

static std::string describe(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "'" << op->getName() << "' at " << op->getLoc();
  return s;
}

FailureOr<SmallVector<Tensor>> evaluator::evaluateOp(Operation *op,
                                                     ArrayRef<Tensor> operands,
                                                     std::string *error) {
  if (!canEvaluate(op))
    return report(error, "the evaluator has no host kernel for " +
                             describe(op) +
                             (codegen::isNhwc(op)
                                  ? " in layout nhwc with these element types "
                                    "(the NHWC kernels are float32 only)"
                                  : " with these element types"));
  if (operands.size() != op->getNumOperands())
    return report(error, "wrong operand count for " + describe(op));
  SmallVector<Tensor> results;
  for (Type t : op->getResultTypes())
    results.push_back(makeTensor(cast<RankedTensorType>(t)));
  kiln_status status = lookup(op)->eval(op, operands, results);
  if (status != KILN_OK)
    return report(error, "the reference kernel of " + describe(op) +
                             " returned status " + Twine(int(status)));
  return results;
}

FailureOr<SmallVector<Tensor>>
evaluator::evaluateFunction(func::FuncOp func, ArrayRef<Tensor> inputs,
                            std::string *error) {
  return evaluateFunction(
      func, inputs, error,
      [](Operation *op, ArrayRef<Tensor> operands, std::string *error) {
        return evaluateOp(op, operands, error);
      });
}

FailureOr<SmallVector<Tensor>>
evaluator::evaluateFunction(func::FuncOp func, ArrayRef<Tensor> inputs,
                            std::string *error, OpEvaluator evaluate,
                            ValueObserver observe) {
  if (func.getNumArguments() != inputs.size())
    return report(error, "'" + func.getSymName() + "' takes " +
                             Twine(func.getNumArguments()) + " inputs, got " +
                             Twine(inputs.size()));
  llvm::DenseMap<Value, Tensor> values;
  for (auto [arg, input] : llvm::zip(func.getArguments(), inputs)) {
    if (arg.getType() != input.type)
      return report(error, "input " + Twine(arg.getArgNumber()) +
                               " has the wrong type for '" + func.getSymName() + "'");
    values[arg] = input;
    if (observe)
      observe(arg, input);
  }
  SmallVector<Tensor> outputs;
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands())
        outputs.push_back(values.lookup(v));
      return outputs;
    }
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      FailureOr<Tensor> t = readElements(constant.getValue());
      if (failed(t))
        return report(error, "cannot read the constant " + describe(&op));
      values[constant.getResult()] = std::move(*t);
      continue;
    }
    SmallVector<Tensor> operands;
    for (Value v : op.getOperands())
      operands.push_back(values.lookup(v));
    FailureOr<SmallVector<Tensor>> results = evaluate(&op, operands, error);
    if (failed(results))
      return failure();
    for (auto [v, t] : llvm::zip(op.getResults(), *results)) {
      if (observe)
        observe(v, t);
      values[v] = std::move(t);
    }
    // Free tensors no later op reads, so large models fit in memory.
    for (Value v : op.getOperands())
      if (llvm::all_of(v.getUsers(), [&](Operation *user) {
            return user == &op || user->isBeforeInBlock(&op);
          }))
        values.erase(v);
  }
  return report(error, "'" + func.getSymName() + "' has no return");
}
