//===- ModelLoader.cpp - libonnx front half of the importer ---------------===//
//
// libonnx reports problems by throwing, while the rest of Kiln is built without
// exceptions; this file is compiled with -fexceptions and nothing thrown here
// escapes it.
//
//===----------------------------------------------------------------------===//

#include "lib/frontend/onnx/ModelLoader.h"
#include "lib/frontend/onnx/ExternalData.h"
#include "lib/frontend/onnx/TensorChecks.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <exception>
#include <tuple>

using namespace kiln::frontend;
using namespace kiln::frontend::detail;

int64_t detail::getDefaultOpset(const onnx::ModelProto &model) {
  for (const auto &imp : model.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx")
      return imp.version();
  return 0;
}

namespace {
std::string joinDims(llvm::ArrayRef<int64_t> dims) {
  std::string s;
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? "x" : "") + std::to_string(d);
  return s;
}

/// Graph inputs that are not initializers, i.e. the model's real arguments.
llvm::SmallVector<onnx::ValueInfoProto *> realInputs(onnx::GraphProto &graph) {
  llvm::StringSet<> inits;
  for (const auto &t : graph.initializer())
    inits.insert(t.name());
  llvm::SmallVector<onnx::ValueInfoProto *> inputs;
  for (auto &in : *graph.mutable_input())
    if (!inits.contains(in.name()))
      inputs.push_back(&in);
  return inputs;
}

/// Writes `--input-shape` overrides into the graph inputs, then insists that
/// every input dimension is static.
bool pinInputShapes(onnx::GraphProto &graph, const OnnxImportOptions &options,
                    std::string &error) {
  auto inputs = realInputs(graph);
  for (const InputShapeOverride &o : options.inputShapes) {
    onnx::ValueInfoProto *target = nullptr;
    for (onnx::ValueInfoProto *in : inputs)
      if (in->name() == o.input)
        target = in;
    unsigned index;
    if (!target && !llvm::StringRef(o.input).getAsInteger(10, index)) {
      if (index >= inputs.size()) {
        error =
            llvm::formatv("--input-shape {0}: the model has only {1} input(s)",
                          o.input, inputs.size());
        return false;
      }
      target = inputs[index];
    }
    if (!target) {
      std::string names;
      for (onnx::ValueInfoProto *in : inputs)
        names += (names.empty() ? "'" : ", '") + in->name() + "'";
      error = llvm::formatv("--input-shape {0}: no graph input of that name "
                            "(inputs: {1})",
                            o.input, names);
      return false;
    }
    auto *tensorType = target->mutable_type()->mutable_tensor_type();
    auto *shape = tensorType->mutable_shape();
    if (shape->dim_size() != 0 && shape->dim_size() != (int)o.dims.size()) {
      error =
          llvm::formatv("--input-shape for '{0}' has rank {1} but the input "
                        "has rank {2}",
                        target->name(), o.dims.size(), shape->dim_size());
      return false;
    }
    if (shape->dim_size() == 0)
      for (size_t i = 0; i < o.dims.size(); ++i)
        shape->add_dim();
    for (auto [i, d] : llvm::enumerate(o.dims)) {
      auto *dim = shape->mutable_dim(i);
      if (dim->has_dim_value() && dim->dim_value() != d) {
        error =
            llvm::formatv("--input-shape for '{0}' sets dimension {1} to {2}, "
                          "but the model fixes it to {3}",
                          target->name(), i, d, dim->dim_value());
        return false;
      }
      dim->set_dim_value(d);
    }
  }
  for (onnx::ValueInfoProto *in : inputs) {
    const auto &type = in->type();
    if (!type.has_tensor_type()) {
      error = llvm::formatv("graph input '{0}' is not a tensor", in->name());
      return false;
    }
    if (!type.tensor_type().has_shape()) {
      error = llvm::formatv("graph input '{0}' has no shape; set it with "
                            "--input-shape {0}:<dims, e.g. 1x3x224x224>",
                            in->name());
      return false;
    }
    const auto &shape = type.tensor_type().shape();
    for (int i = 0; i < shape.dim_size(); ++i) {
      const auto &dim = shape.dim(i);
      if (dim.has_dim_value() && dim.dim_value() >= 0)
        continue;
      if (dim.has_dim_value()) {
        error =
            llvm::formatv("graph input '{0}' has negative dimension {1} = {2}",
                          in->name(), i, dim.dim_value());
        return false;
      }
      std::vector<int64_t> example;
      for (int j = 0; j < shape.dim_size(); ++j)
        example.push_back(
            shape.dim(j).has_dim_value() ? shape.dim(j).dim_value() : 1);
      error = llvm::formatv(
          "graph input '{0}' has dynamic dimension {1}{2}; set it with "
          "--input-shape {0}:{3}",
          in->name(), i,
          dim.has_dim_param() ? " ('" + dim.dim_param() + "')" : std::string(),
          joinDims(example));
      return false;
    }
  }
  return true;
}

/// Upsample and Resize-10 sample at asymmetric coordinates rounding down, but
/// libonnx's adapters turn them into Resize-11+ nodes without saying so, and
/// Resize-11's defaults (half_pixel, round_prefer_floor) would shift the image.
void keepPreResize11Sampling(onnx::GraphProto &graph) {
  for (onnx::NodeProto &node : *graph.mutable_node()) {
    if (node.op_type() != "Resize")
      continue;
    bool hasCoord = false, hasNearest = false;
    for (const onnx::AttributeProto &a : node.attribute()) {
      hasCoord |= a.name() == "coordinate_transformation_mode";
      hasNearest |= a.name() == "nearest_mode";
    }
    for (auto [has, name, value] :
         {std::tuple<bool, const char *, const char *>{
              hasCoord, "coordinate_transformation_mode", "asymmetric"},
          {hasNearest, "nearest_mode", "floor"}}) {
      if (has)
        continue;
      onnx::AttributeProto *a = node.add_attribute();
      a->set_name(name);
      a->set_type(onnx::AttributeProto::STRING);
      a->set_s(value);
    }
  }
}

/// Converts to the canonical opset; a model the converter cannot handle keeps
/// its own opset (the builder table covers opsets individually).
void convertOpset(onnx::ModelProto &model, int64_t target) {
  int64_t opset = detail::getDefaultOpset(model);
  if (opset == target || opset < 7 || opset > 17)
    return;
  try {
    onnx::ModelProto converted =
        onnx::version_conversion::ConvertVersion(model, target);
    if (opset < 11 && target >= 11)
      keepPreResize11Sampling(*converted.mutable_graph());
    onnx::checker::check_model(converted);
    model = std::move(converted);
  } catch (...) {
    // Keep the original: it already passed the checker.
  }
}

bool loadImpl(llvm::StringRef bytes, llvm::StringRef modelDir,
              const OnnxImportOptions &options, onnx::ModelProto &model,
              std::string &error) {
  if (bytes.size() > options.maxModelBytes) {
    error = llvm::formatv("model is {0} bytes, above the limit of {1}",
                          bytes.size(), options.maxModelBytes);
    return false;
  }
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    error = "not a valid ONNX model: protobuf parsing failed (truncated or not "
            "an ONNX file)";
    return false;
  }
  if (!model.has_graph()) {
    error = "not a valid ONNX model: it has no graph";
    return false;
  }
  onnx::GraphProto &graph = *model.mutable_graph();
  if (!resolveExternalData(graph, modelDir, error))
    return false;
  if (!checkGraphTensors(graph, error))
    return false;
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    error = std::string("the ONNX checker rejected the model: ") + e.what();
    return false;
  }
  if (!pinInputShapes(graph, options, error))
    return false;
  convertOpset(model, options.canonicalOpset);
  try {
    onnx::ShapeInferenceOptions inferOptions(/*check_type=*/true,
                                             /*strict_mode=*/1,
                                             /*data_prop=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), inferOptions);
  } catch (const std::exception &e) {
    error = std::string("ONNX shape inference failed: ") + e.what();
    return false;
  }
  return true;
}
} // namespace

bool detail::loadOnnxModel(llvm::StringRef bytes, llvm::StringRef modelDir,
                           const OnnxImportOptions &options,
                           onnx::ModelProto &model, std::string &error) {
  try {
    return loadImpl(bytes, modelDir, options, model, error);
  } catch (const std::exception &e) {
    error = std::string("libonnx failed: ") + e.what();
  } catch (...) {
    error = "libonnx failed with an unknown exception";
  }
  return false;
}
