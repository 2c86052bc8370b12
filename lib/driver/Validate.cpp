//===- Validate.cpp - `kiln validate`: a compiled model vs the fp32 graph -===//
//
// Runs the float graph through the host reference evaluator and the model as
// compiled (any --quantize flags included) on the same inputs, and reports
// how far apart they are: per output max-abs error, RMSE, cosine similarity,
// top-1 agreement and accuracy against labels; with --per-layer, the same
// metrics for every intermediate tensor of the quantised graph (fake quant)
// against the float graph, which shows where the error grows.
//
//===----------------------------------------------------------------------===//

#include "Dataset.h"
#include "NpyIO.h"
#include "Quantize.h"
#include "RunnerSupport.h"

#include "kiln/driver/Subcommands.h"
#include "kiln/quant/Calibration.h"
#include "kiln/target/Codegen.h"
#include "kiln/target/TargetRunner.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace kiln;
using namespace kiln::driver;
using evaluator::Tensor;
namespace fs = llvm::sys::fs;

namespace {

struct ValidateOptions {
  CompileModelOptions compile;
  std::string data, labels;
  /// "compiled": build and run the library; "evaluator": the quantised
  /// graph in the host evaluator (fake quantisation, no toolchain needed).
  std::string engine = "compiled";
  bool json = false, perLayer = false, verbose = false;
  unsigned timeout = 600;
};

const char kUsage[] =
    "USAGE: kiln validate MODEL.onnx --data DATA [options]\n\n"
    "Compiles MODEL as asked, runs it and the fp32 reference evaluator on the\n"
    "same inputs, and prints per output: max-abs error, RMSE, cosine\n"
    "similarity, top-1 agreement, and accuracy when labels are given.\n\n"
    "OPTIONS:\n"
    "  --data DATA          inputs: a directory of .npy/.pb, an .npz, or one\n"
    "                       file; one sample per item or batched along axis 0\n"
    "  --labels L           class labels (.npy, or the integer array of an "
    ".npz)\n"
    "  --engine E           compiled (default): build and run the library for\n"
    "                       --target; evaluator: run the quantised graph in "
    "the\n"
    "                       host evaluator (fake quantisation)\n"
    "  --per-layer          also compare every intermediate tensor of the\n"
    "                       quantised graph with the float graph\n"
    "  --json               print the report as JSON on stdout\n"
    "  --timeout S          seconds before the compiled run is stopped (600)\n"
    "  -v                   print the compile command\n"
    "compile flags, passed on as `kiln compile` takes them:\n"
    "  --target T, -O0..-O3, --layout nchw|nhwc,\n"
    "  --quantize int8|int8-weights, --calibration DATA,\n"
    "  --calibrate minmax|percentile:P|entropy|mse, --per-tensor,\n"
    "  --exclude NODE,..., --weights fp32|fp16\n";

std::string parseArgs(int argc, char **argv, ValidateOptions &o, bool &help) {
  CompileModelOptions &c = o.compile;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef a = argv[i];
    auto value = [&](std::string &out) -> bool {
      if (a.contains('=')) {
        out = a.split('=').second.str();
        return true;
      }
      if (i + 1 >= argc)
        return false;
      out = argv[++i];
      return true;
    };
    llvm::StringRef flag = a.split('=').first;
    std::string v;
    if (a == "--help" || a == "-h") {
      help = true;
    } else if (flag == "--data") {
      if (!value(o.data))
        return "--data needs DATA";
    } else if (flag == "--labels") {
      if (!value(o.labels))
        return "--labels needs a file";
    } else if (flag == "--engine") {
      if (!value(o.engine) ||
          (o.engine != "compiled" && o.engine != "evaluator"))
        return "--engine takes compiled or evaluator";
    } else if (flag == "--target") {
      if (!value(c.target))
        return "--target needs a target name";
    } else if (std::string error;
               takeLayoutFlag(a, value, c.layout, error)) {
      if (!error.empty())
        return error;
    } else if (flag == "--quantize") {
      if (!value(c.quantize))
        return "--quantize needs int8 or int8-weights";
    } else if (flag == "--calibration") {
      if (!value(c.calibrationData))
        return "--calibration needs DATA";
    } else if (flag == "--calibrate") {
      if (!value(c.calibrator))
        return "--calibrate needs a method";
    } else if (flag == "--weights") {
      if (!value(c.weightType))
        return "--weights needs fp32 or fp16";
    } else if (flag == "--exclude") {
      if (!value(v))
        return "--exclude needs NODE,...";
      llvm::SmallVector<llvm::StringRef> names;
      llvm::StringRef(v).split(names, ',', -1, false);
      for (llvm::StringRef n : names)
        c.exclude.push_back(n.str());
    } else if (flag == "--timeout") {
      if (!value(v) || llvm::StringRef(v).getAsInteger(10, o.timeout))
        return "--timeout needs a number of seconds";
    } else if (a == "--per-tensor") {
      c.perTensor = true;
    } else if (a == "--per-layer") {
      o.perLayer = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "-v") {
      o.verbose = true;
    } else if (a.size() == 3 && a.starts_with("-O") && a[2] >= '0' &&
               a[2] <= '3') {
      c.optLevel = a[2] - '0';
    } else if (a.starts_with("-")) {
      return "unknown option '" + a.str() + "'";
    } else if (c.modelPath.empty()) {
      c.modelPath = a.str();
    } else {
      return "more than one MODEL given ('" + c.modelPath + "' and '" +
             a.str() + "')";
    }
  }
  if (help)
    return "";
  if (c.modelPath.empty())
    return "no MODEL given";
  if (o.data.empty())
    return "--data DATA is required (the inputs to compare on)";
  return "";
}

/// Agreement of two tensors over all samples.
struct ErrorStats {
  double maxAbs = 0, sumSq = 0, sumRefSq = 0, dot = 0, normA = 0, normB = 0;
  uint64_t count = 0;

  void add(const float *ref, const float *got, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      double r = ref[i], g = got[i], d = g - r;
      maxAbs = std::max(maxAbs, std::fabs(d));
      sumSq += d * d;
      sumRefSq += r * r;
      dot += r * g;
      normA += r * r;
      normB += g * g;
    }
    count += n;
  }
  double rmse() const { return count ? std::sqrt(sumSq / count) : 0; }
  /// RMSE relative to the reference's RMS: comparable across layers.
  double relRmse() const {
    return sumRefSq > 0 ? std::sqrt(sumSq / sumRefSq) : 0;
  }
  double cosine() const {
    if (normA == 0 && normB == 0)
      return 1;
    return normA > 0 && normB > 0 ? dot / std::sqrt(normA * normB) : 0;
  }
};

int64_t argmax(const float *v, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (v[i] > v[best])
      best = i;
  return best;
}

/// A short name for an op: its ONNX node name(s) from the location.
std::string nodeName(Location loc) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    std::vector<std::string> names;
    for (Location l : fused.getLocations())
      if (std::string n = nodeName(l); !n.empty())
        names.push_back(n);
    return llvm::join(names, "+");
  }
  return "";
}

/// Ops the quantised graph adds around the float graph's: constants, QDQ,
/// and the widening of f16-stored weights.
bool isQuantPlumbing(Operation *op) {
  if (auto cast = dyn_cast<CastOp>(op))
    return cast.getInput().getDefiningOp<ConstantOp>() != nullptr;
  return isa<ConstantOp, QuantizeOp, DequantizeOp, quant::StorageCastOp>(op);
}

/// The ops that compute (not constants, not quantize/dequantize) in order.
std::vector<Operation *> computeOps(func::FuncOp func) {
  std::vector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    if (!isQuantPlumbing(&op) && !isa<func::ReturnOp>(op))
      ops.push_back(&op);
  return ops;
}

int fail(const llvm::Twine &msg) {
  llvm::errs() << "kiln validate: error: " << msg << "\n";
  return 1;
}
int fail(llvm::Error e) { return fail(llvm::toString(std::move(e))); }

/// Compiles with `kiln compile` in a child process (its pass pipeline reads
/// command-line options), builds the runner and runs every sample.
llvm::Expected<std::vector<std::vector<Tensor>>>
runCompiled(const ValidateOptions &o, llvm::ArrayRef<ptq::Sample> samples,
            func::FuncOp reference) {
  const CompileModelOptions &c = o.compile;
  llvm::Expected<const target::Target &> tgt = target::lookupTarget(c.target);
  if (!tgt)
    return tgt.takeError();
  if (llvm::Error e = target::checkToolsAvailable(*tgt, /*forRun=*/true))
    return std::move(e);
  WorkDirectory work;
  if (llvm::Error e = work.init("", "kiln-validate"))
    return std::move(e);
  llvm::StringRef dir = work.path();
  std::string libDir = (dir + "/lib").str();

  std::vector<std::string> args =
      compileCommand(c.modelPath, *tgt, libDir, "model", c.layout);
  args.push_back("-O" + std::to_string(c.optLevel));
  if (!c.quantize.empty())
    args.push_back("--quantize=" + c.quantize);
  if (!c.calibrationData.empty())
    args.push_back("--calibration=" + c.calibrationData);
  if (!c.quantize.empty())
    args.push_back("--calibrate=" + c.calibrator);
  if (c.perTensor)
    args.push_back("--per-tensor");
  if (c.weightType != "fp32")
    args.push_back("--weights=" + c.weightType);
  if (!c.exclude.empty())
    args.push_back("--exclude=" + llvm::join(c.exclude, ","));
  if (o.verbose)
    llvm::errs() << llvm::join(args, " ") << "\n";
  llvm::SmallVector<llvm::StringRef> argv(args.begin(), args.end());
  std::string err;
  if (int rc =
          llvm::sys::ExecuteAndWait(args[0], argv, std::nullopt, {}, 0, 0, &err))
    return llvm::createStringError("compiling " + c.modelPath +
                                   " failed (exit " + std::to_string(rc) + ")" +
                                   (err.empty() ? "" : ": " + err));

  llvm::Expected<target::LibraryInfo> lib = target::readLibraryInfo(libDir);
  if (!lib)
    return lib.takeError();
  if (lib->inputs.size() != reference.getNumArguments() ||
      lib->outputs.size() != reference.getNumResults())
    return llvm::createStringError(
        "the compiled library's inputs/outputs do not match "
        "the model's");
  for (const target::TensorInfo &t : lib->outputs)
    if (t.dtype != target::DType::F32)
      return llvm::createStringError("output '" + t.name +
                                     "' of the compiled model is not f32");
  target::BuildOptions build;
  build.buildDir = (dir + "/build").str();
  build.verbose = o.verbose;
  llvm::Expected<std::string> program = target::buildRunner(*tgt, *lib, build);
  if (!program)
    return program.takeError();
  std::string io = (dir + "/io").str();
  if (llvm::Error e = makeEmptyDirectory(io))
    return std::move(e);
  for (auto [s, sample] : llvm::enumerate(samples))
    for (auto [i, t] : llvm::enumerate(sample))
      if (llvm::Error e =
              writeFile(ioFileName(io, "in", i, s),
                        llvm::StringRef(t.bytes.data(), t.bytes.size())))
        return std::move(e);
  llvm::Expected<target::RunResult> run =
      target::runRunner(*tgt, *program, io, samples.size(), o.timeout);
  if (!run)
    return run.takeError();
  std::vector<std::vector<Tensor>> outputs(samples.size());
  for (size_t s = 0; s < samples.size(); ++s)
    for (unsigned j = 0; j < reference.getNumResults(); ++j) {
      Tensor t = evaluator::makeTensor(
          cast<RankedTensorType>(reference.getResultTypes()[j]));
      if (llvm::Error e =
              readOutputFile(ioFileName(io, "out", j, s), t.bytes, "runner"))
        return std::move(e);
      outputs[s].push_back(std::move(t));
    }
  return outputs;
}

struct LayerRow {
  std::string op, node;
  ErrorStats stats;
};

/// Compares every computing op's f32 results between the float graph and
/// the quantised graph (which has the same ops plus quantisation plumbing).
llvm::Expected<std::vector<LayerRow>>
compareLayers(func::FuncOp ref, func::FuncOp qdq,
              llvm::ArrayRef<ptq::Sample> samples) {
  std::vector<Operation *> refOps = computeOps(ref), qOps = computeOps(qdq);
  bool same = refOps.size() == qOps.size();
  for (size_t i = 0; same && i < refOps.size(); ++i)
    same = refOps[i]->getName() == qOps[i]->getName();
  if (!same)
    return llvm::createStringError(
        "--per-layer: the quantised graph does not have the "
        "float graph's ops in the same order");
  llvm::DenseMap<Operation *, size_t> refIndex, qIndex;
  std::vector<LayerRow> rows(refOps.size());
  for (size_t i = 0; i < refOps.size(); ++i) {
    refIndex[refOps[i]] = i;
    qIndex[qOps[i]] = i;
    rows[i].op = refOps[i]->getName().stripDialect().str();
    rows[i].node = nodeName(refOps[i]->getLoc());
  }
  for (auto [s, sample] : llvm::enumerate(samples)) {
    std::vector<Tensor> refValues(refOps.size());
    std::string error;
    auto keep = [&](Value v, const Tensor &t) {
      if (auto r = dyn_cast<OpResult>(v); r && r.getResultNumber() == 0)
        if (auto it = refIndex.find(r.getOwner()); it != refIndex.end())
          refValues[it->second] = t;
    };
    if (failed(ptq::evaluateObserved(ref, sample, keep, &error)))
      return llvm::createStringError("sample " + std::to_string(s) + ": " +
                                     error);
    auto compare = [&](Value v, const Tensor &t) {
      if (auto r = dyn_cast<OpResult>(v); r && r.getResultNumber() == 0)
        if (auto it = qIndex.find(r.getOwner()); it != qIndex.end()) {
          const Tensor &want = refValues[it->second];
          if (want.bytes.size() == t.bytes.size())
            rows[it->second].stats.add(want.data<float>(), t.data<float>(),
                                       t.numElements());
        }
    };
    if (failed(ptq::evaluateObserved(qdq, sample, compare, &error)))
      return llvm::createStringError("sample " + std::to_string(s) + ": " +
                                     error);
  }
  return rows;
}

} // namespace

int kiln::driver::validateMain(int argc, char **argv) {
  ValidateOptions o;
  bool help = false;
  std::string parseError = parseArgs(argc, argv, o, help);
  if (help) {
    llvm::outs() << kUsage;
    return 0;
  }
  if (!parseError.empty()) {
    llvm::errs() << "kiln validate: error: " << parseError << "\n\n" << kUsage;
    return 1;
  }
  const CompileModelOptions &c = o.compile;
  if (llvm::Error e = checkQuantizeOptions(c))
    return fail(std::move(e));

  std::unique_ptr<MLIRContext> ctx = createModelContext();
  llvm::Expected<OwningOpRef<ModuleOp>> refModule =
      loadOptimizedModel(c.modelPath, c.optLevel, *ctx,
                         /*int8Epilogues=*/c.quantize == "int8");
  if (!refModule)
    return fail(refModule.takeError());
  FailureOr<func::FuncOp> ref = codegen::getEntryFunction(refModule->get());
  if (failed(ref))
    return fail("nothing to run in '" + c.modelPath + "'");

  llvm::Expected<std::vector<ptq::Sample>> samples =
      loadDataset(o.data, getInputSpecs(*ref), "validation");
  if (!samples)
    return fail(samples.takeError());
  std::vector<int64_t> labels;
  if (!o.labels.empty()) {
    llvm::Expected<std::vector<int64_t>> l = loadLabels(o.labels);
    if (!l)
      return fail(l.takeError());
    labels = std::move(*l);
    if (labels.size() != samples->size())
      return fail("labels " + o.labels + ": " + llvm::Twine(labels.size()) +
                  " labels for " + llvm::Twine(samples->size()) + " samples");
  }

  // The float reference.
  std::vector<std::vector<Tensor>> expected;
  for (auto [s, sample] : llvm::enumerate(*samples)) {
    std::string error;
    auto out = evaluator::evaluateFunction(*ref, sample, &error);
    if (failed(out))
      return fail("reference evaluation of sample " + llvm::Twine(s) + ": " +
                  error);
    expected.emplace_back(out->begin(), out->end());
  }

  // In process, for the evaluator engine and --per-layer: the QDQ graph
  // (fake quantisation, the same ops as the float graph) and the integer
  // graph kiln-quantize-ops makes of it, which is what gets compiled.
  OwningOpRef<ModuleOp> qdqModule, intModule;
  bool quantised = !c.quantize.empty();
  bool modified = quantised || c.weightType != "fp32";
  if (modified && (o.engine == "evaluator" || o.perLayer)) {
    qdqModule = refModule->get().clone();
    if (llvm::Error e = quantizeModule(qdqModule.get(), c, /*qdqOnly=*/true))
      return fail(std::move(e));
  }
  if (o.engine == "evaluator") {
    intModule = modified ? qdqModule->clone() : refModule->get().clone();
    if (c.quantize == "int8")
      if (llvm::Error e = lowerQDQToInteger(intModule.get()))
        return fail(std::move(e));
  }

  std::vector<std::vector<Tensor>> actual;
  if (o.engine == "evaluator") {
    func::FuncOp qFunc = *codegen::getEntryFunction(intModule.get());
    for (auto [s, sample] : llvm::enumerate(*samples)) {
      std::string error;
      auto out = ptq::evaluateObserved(
          qFunc, sample, [](Value, const Tensor &) {}, &error);
      if (failed(out))
        return fail("evaluating the quantised graph on sample " +
                    llvm::Twine(s) + ": " + error);
      actual.emplace_back(out->begin(), out->end());
    }
  } else {
    auto out = runCompiled(o, *samples, *ref);
    if (!out)
      return fail(out.takeError());
    actual = std::move(*out);
  }

  // Per output: error statistics, top-1 agreement, accuracy.
  nlohmann::json report;
  report["model"] = c.modelPath;
  report["samples"] = samples->size();
  report["engine"] = o.engine;
  report["target"] =
      o.engine == "compiled" ? c.target : std::string("host-evaluator");
  report["quantize"] = c.quantize.empty() ? "none" : c.quantize;
  report["weight_storage"] = c.weightType;
  if (quantised) {
    if (c.quantize == "int8")
      report["calibrate"] = c.calibrator;
    report["weights"] = c.perTensor ? "per-tensor" : "per-channel";
  }
  report["outputs"] = nlohmann::json::array();
  llvm::raw_ostream &os = o.json ? llvm::errs() : llvm::outs();
  os << "kiln validate: " << c.modelPath << ", " << samples->size()
     << " sample(s), "
     << (o.engine == "compiled"
             ? "compiled for " + c.target
             : std::string("quantised graph in the host evaluator"))
     << ", quantize " << (quantised ? c.quantize : "none");
  if (quantised)
    os << " (" << (c.quantize == "int8" ? c.calibrator + ", " : std::string())
       << (c.perTensor ? "per-tensor" : "per-channel") << " weights)";
  if (c.weightType != "fp32")
    os << ", float weights stored as " << c.weightType;
  os << "\n";
  for (unsigned j = 0; j < ref->getNumResults(); ++j) {
    ErrorStats stats;
    int64_t per = expected[0][j].numElements(), agree = 0, refCorrect = 0,
            gotCorrect = 0;
    for (size_t s = 0; s < samples->size(); ++s) {
      const float *r = expected[s][j].data<float>(),
                  *g = actual[s][j].data<float>();
      stats.add(r, g, per);
      int64_t ra = argmax(r, per), ga = argmax(g, per);
      agree += ra == ga;
      if (!labels.empty()) {
        refCorrect += ra == labels[s];
        gotCorrect += ga == labels[s];
      }
    }
    auto names =
        ref->getOperation()->getAttrOfType<ArrayAttr>("kiln.output_names");
    std::string name = names && j < names.size() && isa<StringAttr>(names[j])
                           ? cast<StringAttr>(names[j]).str()
                           : "output" + std::to_string(j);
    double n = static_cast<double>(samples->size());
    nlohmann::json out = {{"name", name},
                          {"max_abs", stats.maxAbs},
                          {"rmse", stats.rmse()},
                          {"cosine", stats.cosine()}};
    os << "output " << j << " '" << name << "': "
       << llvm::format("max-abs %.4g  RMSE %.4g  cosine %.6f", stats.maxAbs,
                       stats.rmse(), stats.cosine());
    if (per > 1) {
      out["top1_agreement"] = agree / n;
      os << llvm::format("  top-1 agreement %.2f%% (%lld/%zu)",
                         100.0 * agree / n, (long long)agree, samples->size());
    }
    os << "\n";
    if (per > 1 && !labels.empty()) {
      out["accuracy_reference"] = refCorrect / n;
      out["accuracy"] = gotCorrect / n;
      os << llvm::format(
          "  accuracy: fp32 reference %.2f%% (%lld/%zu), validated "
          "%.2f%% (%lld/%zu), ratio %.4f\n",
          100.0 * refCorrect / n, (long long)refCorrect, samples->size(),
          100.0 * gotCorrect / n, (long long)gotCorrect, samples->size(),
          refCorrect ? double(gotCorrect) / refCorrect : 0.0);
    }
    report["outputs"].push_back(out);
  }

  if (o.perLayer) {
    if (!modified) {
      os << "per-layer: nothing to compare (no --quantize or --weights fp16; "
            "the "
            "float graph is the reference)\n";
    } else {
      auto rows = compareLayers(
          *ref, *codegen::getEntryFunction(qdqModule.get()), *samples);
      if (!rows)
        return fail(rows.takeError());
      report["layers"] = nlohmann::json::array();
      os << "per layer (quantised graph vs float graph, in evaluation order):\n"
         << llvm::format("  %-4s %-18s %-10s %-10s %-10s  %s\n", "#", "op",
                         "rel-RMSE", "cosine", "max-abs", "node");
      for (auto [i, row] : llvm::enumerate(*rows)) {
        if (!row.stats.count)
          continue;
        os << llvm::format("  %-4zu %-18s %-10.4g %-10.6f %-10.4g  %s\n", i,
                           row.op.c_str(), row.stats.relRmse(),
                           row.stats.cosine(), row.stats.maxAbs,
                           row.node.c_str());
        report["layers"].push_back({{"index", i},
                                    {"op", row.op},
                                    {"node", row.node},
                                    {"rel_rmse", row.stats.relRmse()},
                                    {"cosine", row.stats.cosine()},
                                    {"max_abs", row.stats.maxAbs}});
      }
    }
  }
  if (o.json)
    llvm::outs() << report.dump(2) << "\n";
  return 0;
}
