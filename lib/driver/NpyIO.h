//===- NpyIO.h - Tensors from .npy / ONNX TensorProto files, and .npy output -*- C++ -*-===//

#ifndef KILN_DRIVER_NPYIO_H
#define KILN_DRIVER_NPYIO_H

#include "kiln/target/TargetRunner.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace kiln::driver {

/// A dense, row-major tensor in host memory.
struct HostTensor {
  target::DType dtype = target::DType::F32;
  std::vector<int64_t> shape;
  std::vector<char> data;
  /// Set when the file held float64 values that were narrowed to f32.
  bool narrowedFromF64 = false;
  uint64_t numElements() const;
};

/// Reads a NumPy .npy file (C order; f4/f8/i1/u1/i4/i8/b1, little-endian).
/// float64 is narrowed to f32, since Kiln models take f32.
llvm::Expected<HostTensor> readNpy(llvm::StringRef path);

/// Parses .npy bytes (e.g. an .npz member); `path` names them in errors.
llvm::Expected<HostTensor> readNpyBuffer(llvm::StringRef bytes, llvm::StringRef path);

/// Reads a serialized onnx.TensorProto (.pb, as in ONNX test_data_set_*).
llvm::Expected<HostTensor> readTensorProto(llvm::StringRef path);

/// Dispatches on the extension: .npy or .pb.
llvm::Expected<HostTensor> readTensorFile(llvm::StringRef path);

/// Writes `tensor` as a version-1 .npy file; written aside and renamed in.
llvm::Error writeNpy(llvm::StringRef path, const HostTensor &tensor);

} // namespace kiln::driver

#endif // KILN_DRIVER_NPYIO_H
