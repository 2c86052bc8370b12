//===- Importer.cpp - ONNX graph -> func.func of kiln ops -----------------===//
//
// Walks the (checked, converted, shape-inferred) graph once in topological
// order, dispatching each node through the op table. Every tensor must end up
// static; imported shapes are cross-checked against ONNX shape inference so a
// builder that disagrees with ONNX is caught at import, not at run time.
//
//===----------------------------------------------------------------------===//

#include "kiln/frontend/OnnxImporter.h"
#include "lib/frontend/onnx/ImportContext.h"
#include "lib/frontend/onnx/ModelLoader.h"
#include "lib/frontend/onnx/OpTable.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <map>

using namespace mlir;
using namespace kiln::frontend;
using namespace kiln::frontend::detail;

llvm::Expected<InputShapeOverride>
kiln::frontend::parseInputShape(StringRef spec) {
  auto [name, dims] = spec.rsplit(':');
  if (name.empty() || dims.empty() || dims == spec)
    return llvm::createStringError(
        "--input-shape expects NAME:DIMS or INDEX:DIMS "
        "(e.g. input:1x3x224x224), got '%s'",
        spec.str().c_str());
  InputShapeOverride o{name.str(), {}};
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    if (p.getAsInteger(10, d) || d < 0)
      return llvm::createStringError("--input-shape '%s': '%s' is not a "
                                     "non-negative dimension",
                                     spec.str().c_str(), p.str().c_str());
    o.dims.push_back(d);
  }
  return o;
}

void kiln::frontend::registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<kiln::KilnDialect, func::FuncDialect, quant::QuantDialect>();
}

namespace {
/// One error naming every op the table cannot build, with node names and
/// counts.
LogicalResult checkSupported(const onnx::GraphProto &graph, int64_t opset,
                             Location loc) {
  std::map<std::string, SmallVector<std::string>> missing;
  for (const onnx::NodeProto &node : graph.node()) {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    if (defaultDomain && findOpBuilder(node.op_type(), opset))
      continue;
    std::string key =
        defaultDomain ? node.op_type() : node.domain() + "::" + node.op_type();
    missing[key].push_back(node.name().empty() ? "<unnamed>" : node.name());
  }
  if (missing.empty())
    return success();
  InFlightDiagnostic diag = emitError(loc);
  size_t nodes = 0;
  for (auto &kv : missing)
    nodes += kv.second.size();
  diag << "unsupported ONNX op types at opset " << opset << " ("
       << missing.size() << " types, " << nodes << " nodes):";
  for (auto &[op, names] : missing) {
    diag << "\n  " << op << " x" << names.size() << ": ";
    for (auto [i, n] : llvm::enumerate(names)) {
      if (i == 8) {
        diag << ", ... (" << names.size() - 8 << " more)";
        break;
      }
      diag << (i ? ", " : "") << n;
    }
  }
  return failure();
}

/// The static type ONNX inferred for a value, when it has one Kiln can hold.
RankedTensorType onnxStaticType(ImportContext &ic,
                                const onnx::TypeProto &type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return {};
  SmallVector<int64_t> dims;
  for (const auto &d : type.tensor_type().shape().dim()) {
    if (!d.has_dim_value())
      return {};
    dims.push_back(d.dim_value());
  }
  Type elem = ic.elementType(type.tensor_type().elem_type());
  return elem ? RankedTensorType::get(dims, elem) : RankedTensorType();
}

class GraphImporter {
public:
  GraphImporter(MLIRContext &context, Location fileLoc)
      : ctx(context), fileLoc(fileLoc) {}

  FailureOr<OwningOpRef<ModuleOp>> run(const onnx::ModelProto &model);

private:
  LogicalResult importNode(ImportContext &ic, const onnx::NodeProto &node);
  LogicalResult checkAgainstOnnx(ImportContext &ic,
                                 const onnx::NodeProto &node);

  MLIRContext &ctx;
  Location fileLoc;
  llvm::StringMap<const onnx::TypeProto *> inferredTypes;
};

LogicalResult GraphImporter::checkAgainstOnnx(ImportContext &ic,
                                              const onnx::NodeProto &node) {
  for (const std::string &out : node.output()) {
    if (out.empty() || !ic.isDefined(out))
      continue;
    auto it = inferredTypes.find(out);
    if (it == inferredTypes.end())
      continue;
    RankedTensorType expected = onnxStaticType(ic, *it->second);
    if (!expected)
      continue;
    RankedTensorType got = ic.typeOf(out);
    if (!got)
      continue;
    if (got.getShape() != expected.getShape())
      return ic.emitNodeError()
             << "output '" << out << "' was imported as " << got
             << " but ONNX shape inference gives " << expected;
  }
  return success();
}

LogicalResult GraphImporter::importNode(ImportContext &ic,
                                        const onnx::NodeProto &node) {
  ic.beginNode(node);
  for (int i = 0; i < node.input_size(); ++i)
    if (!node.input(i).empty() && !ic.isDefined(node.input(i)))
      return ic.emitNodeError() << "input '" << node.input(i)
                                << "' is not defined before this node";
  FailureOr<bool> folded = tryFoldNode(ic);
  if (failed(folded))
    return failure();
  if (!*folded) {
    const OpTableEntry *entry = findOpBuilder(node.op_type(), ic.opset);
    if (!entry)
      return ic.emitNodeError() << "no builder at opset " << ic.opset;
    if (failed(entry->build(ic)))
      return failure();
  }
  return checkAgainstOnnx(ic, node);
}

FailureOr<OwningOpRef<ModuleOp>>
GraphImporter::run(const onnx::ModelProto &model) {
  int64_t opset = getDefaultOpset(model);
  const onnx::GraphProto &graph = model.graph();
  if (failed(checkSupported(graph, opset, fileLoc)))
    return failure();
  for (const auto &vi : graph.value_info())
    inferredTypes[vi.name()] = &vi.type();
  for (const auto &vi : graph.output())
    inferredTypes[vi.name()] = &vi.type();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  OpBuilder b(&ctx);
  b.setInsertionPointToEnd(module->getBody());
  ImportContext ic(b, opset, fileLoc);

  llvm::StringSet<> initNames;
  for (const onnx::TensorProto &t : graph.initializer()) {
    initNames.insert(t.name());
    if (failed(ic.addTensor(t.name(), t)))
      return failure();
  }
  SmallVector<Type> argTypes;
  SmallVector<Attribute> inputNames;
  SmallVector<const onnx::ValueInfoProto *> args;
  for (const onnx::ValueInfoProto &in : graph.input()) {
    if (initNames.contains(in.name()))
      continue;
    RankedTensorType type = onnxStaticType(ic, in.type());
    if (!type)
      return emitError(fileLoc)
             << "graph input '" << in.name()
             << "' has an element type Kiln does not support";
    argTypes.push_back(type);
    inputNames.push_back(b.getStringAttr(in.name()));
    args.push_back(&in);
  }
  auto func = func::FuncOp::create(b, fileLoc, "main",
                                   FunctionType::get(&ctx, argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [arg, in] : llvm::zip(entry->getArguments(), args))
    ic.addValue(in->name(), arg);
  b.setInsertionPointToStart(entry);

  for (const onnx::NodeProto &node : graph.node())
    if (failed(importNode(ic, node)))
      return failure();

  SmallVector<Value> results;
  SmallVector<Attribute> outputNames;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    FailureOr<Value> v = ic.lookup(out.name());
    if (failed(v))
      return emitError(fileLoc) << "graph output '" << out.name()
                                << "' is not produced by any node";
    results.push_back(*v);
    outputNames.push_back(b.getStringAttr(out.name()));
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setFunctionType(
      FunctionType::get(&ctx, argTypes, ValueRange(results).getTypes()));
  func->setAttr("kiln.input_names", b.getArrayAttr(inputNames));
  func->setAttr("kiln.output_names", b.getArrayAttr(outputNames));
  if (failed(verify(*module)))
    return emitError(fileLoc) << "the imported module does not verify";
  return module;
}
} // namespace

FailureOr<OwningOpRef<ModuleOp>> kiln::frontend::importOnnxBuffer(
    StringRef bytes, StringRef modelName, StringRef modelDir,
    const OnnxImportOptions &options, MLIRContext &context) {
  DialectRegistry registry;
  registerOnnxImportDialects(registry);
  context.appendDialectRegistry(registry);
  context
      .loadDialect<kiln::KilnDialect, func::FuncDialect, quant::QuantDialect>();
  Location fileLoc = FileLineColLoc::get(&context, modelName, 0, 0);
  onnx::ModelProto model;
  std::string error;
  if (!loadOnnxModel(bytes, modelDir, options, model, error)) {
    emitError(fileLoc) << error;
    return failure();
  }
  return GraphImporter(context, fileLoc).run(model);
}

FailureOr<OwningOpRef<ModuleOp>> kiln::frontend::importOnnxModel(
    StringRef path, const OnnxImportOptions &options, MLIRContext &context) {
  Location fileLoc =
      FileLineColLoc::get(&context, llvm::sys::path::filename(path), 0, 0);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(fileLoc) << "cannot read '" << path
                       << "': " << buffer.getError().message();
    return failure();
  }
  return importOnnxBuffer((*buffer)->getBuffer(),
                          llvm::sys::path::filename(path),
                          llvm::sys::path::parent_path(path), options, context);
}
