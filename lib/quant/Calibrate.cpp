//===- Calibrate.cpp - Calibration passes over the data, kiln.range -------===//

#include "kiln/quant/Calibration.h"

#include "kiln/passes/Passes.h"

#include "mlir/Transforms/Passes.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
using namespace kiln;
using namespace kiln::ptq;

namespace {

/// A one-line progress bar, redrawn in place on a terminal; elsewhere (logs,
/// lit) one line when a pass ends, so the output stays readable.
class ProgressBar {
public:
  ProgressBar(bool enabled, std::string label, size_t total)
      : enabled(enabled), label(std::move(label)), total(total),
        start(std::chrono::steady_clock::now()) {}

  void update(size_t done) {
    if (!enabled || !llvm::errs().is_displayed())
      return;
    constexpr int kWidth = 30;
    int filled = total ? static_cast<int>(kWidth * done / total) : kWidth;
    llvm::errs() << "\r" << label << " [" << std::string(filled, '#')
                 << std::string(kWidth - filled, ' ') << "] " << done << "/"
                 << total;
    llvm::errs().flush();
  }

  void finish() {
    if (!enabled)
      return;
    double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (llvm::errs().is_displayed())
      llvm::errs() << "\r";
    llvm::errs() << label << ": " << total << " sample(s) in "
                 << llvm::format("%.1f", s) << " s"
                 << std::string(llvm::errs().is_displayed() ? 20 : 0, ' ')
                 << "\n";
  }

private:
  bool enabled;
  std::string label;
  size_t total;
  std::chrono::steady_clock::time_point start;
};

} // namespace

LogicalResult kiln::ptq::calibrate(func::FuncOp func, ArrayRef<Sample> samples,
                                   const Calibrator &calibrator, bool progress,
                                   std::string *error) {
  if (samples.empty()) {
    if (error)
      *error = "the calibration set is empty";
    return failure();
  }
  llvm::DenseMap<Value, ValueStats> stats;
  auto runPass = [&](StringRef label, bool histogram) -> LogicalResult {
    ProgressBar bar(progress, label.str(), samples.size());
    for (auto [i, sample] : llvm::enumerate(samples)) {
      bar.update(i);
      std::string why;
      auto observe = [&](Value v, const evaluator::Tensor &t) {
        ValueStats &s = stats[v];
        if (histogram)
          s.observeHistogram(t.data<float>(), t.numElements());
        else
          s.observeRange(t.data<float>(), t.numElements());
      };
      if (failed(evaluateObserved(func, sample, observe, &why))) {
        if (error)
          *error = "calibration sample " + std::to_string(i) + ": " + why;
        return failure();
      }
    }
    bar.update(samples.size());
    bar.finish();
    return success();
  };
  if (failed(runPass("calibrating: ranges", /*histogram=*/false)))
    return failure();
  if (calibrator.needsHistogram() &&
      failed(runPass("calibrating: histograms", /*histogram=*/true)))
    return failure();

  // Non-finite values would make every later scale meaningless; the inputs
  // were checked, so this is the model's own overflow.
  for (auto &[value, s] : stats)
    if (!std::isfinite(s.min) || !std::isfinite(s.max)) {
      if (error) {
        std::string where;
        llvm::raw_string_ostream os(where);
        os << value.getLoc();
        *error =
            "the float model computes NaN or Inf on the calibration set at " +
            where;
      }
      return failure();
    }

  auto rangeOf = [&](Value v) -> std::optional<std::pair<float, float>> {
    auto it = stats.find(v);
    if (it == stats.end() || it->second.count == 0)
      return std::nullopt;
    return computeRange(it->second, calibrator);
  };
  Builder b(func.getContext());
  for (BlockArgument arg : func.getArguments())
    if (auto r = rangeOf(arg))
      func.setArgAttr(arg.getArgNumber(), "kiln.range",
                      b.getDenseF32ArrayAttr({r->first, r->second}));
  func.walk([&](Operation *op) {
    if (op->getNumResults() == 0 || isa<ConstantOp>(op))
      return;
    SmallVector<float> ranges;
    for (Value v : op->getResults()) {
      auto r = rangeOf(v);
      if (!r)
        return;
      ranges.append({r->first, r->second});
    }
    op->setAttr("kiln.range", b.getDenseF32ArrayAttr(ranges));
  });
  return success();
}

void kiln::ptq::buildQuantizePipeline(OpPassManager &pm,
                                      const QuantizeOptions &options) {
  KilnInsertQDQPassOptions qdq;
  qdq.mode = options.mode;
  qdq.perTensor = options.perTensor;
  qdq.exclude.assign(options.exclude.begin(), options.exclude.end());
  pm.addNestedPass<func::FuncOp>(createKilnInsertQDQPass(qdq));
  pm.addPass(createCSEPass());
  // Weight-only int8 has no integer ops to form: its dequantize stays, so
  // the int8 weights stay int8 in flash and widen at run time.
  if (!options.qdqOnly && options.mode == "int8") {
    pm.addNestedPass<func::FuncOp>(createKilnQuantizeOpsPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
}
