//===- Compile.cpp - `kiln compile`: model -> standalone library directory ===//

#include "Quantize.h"
#include "RunnerSupport.h"

#include "kiln/driver/Subcommands.h"
#include "kiln/target/CompileModel.h"

#include "dialects/kiln/KilnDialect.h"
#include "kiln/passes/MemoryPlan.h"
#include "kiln/passes/Passes.h"
#include "kiln/target/Codegen.h"
#include "kiln/target/Target.h"

#ifdef KILN_HAVE_ONNX_FRONTEND
#include "kiln/frontend/OnnxImporter.h"
#endif

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
using namespace kiln;
using llvm::Error;
using llvm::StringRef;

namespace {
/// Prints a line for each step that took longer than a second.
class Progress {
public:
  void done(StringRef step) {
    auto now = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(now - last).count();
    if (seconds > 1.0)
      llvm::errs() << llvm::format("kiln compile: %s took %.1f s\n",
                                   step.str().c_str(), seconds);
    last = now;
  }

private:
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
};
} // namespace

static Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The model's file stem as a C identifier: `my-net.v2` -> `my_net_v2`.
static std::string defaultName(StringRef path) {
  std::string name = llvm::sys::path::stem(path).str();
  for (char &c : name)
    if (!llvm::isAlnum(c))
      c = '_';
  if (name.empty() || llvm::isDigit(name.front()))
    name = "m_" + name;
  return name;
}

static bool isCIdentifier(StringRef name) {
  return !name.empty() && !llvm::isDigit(name.front()) &&
         llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

static FailureOr<OwningOpRef<ModuleOp>>
importModel(const CompileModelOptions &options, llvm::SourceMgr &sourceMgr,
            MLIRContext &ctx) {
  StringRef path = options.modelPath;
  if (path.ends_with(".onnx")) {
#ifdef KILN_HAVE_ONNX_FRONTEND
    return frontend::importOnnxModel(path, frontend::OnnxImportOptions(), ctx);
#else
    return emitError(UnknownLoc::get(&ctx))
           << "cannot import '" << path
           << "': this build has no ONNX frontend (KilnOnnxFrontend); pass "
              "a kiln-dialect .mlir file";
#endif
  }
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &ctx);
  if (!module)
    return failure();
  return module;
}

/// `node (file:line:col)` for an imported node, `file:line:col` for text IR.
static std::string describeLocation(Location loc) {
  if (auto named = dyn_cast<NameLoc>(loc)) {
    std::string inner = describeLocation(named.getChildLoc());
    return "'" + named.getName().str() + "'" +
           (inner.empty() ? "" : " (" + inner + ")");
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().strref() + ":" + llvm::Twine(file.getLine()) +
            ":" + llvm::Twine(file.getColumn()))
        .str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      return describeLocation(fused.getLocations().front());
  return "";
}

/// The arena plus every input and output buffer must fit `maxRam`; on
/// failure the message lists what is live at the arena's peak.
static Error checkRamBudget(func::FuncOp func,
                            const CompileModelOptions &options,
                            unsigned alignment, StringRef kernelVariant) {
  FailureOr<MemoryPlan> plan = planMemory(func, alignment, kernelVariant);
  if (failed(plan))
    return fail("memory planning failed");
  int64_t io = 0;
  for (Type t : func.getFunctionType().getInputs())
    io += getTensorBytes(t);
  for (Type t : func.getFunctionType().getResults())
    io += getTensorBytes(t);
  uint64_t total = plan->arenaSize + io;
  if (!options.maxRam || total <= options.maxRam)
    return Error::success();
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "the plan needs " << total << " bytes of RAM (arena " << plan->arenaSize
     << ", lower bound " << plan->lowerBound << ", inputs+outputs " << io
     << "), over --max-ram " << options.maxRam << "\n";
  Operation *peakOp =
      plan->schedule.empty() ? nullptr : plan->schedule[plan->peakStep];
  os << "  live in the arena at the peak (step " << plan->peakStep;
  if (peakOp)
    os << ", '" << peakOp->getName() << "' at "
       << describeLocation(peakOp->getLoc());
  os << "):\n";
  for (const PlannedBuffer *buf : plan->liveAt(plan->peakStep)) {
    os << llvm::format("    %10lld bytes  ", (long long)buf->bytes);
    Operation *owner =
        buf->scratchOf ? buf->scratchOf : buf->values.front().getDefiningOp();
    os << (buf->scratchOf ? "scratch of '" : "result of '") << owner->getName()
       << "' at " << describeLocation(owner->getLoc()) << "\n";
  }
  os << llvm::format("    %10lld bytes  caller inputs and outputs",
                     (long long)io);
  return fail(s);
}

static Error checkFlashBudget(uint64_t weightBytes,
                              const CompileModelOptions &options) {
  if (!options.maxFlash || weightBytes <= options.maxFlash)
    return Error::success();
  return fail("the weights need " + llvm::Twine(weightBytes) +
              " bytes of flash, over --max-flash " +
              llvm::Twine(options.maxFlash) +
              " (generated code is not counted)");
}

static std::string findRuntimeDir(const CompileModelOptions &options) {
  if (!options.runtimeDir.empty())
    return options.runtimeDir;
  if (const char *env = std::getenv("KILN_RUNTIME_DIR"))
    return env;
  return KILN_RUNTIME_SOURCE_DIR;
}

static Error writeFile(StringRef dir, StringRef rel, StringRef contents) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, rel);
  if (auto ec =
          llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path)))
    return fail("cannot create " + llvm::sys::path::parent_path(path) + ": " +
                ec.message());
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return fail("cannot write " + path + ": " + ec.message());
  os << contents;
  return Error::success();
}

static Error run(const target::Tool &tool, llvm::ArrayRef<StringRef> args) {
  StringRef program = tool.program;
  auto found = llvm::sys::findProgramByName(program);
  if (!found)
    return fail("'" + program + "' is not installed (Debian package " +
                tool.debianPackage + ")");
  llvm::SmallVector<StringRef> argv = {*found};
  argv.append(args.begin(), args.end());
  std::string message;
  int rc =
      llvm::sys::ExecuteAndWait(*found, argv, std::nullopt, {}, 0, 0, &message);
  if (rc != 0)
    return fail("'" + program + "' failed (exit " + llvm::Twine(rc) + ") " +
                message);
  return Error::success();
}

/// Builds lib<name>.a (or <name>.s) in `dir` with the target's toolchain.
static Error buildLibrary(StringRef dir, const CompileModelOptions &options,
                          const target::Target &tgt, StringRef name,
                          llvm::ArrayRef<std::string> runtimeFiles) {
  const target::Toolchain &tc = tgt.toolchain;
  auto withArch = [&](std::vector<std::string> flags) {
    for (StringRef f : tc.archFlags)
      flags.push_back(f.str());
    return flags;
  };
  auto at = [&](StringRef rel) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, rel);
    return std::string(p);
  };
  std::string inc = "-I" + at(""), rtInc = "-I" + at("runtime/include"),
              rtSrc = "-I" + at("runtime/src");
  if (options.emit == EmitKind::Asm) {
    std::vector<std::string> args =
        withArch({"-O2", "-fno-exceptions", "-fno-rtti", inc, rtInc, "-S",
                  at((name + ".cpp").str()), "-o", at((name + ".s").str())});
    llvm::SmallVector<StringRef> refs(args.begin(), args.end());
    return run(tc.cxx, refs);
  }
  llvm::SmallString<256> objDir;
  if (auto ec = llvm::sys::fs::createUniqueDirectory("kiln-objs", objDir))
    return fail("cannot create a build directory: " + ec.message());
  std::vector<std::string> objects;
  auto compile = [&](const target::Tool &tool, std::vector<std::string> args,
                     StringRef src) -> Error {
    args = withArch(std::move(args));
    std::string obj = (objDir + "/" + llvm::Twine(objects.size()) + ".o").str();
    args.insert(args.end(), {"-c", src.str(), "-o", obj});
    objects.push_back(obj);
    llvm::SmallVector<StringRef> refs(args.begin(), args.end());
    return run(tool, refs);
  };
  for (const std::string &f : runtimeFiles)
    if (StringRef(f).ends_with(".c"))
      if (Error e = compile(tc.cc, {"-std=c11", "-O2", rtInc, rtSrc},
                            at(("runtime/" + f))))
        return e;
  if (Error e =
          compile(tc.cxx, {"-O2", "-fno-exceptions", "-fno-rtti", inc, rtInc},
                  at((name + ".cpp").str())))
    return e;
  bool asmWeights = options.weightsFormat == codegen::WeightsFormat::Asm;
  if (Error e = compile(
          tc.cc, {"-Wa,-I" + at("")},
          at((name + (asmWeights ? "_weights.S" : "_weights.c")).str())))
    return e;
  std::vector<std::string> arArgs = {"rcsD", at(("lib" + name + ".a").str())};
  arArgs.insert(arArgs.end(), objects.begin(), objects.end());
  llvm::SmallVector<StringRef> refs(arArgs.begin(), arArgs.end());
  Error e = run(tc.ar, refs);
  llvm::sys::fs::remove_directories(objDir);
  return e;
}

/// Swaps `tmp` into `dir`, so that `dir` is either the old or the new output.
static Error commitDirectory(StringRef tmp, StringRef dir) {
  if (llvm::sys::fs::exists(dir)) {
    llvm::SmallString<256> marker(dir);
    llvm::sys::path::append(marker, "CMakeLists.txt");
    auto existing = llvm::MemoryBuffer::getFile(marker);
    bool empty = true;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      empty = false;
    if (!empty && (!existing || !(*existing)->getBuffer().starts_with(
                                    "# Generated by kiln")))
      return fail("refusing to replace '" + dir +
                  "': it exists and is not a kiln output directory");
    llvm::SmallString<256> old;
    llvm::sys::fs::createUniquePath(dir + ".kiln-old-%%%%%%", old, false);
    if (auto ec2 = llvm::sys::fs::rename(dir, old))
      return fail("cannot move the old '" + dir + "' aside: " + ec2.message());
    if (auto ec2 = llvm::sys::fs::rename(tmp, dir))
      return fail("cannot rename into '" + dir + "': " + ec2.message());
    llvm::sys::fs::remove_directories(old);
    return Error::success();
  }
  if (auto ec = llvm::sys::fs::rename(tmp, dir))
    return fail("cannot rename into '" + dir + "': " + ec.message());
  return Error::success();
}

Error kiln::compileModel(const CompileModelOptions &options) {
  Progress progress;
  std::string name =
      options.name.empty() ? defaultName(options.modelPath) : options.name;
  if (!isCIdentifier(name))
    return fail("--name '" + name + "' is not a C identifier");
  llvm::Expected<const target::Target &> tgt =
      target::lookupTarget(options.target);
  if (!tgt)
    return tgt.takeError();
  if (options.layout == target::Layout::NHWC && options.quantize == "int8")
    return fail("--layout nhwc cannot be combined with --quantize int8: the "
                "int8 kernels are NCHW only (use --layout nchw)");
  auto bytes = llvm::MemoryBuffer::getFile(options.modelPath);
  if (!bytes)
    return fail("cannot read '" + options.modelPath +
                "': " + bytes.getError().message());
  codegen::LibraryOptions lib;
  lib.name = name;
  lib.weightsFormat = options.weightsFormat;
  lib.alignment = tgt->alignment;
  lib.profileOps = options.profileOps;
  lib.modelHash = llvm::toHex(
      llvm::SHA256::hash(llvm::arrayRefFromStringRef((*bytes)->getBuffer())),
      /*LowerCase=*/true);

  std::unique_ptr<MLIRContext> context = driver::createModelContext();
  MLIRContext &ctx = *context;
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*bytes), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &ctx);

  FailureOr<OwningOpRef<ModuleOp>> module =
      importModel(options, sourceMgr, ctx);
  if (failed(module))
    return fail("cannot import '" + options.modelPath + "'");
  progress.done("import");

  PassManager pm(&ctx);
  // --mlir-print-ir-*, --mlir-timing and friends when `kiln compile`
  // registered them; harmless defaults when compileModel is called directly.
  if (failed(applyPassManagerCLOptions(pm)))
    return fail("invalid pass manager options");
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope rootTiming = timing.getRootScope();
  pm.enableTiming(rootTiming);
  OptimizeOptions optimizeOptions;
  optimizeOptions.level = options.optLevel;
  // The int8 kernels are NCHW only: a target's NHWC preference yields to
  // --quantize int8, an explicit --layout nhwc is refused (below, before
  // import), so that the calibrated graph keeps the int8 kernels' layout.
  target::Layout layout = options.layout.value_or(tgt->layout);
  if (options.quantize == "int8")
    layout = target::Layout::NCHW;
  optimizeOptions.layout =
      layout == target::Layout::NHWC ? ImageLayout::nhwc : ImageLayout::nchw;
  // The x86 conv kernels' panel width: their filters are packed at compile
  // time instead of on every inference.
  optimizeOptions.packedFilterWidth = target::getPackedFilterWidth(*tgt);
  // --weights fp16 asks for the smallest weights: Winograd filters are 4x the
  // direct ones, and in f16 they would carry about 10x the direct filters'
  // rounding error (measured on resnet8: 1.1e-4 against 1.0e-5 of 0.15), so
  // the convs stay direct with f16 HWIO filters.
  optimizeOptions.winograd = options.winograd && options.weightType == "fp32";
  optimizeOptions.winogradMaxFilterBytes = options.winogradMaxFilterBytes;
  // An int8 conv has no residual input and clamps only: keep residual adds
  // and other activations apart so that the conv still becomes integer.
  optimizeOptions.int8Epilogues = options.quantize == "int8";
  buildKilnOptimizePipeline(pm, optimizeOptions);
  // Quantisation calibrates the optimised float graph (fused epilogues give
  // their outputs' ranges), so it runs between the two pipelines.
  bool quantize = !options.quantize.empty() || options.weightType != "fp32";
  if (quantize) {
    if (failed(pm.run(module->get())))
      return fail("the optimisation pipeline failed on '" + options.modelPath +
                  "'");
    if (Error e = driver::quantizeModule(module->get(), options))
      return e;
    progress.done("quantisation");
    pm.clear();
  }
  CodegenOptions codegenOptions;
  codegenOptions.alignment = lib.alignment;
  codegenOptions.kernelVariant = tgt->toolchain.kernelVariant.str();
  buildKilnCodegenPipeline(pm, codegenOptions);
  if (failed(pm.run(module->get())))
    return fail("the code generation pipeline failed on '" + options.modelPath +
                "'");
  progress.done("optimisation and memory planning");

  FailureOr<func::FuncOp> func = codegen::getEntryFunction(module->get());
  if (failed(func))
    return fail("nothing to compile in '" + options.modelPath + "'");
  if (Error e = checkRamBudget(*func, options, lib.alignment,
                                tgt->toolchain.kernelVariant))
    return e;
  int64_t weightBytes = 0;
  FailureOr<codegen::FileMap> files =
      codegen::generateLibrary(*func, lib, &weightBytes);
  if (failed(files))
    return fail("code generation failed for '" + options.modelPath + "'");
  if (Error e = checkFlashBudget(weightBytes, options))
    return e;
  progress.done("code generation");

  std::string runtimeDir = findRuntimeDir(options);
  FailureOr<std::vector<std::string>> runtimeFiles =
      codegen::listRuntimeFiles(runtimeDir);
  if (failed(runtimeFiles) || runtimeFiles->empty())
    return fail("cannot find the kiln runtime sources in '" + runtimeDir +
                "' (set KILN_RUNTIME_DIR to the runtime/ directory)");

  llvm::SmallString<256> dir(options.outputDir);
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  llvm::SmallString<256> tmp;
  llvm::sys::fs::createUniquePath(dir + ".kiln-tmp-%%%%%%", tmp, false);
  auto cleanup = [&](Error e) {
    llvm::sys::fs::remove_directories(tmp);
    return e;
  };
  for (const auto &[rel, contents] : *files)
    if (Error e = writeFile(tmp, rel, contents))
      return cleanup(std::move(e));
  for (const std::string &rel : *runtimeFiles) {
    auto src = llvm::MemoryBuffer::getFile(runtimeDir + "/" + rel);
    if (!src)
      return cleanup(
          fail("cannot read runtime file " + runtimeDir + "/" + rel));
    if (Error e = writeFile(tmp, "runtime/" + rel, (*src)->getBuffer()))
      return cleanup(std::move(e));
  }
  if (options.emit != EmitKind::Source) {
    if (Error e = target::checkToolsAvailable(*tgt, /*forRun=*/false))
      return cleanup(std::move(e));
    if (Error e = buildLibrary(tmp, options, *tgt, name, *runtimeFiles))
      return cleanup(std::move(e));
    progress.done(options.emit == EmitKind::Lib ? "building the library"
                                                : "writing assembly");
  }
  if (Error e = commitDirectory(tmp, dir))
    return cleanup(std::move(e));
  return Error::success();
}

int kiln::driver::compileMain(int argc, char **argv) {
  namespace cl = llvm::cl;
  cl::OptionCategory category("kiln compile options");
  cl::opt<std::string> model(cl::Positional, cl::desc("MODEL(.onnx|.mlir)"),
                             cl::Required, cl::cat(category));
  // cl::desc keeps a StringRef, so the help text must outlive the option.
  const std::string targetHelp = "target name: " + target::getTargetNames();
  cl::opt<std::string> targetName("target", cl::desc(targetHelp),
                                  cl::init("host"), cl::cat(category));
  cl::opt<std::string> output("o", cl::desc("output directory"), cl::Required,
                              cl::value_desc("DIR"), cl::cat(category));
  cl::opt<std::string> name("name", cl::desc("symbol and file prefix"),
                            cl::cat(category));
  cl::opt<EmitKind> emit(
      "emit", cl::desc("what to write besides the sources"),
      cl::values(clEnumValN(EmitKind::Source, "source", "sources only"),
                 clEnumValN(EmitKind::Lib, "lib", "also build libNAME.a"),
                 clEnumValN(EmitKind::Asm, "asm", "also write NAME.s")),
      cl::init(EmitKind::Source), cl::cat(category));
  // A string parsed by driver::parseLayout, so that run, bench and validate
  // accept the same values and print the same error.
  cl::opt<std::string> layout(
      "layout",
      cl::desc("image layout of the float conv and pool ops at -O3: nchw "
               "([N, C, H, W], as ONNX) or nhwc ([N, H, W, C], transposes "
               "only at the model boundary); default: the target's preferred "
               "layout (kiln run --list-targets)"),
      cl::value_desc("nchw|nhwc"), cl::cat(category));
  cl::opt<bool> noWinograd(
      "no-winograd",
      cl::desc("keep 3x3 stride-1 convs direct instead of Winograd F(4x4, "
               "3x3), which the x86 targets use at -O3 (bit-for-bit the "
               "direct kernels' results; Winograd agrees to rounding)"),
      cl::cat(category));
  cl::opt<bool> profileOps(
      "profile-ops",
      cl::desc("call kiln_profile_op(i) before op i of NAME.report.json, for "
               "kiln bench --per-layer (the caller defines it; not for a "
               "product build)"),
      cl::cat(category));
  cl::opt<int64_t> winogradMaxFilterBytes(
      "winograd-max-filter-bytes",
      cl::desc("largest Winograd-domain filter (4x the 3x3 one's bytes) a "
               "conv may take (default 4 MiB; kiln-winograd)"),
      cl::init(0), cl::Hidden, cl::cat(category));
  cl::opt<codegen::WeightsFormat> weights(
      "weights-format", cl::desc("how the weights blob is written"),
      cl::values(clEnumValN(codegen::WeightsFormat::Asm, "asm",
                            "NAME_weights.S with .incbin NAME_weights.bin"),
                 clEnumValN(codegen::WeightsFormat::C, "c",
                            "NAME_weights.c, a const byte array")),
      cl::init(codegen::WeightsFormat::Asm), cl::cat(category));
  cl::opt<uint64_t> maxRam("max-ram",
                           cl::desc("fail if arena + IO exceed B bytes"),
                           cl::init(0), cl::cat(category));
  cl::opt<uint64_t> maxFlash("max-flash",
                             cl::desc("fail if weights exceed B bytes"),
                             cl::init(0), cl::cat(category));
  cl::opt<std::string> runtimeDir(
      "runtime-dir", cl::desc("kiln runtime/ directory to copy from"),
      cl::cat(category));
  cl::opt<unsigned> optLevel(
      "O", cl::desc("graph optimisation level 0-3 (default 3)"), cl::Prefix,
      cl::init(3), cl::cat(category));
  cl::OptionCategory quantCategory("quantisation (docs/quantization.md)");
  cl::opt<std::string> quantize(
      "quantize",
      cl::desc("int8 (weights and activations, needs --calibration) "
               "or int8-weights (gemm/matmul weights only)"),
      cl::value_desc("MODE"), cl::cat(quantCategory));
  cl::opt<std::string> calibration(
      "calibration",
      cl::desc("calibration set: a directory of .npy/.pb files, an .npz, or "
               "one file; one sample per item or batched along axis 0"),
      cl::value_desc("DATA"), cl::cat(quantCategory));
  cl::opt<std::string> calibrate(
      "calibrate",
      cl::desc("how activation ranges are chosen: minmax (default), "
               "percentile:P, entropy (KL), mse"),
      cl::init("minmax"), cl::value_desc("METHOD"), cl::cat(quantCategory));
  cl::opt<bool> perTensor("per-tensor",
                          cl::desc("one weight scale per tensor instead of per "
                                   "output channel"),
                          cl::cat(quantCategory));
  cl::opt<std::string> weightType(
      "weights",
      cl::desc("storage of the float weights: fp32 (default) or fp16 (half "
               "the flash, widened to fp32 at run time)"),
      cl::init("fp32"), cl::value_desc("fp32|fp16"), cl::cat(quantCategory));
  cl::list<std::string> exclude(
      "exclude", cl::desc("ONNX node names to keep in fp32 (comma-separated)"),
      cl::CommaSeparated, cl::value_desc("NODE,..."), cl::cat(quantCategory));
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::HideUnrelatedOptions({&category, &quantCategory});
  if (!cl::ParseCommandLineOptions(
          argc, argv, "kiln compile: model -> library\n", &llvm::errs()))
    return 1;

  CompileModelOptions options;
  options.modelPath = model;
  options.target = targetName;
  options.outputDir = output;
  options.name = name;
  options.emit = emit;
  options.weightsFormat = weights;
  options.maxRam = maxRam;
  options.maxFlash = maxFlash;
  options.runtimeDir = runtimeDir;
  options.quantize = quantize;
  options.calibrationData = calibration;
  options.calibrator = calibrate;
  options.perTensor = perTensor;
  options.weightType = weightType;
  options.exclude.assign(exclude.begin(), exclude.end());
  if (Error e = driver::checkQuantizeOptions(options)) {
    llvm::errs() << "kiln compile: error: " << llvm::toString(std::move(e))
                 << "\n";
    return 1;
  }
  if (optLevel > 3) {
    llvm::errs() << "kiln compile: error: -O" << optLevel
                 << " is not a level (0-3)\n";
    return 1;
  }
  options.optLevel = optLevel;
  options.winograd = !noWinograd;
  options.winogradMaxFilterBytes = winogradMaxFilterBytes;
  options.profileOps = profileOps;
  if (layout.getNumOccurrences()) {
    llvm::Expected<target::Layout> parsed = driver::parseLayout(layout);
    if (!parsed) {
      llvm::errs() << "kiln compile: error: "
                   << llvm::toString(parsed.takeError()) << "\n";
      return 1;
    }
    options.layout = *parsed;
  }
  if (Error e = compileModel(options)) {
    llvm::errs() << "kiln compile: error: " << llvm::toString(std::move(e))
                 << "\n";
    return 1;
  }
  return 0;
}
