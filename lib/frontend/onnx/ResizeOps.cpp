//===- ResizeOps.cpp - Resize and Upsample builders -----------------------===//

#include "lib/frontend/onnx/OpTable.h"

#include <cmath>

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
/// Resize (opset 10+) and Upsample (7-9) share one builder: the output size
/// comes from `sizes` when given, else floor(input * scale).
LogicalResult buildResize(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  if (!type || type.getRank() != 4)
    return ic.emitNodeError() << "only rank-4 NCHW inputs can be resized";
  bool isUpsample = ic.node().op_type() == "Upsample";
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  if (isUpsample && ic.opset < 9) {
    for (float s : ic.attrFloats("scales"))
      scales.push_back(s);
  } else {
    unsigned scalesIndex = (isUpsample || ic.opset < 11) ? 1 : 2;
    if (ic.hasInput(scalesIndex) &&
        ic.inputType(scalesIndex).getNumElements() > 0) {
      FailureOr<SmallVector<double>> v = ic.constFloats(scalesIndex, "scales");
      if (failed(v))
        return failure();
      scales = *v;
    }
    if (!isUpsample && ic.opset >= 11 && ic.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> v = ic.constInts(3, "sizes");
      if (failed(v))
        return failure();
      sizes = *v;
    }
  }
  SmallVector<int64_t> out(type.getShape());
  if (!sizes.empty()) {
    if (sizes.size() != 4)
      return ic.emitNodeError() << "expects 4 sizes";
    out = sizes;
  } else if (scales.size() == 4) {
    for (int i = 0; i < 4; ++i)
      out[i] = static_cast<int64_t>(std::floor(type.getDimSize(i) * scales[i]));
  } else {
    return ic.emitNodeError() << "needs 4 scales or 4 sizes";
  }
  if (out[0] != type.getDimSize(0) || out[1] != type.getDimSize(1))
    return ic.emitNodeError() << "only the two spatial dimensions can be "
                                 "resized, not the batch or channels";
  std::string modeName = ic.attrString("mode", "nearest");
  std::optional<kiln::ResizeMode> mode =
      kiln::symbolizeResizeMode(modeName == "bilinear" ? "linear" : modeName);
  std::string coordName = ic.attrString(
      "coordinate_transformation_mode",
      (isUpsample || ic.opset < 11) ? "asymmetric" : "half_pixel");
  std::optional<kiln::CoordinateMode> coord =
      kiln::symbolizeCoordinateMode(coordName);
  std::string nearestName = ic.attrString(
      "nearest_mode",
      (isUpsample || ic.opset < 11) ? "floor" : "round_prefer_floor");
  std::optional<kiln::NearestMode> nearest =
      kiln::symbolizeNearestMode(nearestName);
  if (!mode || !coord || !nearest)
    return ic.emitNodeError()
           << "mode '" << modeName << "', coordinate mode '" << coordName
           << "' or nearest mode '" << nearestName << "' is not supported";
  DenseF32ArrayAttr scaleAttr;
  if (sizes.empty())
    scaleAttr = ic.b.getDenseF32ArrayAttr(
        {static_cast<float>(scales[2]), static_cast<float>(scales[3])});
  Value x = ic.input(0);
  if (!x)
    return failure();
  ic.setOutput(0, kiln::ResizeOp::create(ic.b, ic.loc(), type.clone(out), x,
                                         *mode, *coord, *nearest, scaleAttr));
  return success();
}

const OpTableEntry kResizeOps[] = {
    {"Resize", 10, kMaxOpset, buildResize},
    {"Upsample", 7, 9, buildResize},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getResizeOps() {
  return kResizeOps;
}
