//===- RearrangeOps.cpp - DepthToSpace and SpaceToDepth builders ----------===//
//
// Both are a reshape to rank 6, a transpose and a reshape back, exactly as the
// ONNX spec writes them.
//
//===----------------------------------------------------------------------===//

#include "lib/frontend/onnx/OpTable.h"

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
LogicalResult rearrange(ImportContext &ic, ArrayRef<int64_t> split,
                        ArrayRef<int64_t> perm, ArrayRef<int64_t> out) {
  Value x = ic.input(0);
  if (!x)
    return failure();
  FailureOr<Value> moved =
      ic.createValue<kiln::TransposeOp>(ic.reshape(x, split), perm);
  if (failed(moved))
    return failure();
  ic.setOutput(0, ic.reshape(*moved, out));
  return success();
}

/// The NCHW shape and block size of the current node, checked.
LogicalResult readBlock(ImportContext &ic, int64_t &n, int64_t &c, int64_t &h,
                        int64_t &w, int64_t &b) {
  RankedTensorType type = ic.inputType(0);
  if (!type || type.getRank() != 4)
    return ic.emitNodeError() << "expects a rank-4 NCHW input";
  n = type.getDimSize(0), c = type.getDimSize(1), h = type.getDimSize(2),
  w = type.getDimSize(3);
  b = ic.attrInt("blocksize", 0);
  if (b <= 0)
    return ic.emitNodeError() << "blocksize must be positive, got " << b;
  return success();
}

LogicalResult buildDepthToSpace(ImportContext &ic) {
  int64_t n, c, h, w, b;
  if (failed(readBlock(ic, n, c, h, w, b)))
    return failure();
  if (c % (b * b))
    return ic.emitNodeError()
           << "channels (" << c << ") are not a multiple of blocksize^2 ("
           << b * b << ")";
  int64_t oc = c / (b * b);
  SmallVector<int64_t> out{n, oc, h * b, w * b};
  if (ic.attrString("mode", "DCR") == "CRD")
    return rearrange(ic, {n, oc, b, b, h, w}, {0, 1, 4, 2, 5, 3}, out);
  return rearrange(ic, {n, b, b, oc, h, w}, {0, 3, 4, 1, 5, 2}, out);
}

LogicalResult buildSpaceToDepth(ImportContext &ic) {
  int64_t n, c, h, w, b;
  if (failed(readBlock(ic, n, c, h, w, b)))
    return failure();
  if (h % b || w % b)
    return ic.emitNodeError() << "height and width (" << h << ", " << w
                              << ") are not multiples of blocksize " << b;
  return rearrange(ic, {n, c, h / b, b, w / b, b}, {0, 3, 5, 1, 2, 4},
                   {n, c * b * b, h / b, w / b});
}

const OpTableEntry kRearrangeOps[] = {
    {"DepthToSpace", 1, kMaxOpset, buildDepthToSpace},
    {"SpaceToDepth", 1, kMaxOpset, buildSpaceToDepth},
};
} // namespace

ArrayRef<OpTableEntry> kiln::frontend::detail::getRearrangeOps() {
  return kRearrangeOps;
}
