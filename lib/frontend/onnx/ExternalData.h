//===- ExternalData.h - Load external tensor data safely --------*- C++ -*-===//

#ifndef KILN_LIB_FRONTEND_ONNX_EXTERNALDATA_H
#define KILN_LIB_FRONTEND_ONNX_EXTERNALDATA_H

#include "onnx/onnx_pb.h"

#include "llvm/ADT/StringRef.h"

#include <string>

namespace kiln::frontend::detail {

/// Replaces every external-data reference in `graph` by the bytes it names,
/// read only from regular, singly-linked files inside `modelDir`. On a refusal
/// `error` names the tensor, the file and the reason.
bool resolveExternalData(onnx::GraphProto &graph, llvm::StringRef modelDir,
                         std::string &error);

} // namespace kiln::frontend::detail

#endif // KILN_LIB_FRONTEND_ONNX_EXTERNALDATA_H
