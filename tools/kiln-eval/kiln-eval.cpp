//===- kiln-eval.cpp - Runs a model on the host reference evaluator -------===//
//
// Imports a model, optimises it at -O<N>, and evaluates it with the runtime's
// C reference kernels on .npy/.pb inputs: the host reference that -O levels
// and compiled code are compared with.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/KilnDialect.h"
#include "kiln/evaluator/Evaluator.h"
#include "kiln/frontend/OnnxImporter.h"
#include "kiln/passes/Passes.h"
#include "lib/driver/NpyIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace kiln;
namespace cl = llvm::cl;

static int fail(const llvm::Twine &message) {
  llvm::errs() << "kiln-eval: error: " << message << "\n";
  return 1;
}

static std::optional<target::DType> toDType(Type type) {
  if (type.isF32())
    return target::DType::F32;
  if (type.isInteger(64))
    return target::DType::I64;
  if (type.isInteger(32))
    return target::DType::I32;
  if (type.isInteger(1))
    return target::DType::Bool;
  return std::nullopt;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::opt<std::string> model(cl::Positional, cl::desc("MODEL(.onnx|.mlir)"),
                             cl::Required);
  cl::opt<unsigned> level("O", cl::desc("optimisation level 0-3"), cl::Prefix,
                          cl::init(3));
  cl::list<std::string> inputs("input", cl::desc("input tensor (.npy or .pb), in order"));
  cl::list<std::string> outputs("o", cl::desc("output .npy, one per model output"));
  cl::ParseCommandLineOptions(argc, argv, "kiln-eval: host reference evaluation\n");
  if (level > 3)
    return fail("-O" + llvm::Twine(level) + " is not a level (0-3)");

  DialectRegistry registry;
  registry.insert<KilnDialect, func::FuncDialect>();
  frontend::registerOnnxImportDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &ctx);
  OwningOpRef<ModuleOp> module;
  if (llvm::StringRef(model).ends_with(".onnx")) {
    FailureOr<OwningOpRef<ModuleOp>> imported =
        frontend::importOnnxModel(model, frontend::OnnxImportOptions(), ctx);
    if (failed(imported))
      return fail("cannot import '" + model + "'");
    module = std::move(*imported);
  } else {
    module = parseSourceFile<ModuleOp>(model, sourceMgr, &ctx);
    if (!module)
      return fail("cannot parse '" + model + "'");
  }

  PassManager pm(&ctx);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope rootTiming = timing.getRootScope();
  pm.enableTiming(rootTiming);
  OptimizeOptions options;
  options.level = level;
  buildKilnOptimizePipeline(pm, options);
  if (failed(pm.run(*module)))
    return fail("the -O" + llvm::Twine(level) + " pipeline failed on '" + model + "'");

  func::FuncOp func;
  module->walk([&](func::FuncOp f) {
    if (!func && !f.isDeclaration())
      func = f;
  });
  if (!func)
    return fail("no function to evaluate in '" + model + "'");
  if (inputs.size() != func.getNumArguments())
    return fail("'" + model + "' takes " + llvm::Twine(func.getNumArguments()) +
                " inputs, got " + llvm::Twine(inputs.size()));
  SmallVector<evaluator::Tensor> args;
  for (auto [path, type] : llvm::zip(inputs, func.getArgumentTypes())) {
    llvm::Expected<driver::HostTensor> host = driver::readTensorFile(path);
    if (!host)
      return fail(llvm::toString(host.takeError()));
    evaluator::Tensor t = evaluator::makeTensor(cast<RankedTensorType>(type));
    if (host->data.size() != t.bytes.size())
      return fail("'" + path + "' holds " + llvm::Twine(host->data.size()) +
                  " bytes; the model input needs " + llvm::Twine(t.bytes.size()));
    std::memcpy(t.bytes.data(), host->data.data(), t.bytes.size());
    args.push_back(std::move(t));
  }
  std::string error;
  FailureOr<SmallVector<evaluator::Tensor>> results =
      evaluator::evaluateFunction(func, args, &error);
  if (failed(results))
    return fail(error);
  for (auto [path, t] : llvm::zip(outputs, *results)) {
    std::optional<target::DType> dtype = toDType(t.type.getElementType());
    if (!dtype)
      return fail("cannot write a " + llvm::Twine(t.bytes.size()) + "-byte output of this element type");
    driver::HostTensor host;
    host.dtype = *dtype;
    host.shape.assign(t.type.getShape().begin(), t.type.getShape().end());
    host.data = t.bytes;
    if (llvm::Error e = driver::writeNpy(path, host))
      return fail(llvm::toString(std::move(e)));
  }
  return 0;
}
