//===- Report.cpp - NAME.report.json: ops, arena plan, weights, IO --------===//

#include "LibraryParts.h"

#include "dialects/kiln/KilnDialect.h"
#include "kiln/target/RuntimeParams.h"

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

static int64_t numElements(Type type) {
  return cast<RankedTensorType>(type).getNumElements();
}

/// Multiply-accumulates one execution of `op` performs (0 for ops that do no
/// multiply-accumulate work), so `kiln bench` can report MAC/s against the
/// target's FMA peak. Counted from result and filter sizes alone, which stays
/// right whatever activation layout the output has.
static int64_t countMacs(Operation *op) {
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    // Each output element reads one filter slice of (C/group) x kH x kW; the
    // output channel count M leads an NCHW filter [M, C/g, kH, kW] and ends
    // an NHWC (HWIO) one [kH, kW, C/g, M]. A packed filter
    // [G, P, kH, kW, C/G, NR] has zero columns past M/G: count its slice.
    Type filter = conv.getFilter().getType();
    if (conv.hasPackedFilter()) {
      ArrayRef<int64_t> dims = cast<RankedTensorType>(filter).getShape();
      return numElements(conv.getType()) * dims[2] * dims[3] * dims[4];
    }
    int64_t m = cast<RankedTensorType>(filter).getDimSize(isNhwc(op) ? 3 : 0);
    return m > 0 ? numElements(conv.getType()) * (numElements(filter) / m) : 0;
  }
  if (auto conv = dyn_cast<Conv2DWinogradOp>(op)) {
    // The direct conv's 3 x 3 x C per output, not the fewer multiplies the
    // Winograd transform performs: MAC/s and % of peak stay comparable with
    // the direct kernels (an "effective" rate, docs/report.md).
    auto filter = cast<RankedTensorType>(conv.getFilter().getType());
    return numElements(conv.getType()) * 9 * filter.getDimSize(3);
  }
  if (auto deconv = dyn_cast<ConvTranspose2DOp>(op)) {
    // Each input element scatters into (M/group) x kH x kW outputs; the
    // filter is [C, M/group, kH, kW].
    Type filter = deconv.getFilter().getType();
    int64_t c = cast<RankedTensorType>(filter).getDimSize(0);
    return c > 0 ? numElements(deconv.getInput().getType()) *
                       (numElements(filter) / c)
                 : 0;
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    auto a = cast<RankedTensorType>(gemm.getA().getType());
    int64_t k = a.getDimSize(gemm.getTransA() ? 0 : 1);
    return numElements(gemm.getType()) * k;
  }
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    auto lhs = cast<RankedTensorType>(matmul.getLhs().getType());
    int64_t k = lhs.getRank() == 0 ? 1 : lhs.getShape().back();
    return numElements(matmul.getType()) * k;
  }
  return 0;
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
  int64_t totalMacs = 0, winogradMacs = 0;
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
    int64_t macs = countMacs(&op);
    entry["macs"] = macs;
    totalMacs += macs;
    if (isa<Conv2DWinogradOp>(op))
      winogradMacs += macs;
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
                           {"macs", totalMacs},
                           {"macs_winograd", winogradMacs},
                           {"inputs", ioJson(info.inputs)},
                           {"outputs", ioJson(info.outputs)},
                           {"ops", ops}};
  if (options.profileOps)
    report["profile_ops"] = true;
  return report.dump(2) + "\n";
}
