//===- OpTable.cpp - The merged table of ONNX op builders -----------------===//

#include "lib/frontend/onnx/OpTable.h"

#include "kiln/frontend/OnnxImporter.h"

#include "llvm/ADT/STLExtras.h"

#include <map>

using namespace kiln::frontend;
using namespace kiln::frontend::detail;

const std::vector<OpTableEntry> &detail::getOpTable() {
  static const std::vector<OpTableEntry> table = [] {
    std::vector<OpTableEntry> all;
    for (auto family :
         {getConstantOps, getConvOps, getMatMulOps, getElementwiseOps,
          getActivationOps, getNormOps, getReduceOps, getPoolOps, getShapeOps,
          getSliceOps, getResizeOps, getQuantOps, getRearrangeOps})
      llvm::append_range(all, family());
    return all;
  }();
  return table;
}

const OpTableEntry *detail::findOpBuilder(llvm::StringRef opType,
                                          int64_t opset) {
  for (const OpTableEntry &e : getOpTable())
    if (e.opType == opType && e.sinceOpset <= opset && opset <= e.untilOpset)
      return &e;
  return nullptr;
}

std::vector<SupportedOnnxOp> kiln::frontend::getSupportedOnnxOps() {
  // Adjacent or overlapping ranges of one op type print as one range.
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> ranges;
  for (const OpTableEntry &e : getOpTable())
    ranges[e.opType.str()].push_back({e.sinceOpset, e.untilOpset});
  std::vector<SupportedOnnxOp> out;
  for (auto &[name, rs] : ranges) {
    llvm::sort(rs);
    SupportedOnnxOp cur{name, rs[0].first, rs[0].second};
    for (auto [lo, hi] : llvm::drop_begin(rs)) {
      if (lo <= cur.untilOpset + 1) {
        cur.untilOpset = std::max(cur.untilOpset, hi);
        continue;
      }
      out.push_back(cur);
      cur = {name, lo, hi};
    }
    out.push_back(cur);
  }
  return out;
}
