//===- Bench.cpp - `kiln bench`: latency, cold start, sustained speed -----===//
//
// Compiles a model (a child `kiln compile`, so compile flags pass through),
// links it with the bench harness (lib/target/harness/kiln_bench_main.c) for
// the target, and runs that program: a few fresh processes for the cold start,
// then one long-lived process for the warm latency distribution and the
// sustained rate. The statistics are computed here from the raw samples.
//
//===----------------------------------------------------------------------===//

#include "NpyIO.h"
#include "RunnerSupport.h"

#include "kiln/driver/Subcommands.h"
#include "kiln/target/TargetRunner.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
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
using json = nlohmann::json;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

struct BenchOptions {
  std::string model;
  std::string targetName = "host";
  unsigned runs = 100;
  double minSeconds = 2.0;
  unsigned warmup = 10;
  unsigned coldRuns = 5;
  InputFiles inputs;
  std::string saveOutputs;
  std::string samplesOut;
  std::string buildDir;
  std::string optLevel = "-O2";
  std::vector<std::string> compileArgs;
  /// --layout; unset means the target's preferred layout.
  std::optional<target::Layout> layout;
  uint64_t seed = 1;
  /// --per-layer: also time each op, in a build compiled --profile-ops.
  bool perLayer = false;
  unsigned timeout = 900;
  unsigned jobs = 2;
  bool json = false;
  bool verbose = false;
};

const char kUsage[] =
    "USAGE: kiln bench MODEL.onnx|DIR [options]\n\n"
    "Compiles MODEL, builds a standalone benchmark program for the target "
    "that\n"
    "links the generated code and the runtime, and runs it: single-inference\n"
    "latency (min, p50, p90, p99, max, std), cold start (process start to "
    "first\n"
    "output, and the first inference alone), throughput and drift over a\n"
    "sustained run, and MAC/s against the core's FMA peak where it is known.\n"
    "DIR benches every .onnx below it (or a directory `kiln compile` wrote).\n"
    "Timings taken under an emulator are labelled emulated, not latency.\n\n"
    "OPTIONS:\n"
    "  --target T           target to build and run for (default host)\n"
    "  --runs N             at least N timed inferences (default 100)\n"
    "  --min-seconds S      and at least S seconds of them (default 2)\n"
    "  --warmup W           untimed inferences first (default 10)\n"
    "  --cold-runs K        fresh processes timed for the cold start (default "
    "5)\n"
    "  --input NAME=FILE    an input from .npy or .pb (one model only); "
    "others\n"
    "                       are seeded uniform [-1, 1) (integers: zeros)\n"
    "  --seed N             seed of the generated inputs (default 1)\n"
    "  --save-outputs DIR   write the outputs of the first cold run as .npy\n"
    "  --samples-out FILE   write every warm latency (us), one per line, in "
    "order\n"
    "  --per-layer          also time every op: a second build compiled with\n"
    "                       --profile-ops (a clock read between ops) runs\n"
    "                       --runs inferences; ops are listed slowest first\n"
    "  -O0 .. -O3           graph optimisation level, passed to kiln compile\n"
    "  --layout nchw|nhwc   image layout of the float conv and pool ops, "
    "passed\n"
    "                       to kiln compile (default: the target's)\n"
    "  -Xcompile ARG        pass ARG to kiln compile (e.g. int8 flags)\n"
    "  --opt LEVEL          C/C++ flag for generated code and runtime (default "
    "-O2)\n"
    "  --build-dir DIR      keep the libraries, programs and raw I/O in DIR\n"
    "  --timeout S          seconds before one program run is stopped (default "
    "900)\n"
    "  -j N                 parallel compiler jobs (default 2)\n"
    "  --json               print the results as JSON on stdout\n"
    "  -v                   print the build commands\n";

/// Parses argv; returns an error message (empty on success).
std::string parseArgs(int argc, char **argv, BenchOptions &opts, bool &help) {
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
    std::string v;
    if (a == "--help" || a == "-h") {
      help = true;
    } else if (a == "--target") {
      if (!value(opts.targetName))
        return "--target needs a target name";
    } else if (a.consume_front("--target=")) {
      opts.targetName = a.str();
    } else if (a == "--runs") {
      if (!number(opts.runs) || opts.runs == 0)
        return "--runs needs a positive number";
    } else if (a == "--min-seconds") {
      if (!value(v) || llvm::StringRef(v).getAsDouble(opts.minSeconds) ||
          !(opts.minSeconds >= 0) || opts.minSeconds > 3600)
        return "--min-seconds needs a number of seconds (0 to 3600)";
    } else if (a == "--warmup") {
      if (!number(opts.warmup))
        return "--warmup needs a number of runs";
    } else if (a == "--cold-runs") {
      if (!number(opts.coldRuns) || opts.coldRuns == 0)
        return "--cold-runs needs a positive number";
    } else if (a == "--input" || a == "-i") {
      if (!value(v))
        return "--input needs NAME=FILE or FILE";
      addInputFile(v, opts.inputs);
    } else if (a == "--seed") {
      if (!value(v) || llvm::StringRef(v).getAsInteger(10, opts.seed))
        return "--seed needs a number";
    } else if (a == "--save-outputs") {
      if (!value(opts.saveOutputs))
        return "--save-outputs needs a directory";
    } else if (a == "--samples-out") {
      if (!value(opts.samplesOut))
        return "--samples-out needs a file";
    } else if (a.size() == 3 && a.starts_with("-O") && a[2] >= '0' &&
               a[2] <= '3') {
      opts.compileArgs.push_back(a.str());
    } else if (std::string error;
               takeLayoutFlag(a, value, opts.layout, error)) {
      if (!error.empty())
        return error;
    } else if (a == "-Xcompile") {
      if (!value(v))
        return "-Xcompile needs an argument for kiln compile";
      opts.compileArgs.push_back(v);
    } else if (a == "--opt") {
      if (!value(opts.optLevel))
        return "--opt needs a flag such as -O2";
    } else if (a == "--build-dir") {
      if (!value(opts.buildDir))
        return "--build-dir needs a directory";
    } else if (a == "--timeout") {
      if (!number(opts.timeout) || opts.timeout == 0)
        return "--timeout needs a positive number of seconds";
    } else if (a == "-j") {
      if (!number(opts.jobs) || opts.jobs == 0)
        return "-j needs a positive number";
    } else if (a == "--per-layer") {
      opts.perLayer = true;
    } else if (a == "--json") {
      opts.json = true;
    } else if (a == "-v") {
      opts.verbose = true;
    } else if (a.starts_with("-")) {
      return "unknown option '" + a.str() + "'";
    } else if (opts.model.empty()) {
      opts.model = a.str();
    } else {
      return "more than one MODEL given ('" + opts.model + "' and '" + a.str() +
             "')";
    }
  }
  if (!help && opts.model.empty())
    return "no MODEL given";
  return "";
}

/// One model to bench: a model file, or a directory `kiln compile` wrote.
struct BenchItem {
  std::string path;
  /// How the model is named in the output (path relative to DIR).
  std::string label;
  bool isLibrary = false;
};

bool isLibraryDir(llvm::StringRef dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::StringRef(it->path()).ends_with(".report.json"))
      return true;
  return false;
}

llvm::Expected<std::vector<BenchItem>> collectItems(llvm::StringRef model) {
  if (!fs::exists(model))
    return llvm::createStringError("no such model file or directory: " + model);
  if (!fs::is_directory(model))
    return std::vector<BenchItem>{{model.str(), model.str(), false}};
  if (isLibraryDir(model))
    return std::vector<BenchItem>{
        {model.str(), path::filename(model).str(), true}};
  std::vector<BenchItem> items;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(model, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef p = it->path();
    if (!p.ends_with(".onnx") || fs::is_directory(p))
      continue;
    llvm::SmallString<256> rel(p);
    path::replace_path_prefix(rel, model, "");
    llvm::StringRef label = rel;
    label = label.ltrim('/');
    items.push_back({p.str(), label.str(), false});
  }
  if (ec)
    return llvm::createStringError("cannot list " + model + ": " +
                                   ec.message());
  if (items.empty())
    return llvm::createStringError("no .onnx model under directory " + model);
  llvm::sort(items, [](const BenchItem &a, const BenchItem &b) {
    return a.label < b.label;
  });
  return items;
}

/// A C identifier from a label: `resnet18/model.onnx` -> `resnet18_model`,
/// `/x/y/tiny.onnx` -> `tiny`.
std::string symbolName(llvm::StringRef label) {
  llvm::StringRef stem = path::stem(label);
  std::string base = stem.str();
  llvm::StringRef parent = path::filename(path::parent_path(label));
  if (stem == "model" && !parent.empty())
    base = (parent + "_" + stem).str();
  std::string s;
  for (char c : base)
    s += llvm::isAlnum(c) ? c : '_';
  if (s.empty() || !llvm::isAlpha(s.front()))
    s = "m_" + s;
  return s;
}

llvm::Error fileError(const llvm::Twine &what, std::error_code ec) {
  return llvm::createStringError(what + ": " + ec.message());
}

std::string readFileOrEmpty(llvm::StringRef file) {
  auto buf = llvm::MemoryBuffer::getFile(file);
  return buf ? (*buf)->getBuffer().str() : std::string();
}

/// `kiln compile` in a child process (see compileCommand); its diagnostics
/// become the error message.
llvm::Error compileForBench(const BenchOptions &opts, const target::Target &tgt,
                            const BenchItem &item, llvm::StringRef libDir,
                            llvm::StringRef name, llvm::StringRef logFile) {
  std::vector<std::string> args =
      compileCommand(item.path, tgt, libDir, name, opts.layout);
  args.insert(args.end(), opts.compileArgs.begin(), opts.compileArgs.end());
  if (opts.verbose)
    llvm::errs() << llvm::join(args, " ") << "\n";
  llvm::SmallVector<llvm::StringRef> argv(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), logFile,
                                                logFile};
  std::string err;
  int rc = llvm::sys::ExecuteAndWait(args[0], argv, std::nullopt, redirects, 0,
                                     0, &err);
  std::string log = llvm::StringRef(readFileOrEmpty(logFile)).trim().str();
  if (rc != 0)
    return llvm::createStringError("compiling " + item.path + " for '" +
                                   tgt.name + "' failed" +
                                   (err.empty() ? "" : " (" + err + ")") +
                                   (log.empty() ? "" : ":\n" + log));
  // Progress notes of slow steps go on through.
  if (!log.empty() && !opts.json)
    llvm::errs() << log << "\n";
  return llvm::Error::success();
}

/// Total multiply-accumulates per inference from NAME.report.json, and the
/// part of them in Winograd convs (counted as the direct conv's MACs).
struct MacCount {
  uint64_t total = 0, winograd = 0;
};
/// NAME.report.json of the library in `libDir` (or the one .report.json
/// there), parsed; discarded when missing or malformed.
json readReport(llvm::StringRef libDir, llvm::StringRef name) {
  std::string text =
      readFileOrEmpty((libDir + "/" + name + ".report.json").str());
  if (text.empty()) {
    std::error_code ec;
    for (fs::directory_iterator it(libDir, ec), end; it != end && !ec;
         it.increment(ec))
      if (llvm::StringRef(it->path()).ends_with(".report.json"))
        text = readFileOrEmpty(it->path());
  }
  return json::parse(text, nullptr, false);
}

std::optional<MacCount> readMacs(llvm::StringRef libDir, llvm::StringRef name) {
  json report = readReport(libDir, name);
  if (report.is_discarded() || !report.is_object() ||
      !report.contains("macs") || !report["macs"].is_number_unsigned())
    return std::nullopt;
  MacCount count;
  count.total = report["macs"].get<uint64_t>();
  if (report.contains("macs_winograd") &&
      report["macs_winograd"].is_number_unsigned())
    count.winograd = report["macs_winograd"].get<uint64_t>();
  return count;
}

/// SplitMix64: a fixed, portable sequence, so every run of `kiln bench
/// --seed N` feeds the same inputs.
struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

/// The bytes of each model input: from --input files where given, seeded
/// uniform [-1, 1) floats (and zero integers, valid as indices) elsewhere.
llvm::Expected<std::vector<std::string>>
makeInputs(const BenchOptions &opts, const target::LibraryInfo &lib) {
  llvm::Expected<std::vector<std::string>> files =
      assignInputFiles(opts.inputs, lib);
  if (!files)
    return files.takeError();
  std::vector<std::string> bytes(lib.inputs.size());
  std::vector<bool> given(lib.inputs.size(), false);
  for (auto [index, file] : llvm::enumerate(*files)) {
    if (file.empty())
      continue;
    const target::TensorInfo &want = lib.inputs[index];
    llvm::Expected<HostTensor> t = readTensorFile(file);
    if (!t)
      return t.takeError();
    if (t->dtype != want.dtype || t->shape != want.shape)
      return llvm::createStringError(
          file + " holds " + target::getDTypeName(t->dtype) + " " +
          shapeString(t->shape) + " but input '" + want.name + "' is " +
          target::getDTypeName(want.dtype) + " " + shapeString(want.shape));
    given[index] = true;
    bytes[index].assign(t->data.begin(), t->data.end());
  }
  SplitMix rng{opts.seed};
  for (size_t i = 0; i < lib.inputs.size(); ++i) {
    if (given[i])
      continue;
    const target::TensorInfo &t = lib.inputs[i];
    bytes[i].assign(t.byteSize(), '\0');
    if (t.dtype != DType::F32)
      continue;
    for (uint64_t e = 0; e < t.numElements(); ++e) {
      float v = static_cast<float>(static_cast<double>(rng.next() >> 40) /
                                       static_cast<double>(1ull << 24) * 2.0 -
                                   1.0);
      std::memcpy(&bytes[i][e * 4], &v, 4);
    }
  }
  return bytes;
}

/// Splits the harness's `kiln-bench: <kind> key value key value ...` lines.
std::map<std::string, std::map<std::string, std::string>>
parseHarnessLines(llvm::StringRef output) {
  std::map<std::string, std::map<std::string, std::string>> lines;
  llvm::SmallVector<llvm::StringRef> split;
  output.split(split, '\n');
  for (llvm::StringRef line : split) {
    line = line.trim();
    if (!line.consume_front("kiln-bench: "))
      continue;
    llvm::SmallVector<llvm::StringRef> f;
    line.split(f, ' ', -1, false);
    if (f.empty())
      continue;
    auto &fields = lines[f[0].str()];
    if (f.size() == 2)
      fields["value"] = f[1].str();
    for (size_t k = 1; k + 1 < f.size(); k += 2)
      fields[f[k].str()] = f[k + 1].str();
  }
  return lines;
}

std::optional<double> field(const std::map<std::string, std::string> &fields,
                            llvm::StringRef key) {
  auto it = fields.find(key.str());
  double v;
  if (it == fields.end() || llvm::StringRef(it->second).getAsDouble(v))
    return std::nullopt;
  return v;
}

struct Distribution {
  double min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0, std = 0;
};

/// Nearest-rank percentile of sorted values.
double percentile(llvm::ArrayRef<double> sorted, double p) {
  if (sorted.empty())
    return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

Distribution distribution(std::vector<double> values) {
  Distribution d;
  if (values.empty())
    return d;
  llvm::sort(values);
  d.min = values.front();
  d.max = values.back();
  d.p50 = percentile(values, 50);
  d.p90 = percentile(values, 90);
  d.p99 = percentile(values, 99);
  double sum = 0;
  for (double v : values)
    sum += v;
  d.mean = sum / values.size();
  double sq = 0;
  for (double v : values)
    sq += (v - d.mean) * (v - d.mean);
  d.std = std::sqrt(sq / values.size());
  return d;
}

double median(std::vector<double> values) {
  if (values.empty())
    return 0;
  llvm::sort(values);
  return values[(values.size() - 1) / 2];
}

json toJson(const Distribution &d) {
  return {{"min", d.min}, {"p50", d.p50},   {"p90", d.p90}, {"p99", d.p99},
          {"max", d.max}, {"mean", d.mean}, {"std", d.std}};
}

/// Everything measured for one model.
struct BenchResult {
  bool emulated = false;
  std::string emulator;
  std::vector<double> samplesUs;
  Distribution latency;
  double elapsedS = 0;
  double throughput = 0;
  std::optional<double> driftFirstUs, driftLastUs;
  std::vector<double> coldFirstOutputUs, coldStartUs, coldFirstInferenceUs;
  std::optional<uint64_t> macs;
  /// Of `macs`, those in Winograd convs: they perform fewer multiplies, so
  /// MAC/s over them is an effective rate, not the FMA units' throughput.
  uint64_t winogradMacs = 0;
  std::optional<double> clockGHz, fmaMacsPerS;
  int lanes = 0, units = 0;
  uint64_t arenaBytes = 0, weightBytes = 0;
  /// --per-layer: each op of NAME.report.json (then the output copies, when
  /// they took any time), its mean time per inference in the build compiled
  /// --profile-ops, which ran `layerRuns` inferences of `layerTotalUs` each.
  struct Layer {
    int index = 0;
    std::string kind, name, output;
    uint64_t macs = 0;
    bool winograd = false;
    double us = 0;
  };
  std::vector<Layer> layers;
  unsigned layerRuns = 0;
  double layerTotalUs = 0;
};

/// Runs the harness once in `mode`; the error carries the program's output.
llvm::Expected<std::map<std::string, std::map<std::string, std::string>>>
runHarness(const target::Target &tgt, llvm::StringRef program,
           llvm::StringRef ioDir, const std::vector<std::string> &args,
           unsigned timeout) {
  llvm::Expected<target::ProgramOutput> ran = target::runProgram(
      tgt, program, args, (ioDir + "/bench.log").str(), timeout);
  if (!ran)
    return ran.takeError();
  auto lines = parseHarnessLines(ran->output);
  const std::string &mode = args[1];
  auto status = lines.count(mode) ? field(lines[mode], "status") : std::nullopt;
  if (status && *status != 0)
    return llvm::createStringError("the model returned status " +
                                   std::to_string(static_cast<int>(*status)) +
                                   " on target '" + tgt.name + "'\n" +
                                   ran->output);
  if (!status || !lines.count("done") || ran->exitCode != 0)
    return llvm::createStringError(
        ran->commandLine + " did not complete (exit " +
        std::to_string(ran->exitCode) + ")\n" + ran->output);
  return lines;
}

/// `1x56x56x64` for a report shape.
std::string shapeText(const json &shape) {
  std::string s;
  if (shape.is_array())
    for (const json &d : shape)
      s += (s.empty() ? "" : "x") + (d.is_number() ? d.dump() : "?");
  return s;
}

/// --per-layer: compiles the model again with --profile-ops (or takes a
/// library compiled so), builds it with the bench harness and runs its
/// profile mode on the inputs already in `ioDir`.
llvm::Error profileLayers(const BenchOptions &opts, const target::Target &tgt,
                          const BenchItem &item, llvm::StringRef workDir,
                          llvm::StringRef ioDir, BenchResult &r) {
  std::string libDir = item.path;
  if (!item.isLibrary) {
    libDir = (workDir + "/lib-per-layer").str();
    fs::remove_directories(libDir);
    BenchOptions profiled = opts;
    profiled.compileArgs.push_back("--profile-ops");
    if (auto e = compileForBench(profiled, tgt, item, libDir,
                                 symbolName(item.label),
                                 (workDir + "/compile-per-layer.log").str()))
      return e;
  }
  llvm::Expected<target::LibraryInfo> lib = target::readLibraryInfo(libDir);
  if (!lib)
    return lib.takeError();
  json report = readReport(libDir, lib->name);
  if (report.is_discarded() || !report.is_object() ||
      !report.value("profile_ops", false) || !report["ops"].is_array())
    return llvm::createStringError(
        "--per-layer: " + libDir +
        " was not compiled with --profile-ops (give the model file, or "
        "compile the library with kiln compile --profile-ops)");
  target::BuildOptions build =
      makeBuildOptions((workDir + "/" + tgt.name + "-per-layer").str(),
                       opts.optLevel, opts.jobs, opts.verbose);
  build.harness = target::HarnessKind::Bench;
  llvm::Expected<std::string> program = target::buildRunner(tgt, *lib, build);
  if (!program)
    return program.takeError();
  auto lines = runHarness(tgt, *program, ioDir,
                          {ioDir.str(), "profile", std::to_string(opts.warmup),
                           std::to_string(opts.runs)},
                          opts.timeout);
  if (!lines)
    return lines.takeError();
  auto &profile = (*lines)["profile"];
  double runs = field(profile, "runs").value_or(0);
  auto slots = static_cast<size_t>(field(profile, "ops").value_or(0));
  const json &ops = report["ops"];
  std::string opsFile = (ioDir + "/ops0_0.bin").str();
  auto buf = llvm::MemoryBuffer::getFile(opsFile, false, false);
  if (runs < 1 || !buf || (*buf)->getBufferSize() != slots * 8 ||
      slots > ops.size() + 1)
    return llvm::createStringError(
        "the per-layer program reported " + std::to_string(slots) +
        " op slots over " + std::to_string(static_cast<long>(runs)) +
        " runs, which " + opsFile + " and the report's " +
        std::to_string(ops.size()) + " ops do not match");
  r.layerRuns = static_cast<unsigned>(runs);
  r.layerTotalUs = field(profile, "elapsed_ns").value_or(0) / 1e3 / runs;
  for (size_t i = 0; i < slots; ++i) {
    uint64_t ns;
    std::memcpy(&ns, (*buf)->getBufferStart() + 8 * i, 8);
    BenchResult::Layer layer;
    layer.index = static_cast<int>(i);
    layer.us = static_cast<double>(ns) / 1e3 / runs;
    if (i == ops.size()) {
      if (ns == 0)
        continue;
      layer.kind = "output copies";
    } else {
      const json &op = ops[i];
      layer.kind = op.value("kind", "?");
      layer.name = op.value("name", "");
      if (op.contains("output_shapes") && op["output_shapes"].is_array() &&
          !op["output_shapes"].empty())
        layer.output = shapeText(op["output_shapes"][0]);
      layer.macs = op.value("macs", uint64_t{0});
      layer.winograd = layer.kind == "kiln.conv2d_winograd";
    }
    r.layers.push_back(layer);
  }
  llvm::stable_sort(r.layers, [](const auto &a, const auto &b) {
    return a.us > b.us;
  });
  return llvm::Error::success();
}

llvm::Expected<BenchResult> benchOne(const BenchOptions &opts,
                                     const target::Target &tgt,
                                     const BenchItem &item,
                                     llvm::StringRef workDir) {
  BenchResult r;
  r.emulated = tgt.runner.kind != target::RunnerKind::Native;
  r.emulator = tgt.runner.emulator.program.str();
  std::string name = symbolName(item.label);
  if (std::error_code ec = fs::create_directories(workDir))
    return fileError("cannot create " + workDir, ec);
  std::string libDir = item.path;
  if (!item.isLibrary) {
    libDir = (workDir + "/lib").str();
    fs::remove_directories(libDir);
    if (auto e = compileForBench(opts, tgt, item, libDir, name,
                                 (workDir + "/compile.log").str()))
      return std::move(e);
  }
  llvm::Expected<target::LibraryInfo> lib = target::readLibraryInfo(libDir);
  if (!lib)
    return lib.takeError();
  if (std::optional<MacCount> macs = readMacs(libDir, lib->name)) {
    r.macs = macs->total;
    r.winogradMacs = macs->winograd;
  }
  r.arenaBytes = lib->arenaBytes;
  r.weightBytes = lib->weightBytes;

  llvm::Expected<std::vector<std::string>> inputs = makeInputs(opts, *lib);
  if (!inputs)
    return inputs.takeError();

  target::BuildOptions build =
      makeBuildOptions((workDir + "/" + tgt.name).str(), opts.optLevel,
                       opts.jobs, opts.verbose);
  build.harness = target::HarnessKind::Bench;
  llvm::Expected<std::string> program = target::buildRunner(tgt, *lib, build);
  if (!program)
    return program.takeError();

  std::string ioDir = (workDir + "/io").str();
  if (auto e = makeEmptyDirectory(ioDir))
    return std::move(e);
  for (size_t i = 0; i < inputs->size(); ++i)
    if (auto e = writeFile(ioFileName(ioDir, "in", i, 0), (*inputs)[i]))
      return std::move(e);

  // Cold: fresh processes. The spawn time is only comparable with the
  // program's clock when both are this machine's CLOCK_MONOTONIC.
  for (unsigned k = 0; k < opts.coldRuns; ++k) {
    auto lines = runHarness(
        tgt, *program, ioDir,
        {ioDir, "cold", r.emulated ? "0" : target::kSpawnTimeArg.str()},
        opts.timeout);
    if (!lines)
      return lines.takeError();
    auto &cold = (*lines)["cold"];
    if (auto v = field(cold, "first_output_ns"))
      r.coldFirstOutputUs.push_back(*v / 1e3);
    if (auto v = field(cold, "start_ns"))
      r.coldStartUs.push_back(*v / 1e3);
    if (auto v = field(cold, "first_inference_ns"))
      r.coldFirstInferenceUs.push_back(*v / 1e3);
    if (k == 0 && !opts.saveOutputs.empty()) {
      if (std::error_code ec = fs::create_directories(opts.saveOutputs))
        return fileError("cannot create " + opts.saveOutputs, ec);
      for (size_t j = 0; j < lib->outputs.size(); ++j) {
        const target::TensorInfo &info = lib->outputs[j];
        HostTensor out;
        out.dtype = info.dtype;
        out.shape = info.shape;
        out.data.resize(info.byteSize());
        if (auto e = readOutputFile(ioFileName(ioDir, "out", j, 0), out.data,
                                    "bench program"))
          return std::move(e);
        if (auto e = writeNpy(opts.saveOutputs + "/output_" +
                                  std::to_string(j) + ".npy",
                              out))
          return std::move(e);
      }
    }
  }

  // Warm: one process, warm-up, then the timed and sustained loop.
  auto minMs = static_cast<uint64_t>(std::llround(opts.minSeconds * 1000.0));
  auto lines = runHarness(tgt, *program, ioDir,
                          {ioDir, "warm", std::to_string(opts.warmup),
                           std::to_string(opts.runs), std::to_string(minMs)},
                          opts.timeout);
  if (!lines)
    return lines.takeError();
  auto &warm = (*lines)["warm"];
  double runs = field(warm, "runs").value_or(0);
  r.elapsedS = field(warm, "elapsed_ns").value_or(0) / 1e9;
  std::string samplesFile = ioDir + "/samples0_0.bin";
  auto buf = llvm::MemoryBuffer::getFile(samplesFile, false, false);
  if (!buf || (*buf)->getBufferSize() != static_cast<size_t>(runs) * 8 ||
      runs < 1)
    return llvm::createStringError("the bench program reported " +
                                   std::to_string(static_cast<long>(runs)) +
                                   " runs but " + samplesFile +
                                   " does not hold them");
  const char *p = (*buf)->getBufferStart();
  for (size_t i = 0; i < static_cast<size_t>(runs); ++i) {
    uint64_t ns;
    std::memcpy(&ns, p + 8 * i, 8);
    r.samplesUs.push_back(static_cast<double>(ns) / 1e3);
  }
  if (!opts.samplesOut.empty()) {
    std::string text;
    for (double us : r.samplesUs)
      text += llvm::formatv("{0:F3}\n", us).str();
    if (auto e = writeFile(opts.samplesOut, text))
      return std::move(e);
  }
  r.latency = distribution(r.samplesUs);
  r.throughput = r.elapsedS > 0 ? runs / r.elapsedS : 0;
  // Drift: the median of the last tenth of the run against the first tenth
  // (thermal or frequency changes, background load, allocator growth).
  size_t tenth = r.samplesUs.size() / 10;
  if (tenth >= 2) {
    llvm::ArrayRef<double> all(r.samplesUs);
    r.driftFirstUs = median(all.take_front(tenth).vec());
    r.driftLastUs = median(all.take_back(tenth).vec());
  }
  if (lines->count("peak")) {
    auto &peak = (*lines)["peak"];
    if (auto khz = field(peak, "clock_khz"))
      r.clockGHz = *khz / 1e6;
    r.fmaMacsPerS = field(peak, "fma_macs_per_s");
    r.lanes = static_cast<int>(field(peak, "lanes").value_or(0));
    r.units = static_cast<int>(field(peak, "units").value_or(0));
  }
  if (opts.perLayer)
    if (auto e = profileLayers(opts, tgt, item, workDir, ioDir, r))
      return std::move(e);
  return r;
}

/// MAC/s of the 1-core peak: clock x FMA units x lanes.
std::optional<double> peakMacsPerS(const BenchResult &r) {
  if (!r.clockGHz || r.lanes == 0 || r.units == 0 || r.emulated)
    return std::nullopt;
  return *r.clockGHz * 1e9 * r.units * r.lanes;
}

std::optional<double> achievedMacsPerS(const BenchResult &r) {
  if (!r.macs || r.emulated || r.latency.p50 <= 0)
    return std::nullopt;
  return static_cast<double>(*r.macs) / (r.latency.p50 / 1e6);
}

json resultJson(const BenchOptions &opts, const target::Target &tgt,
                const BenchItem &item, const BenchResult &r) {
  json j = {{"model", item.label},          {"path", item.path},
            {"target", tgt.name.str()},     {"emulated", r.emulated},
            {"runs", r.samplesUs.size()},   {"warmup", opts.warmup},
            {"seconds", r.elapsedS},        {"arena_bytes", r.arenaBytes},
            {"weight_bytes", r.weightBytes}};
  // Time inside an emulator says nothing about the hardware: it is kept
  // under its own name so nobody reads it as latency.
  j[r.emulated ? "emulated_time_us" : "latency_us"] = toJson(r.latency);
  if (r.emulated)
    j["emulator"] = r.emulator;
  j["throughput_per_s"] = r.throughput;
  if (r.driftFirstUs && r.driftLastUs)
    j["drift"] = {{"first_decile_p50_us", *r.driftFirstUs},
                  {"last_decile_p50_us", *r.driftLastUs},
                  {"ratio", *r.driftLastUs / *r.driftFirstUs}};
  json cold = {{"runs", r.coldFirstInferenceUs.size()},
               {"first_inference_us", median(r.coldFirstInferenceUs)},
               {"first_inference_us_all", r.coldFirstInferenceUs}};
  if (!r.coldFirstOutputUs.empty()) {
    cold["first_output_us"] = median(r.coldFirstOutputUs);
    cold["first_output_us_all"] = r.coldFirstOutputUs;
    cold["process_start_us"] = median(r.coldStartUs);
  }
  j["cold_start"] = cold;
  if (r.macs) {
    j["macs"] = *r.macs;
    j["macs_winograd"] = r.winogradMacs;
  }
  if (auto a = achievedMacsPerS(r))
    j["macs_per_s"] = *a;
  if (auto peak = peakMacsPerS(r)) {
    json pj = {{"clock_ghz", *r.clockGHz},
               {"fma_units", r.units},
               {"lanes", r.lanes},
               {"macs_per_s", *peak}};
    if (r.fmaMacsPerS)
      pj["measured_fma_macs_per_s"] = *r.fmaMacsPerS;
    if (auto a = achievedMacsPerS(r))
      pj["percent"] = 100.0 * *a / *peak;
    j["peak"] = pj;
  }
  if (!r.layers.empty()) {
    const char *time = r.emulated ? "emulated_us" : "us";
    json layers = json::array();
    for (const BenchResult::Layer &l : r.layers) {
      json o = {{"index", l.index}, {"kind", l.kind},   {"name", l.name},
                {"output_shape", l.output}, {time, l.us}, {"macs", l.macs}};
      if (l.winograd)
        o["winograd"] = true;
      layers.push_back(o);
    }
    j["per_layer"] = {{"runs", r.layerRuns},
                      {r.emulated ? "emulated_us_per_inference"
                                  : "us_per_inference",
                       r.layerTotalUs},
                      {"ops", layers}};
  }
  return j;
}

/// `1234.5 us` or `12.35 ms`, whichever reads better.
std::string formatTime(double us) {
  if (us >= 10000)
    return llvm::formatv("{0:F2} ms", us / 1000).str();
  return llvm::formatv("{0:F1} us", us).str();
}

/// The --per-layer table, slowest op first.
void printLayers(llvm::raw_ostream &os, const BenchResult &r) {
  std::optional<double> peak = peakMacsPerS(r);
  os << "  per layer  " << r.layerRuns
     << " runs of a build that reads the clock between ops: "
     << formatTime(r.layerTotalUs) << " per inference"
     << (r.emulated ? " (emulated)" : "") << "; slowest first\n"
     << "        #       time   share      MMAC   GMAC/s  peak  op\n";
  bool winograd = false;
  for (const BenchResult::Layer &l : r.layers) {
    double share = r.layerTotalUs > 0 ? 100.0 * l.us / r.layerTotalUs : 0;
    os << llvm::format("    %5d %10s  %5.1f%%", l.index, formatTime(l.us).c_str(),
                       share);
    if (l.macs != 0 && l.us > 0 && !r.emulated) {
      double gmacs = static_cast<double>(l.macs) / (l.us * 1e3);
      os << llvm::format("  %8.3f %8.1f", l.macs / 1e6, gmacs);
      if (peak)
        os << llvm::format(" %4.0f%%%s", 100.0 * gmacs * 1e9 / *peak,
                           l.winograd ? "*" : " ");
      else
        os << "       ";
      winograd |= l.winograd;
    } else {
      os << llvm::format("  %8s %8s %6s", "", "", "");
    }
    os << "  " << l.kind;
    if (!l.name.empty())
      os << " '" << l.name << "'";
    if (!l.output.empty())
      os << " -> " << l.output;
    os << "\n";
  }
  if (winograd)
    os << "    * a Winograd conv: its MACs are the direct conv's, so its rate "
          "is an effective one\n";
}

void printResult(llvm::raw_ostream &os, const target::Target &tgt,
                 const BenchItem &item, const BenchResult &r) {
  os << item.label << " on " << tgt.name << " ("
     << (r.emulated ? "emulated by " + r.emulator + ": not hardware latency"
                    : std::string("native"))
     << ")\n";
  const Distribution &d = r.latency;
  os << "  " << (r.emulated ? "emulated time" : "latency") << "  min "
     << formatTime(d.min) << "  p50 " << formatTime(d.p50) << "  p90 "
     << formatTime(d.p90) << "  p99 " << formatTime(d.p99) << "  max "
     << formatTime(d.max) << "  std " << formatTime(d.std) << "  ("
     << r.samplesUs.size() << " runs)\n";
  os << "  cold start  ";
  if (!r.coldFirstOutputUs.empty())
    os << "first output " << formatTime(median(r.coldFirstOutputUs))
       << " after process start (exec " << formatTime(median(r.coldStartUs))
       << "), ";
  os << "first inference " << formatTime(median(r.coldFirstInferenceUs))
     << "  (median of " << r.coldFirstInferenceUs.size() << " processes)\n";
  os << llvm::format("  sustained  %.1f inferences/s over %.2f s", r.throughput,
                     r.elapsedS);
  if (r.driftFirstUs && r.driftLastUs)
    os << llvm::format(", drift %+.1f%% (p50 of the last tenth vs the first)",
                       100.0 * (*r.driftLastUs / *r.driftFirstUs - 1.0));
  os << "\n";
  if (r.macs) {
    os << llvm::format("  compute    %.4g MMAC per inference", *r.macs / 1e6);
    if (auto a = achievedMacsPerS(r))
      os << llvm::format(", %.2f GMAC/s at p50", *a / 1e9);
    if (auto peak = peakMacsPerS(r)) {
      os << llvm::format(" = %.1f%% of the %.1f GMAC/s peak (1 core x %.2f GHz "
                         "x %d FMA x %d lanes)",
                         100.0 * *achievedMacsPerS(r) / *peak, *peak / 1e9,
                         *r.clockGHz, r.units, r.lanes);
      if (r.fmaMacsPerS)
        os << llvm::format("; FMA loop reaches %.1f", *r.fmaMacsPerS / 1e9);
      // Winograd convs do the direct conv's work with fewer multiplies;
      // counting the direct MACs keeps the rate comparable across
      // compilations, but it is then not the FMA units' share.
      if (r.winogradMacs)
        os << llvm::format("\n             %.4g MMAC of them in Winograd "
                           "convs, counted as direct: an effective rate",
                           r.winogradMacs / 1e6);
    } else if (!r.emulated) {
      os << " (peak unknown for this CPU)";
    }
    os << "\n";
  }
  if (!r.layers.empty())
    printLayers(os, r);
}

int fail(const llvm::Twine &msg) {
  llvm::errs() << "kiln bench: error: " << msg << "\n";
  return 1;
}

int fail(llvm::Error err) { return fail(llvm::toString(std::move(err))); }

} // namespace

int kiln::driver::benchMain(int argc, char **argv) {
  BenchOptions opts;
  bool help = false;
  std::string parseError = parseArgs(argc, argv, opts, help);
  if (help) {
    llvm::outs() << kUsage << "\nTARGETS: " << target::getTargetNames() << "\n";
    return 0;
  }
  if (!parseError.empty()) {
    llvm::errs() << "kiln bench: error: " << parseError << "\n\n" << kUsage;
    return 1;
  }
  llvm::Expected<const target::Target &> tgt =
      target::lookupTarget(opts.targetName);
  if (!tgt)
    return fail(tgt.takeError());
  if (auto e = target::checkToolsAvailable(*tgt, /*forRun=*/true))
    return fail(std::move(e));
  llvm::Expected<std::vector<BenchItem>> items = collectItems(opts.model);
  if (!items)
    return fail(items.takeError());
  if (items->size() > 1 && (!opts.inputs.empty() || !opts.saveOutputs.empty() ||
                            !opts.samplesOut.empty()))
    return fail("--input, --save-outputs and --samples-out take one model, "
                "but " +
                opts.model + " holds " + std::to_string(items->size()));

  WorkDirectory work;
  if (auto e = work.init(opts.buildDir, "kiln-bench"))
    return fail(std::move(e));
  llvm::StringRef buildDir = work.path();

  json all = json::array();
  unsigned failures = 0;
  for (size_t i = 0; i < items->size(); ++i) {
    const BenchItem &item = (*items)[i];
    if (items->size() > 1)
      llvm::errs() << "kiln bench: [" << i + 1 << "/" << items->size() << "] "
                   << item.label << "\n";
    std::string workDir =
        (buildDir + "/" + std::to_string(i) + "_" + symbolName(item.label))
            .str();
    llvm::Expected<BenchResult> r = benchOne(opts, *tgt, item, workDir);
    if (!r) {
      ++failures;
      std::string msg = llvm::toString(r.takeError());
      // One model: the message already names its file.
      llvm::errs() << "kiln bench: error: "
                   << (items->size() > 1 ? item.label + ": " : std::string())
                   << msg << "\n";
      all.push_back(
          {{"model", item.label}, {"path", item.path}, {"error", msg}});
      continue;
    }
    if (opts.json)
      all.push_back(resultJson(opts, *tgt, item, *r));
    else
      printResult(llvm::outs(), *tgt, item, *r);
    llvm::outs().flush();
  }
  if (opts.json)
    llvm::outs()
        << (items->size() == 1 && all.size() == 1 ? all[0] : all).dump(2)
        << "\n";
  if (failures && items->size() > 1)
    llvm::errs() << "kiln bench: " << failures << " of " << items->size()
                 << " models failed\n";
  return failures ? 1 : 0;
}
