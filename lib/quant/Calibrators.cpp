//===- Calibrators.cpp - Statistics -> range: minmax, percentile, KL, MSE -===//

#include "kiln/quant/Calibration.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace kiln::ptq;

std::string Calibrator::str() const {
  switch (kind) {
  case CalibratorKind::MinMax:
    return "minmax";
  case CalibratorKind::Percentile: {
    std::string s = llvm::formatv("{0}", percentile).str();
    return "percentile:" + s;
  }
  case CalibratorKind::Entropy:
    return "entropy";
  case CalibratorKind::Mse:
    return "mse";
  }
  return "";
}

llvm::Expected<Calibrator> kiln::ptq::parseCalibrator(llvm::StringRef text) {
  Calibrator c;
  if (text == "minmax")
    return c;
  if (text == "entropy") {
    c.kind = CalibratorKind::Entropy;
    return c;
  }
  if (text == "mse") {
    c.kind = CalibratorKind::Mse;
    return c;
  }
  if (text == "percentile" || text.consume_front("percentile:")) {
    c.kind = CalibratorKind::Percentile;
    if (text != "percentile" &&
        (text.getAsDouble(c.percentile) || !(c.percentile > 50.0) ||
         c.percentile > 100.0))
      return llvm::createStringError(
          "--calibrate percentile:P needs 50 < P <= 100, got '" + text + "'");
    return c;
  }
  return llvm::createStringError(
      "unknown calibrator '" + text +
      "' (minmax, percentile:P such as percentile:99.99, entropy, mse)");
}

void ValueStats::observeRange(const float *data, int64_t n) {
  if (n == 0)
    return;
  auto [lo, hi] = std::minmax_element(data, data + n);
  if (count == 0) {
    min = *lo;
    max = *hi;
  } else {
    min = std::min(min, *lo);
    max = std::max(max, *hi);
  }
  count += n;
}

void ValueStats::observeHistogram(const float *data, int64_t n) {
  histogram.resize(kHistogramBins, 0);
  absHistogram.resize(kHistogramBins, 0);
  double width = (double(max) - min) / kHistogramBins;
  double absMax = std::max(std::fabs(min), std::fabs(max));
  double absWidth = absMax / kHistogramBins;
  auto bin = [](double offset, double w) {
    if (!(w > 0))
      return 0;
    return std::clamp(static_cast<int>(offset / w), 0, kHistogramBins - 1);
  };
  for (int64_t i = 0; i < n; ++i) {
    double v = data[i];
    ++histogram[bin(v - min, width)];
    // Exact zeros (ReLU outputs, padding) are exact at any threshold; left
    // in, their spike makes every merge of bin 0 look costly and KL clips
    // at the smallest threshold it tries.
    if (v != 0.0)
      ++absHistogram[bin(std::fabs(v), absWidth)];
  }
}

namespace {

/// The value below which `fraction` of the histogram's mass lies, linear
/// within the bin.
double quantile(const std::vector<uint64_t> &hist, double lo, double width,
                double fraction) {
  uint64_t total = 0;
  for (uint64_t c : hist)
    total += c;
  double target = fraction * static_cast<double>(total), seen = 0;
  for (size_t b = 0; b < hist.size(); ++b) {
    if (seen + hist[b] >= target && hist[b] > 0) {
      double inside = (target - seen) / static_cast<double>(hist[b]);
      return lo + (b + std::clamp(inside, 0.0, 1.0)) * width;
    }
    seen += hist[b];
  }
  return lo + hist.size() * width;
}

/// TensorRT's entropy calibration on the |x| histogram: the threshold T whose
/// clipped-and-quantised distribution (into `levels` bins) has the smallest
/// KL divergence from the clipped reference distribution.
double klThreshold(const std::vector<uint64_t> &hist, double width,
                   int levels) {
  int n = static_cast<int>(hist.size());
  if (n <= levels)
    return n * width;
  std::vector<double> p, q;
  double bestKl = std::numeric_limits<double>::infinity();
  int best = n;
  double tail = 0;
  for (int b = levels; b < n; ++b)
    tail += hist[b];
  for (int i = levels; i <= n; ++i) {
    // Reference: the first i bins, the clipped outliers piled on the last.
    p.assign(hist.begin(), hist.begin() + i);
    p[i - 1] += tail;
    // Candidate: the first i bins merged into `levels` bins and spread back
    // evenly over the bins that were non-zero.
    q.assign(i, 0.0);
    for (int j = 0; j < levels; ++j) {
      int start = static_cast<int64_t>(j) * i / levels;
      int end = static_cast<int64_t>(j + 1) * i / levels;
      double sum = 0;
      int nonZero = 0;
      for (int k = start; k < end; ++k) {
        sum += hist[k];
        nonZero += hist[k] != 0;
      }
      for (int k = start; k < end; ++k)
        q[k] = hist[k] != 0 ? sum / nonZero : 0.0;
    }
    double pSum = 0, qSum = 0;
    for (int k = 0; k < i; ++k) {
      pSum += p[k];
      qSum += q[k];
    }
    double kl = 0;
    if (pSum > 0 && qSum > 0) {
      for (int k = 0; k < i; ++k) {
        if (p[k] == 0)
          continue;
        double pk = p[k] / pSum;
        // A reference bin the candidate lost: smoothed as TensorRT does.
        double qk = q[k] > 0 ? q[k] / qSum : 1e-4 / qSum;
        kl += pk * std::log(pk / qk);
      }
    }
    if (kl < bestKl) {
      bestKl = kl;
      best = i;
    }
    if (i < n)
      tail -= hist[i];
  }
  return (best + 0.5) * width;
}

/// The expected squared error of fake-quantising the histogram's values
/// (bin centres) with range [lo, hi].
double quantisationError(const std::vector<uint64_t> &hist, double min,
                         double width, double lo, double hi) {
  double scale = (hi - lo) / 255.0;
  if (!(scale > 0))
    return std::numeric_limits<double>::infinity();
  double zp = std::nearbyint(-128.0 - lo / scale), err = 0;
  for (size_t b = 0; b < hist.size(); ++b) {
    if (!hist[b])
      continue;
    double x = min + (b + 0.5) * width;
    double q = std::clamp(std::nearbyint(x / scale) + zp, -128.0, 127.0);
    double d = x - (q - zp) * scale;
    err += static_cast<double>(hist[b]) * d * d;
  }
  return err;
}

} // namespace

std::pair<float, float> kiln::ptq::computeRange(const ValueStats &stats,
                                                const Calibrator &calibrator) {
  double lo = std::min(stats.min, 0.0f), hi = std::max(stats.max, 0.0f);
  bool haveHist = !stats.histogram.empty() && stats.max > stats.min;
  switch (calibrator.kind) {
  case CalibratorKind::MinMax:
    break;
  case CalibratorKind::Percentile: {
    if (!haveHist)
      break;
    double width = (double(stats.max) - stats.min) / kHistogramBins;
    double keep = calibrator.percentile / 100.0;
    lo = std::min(0.0, quantile(stats.histogram, stats.min, width, 1.0 - keep));
    hi = std::max(0.0, quantile(stats.histogram, stats.min, width, keep));
    break;
  }
  case CalibratorKind::Entropy: {
    if (!haveHist)
      break;
    double absMax = std::max(std::fabs(stats.min), std::fabs(stats.max));
    // A non-negative tensor (after ReLU) spends all 256 levels on [0, T];
    // a signed one has 128 per side.
    int levels = stats.min >= 0 ? 256 : 128;
    double t = klThreshold(stats.absHistogram, absMax / kHistogramBins, levels);
    lo = std::max(lo, -t);
    hi = std::min(hi, t);
    break;
  }
  case CalibratorKind::Mse: {
    if (!haveHist)
      break;
    double width = (double(stats.max) - stats.min) / kHistogramBins;
    double bestErr = std::numeric_limits<double>::infinity();
    double bestLo = lo, bestHi = hi;
    // Shrink the range towards 0 in 1% steps (down to 20%), both ends
    // together, as the error of clipping is traded for finer steps.
    for (int k = 100; k >= 20; --k) {
      double f = k / 100.0;
      double err =
          quantisationError(stats.histogram, stats.min, width, lo * f, hi * f);
      if (err < bestErr) {
        bestErr = err;
        bestLo = lo * f;
        bestHi = hi * f;
      }
    }
    lo = bestLo;
    hi = bestHi;
    break;
  }
  }
  return {static_cast<float>(std::min(lo, 0.0)),
          static_cast<float>(std::max(hi, 0.0))};
}
