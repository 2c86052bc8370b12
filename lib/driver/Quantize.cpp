//===- Quantize.cpp - Calibrate, insert QDQ, lower, store f16 weights -----===//

#include "Quantize.h"

#include "Dataset.h"

#include "dialects/kiln/KilnDialect.h"
#include "kiln/passes/Passes.h"
#include "kiln/quant/Calibration.h"
#include "kiln/target/Codegen.h"

#ifdef KILN_HAVE_ONNX_FRONTEND
#include "kiln/frontend/OnnxImporter.h"
#endif

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace kiln;

static llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(message.str());
}

std::unique_ptr<MLIRContext> kiln::driver::createModelContext() {
  DialectRegistry registry;
  registry.insert<KilnDialect, func::FuncDialect, quant::QuantDialect,
                  emitc::EmitCDialect>();
#ifdef KILN_HAVE_ONNX_FRONTEND
  frontend::registerOnnxImportDialects(registry);
#endif
  auto ctx = std::make_unique<MLIRContext>(registry);
  ctx->loadAllAvailableDialects();
  return ctx;
}

llvm::Expected<OwningOpRef<ModuleOp>>
kiln::driver::loadOptimizedModel(llvm::StringRef path, unsigned optLevel,
                                 MLIRContext &ctx, bool int8Epilogues) {
  OwningOpRef<ModuleOp> module;
  if (path.ends_with(".onnx")) {
#ifdef KILN_HAVE_ONNX_FRONTEND
    FailureOr<OwningOpRef<ModuleOp>> imported =
        frontend::importOnnxModel(path, frontend::OnnxImportOptions(), ctx);
    if (failed(imported))
      return fail("cannot import '" + path + "'");
    module = std::move(*imported);
#else
    return fail("cannot import '" + path +
                "': this build has no ONNX frontend");
#endif
  } else {
    llvm::SourceMgr sourceMgr;
    std::string includeError;
    if (!sourceMgr.AddIncludeFile(path.str(), llvm::SMLoc(), includeError))
      return fail("cannot read '" + path + "'");
    SourceMgrDiagnosticHandler diagnostics(sourceMgr, &ctx);
    module = parseSourceFile<ModuleOp>(sourceMgr, &ctx);
    if (!module)
      return fail("cannot parse '" + path + "'");
  }
  PassManager pm(&ctx);
  OptimizeOptions optimize;
  optimize.level = optLevel;
  optimize.int8Epilogues = int8Epilogues;
  buildKilnOptimizePipeline(pm, optimize);
  if (failed(pm.run(*module)))
    return fail("the optimisation pipeline failed on '" + path + "'");
  return std::move(module);
}

llvm::Error
kiln::driver::checkQuantizeOptions(const CompileModelOptions &options) {
  if (!options.quantize.empty() && options.quantize != "int8" &&
      options.quantize != "int8-weights")
    return fail("--quantize '" + options.quantize +
                "' is not int8 or int8-weights");
  if (options.weightType != "fp32" && options.weightType != "fp16")
    return fail("--weights '" + options.weightType + "' is not fp32 or fp16");
  if (llvm::Expected<ptq::Calibrator> c =
          ptq::parseCalibrator(options.calibrator);
      !c)
    return c.takeError();
  if (options.quantize == "int8" && options.calibrationData.empty())
    return fail(
        "--quantize int8 needs --calibration DATA (a directory of .npy/.pb "
        "files or an .npz) to choose the activation ranges");
  if (options.quantize.empty() &&
      (!options.calibrationData.empty() || options.perTensor ||
       !options.exclude.empty()))
    return fail("--calibration, --per-tensor and --exclude need --quantize");
  if (options.quantize == "int8-weights" && !options.calibrationData.empty())
    return fail("--quantize int8-weights quantises weights only and takes no "
                "--calibration data");
  return llvm::Error::success();
}

llvm::Error kiln::driver::quantizeModule(ModuleOp module,
                                         const CompileModelOptions &options,
                                         bool qdqOnly) {
  if (llvm::Error e = checkQuantizeOptions(options))
    return e;
  if (options.quantize.empty() && options.weightType == "fp32")
    return llvm::Error::success();
  FailureOr<func::FuncOp> func = codegen::getEntryFunction(module);
  if (failed(func))
    return fail("nothing to quantise in '" + options.modelPath + "'");
  ptq::QuantizeOptions q;
  llvm::Expected<ptq::Calibrator> calibrator =
      ptq::parseCalibrator(options.calibrator);
  if (!calibrator)
    return calibrator.takeError();
  q.calibrator = *calibrator;
  q.perTensor = options.perTensor;
  q.qdqOnly = qdqOnly;
  q.exclude = options.exclude;
  PassManager pm(module.getContext());
  if (!options.quantize.empty()) {
    q.mode = options.quantize;
    if (options.quantize == "int8") {
      llvm::Expected<std::vector<ptq::Sample>> samples = driver::loadDataset(
          options.calibrationData, driver::getInputSpecs(*func), "calibration");
      if (!samples)
        return samples.takeError();
      std::string error;
      if (failed(ptq::calibrate(*func, *samples, q.calibrator, options.progress,
                                &error)))
        return fail(error);
    }
    ptq::buildQuantizePipeline(pm, q);
  }
  // After quantisation, so it stores only the weights that stayed float.
  if (options.weightType == "fp16")
    pm.addNestedPass<func::FuncOp>(createKilnStoreWeightsF16Pass());
  if (failed(pm.run(module)))
    return fail("quantising '" + options.modelPath + "' failed");
  return llvm::Error::success();
}

llvm::Error kiln::driver::lowerQDQToInteger(ModuleOp module) {
  PassManager pm(module.getContext());
  pm.addNestedPass<func::FuncOp>(createKilnQuantizeOpsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (failed(pm.run(module)))
    return fail("turning the QDQ graph into int8 ops failed");
  return llvm::Error::success();
}
