//===- Dataset.h - Calibration and validation data loading -----*- C++ -*-===//

#ifndef KILN_DRIVER_DATASET_H
#define KILN_DRIVER_DATASET_H

#include "NpyIO.h"

#include "kiln/quant/Calibration.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace kiln::driver {

/// One model input as the loader needs it.
struct InputSpec {
  std::string name;
  mlir::RankedTensorType type;
};

/// Reads every array of an .npz (stored or deflated members), by name.
llvm::Expected<std::vector<std::pair<std::string, HostTensor>>>
readNpz(llvm::StringRef path);

/// Loads DATA for a model with `inputs`:
/// - a directory: its .npy / .pb files in name order, one item each (one
///   input), or its sub-directories in name order, each holding one file per
///   input in name order (the ONNX test_data_set_N layout);
/// - an .npz: the array named after each input; with one input, the one
///   array whose dtype and trailing shape fit it;
/// - a single .npy / .pb file.
/// Each item is one sample (the input's exact shape) or a batch along axis 0
/// when the model's batch is 1. Errors name the file: wrong dtype or shape,
/// NaN/Inf, nothing to load. `what` ("calibration", "validation") prefixes
/// them.
llvm::Expected<std::vector<ptq::Sample>>
loadDataset(llvm::StringRef path, llvm::ArrayRef<InputSpec> inputs,
            llvm::StringRef what);

/// Class labels from an integer .npy, or the one integer array of an .npz.
llvm::Expected<std::vector<int64_t>> loadLabels(llvm::StringRef path);

/// The inputs of `func` with their ONNX names (kiln.input_names) if known.
std::vector<InputSpec> getInputSpecs(mlir::func::FuncOp func);

} // namespace kiln::driver

#endif // KILN_DRIVER_DATASET_H
