//===- Calibration.h - Post-training quantisation calibration --*- C++ -*-===//
//
// Calibration runs the float graph through the host reference evaluator on
// sample inputs, gathers per-value statistics (range, histograms), turns them
// into a clipping range with a calibrator, and writes the ranges onto the IR
// as `kiln.range` for the kiln-insert-qdq pass. docs/quantization.md explains
// the calibrators and when each one wins.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_QUANT_CALIBRATION_H
#define KILN_QUANT_CALIBRATION_H

#include "kiln/evaluator/Evaluator.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/FunctionExtras.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace kiln::ptq {

/// One set of model inputs (one tensor per function argument).
using Sample = std::vector<evaluator::Tensor>;

enum class CalibratorKind { MinMax, Percentile, Entropy, Mse };

struct Calibrator {
  CalibratorKind kind = CalibratorKind::MinMax;
  /// For Percentile: the share of values kept inside the range, in percent.
  double percentile = 99.99;
  /// Whether the calibrator needs histograms (a second pass over the data).
  bool needsHistogram() const { return kind != CalibratorKind::MinMax; }
  /// "minmax", "percentile:99.99", "entropy", "mse".
  std::string str() const;
};

/// Parses the `--calibrate` value; the error lists the valid forms.
llvm::Expected<Calibrator> parseCalibrator(llvm::StringRef text);

/// Bins of the value histograms: TensorRT's 2048, enough resolution for the
/// 128/256-bin KL search and for percentiles of 1e-4.
constexpr int kHistogramBins = 2048;

/// What calibration learns about one f32 value over the whole set.
struct ValueStats {
  float min = 0, max = 0;
  uint64_t count = 0;
  /// Over [min, max] (both from the first pass), and of the non-zero
  /// values over [0, max |x|].
  std::vector<uint64_t> histogram, absHistogram;

  void observeRange(const float *data, int64_t n);
  /// Second pass: needs min/max from the first.
  void observeHistogram(const float *data, int64_t n);
};

/// The clipping range [lo, hi] the calibrator picks; always contains 0.
std::pair<float, float> computeRange(const ValueStats &stats,
                                     const Calibrator &calibrator);

/// Sees every f32 tensor the evaluation produces: function arguments (as
/// block arguments) and op results.
using Observer =
    llvm::function_ref<void(mlir::Value, const evaluator::Tensor &)>;

/// Evaluates `func` like evaluator::evaluateFunction, and also the QDQ form
/// (kiln.quantize / kiln.dequantize / quant.scast through the runtime's
/// reference quantisation kernels), calling `observe` on each f32 result.
llvm::FailureOr<llvm::SmallVector<evaluator::Tensor>>
evaluateObserved(mlir::func::FuncOp func,
                 llvm::ArrayRef<evaluator::Tensor> inputs, Observer observe,
                 std::string *error = nullptr);

/// Runs the calibration set through `func` (one pass, two for histogram
/// calibrators) with a progress bar on stderr when `progress`, and writes
/// `kiln.range` on every op and argument it saw. The error names the sample.
mlir::LogicalResult calibrate(mlir::func::FuncOp func,
                              llvm::ArrayRef<Sample> samples,
                              const Calibrator &calibrator, bool progress,
                              std::string *error);

/// What `--quantize` asks for.
struct QuantizeOptions {
  /// "int8" or "int8-weights".
  std::string mode = "int8";
  Calibrator calibrator;
  bool perTensor = false;
  /// ONNX node names kept in fp32.
  std::vector<std::string> exclude;
  /// Stop at the QDQ form (fake quantisation, for per-layer comparison)
  /// instead of going on to the integer ops.
  bool qdqOnly = false;
};

/// Adds kiln-insert-qdq with `options` (after calibration has annotated the
/// module), CSE, then kiln-quantize-ops (QDQ -> int8 ops) unless `qdqOnly`.
void buildQuantizePipeline(mlir::OpPassManager &pm,
                           const QuantizeOptions &options);

} // namespace kiln::ptq

#endif // KILN_QUANT_CALIBRATION_H
