//===- SliceOps.cpp - Slice, Split and Pad builders -----------------------===//

#include "lib/frontend/onnx/OpTable.h"
#include "lib/frontend/onnx/ShapeMath.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace kiln::frontend::detail {
FailureOr<SliceWindow> readSliceWindow(ImportContext &ic,
                                       ArrayRef<int64_t> shape) {
  SmallVector<int64_t> starts = ic.attrInts("starts"),
                       ends = ic.attrInts("ends"), axes = ic.attrInts("axes"),
                       steps;
  if (ic.opset >= 10) {
    const char *what[] = {"starts", "ends", "axes", "steps"};
    SmallVector<int64_t> *dst[] = {&starts, &ends, &axes, &steps};
    for (unsigned i = 1; i < 5; ++i) {
      if (!ic.hasInput(i))
        continue;
      FailureOr<SmallVector<int64_t>> v = ic.constInts(i, what[i - 1]);
      if (failed(v))
        return failure();
      *dst[i - 1] = *v;
    }
  }
  std::string error;
  std::optional<SliceWindow> w =
      normalizeSlice(shape, starts, ends, axes, steps, error);
  if (!w)
    return ic.emitNodeError() << error;
  return *w;
}
} // namespace kiln::frontend::detail

namespace {
LogicalResult buildSlice(ImportContext &ic) {
  FailureOr<SliceWindow> w = readSliceWindow(ic, ic.inputType(0).getShape());
  if (failed(w))
    return failure();
  return ic.createAsOutput<kiln::SliceOp>(ic.input(0), w->offsets, w->sizes,
                                          w->strides);
}

LogicalResult buildSplit(ImportContext &ic) {
  RankedTensorType type = ic.inputType(0);
  std::optional<int64_t> axis =
      normalizeAxis(ic.attrInt("axis", 0), type.getRank());
  if (!axis)
    return ic.emitNodeError() << "axis is out of range";
  SmallVector<int64_t> sizes = ic.attrInts("split");
  if (ic.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> v = ic.constInts(1, "split sizes");
    if (failed(v))
      return failure();
    sizes = *v;
  }
  int64_t dim = type.getDimSize(*axis), n = ic.numOutputs();
  if (sizes.empty()) {
    if (dim % n != 0)
      return ic.emitNodeError()
             << "dimension " << dim << " does not split into " << n
             << " equal parts";
    sizes.assign(n, dim / n);
  }
  if (static_cast<int64_t>(sizes.size()) != n)
    return ic.emitNodeError()
           << "has " << n << " outputs but " << sizes.size() << " split sizes";
  FailureOr<kiln::SplitOp> op =
      ic.create<kiln::SplitOp>(ic.input(0), *axis, sizes);
  if (failed(op))
    return failure();
  for (auto [i, r] : llvm::enumerate(op->getResults()))
    ic.setOutput(i, r);
  return success();
}

LogicalResult buildPad(ImportContext &ic) {
  std::string modeName = ic.attrString("mode", "constant");
  std::optional<kiln::PadMode> mode = kiln::symbolizePadMode(modeName);
  if (!mode)
    return ic.emitNodeError()
           << "pad mode '" << modeName << "' is not supported";
  SmallVector<int64_t> pads = ic.attrInts("pads");
  float value = ic.attrFloat("value", 0.0f);
  if (ic.opset >= 11) {
    FailureOr<SmallVector<int64_t>> p = ic.constInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (ic.hasInput(2)) {
      FailureOr<SmallVector<double>> v = ic.constFloats(2, "constant value");
      if (failed(v))
        return failure();
      value = v->empty() ? 0.0f : static_cast<float>((*v)[0]);
    }
  }
  return ic.createAsOutput<kiln::PadOp>(ic.input(0), pads, *mode,
                                        APFloat(value));
}

const OpTableEntry kSliceOps[] = {
    {"Slice", 1, kMaxOpset, buildSlice},
    {"Split", 2, kMaxOpset, buildSplit},
    {"Pad", 2, kMaxOpset, buildPad},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getSliceOps() {
  return kSliceOps;
}
