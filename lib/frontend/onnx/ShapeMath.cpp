//===- ShapeMath.cpp - ONNX shape arithmetic shared by builders -----------===//

#include "lib/frontend/onnx/ShapeMath.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace kiln::frontend::detail;
using llvm::ArrayRef;
using llvm::SmallVector;

std::optional<int64_t> kiln::frontend::detail::normalizeAxis(int64_t axis,
                                                             int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

int64_t kiln::frontend::detail::product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

std::optional<SmallVector<int64_t>>
kiln::frontend::detail::reshapeTarget(ArrayRef<int64_t> in,
                                      ArrayRef<int64_t> shape, bool allowZero,
                                      std::string &error) {
  SmallVector<int64_t> out;
  std::optional<size_t> inferred;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t d = shape[i];
    if (d == -1) {
      if (inferred) {
        error = "the shape has more than one -1";
        return std::nullopt;
      }
      inferred = i;
      out.push_back(1);
      continue;
    }
    if (d == 0 && !allowZero) {
      if (i >= in.size()) {
        error = llvm::formatv("shape entry {0} is 0 but the input has rank {1}",
                              i, in.size());
        return std::nullopt;
      }
      d = in[i];
    }
    if (d < 0) {
      error = llvm::formatv("shape entry {0} is negative ({1})", i, d);
      return std::nullopt;
    }
    out.push_back(d);
    known *= d;
  }
  int64_t total = product(in);
  if (inferred) {
    if (known == 0 || total % known != 0) {
      error = llvm::formatv(
          "cannot infer -1: {0} elements do not divide by {1}", total, known);
      return std::nullopt;
    }
    out[*inferred] = total / known;
  } else if (known != total) {
    error = llvm::formatv(
        "the new shape has {0} elements but the input has {1}", known, total);
    return std::nullopt;
  }
  return out;
}

std::optional<SmallVector<int64_t>> kiln::frontend::detail::unsqueezeShape(
    ArrayRef<int64_t> in, ArrayRef<int64_t> axes, std::string &error) {
  int64_t rank = in.size() + axes.size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : axes) {
    std::optional<int64_t> n = normalizeAxis(a, rank);
    if (!n || inserted[*n]) {
      error = llvm::formatv("axis {0} is out of range or repeated for rank {1}",
                            a, rank);
      return std::nullopt;
    }
    inserted[*n] = true;
  }
  SmallVector<int64_t> out;
  size_t next = 0;
  for (int64_t i = 0; i < rank; ++i)
    out.push_back(inserted[i] ? 1 : in[next++]);
  return out;
}

std::optional<SmallVector<int64_t>> kiln::frontend::detail::squeezeShape(
    ArrayRef<int64_t> in, ArrayRef<int64_t> axes, std::string &error) {
  int64_t rank = in.size();
  SmallVector<bool> drop(rank, axes.empty());
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      drop[i] = in[i] == 1;
  for (int64_t a : axes) {
    std::optional<int64_t> n = normalizeAxis(a, rank);
    if (!n || in[*n] != 1) {
      error = llvm::formatv("axis {0} is out of range or not of size 1", a);
      return std::nullopt;
    }
    drop[*n] = true;
  }
  SmallVector<int64_t> out;
  for (int64_t i = 0; i < rank; ++i)
    if (!drop[i])
      out.push_back(in[i]);
  return out;
}

std::optional<SliceWindow> kiln::frontend::detail::normalizeSlice(
    ArrayRef<int64_t> shape, ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
    ArrayRef<int64_t> axes, ArrayRef<int64_t> steps, std::string &error) {
  int64_t rank = shape.size();
  SliceWindow w;
  w.offsets.assign(rank, 0);
  w.sizes.assign(shape.begin(), shape.end());
  w.strides.assign(rank, 1);
  if (starts.size() != ends.size() ||
      (!axes.empty() && axes.size() != starts.size()) ||
      (!steps.empty() && steps.size() != starts.size())) {
    error = "starts, ends, axes and steps must have the same length";
    return std::nullopt;
  }
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    std::optional<int64_t> axis =
        normalizeAxis(axes.empty() ? static_cast<int64_t>(i) : axes[i], rank);
    if (!axis || seen[*axis]) {
      error = "a slice axis is out of range or repeated";
      return std::nullopt;
    }
    seen[*axis] = true;
    int64_t dim = shape[*axis];
    int64_t step = steps.empty() ? 1 : steps[i];
    if (step == 0) {
      error = "a slice step is 0";
      return std::nullopt;
    }
    // Clamp as ONNX does; starts/ends of +-INT64_MAX mean "to the end".
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start = start < -dim ? (step > 0 ? 0 : -1) : start + dim;
    if (end < 0)
      end = end < -dim ? -1 : end + dim;
    int64_t size;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, -1, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      size = start > end ? (start - end + (-step) - 1) / (-step) : 0;
    }
    w.offsets[*axis] = size ? start : 0;
    w.sizes[*axis] = size;
    w.strides[*axis] = step;
  }
  return w;
}

std::optional<SmallVector<int64_t>>
kiln::frontend::detail::broadcastShapes(ArrayRef<int64_t> a,
                                        ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}
