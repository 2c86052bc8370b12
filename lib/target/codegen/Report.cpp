//===- Report.cpp - NAME.report.json: ops, arena plan, weights, IO --------===//

#include "LibraryParts.h"

#include "mlir/IR/Location.h"

#include <nlohmann/json.hpp>

using namespace mlir;
using namespace kiln;
using namespace kiln::codegen;

static nlohmann::json shapeOf(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return nlohmann::json(
      std::vector<int64_t>(tensor.getShape().begin(), tensor.getShape().end()));
}

static nlohmann::json ioJson(const std::vector<TensorInfo> &tensors) {
  nlohmann::json list = nlohmann::json::array();
  for (const TensorInfo &t : tensors)
    list.push_back({{"name", t.name},
                    {"shape", shapeOf(t.type)},
                    {"dtype", getDTypeMacro(t.type.getElementType()).str()},
                    {"bytes", t.bytes}});
  return list;
}

/// The node name the importer attached (a NameLoc), if any.
static std::string locationName(Location loc) {
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto name = locationName(inner); !name.empty())
        return name;
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  return "";
}

std::string codegen::emitReport(func::FuncOp func, const ModelInfo &info,
                                const LibraryOptions &options) {
  nlohmann::json ops = nlohmann::json::array();
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (op.hasTrait<OpTrait::ConstantLike>())
      continue;
    nlohmann::json inputs = nlohmann::json::array(),
                   outputs = nlohmann::json::array();
    for (Type t : op.getOperandTypes())
      inputs.push_back(shapeOf(t));
    for (Type t : op.getResultTypes())
      outputs.push_back(shapeOf(t));
    nlohmann::json entry = {{"kind", op.getName().getStringRef().str()},
                            {"name", locationName(op.getLoc())},
                            {"input_shapes", inputs},
                            {"output_shapes", outputs}};
    if (auto offsets = op.getAttrOfType<DenseI64ArrayAttr>("kiln.offset"))
      entry["arena_offsets"] = std::vector<int64_t>(
          offsets.asArrayRef().begin(), offsets.asArrayRef().end());
    entry["in_place"] = op.hasAttr("kiln.in_place");
    entry["alias"] = op.hasAttr("kiln.alias");
    ops.push_back(entry);
  }
  nlohmann::json report = {{"name", options.name},
                           {"compiler_version", getCompilerVersion().str()},
                           {"model_hash", options.modelHash},
                           {"arena",
                            {{"size", info.arenaSize},
                             {"lower_bound", info.arenaLowerBound},
                             {"align", info.arenaAlign}}},
                           {"weight_bytes", info.weightBytes},
                           {"inputs", ioJson(info.inputs)},
                           {"outputs", ioJson(info.outputs)},
                           {"ops", ops}};
  return report.dump(2) + "\n";
}
