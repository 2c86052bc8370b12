//===- ConstantFold.cpp - Import-time evaluation of shape subgraphs -------===//
//
// Exporters compute shapes at run time (Shape -> Gather -> Unsqueeze -> Concat
// -> Reshape); with static shapes those subgraphs are constant. This evaluates
// the integer and small float ops they use, so that the consumers see constant
// operands and no kernels are emitted for them.
//
//===----------------------------------------------------------------------===//

#include "lib/frontend/onnx/OpTable.h"
#include "lib/frontend/onnx/ShapeMath.h"

#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;
using namespace kiln::frontend::detail;

namespace {
/// A small constant tensor, held as int64 or double.
struct Const {
  SmallVector<int64_t> shape;
  Type elem;
  SmallVector<int64_t> ints;
  SmallVector<double> floats;
  bool isFloat() const { return isa<FloatType>(elem); }
  int64_t size() const { return product(shape); }
  double f(int64_t i) const { return isFloat() ? floats[i] : double(ints[i]); }
  int64_t n(int64_t i) const {
    return isFloat() ? int64_t(floats[i]) : ints[i];
  }
};

Const fromAttr(DenseElementsAttr attr) {
  Const c;
  c.shape.assign(attr.getType().getShape().begin(),
                 attr.getType().getShape().end());
  c.elem = attr.getElementType();
  if (c.isFloat())
    c.floats = floatsOf(attr);
  else
    c.ints = intsOf(attr);
  return c;
}

DenseElementsAttr toAttr(const Const &c) {
  auto type = RankedTensorType::get(c.shape, c.elem);
  return c.isFloat() ? makeDenseFloat(type, c.floats) : makeDense(type, c.ints);
}

/// The input flat index feeding each output element under numpy broadcasting.
SmallVector<int64_t> broadcastIndices(ArrayRef<int64_t> in,
                                      ArrayRef<int64_t> out) {
  int64_t total = product(out), rank = out.size(), offset = rank - in.size();
  SmallVector<int64_t> idx(total);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t rem = flat, src = 0, stride = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t coord = rem % out[d];
      rem /= out[d];
      if (d >= offset) {
        int64_t dim = in[d - offset];
        src += (dim == 1 ? 0 : coord) * stride;
        stride *= dim;
      }
    }
    idx[flat] = src;
  }
  return idx;
}

Const makeLike(Type elem, ArrayRef<int64_t> shape) {
  Const c;
  c.elem = elem;
  c.shape.assign(shape.begin(), shape.end());
  return c;
}

/// Elementwise ops over broadcast inputs; `fn` sees the input values at one
/// output position and appends the result.
std::optional<Const>
elementwise(ArrayRef<Const> in, Type resultElem,
            llvm::function_ref<void(ArrayRef<int64_t>, Const &)> fn) {
  SmallVector<int64_t> shape = in[0].shape;
  for (const Const &c : llvm::drop_begin(in)) {
    auto s = broadcastShapes(shape, c.shape);
    if (!s)
      return std::nullopt;
    shape = *s;
  }
  if (product(shape) > kMaxFoldedElements)
    return std::nullopt;
  SmallVector<SmallVector<int64_t>> maps;
  for (const Const &c : in)
    maps.push_back(broadcastIndices(c.shape, shape));
  Const out = makeLike(resultElem, shape);
  SmallVector<int64_t> at(in.size());
  for (int64_t i = 0, e = product(shape); i < e; ++i) {
    for (size_t k = 0; k < in.size(); ++k)
      at[k] = maps[k][i];
    fn(at, out);
  }
  return out;
}

void push(Const &out, double v) {
  if (out.isFloat())
    out.floats.push_back(v);
  else
    out.ints.push_back(static_cast<int64_t>(v));
}

/// One binary op on scalars; integer Div truncates like C (and ONNX Runtime).
template <typename T> T applyBinary(StringRef op, T x, T y) {
  return llvm::StringSwitch<T>(op)
      .Case("Add", x + y)
      .Case("Sub", x - y)
      .Case("Mul", x * y)
      .Case("Div", y != 0 ? x / y : 0)
      .Case("Min", std::min(x, y))
      .Case("Max", std::max(x, y))
      .Case("Equal", x == y)
      .Case("Less", x < y)
      .Case("Greater", x > y)
      .Case("LessOrEqual", x <= y)
      .Case("GreaterOrEqual", x >= y)
      .Case("And", x != 0 && y != 0)
      .Case("Or", x != 0 || y != 0)
      .Default(0);
}

std::optional<Const> foldBinary(StringRef op, const Const &a, const Const &b,
                                Type i1) {
  bool cmp = llvm::is_contained({"Equal", "Less", "Greater", "LessOrEqual",
                                 "GreaterOrEqual", "And", "Or"},
                                op);
  bool fp = a.isFloat() || b.isFloat();
  Const pair[] = {a, b};
  return elementwise(
      pair, cmp ? i1 : a.elem, [&](ArrayRef<int64_t> at, Const &out) {
        if (fp)
          return push(out, applyBinary<double>(op, a.f(at[0]), b.f(at[1])));
        out.ints.push_back(
            applyBinary<int64_t>(op, a.ints[at[0]], b.ints[at[1]]));
      });
}

std::optional<Const> foldUnary(StringRef op, const Const &a) {
  Const one[] = {a};
  return elementwise(one, a.elem, [&](ArrayRef<int64_t> at, Const &out) {
    double x = a.f(at[0]);
    if (!a.isFloat()) {
      int64_t v = a.ints[at[0]];
      out.ints.push_back(op == "Neg"   ? -v
                         : op == "Abs" ? std::abs(v)
                         : op == "Not" ? !v
                                       : v);
      return;
    }
    push(out, llvm::StringSwitch<double>(op)
                  .Case("Neg", -x)
                  .Case("Abs", std::fabs(x))
                  .Case("Floor", std::floor(x))
                  .Case("Ceil", std::ceil(x))
                  .Case("Sqrt", std::sqrt(x))
                  .Default(x));
  });
}

std::optional<Const> foldGather(const Const &data, const Const &indices,
                                int64_t axis) {
  std::optional<int64_t> a = normalizeAxis(axis, data.shape.size());
  if (!a)
    return std::nullopt;
  int64_t outer = product(ArrayRef<int64_t>(data.shape).take_front(*a));
  int64_t dim = data.shape[*a];
  int64_t inner = product(ArrayRef<int64_t>(data.shape).drop_front(*a + 1));
  SmallVector<int64_t> shape(data.shape.begin(), data.shape.begin() + *a);
  llvm::append_range(shape, indices.shape);
  shape.append(data.shape.begin() + *a + 1, data.shape.end());
  if (product(shape) > kMaxFoldedElements)
    return std::nullopt;
  Const out = makeLike(data.elem, shape);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < indices.size(); ++k) {
      int64_t idx = indices.n(k);
      if (idx < 0)
        idx += dim;
      if (idx < 0 || idx >= dim)
        return std::nullopt;
      for (int64_t i = 0; i < inner; ++i) {
        int64_t src = (o * dim + idx) * inner + i;
        data.isFloat() ? out.floats.push_back(data.floats[src])
                       : out.ints.push_back(data.ints[src]);
      }
    }
  return out;
}

std::optional<Const> foldConcat(ArrayRef<Const> in, int64_t axis) {
  std::optional<int64_t> a = normalizeAxis(axis, in[0].shape.size());
  if (!a)
    return std::nullopt;
  SmallVector<int64_t> shape = in[0].shape;
  shape[*a] = 0;
  for (const Const &c : in) {
    if (c.shape.size() != shape.size() || c.elem != in[0].elem)
      return std::nullopt;
    shape[*a] += c.shape[*a];
  }
  Const out = makeLike(in[0].elem, shape);
  int64_t outer = product(ArrayRef<int64_t>(shape).take_front(*a));
  for (int64_t o = 0; o < outer; ++o)
    for (const Const &c : in) {
      int64_t chunk = product(ArrayRef<int64_t>(c.shape).drop_front(*a));
      for (int64_t i = 0; i < chunk; ++i)
        c.isFloat() ? out.floats.push_back(c.floats[o * chunk + i])
                    : out.ints.push_back(c.ints[o * chunk + i]);
    }
  return out;
}

std::optional<Const> foldSlice(const Const &data, const SliceWindow &w) {
  Const out = makeLike(data.elem, w.sizes);
  int64_t rank = data.shape.size(), total = product(w.sizes);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t rem = flat, src = 0, stride = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t coord = rem % w.sizes[d];
      rem /= w.sizes[d];
      src += (w.offsets[d] + coord * w.strides[d]) * stride;
      stride *= data.shape[d];
    }
    data.isFloat() ? out.floats.push_back(data.floats[src])
                   : out.ints.push_back(data.ints[src]);
  }
  return out;
}

std::optional<Const> foldRange(const Const &start, const Const &limit,
                               const Const &delta) {
  double s = start.f(0), l = limit.f(0), d = delta.f(0);
  if (d == 0)
    return std::nullopt;
  int64_t n = std::max<int64_t>(0, int64_t(std::ceil((l - s) / d)));
  if (n > kMaxFoldedElements)
    return std::nullopt;
  Const out = makeLike(start.elem, {n});
  for (int64_t i = 0; i < n; ++i)
    push(out, s + i * d);
  return out;
}

std::optional<Const> evaluate(ImportContext &ic, ArrayRef<Const> in) {
  StringRef op = ic.node().op_type();
  Type i1 = IntegerType::get(ic.ctx, 1);
  if (in.size() == 2 &&
      llvm::is_contained({"Add", "Sub", "Mul", "Div", "Min", "Max", "Equal",
                          "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
                          "And", "Or"},
                         op))
    return foldBinary(op, in[0], in[1], i1);
  if (in.size() == 1 &&
      llvm::is_contained({"Neg", "Abs", "Floor", "Ceil", "Sqrt", "Not"}, op))
    return foldUnary(op, in[0]);
  if (op == "Where" && in.size() == 3)
    return elementwise(in, in[1].elem, [&](ArrayRef<int64_t> at, Const &out) {
      const Const &pick = in[0].n(at[0]) ? in[1] : in[2];
      int64_t k = in[0].n(at[0]) ? at[1] : at[2];
      pick.isFloat() ? out.floats.push_back(pick.floats[k])
                     : out.ints.push_back(pick.ints[k]);
    });
  if (op == "Cast" && in.size() == 1) {
    Type to = ic.elementType(static_cast<int32_t>(ic.attrInt("to", 0)));
    if (!to)
      return std::nullopt;
    Const one[] = {in[0]};
    return elementwise(one, to, [&](ArrayRef<int64_t> at, Const &out) {
      if (to.isInteger(1))
        return out.ints.push_back(in[0].f(at[0]) != 0);
      in[0].isFloat()
          ? push(out, in[0].floats[at[0]])
          : (out.isFloat() ? out.floats.push_back(double(in[0].ints[at[0]]))
                           : out.ints.push_back(in[0].ints[at[0]]));
    });
  }
  if (op == "Expand" && in.size() == 2) {
    SmallVector<int64_t> target(in[1].ints);
    auto shape = broadcastShapes(in[0].shape, target);
    if (!shape)
      return std::nullopt;
    Const ones = makeLike(in[0].elem, *shape);
    Const pair[] = {in[0], ones};
    return elementwise(pair, in[0].elem, [&](ArrayRef<int64_t> at, Const &out) {
      in[0].isFloat() ? out.floats.push_back(in[0].floats[at[0]])
                      : out.ints.push_back(in[0].ints[at[0]]);
    });
  }
  if (op == "Gather" && in.size() == 2)
    return foldGather(in[0], in[1], ic.attrInt("axis", 0));
  if (op == "Concat")
    return foldConcat(in, ic.attrInt("axis", 0));
  if (op == "Range" && in.size() == 3)
    return foldRange(in[0], in[1], in[2]);
  return std::nullopt;
}
} // namespace

FailureOr<bool> kiln::frontend::detail::tryFoldNode(ImportContext &ic) {
  StringRef op = ic.node().op_type();
  if (ic.numOutputs() != 1 || ic.numInputs() == 0)
    return false;
  SmallVector<Const> in;
  for (unsigned i = 0; i < ic.numInputs(); ++i) {
    if (!ic.hasInput(i))
      continue;
    DenseElementsAttr c = ic.constInput(i);
    if (!c)
      return false;
    in.push_back(fromAttr(c));
  }
  std::optional<Const> out;
  if (op == "Slice") {
    FailureOr<SliceWindow> w = readSliceWindow(ic, in[0].shape);
    if (failed(w))
      return failure();
    out = foldSlice(in[0], *w);
  } else {
    out = evaluate(ic, in);
  }
  if (!out)
    return false;
  ic.setConstOutput(0, toAttr(*out));
  return true;
}
