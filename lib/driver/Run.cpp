//===- Run.cpp - `kiln run`: compile, build for a target, run on tensors --===//

#include "NpyIO.h"
#include "RunnerSupport.h"

#include "kiln/driver/Subcommands.h"
#include "kiln/target/TargetRunner.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <map>
#include <optional>

using namespace kiln;
using namespace kiln::driver;
using kiln::target::DType;
namespace fs = llvm::sys::fs;

namespace {

struct RunOptions {
  std::string model;
  std::string targetName = "host";
  InputFiles inputs;
  std::string outDir = "kiln-out";
  std::string name = "model";
  std::string buildDir;
  std::string optLevel = "-O2";
  /// --layout; unset means the target's preferred layout.
  std::optional<target::Layout> layout;
  unsigned timeout = 300;
  unsigned jobs = 2;
  bool json = false;
  bool verbose = false;
  bool listTargets = false;
};

const char kUsage[] =
    "USAGE: kiln run MODEL.onnx|LIBDIR [options]\n\n"
    "Compiles MODEL for a target (or takes a directory `kiln compile` wrote),\n"
    "builds it with the target's toolchain, runs it natively or under qemu on\n"
    "the given inputs, and writes every output as .npy.\n\n"
    "OPTIONS:\n"
    "  --target T           target to build and run for (default host)\n"
    "  --input NAME=FILE    a model input from .npy or ONNX TensorProto .pb;\n"
    "                       FILE alone binds inputs in model order. A leading\n"
    "                       batch of B runs sample by sample when the model's\n"
    "                       batch is 1.\n"
    "  -o DIR               output directory (default kiln-out)\n"
    "  --name N             symbol prefix when compiling (default model)\n"
    "  --layout nchw|nhwc   image layout of the float conv and pool ops when\n"
    "                       compiling (default: the target's, see\n"
    "                       --list-targets)\n"
    "  --build-dir DIR      keep the build (objects, program, raw I/O) in DIR\n"
    "  --opt LEVEL          -O flag for generated code and runtime (default "
    "-O2)\n"
    "  --timeout S          seconds before a run is stopped (default 300)\n"
    "  -j N                 parallel compiler jobs (default 2)\n"
    "  --json               print the summary as JSON on stdout\n"
    "  -v                   print the build commands\n"
    "  --list-targets       describe every registered target and exit\n";

/// Parses argv; returns an error message (empty on success).
std::string parseArgs(int argc, char **argv, RunOptions &opts, bool &help) {
  // Options taking one string value, and what the value is.
  const struct {
    llvm::StringRef flag;
    std::string *out;
    llvm::StringRef what;
  } stringOptions[] = {{"--target", &opts.targetName, "a target name"},
                       {"-o", &opts.outDir, "a directory"},
                       {"--name", &opts.name, "a C identifier"},
                       {"--build-dir", &opts.buildDir, "a directory"},
                       {"--opt", &opts.optLevel, "a flag such as -O2"}};
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef a = argv[i];
    auto value = [&](std::string &out) -> bool {
      if (i + 1 >= argc)
        return false;
      out = argv[++i];
      return true;
    };
    auto number = [&](unsigned &out) -> bool {
      std::string v;
      return value(v) && !llvm::StringRef(v).getAsInteger(10, out);
    };
    const auto *stringOption = llvm::find_if(
        stringOptions, [&](const auto &o) { return o.flag == a; });
    std::string v;
    if (stringOption != std::end(stringOptions)) {
      if (!value(*stringOption->out))
        return (stringOption->flag + " needs " + stringOption->what).str();
    } else if (a == "--help" || a == "-h") {
      help = true;
    } else if (a.consume_front("--target=")) {
      opts.targetName = a.str();
    } else if (std::string error;
               takeLayoutFlag(a, value, opts.layout, error)) {
      if (!error.empty())
        return error;
    } else if (a == "--input" || a == "-i") {
      if (!value(v))
        return "--input needs NAME=FILE or FILE";
      addInputFile(v, opts.inputs);
    } else if (a == "--timeout") {
      if (!number(opts.timeout))
        return "--timeout needs a number of seconds";
    } else if (a == "-j") {
      if (!number(opts.jobs) || opts.jobs == 0)
        return "-j needs a positive number";
    } else if (a == "--json") {
      opts.json = true;
    } else if (a == "-v") {
      opts.verbose = true;
    } else if (a == "--list-targets") {
      opts.listTargets = true;
    } else if (a.starts_with("-")) {
      return "unknown option '" + a.str() + "'";
    } else if (opts.model.empty()) {
      opts.model = a.str();
    } else {
      return "more than one MODEL given ('" + opts.model + "' and '" + a.str() + "')";
    }
  }
  if (!help && !opts.listTargets && opts.model.empty())
    return "no MODEL given";
  return "";
}

/// Compiles MODEL for the run's target into `libDir` through a child
/// `kiln compile` (see compileCommand).
llvm::Error compileForRun(const RunOptions &opts, const target::Target &tgt,
                          llvm::StringRef libDir) {
  std::vector<std::string> args =
      compileCommand(opts.model, tgt, libDir, opts.name, opts.layout);
  if (opts.verbose)
    llvm::errs() << llvm::join(args, " ") << "\n";
  llvm::SmallVector<llvm::StringRef> argv(args.begin(), args.end());
  std::string err;
  int rc =
      llvm::sys::ExecuteAndWait(args[0], argv, std::nullopt, {}, 0, 0, &err);
  if (rc != 0)
    return llvm::createStringError("compiling " + opts.model + " for '" +
                                   tgt.name + "' failed" +
                                   (err.empty() ? "" : ": " + err));
  return llvm::Error::success();
}

/// Binds the given files to the model inputs and works out the sample count:
/// each file either has the input's exact shape, or a leading batch of B with
/// the model's batch being 1 (then B runs, one per sample).
llvm::Expected<unsigned> bindInputs(const RunOptions &opts,
                                    const target::LibraryInfo &lib,
                                    std::vector<HostTensor> &bound) {
  llvm::Expected<std::vector<std::string>> files =
      assignInputFiles(opts.inputs, lib);
  if (!files)
    return files.takeError();
  bound.assign(lib.inputs.size(), {});
  std::vector<bool> seen(lib.inputs.size(), false);
  for (auto [index, file] : llvm::enumerate(*files)) {
    if (file.empty())
      continue;
    llvm::Expected<HostTensor> t = readTensorFile(file);
    if (!t)
      return t.takeError();
    if (t->narrowedFromF64 && lib.inputs[index].dtype == DType::F32)
      llvm::errs() << "kiln run: note: " << file
                   << " holds float64; narrowed to float32\n";
    seen[index] = true;
    bound[index] = std::move(*t);
  }
  std::string missing;
  for (size_t i = 0; i < seen.size(); ++i)
    if (!seen[i])
      missing += "  '" + lib.inputs[i].name + "' " +
                 shapeString(lib.inputs[i].shape) + "\n";
  if (!missing.empty())
    return llvm::createStringError("no file given for model input(s):\n" + missing +
                                   "pass them with --input NAME=FILE");

  std::optional<unsigned> samples;
  for (size_t i = 0; i < bound.size(); ++i) {
    const target::TensorInfo &want = lib.inputs[i];
    const HostTensor &have = bound[i];
    std::string where = "input '" + want.name + "'";
    if (have.dtype != want.dtype)
      return llvm::createStringError(where + " is " +
                                     target::getDTypeName(have.dtype) +
                                     " in its file but the model takes " +
                                     target::getDTypeName(want.dtype));
    unsigned n;
    if (have.shape == want.shape) {
      n = 1;
    } else if (!want.shape.empty() && want.shape[0] == 1 &&
               have.shape.size() == want.shape.size() && have.shape[0] > 0 &&
               llvm::equal(llvm::ArrayRef(have.shape).drop_front(),
                           llvm::ArrayRef(want.shape).drop_front())) {
      n = static_cast<unsigned>(have.shape[0]);
    } else {
      return llvm::createStringError(
          where + " has shape " + shapeString(have.shape) +
          " in its file but the model takes " + shapeString(want.shape) +
          (want.shape.empty() || want.shape[0] != 1
               ? ""
               : " (or [B, ...] to run B samples one by one)"));
    }
    if (samples && *samples != n)
      return llvm::createStringError(
          "the inputs disagree on the number of samples (" +
          std::to_string(*samples) + " vs " + std::to_string(n) + " in " + where +
          ")");
    samples = n;
  }
  return samples.value_or(1);
}

/// A file name for output `name`: ONNX names may hold '/', ':' and the like.
std::string outputFileName(llvm::StringRef name, size_t index,
                           std::map<std::string, int> &used) {
  std::string s;
  for (char c : name)
    s += (llvm::isAlnum(c) || c == '_' || c == '-' || c == '.') ? c : '_';
  if (s.empty() || s[0] == '.')
    s = "output_" + std::to_string(index);
  if (used[s]++)
    s += "_" + std::to_string(index);
  return s + ".npy";
}

struct Stats {
  double min = 0, max = 0, mean = 0;
  std::vector<int64_t> argmax; // per row, for 2-D outputs
};

double elementAsDouble(const HostTensor &t, uint64_t i) {
  const char *p = t.data.data() + i * target::getDTypeSize(t.dtype);
  switch (t.dtype) {
  case DType::F32: {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DType::I32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DType::I64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return static_cast<double>(v);
  }
  case DType::I8:
    return static_cast<int8_t>(*p);
  case DType::U8:
  case DType::Bool:
    return static_cast<uint8_t>(*p);
  }
  return 0;
}

Stats summarize(const HostTensor &t) {
  Stats s;
  uint64_t n = t.numElements();
  if (n == 0)
    return s;
  s.min = s.max = elementAsDouble(t, 0);
  double sum = 0;
  for (uint64_t i = 0; i < n; ++i) {
    double v = elementAsDouble(t, i);
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    sum += v;
  }
  s.mean = sum / static_cast<double>(n);
  if (t.shape.size() == 2 && t.shape[1] > 1) {
    for (int64_t r = 0; r < t.shape[0]; ++r) {
      int64_t best = 0;
      for (int64_t c = 1; c < t.shape[1]; ++c)
        if (elementAsDouble(t, r * t.shape[1] + c) >
            elementAsDouble(t, r * t.shape[1] + best))
          best = c;
      s.argmax.push_back(best);
    }
  }
  return s;
}

/// One line per target: what it is, how code is built and how it runs.
void printTargets(llvm::raw_ostream &os) {
  for (const target::Target &t : target::getTargets()) {
    os << t.name << ": " << t.summary << "\n  triple " << t.triple << ", cpu "
       << t.cpu << ", features [" << llvm::join(t.features, ",")
       << "], kernels " << t.toolchain.kernelVariant << ", align "
       << t.alignment << ", layout " << layoutName(t.layout);
    // NHWC conv filters packed at compile time into panels this wide.
    if (unsigned width = target::getPackedFilterWidth(t))
      os << ", filter panels " << width;
    os << "\n  build " << t.toolchain.cc.program << " "
       << llvm::join(t.toolchain.archFlags, " ");
    if (!t.toolchain.linkFlags.empty())
      os << " (link " << llvm::join(t.toolchain.linkFlags, " ") << ")";
    os << "\n  run   ";
    if (t.runner.kind == target::RunnerKind::Native)
      os << "natively"
         << (t.runner.requiredHostFeature.empty()
                 ? std::string()
                 : " on a CPU with " + t.runner.requiredHostFeature.str());
    else
      os << t.runner.emulator.program << " "
         << llvm::join(t.runner.emulatorArgs, " ");
    if (t.bareMetal)
      os << llvm::format("\n  memory flash 0x%08llx %llu KiB, RAM 0x%08llx %llu KiB",
                         (unsigned long long)t.memory.flashBase,
                         (unsigned long long)t.memory.flashBytes / 1024,
                         (unsigned long long)t.memory.ramBase,
                         (unsigned long long)t.memory.ramBytes / 1024);
    os << "\n";
  }
}

int fail(const llvm::Twine &msg) {
  llvm::errs() << "kiln run: error: " << msg << "\n";
  return 1;
}

int fail(llvm::Error err) { return fail(llvm::toString(std::move(err))); }

} // namespace

int kiln::driver::runMain(int argc, char **argv) {
  RunOptions opts;
  bool help = false;
  std::string parseError = parseArgs(argc, argv, opts, help);
  if (help) {
    llvm::outs() << kUsage << "\nTARGETS: " << target::getTargetNames() << "\n";
    return 0;
  }
  if (opts.listTargets && parseError.empty()) {
    printTargets(llvm::outs());
    return 0;
  }
  if (!parseError.empty()) {
    llvm::errs() << "kiln run: error: " << parseError << "\n\n" << kUsage;
    return 1;
  }
  llvm::Expected<const target::Target &> tgt = target::lookupTarget(opts.targetName);
  if (!tgt)
    return fail(tgt.takeError());
  if (auto e = target::checkToolsAvailable(*tgt, /*forRun=*/true))
    return fail(std::move(e));

  // Everything intermediate lives in the build directory: a temporary one
  // unless --build-dir asks to keep it.
  WorkDirectory work;
  if (auto e = work.init(opts.buildDir, "kiln-run"))
    return fail(std::move(e));
  llvm::StringRef buildDir = work.path();

  std::string libDir = opts.model;
  if (fs::is_directory(opts.model) && opts.layout)
    return fail("--layout applies when compiling a model; '" + opts.model +
                "' is a library `kiln compile` already wrote");
  if (!fs::is_directory(opts.model)) {
    if (!fs::exists(opts.model))
      return fail("no such model file or library directory: " + opts.model);
    libDir = (buildDir + "/lib").str();
    fs::remove_directories(libDir);
    if (auto e = compileForRun(opts, *tgt, libDir))
      return fail(std::move(e));
  }
  llvm::Expected<target::LibraryInfo> lib = target::readLibraryInfo(libDir);
  if (!lib)
    return fail(lib.takeError());

  std::vector<HostTensor> inputs;
  llvm::Expected<unsigned> samples = bindInputs(opts, *lib, inputs);
  if (!samples)
    return fail(samples.takeError());

  target::BuildOptions build = makeBuildOptions(
      (buildDir + "/" + tgt->name).str(), opts.optLevel, opts.jobs,
      opts.verbose);
  llvm::Expected<std::string> program = target::buildRunner(*tgt, *lib, build);
  if (!program)
    return fail(program.takeError());

  std::string ioDir = (buildDir + "/io").str();
  if (auto e = makeEmptyDirectory(ioDir))
    return fail(std::move(e));
  for (size_t i = 0; i < inputs.size(); ++i) {
    uint64_t bytes = lib->inputs[i].byteSize();
    for (unsigned s = 0; s < *samples; ++s)
      if (auto e = writeFile(
              ioFileName(ioDir, "in", i, s),
              llvm::StringRef(inputs[i].data.data() + s * bytes, bytes)))
        return fail(std::move(e));
  }

  llvm::Expected<target::RunResult> result =
      target::runRunner(*tgt, *program, ioDir, *samples, opts.timeout);
  if (!result)
    return fail(result.takeError());

  if (std::error_code ec = fs::create_directories(opts.outDir))
    return fail("cannot create " + opts.outDir + ": " + ec.message());
  nlohmann::json summary;
  summary["target"] = tgt->name.str();
  summary["model"] = opts.model;
  summary["samples"] = *samples;
  summary["emulated"] = result->emulated;
  summary["sample_us"] = result->sampleMicros;
  summary["outputs"] = nlohmann::json::array();
  std::map<std::string, int> usedNames;
  llvm::raw_ostream &os = opts.json ? llvm::errs() : llvm::outs();
  for (size_t j = 0; j < lib->outputs.size(); ++j) {
    const target::TensorInfo &info = lib->outputs[j];
    HostTensor out;
    out.dtype = info.dtype;
    out.shape = info.shape;
    if (*samples > 1)
      out.shape[0] = *samples;
    uint64_t bytes = info.byteSize();
    out.data.resize(bytes * *samples);
    for (unsigned s = 0; s < *samples; ++s)
      if (auto e = readOutputFile(
              ioFileName(ioDir, "out", j, s),
              llvm::MutableArrayRef(out.data).slice(s * bytes, bytes),
              "runner"))
        return fail(std::move(e));
    std::string fileName = outputFileName(info.name, j, usedNames);
    llvm::SmallString<256> outPath(opts.outDir);
    llvm::sys::path::append(outPath, fileName);
    if (auto e = writeNpy(outPath, out))
      return fail(std::move(e));
    Stats st = summarize(out);
    os << "output " << j << " '" << info.name << "' " << shapeString(out.shape)
       << " " << target::getDTypeName(out.dtype) << " -> " << outPath << "\n"
       << llvm::format("  min %.6g  max %.6g  mean %.6g\n", st.min, st.max, st.mean);
    if (!st.argmax.empty() && st.argmax.size() <= 16)
      os << "  argmax per row: " << shapeString(st.argmax) << "\n";
    else if (!st.argmax.empty())
      os << "  argmax per row: " << st.argmax.size() << " rows (see the .npy)\n";
    summary["outputs"].push_back({{"name", info.name},
                                  {"file", std::string(outPath)},
                                  {"shape", out.shape},
                                  {"dtype", target::getDTypeName(out.dtype).str()},
                                  {"min", st.min},
                                  {"max", st.max},
                                  {"mean", st.mean},
                                  {"argmax", st.argmax}});
  }
  // The median, since the first sample also pays for cold caches (and, under
  // qemu, for translating the code).
  std::vector<double> sorted = result->sampleMicros;
  llvm::sort(sorted);
  double median = sorted.empty() ? 0 : sorted[sorted.size() / 2];
  summary["median_us"] = median;
  os << llvm::format("target %s: %u sample(s), median %.1f us per sample",
                     tgt->name.data(), *samples, median)
     << (result->emulated ? " (emulated: " + tgt->runner.emulator.program.str() +
                                ", not hardware time)"
                          : std::string(" (native)"))
     << "\n";
  if (opts.json)
    llvm::outs() << summary.dump(2) << "\n";
  return 0;
}
