//===- ModelLoader.h - Parse, check, convert and shape-infer ONNX -*- C++ -*-===//

#ifndef KILN_LIB_FRONTEND_ONNX_MODELLOADER_H
#define KILN_LIB_FRONTEND_ONNX_MODELLOADER_H

#include "kiln/frontend/OnnxImporter.h"

#include "onnx/onnx_pb.h"

#include <string>

namespace kiln::frontend::detail {

/// Everything libonnx does for us, behind one exception-free call: parsing with
/// a size limit, resolving external data safely, pinning dynamic input dims,
/// the checker, opset conversion (falling back to the model's own opset) and
/// shape inference. On failure `error` holds one message and false is returned.
bool loadOnnxModel(llvm::StringRef bytes, llvm::StringRef modelDir,
                   const OnnxImportOptions &options, onnx::ModelProto &model,
                   std::string &error);

/// The default-domain opset the model imports (after any conversion).
int64_t getDefaultOpset(const onnx::ModelProto &model);

} // namespace kiln::frontend::detail

#endif // KILN_LIB_FRONTEND_ONNX_MODELLOADER_H
