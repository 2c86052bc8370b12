//===- ImportContext.h - State shared by the ONNX op builders ---*- C++ -*-===//

#ifndef KILN_LIB_FRONTEND_ONNX_IMPORTCONTEXT_H
#define KILN_LIB_FRONTEND_ONNX_IMPORTCONTEXT_H

#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

namespace kiln::frontend::detail {

/// What the importer knows about one ONNX tensor name. The value is created
/// lazily, so a shape subgraph that folds away leaves nothing behind.
struct TensorSlot {
  mlir::Value value;
  /// Known contents, when small enough to evaluate at import time.
  mlir::DenseElementsAttr constant;
  /// The initializer or Constant tensor this came from, if any.
  const onnx::TensorProto *tensor = nullptr;
};

/// Tensors up to this many elements are kept as plain attributes for folding.
constexpr int64_t kMaxFoldedElements = 4096;

class ImportContext {
public:
  ImportContext(mlir::OpBuilder &builder, int64_t opset,
                mlir::Location fileLoc);

  mlir::OpBuilder &b;
  mlir::MLIRContext *ctx;
  const int64_t opset;

  //===-- Graph-level -----------------------------------------------------===//
  /// Registers an initializer (or Constant tensor) under `name`.
  llvm::LogicalResult addTensor(llvm::StringRef name,
                                const onnx::TensorProto &t);
  void addValue(llvm::StringRef name, mlir::Value value);
  bool isDefined(llvm::StringRef name) const { return slots.count(name); }
  /// The value of `name`, materialising a constant on first use.
  mlir::FailureOr<mlir::Value> lookup(llvm::StringRef name);
  /// The type of `name` without materialising it; null when unknown.
  mlir::RankedTensorType typeOf(llvm::StringRef name) const;
  mlir::Location getFileLoc() const { return fileLoc; }

  //===-- The node being imported ----------------------------------------===//
  void beginNode(const onnx::NodeProto &node);
  const onnx::NodeProto &node() const { return *current; }
  mlir::Location loc() const { return nodeLoc; }
  /// An error located at the node, prefixed with its name and op type.
  mlir::InFlightDiagnostic emitNodeError();

  unsigned numInputs() const { return current->input_size(); }
  bool hasInput(unsigned i) const;
  mlir::Value input(unsigned i);
  mlir::RankedTensorType inputType(unsigned i);
  /// Known contents of input `i`, or null.
  mlir::DenseElementsAttr constInput(unsigned i);
  /// Integer contents of input `i`; an error naming `what` when not constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>> constInts(unsigned i,
                                                        llvm::StringRef what);
  mlir::FailureOr<llvm::SmallVector<double>> constFloats(unsigned i,
                                                         llvm::StringRef what);
  /// Input `i`, when it is an initializer or Constant, as a new constant whose
  /// bytes are read as `elem` (same width); null otherwise.
  mlir::Value constantInputAs(unsigned i, mlir::Type elem);

  unsigned numOutputs() const { return current->output_size(); }
  void setOutput(unsigned i, mlir::Value value);
  void setConstOutput(unsigned i, mlir::DenseElementsAttr value);

  //===-- Attributes of the node -----------------------------------------===//
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t dflt) const;
  float attrFloat(llvm::StringRef name, float dflt) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef dflt) const;
  llvm::SmallVector<int64_t> attrInts(llvm::StringRef name) const;
  llvm::SmallVector<float> attrFloats(llvm::StringRef name) const;

  //===-- Op creation -----------------------------------------------------===//
  /// Creates an op whose result types are inferred, reporting (instead of
  /// aborting on) operands the op cannot accept.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<OpTy> create(Args &&...args) {
    mlir::OperationState state(nodeLoc, OpTy::getOperationName());
    // A single-result op's generated builder insists on its result type: pass
    // a stand-in and replace it with the inferred one (or report why there
    // is none).
    mlir::Type standIn = mlir::NoneType::get(ctx);
    mlir::TypeRange given;
    if constexpr (OpTy::template hasTrait<mlir::OpTrait::OneResult>())
      given = mlir::TypeRange(standIn);
    OpTy::build(b, state, given, std::forward<Args>(args)...);
    state.types.clear();
    llvm::SmallVector<mlir::Type> types;
    std::string why = "invalid operands for " + OpTy::getOperationName().str();
    bool inferred;
    {
      // The op's own message lacks the node; re-issue it under the node name.
      mlir::ScopedDiagnosticHandler capture(ctx, [&](mlir::Diagnostic &d) {
        why = d.str();
        return mlir::success();
      });
      inferred = mlir::succeeded(OpTy::inferReturnTypes(
          ctx, nodeLoc, state.operands, state.attributes.getDictionary(ctx),
          state.getRawProperties(), state.regions, types));
    }
    if (!inferred)
      return emitNodeError() << why;
    state.addTypes(types);
    return llvm::cast<OpTy>(b.create(state));
  }
  /// Same, returning the single result.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<mlir::Value> createValue(Args &&...args) {
    mlir::FailureOr<OpTy> op = create<OpTy>(std::forward<Args>(args)...);
    if (mlir::failed(op))
      return mlir::failure();
    return op->getResult();
  }
  /// Same, binding the single result to output 0.
  template <typename OpTy, typename... Args>
  llvm::LogicalResult createAsOutput(Args &&...args) {
    mlir::FailureOr<mlir::Value> v =
        createValue<OpTy>(std::forward<Args>(args)...);
    if (mlir::failed(v))
      return mlir::failure();
    setOutput(0, *v);
    return mlir::success();
  }
  /// A rank-0 constant `value` of element type `elem`.
  mlir::Value scalar(mlir::Type elem, double value);

  /// A kiln.constant holding `value` as a plain attribute.
  mlir::Value constant(mlir::DenseElementsAttr value);
  /// A rank-0-safe reshape of `value` to `shape`.
  mlir::Value reshape(mlir::Value value, llvm::ArrayRef<int64_t> shape);

  /// The MLIR element type of an ONNX data type, or null when Kiln has none.
  mlir::Type elementType(int32_t onnxType) const;

private:
  /// The constant for `slot`, cached unless `reinterpretAs` gives it another
  /// element type.
  mlir::FailureOr<mlir::Value> materialize(llvm::StringRef name,
                                           TensorSlot &slot,
                                           mlir::Type reinterpretAs = {});

  llvm::StringMap<TensorSlot> slots;
  mlir::Location fileLoc;
  const onnx::NodeProto *current = nullptr;
  std::string nodeName;
  mlir::Location nodeLoc;
};

/// The (element-wise) contents of `tensor` as a plain attribute of `type`.
mlir::FailureOr<mlir::DenseElementsAttr>
denseFromTensor(const onnx::TensorProto &tensor, mlir::RankedTensorType type);

/// Contents of an integer or float attribute as int64 / double.
llvm::SmallVector<int64_t> intsOf(mlir::DenseElementsAttr attr);
llvm::SmallVector<double> floatsOf(mlir::DenseElementsAttr attr);

/// A plain attribute of `type` from int64 / double values (converted).
mlir::DenseElementsAttr makeDense(mlir::RankedTensorType type,
                                  llvm::ArrayRef<int64_t> ints);
mlir::DenseElementsAttr makeDenseFloat(mlir::RankedTensorType type,
                                       llvm::ArrayRef<double> values);

} // namespace kiln::frontend::detail

#endif // KILN_LIB_FRONTEND_ONNX_IMPORTCONTEXT_H
