//===- TensorChecks.h - Validate TensorProto sizes before use ---*- C++ -*-===//

#ifndef KILN_LIB_FRONTEND_ONNX_TENSORCHECKS_H
#define KILN_LIB_FRONTEND_ONNX_TENSORCHECKS_H

#include "onnx/onnx_pb.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kiln::frontend::detail {

/// Bytes per element of a fixed-size ONNX data type; nullopt for strings and
/// undefined types.
std::optional<uint64_t> onnxElementSize(int32_t dataType);

/// Element count of `tensor`'s dims, or nullopt (with `error` set) when a dim
/// is negative or the count or its byte size overflows.
std::optional<uint64_t> checkedElementCount(const onnx::TensorProto &tensor,
                                            std::string &error);

/// Calls `fn` on every tensor of the top-level graph: initializers and the
/// `value` attributes of Constant nodes. Stops at the first false.
bool forEachGraphTensor(onnx::GraphProto &graph,
                        llvm::function_ref<bool(onnx::TensorProto &)> fn);

/// Dims, element counts and data sizes of every graph tensor agree.
bool checkGraphTensors(onnx::GraphProto &graph, std::string &error);

} // namespace kiln::frontend::detail

#endif // KILN_LIB_FRONTEND_ONNX_TENSORCHECKS_H
