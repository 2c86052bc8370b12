//===- EvalDataMovement.cpp - Reshape, transpose, slice, cast, ... on the host ===//

#include "EvalKernels.h"

#include "kiln/target/RuntimeParams.h"

#include <cstring>

using namespace mlir;
using namespace kiln;
using namespace kiln::evaluator;
using codegen::toKilnShape;

static int32_t elemBytes(const Tensor &t) {
  return static_cast<int32_t>(getElementBytes(t.type.getElementType()));
}

static SmallVector<int32_t> narrow(ArrayRef<int64_t> values) {
  return SmallVector<int32_t>(values.begin(), values.end());
}

static bool anyStorable(Operation *op) { return storableOperand(op, 0); }

static std::optional<kiln_dtype> toDType(Type type) {
  if (type.isF32())
    return KILN_DTYPE_F32;
  if (type.isF16())
    return KILN_DTYPE_F16;
  if (type.isInteger(1))
    return KILN_DTYPE_BOOL;
  if (type.isInteger(32))
    return KILN_DTYPE_I32;
  if (type.isInteger(64))
    return KILN_DTYPE_I64;
  if (type.isUnsignedInteger(8))
    return KILN_DTYPE_U8;
  if (type.isInteger(8))
    return KILN_DTYPE_I8;
  return std::nullopt;
}

/// `value` converted to one element of `type`, as kiln_pad's fill value.
static std::vector<char> fillElement(Type type, double value) {
  std::vector<char> bytes(getElementBytes(type));
  auto store = [&](auto v) { std::memcpy(bytes.data(), &v, sizeof(v)); };
  if (type.isF32())
    store(static_cast<float>(value));
  else if (type.isInteger(64))
    store(static_cast<int64_t>(value));
  else if (type.isInteger(32))
    store(static_cast<int32_t>(value));
  else
    store(static_cast<int8_t>(value));
  return bytes;
}

static kiln_status copy(Operation *, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
  out[0].bytes = in[0].bytes;
  return KILN_OK;
}

static kiln_status expand(Operation *, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
  std::vector<int64_t> index =
      broadcastIndices(in[0].type.getShape(), out[0].type.getShape());
  int32_t size = elemBytes(in[0]);
  for (size_t i = 0; i < index.size(); ++i)
    std::memcpy(out[0].bytes.data() + i * size, in[0].bytes.data() + index[i] * size,
                size);
  return KILN_OK;
}

static kiln_status transpose(Operation *op, ArrayRef<Tensor> in,
                             MutableArrayRef<Tensor> out) {
  kiln_shape s = toKilnShape(in[0].type);
  SmallVector<int32_t> perm = narrow(cast<TransposeOp>(op).getPerm());
  return kiln_transpose(&s, in[0].bytes.data(), perm.data(), out[0].bytes.data(),
                        elemBytes(in[0]));
}

static kiln_status concat(Operation *op, ArrayRef<Tensor> in,
                          MutableArrayRef<Tensor> out) {
  SmallVector<const void *> inputs;
  SmallVector<kiln_shape> shapes;
  for (const Tensor &t : in) {
    inputs.push_back(t.bytes.data());
    shapes.push_back(toKilnShape(t.type));
  }
  int64_t axis = normalizeAxis(cast<ConcatOp>(op).getAxis(), out[0].type.getRank());
  return kiln_concat(static_cast<int32_t>(in.size()), inputs.data(), shapes.data(),
                     static_cast<int32_t>(axis), out[0].bytes.data(), elemBytes(in[0]));
}

static kiln_status split(Operation *op, ArrayRef<Tensor> in,
                         MutableArrayRef<Tensor> out) {
  auto s = cast<SplitOp>(op);
  kiln_shape shape = toKilnShape(in[0].type);
  SmallVector<int32_t> sizes = narrow(s.getSizes());
  SmallVector<void *> outputs;
  for (Tensor &t : out)
    outputs.push_back(t.bytes.data());
  return kiln_split(&shape, in[0].bytes.data(),
                    static_cast<int32_t>(normalizeAxis(s.getAxis(), shape.rank)),
                    static_cast<int32_t>(out.size()), sizes.data(), outputs.data(),
                    elemBytes(in[0]));
}

static kiln_status slice(Operation *op, ArrayRef<Tensor> in,
                         MutableArrayRef<Tensor> out) {
  auto s = cast<SliceOp>(op);
  kiln_shape is = toKilnShape(in[0].type), os = toKilnShape(out[0].type);
  SmallVector<int32_t> starts = narrow(s.getOffsets()), steps = narrow(s.getStrides());
  return kiln_slice(&is, in[0].bytes.data(), starts.data(), steps.data(), &os,
                    out[0].bytes.data(), elemBytes(in[0]));
}

static kiln_status pad(Operation *op, ArrayRef<Tensor> in, MutableArrayRef<Tensor> out) {
  auto p = cast<PadOp>(op);
  kiln_shape is = toKilnShape(in[0].type);
  SmallVector<int32_t> pads = narrow(p.getPads());
  std::vector<char> value =
      fillElement(in[0].type.getElementType(), p.getValue().convertToDouble());
  return kiln_pad(&is, in[0].bytes.data(), pads.data(),
                  static_cast<kiln_pad_mode>(p.getMode()), value.data(),
                  out[0].bytes.data(), elemBytes(in[0]));
}

static kiln_status gather(Operation *op, ArrayRef<Tensor> in,
                          MutableArrayRef<Tensor> out) {
  auto g = cast<GatherOp>(op);
  kiln_shape ds = toKilnShape(in[0].type);
  std::vector<int64_t> indices(in[1].numElements());
  for (size_t i = 0; i < indices.size(); ++i)
    indices[i] = in[1].type.getElementType().isInteger(64) ? in[1].data<int64_t>()[i]
                                                          : in[1].data<int32_t>()[i];
  return kiln_gather(&ds, in[0].bytes.data(),
                     static_cast<int32_t>(normalizeAxis(g.getAxis(), ds.rank)),
                     indices.data(), static_cast<int32_t>(indices.size()),
                     out[0].bytes.data(), elemBytes(in[0]));
}

static kiln_status resize(Operation *op, ArrayRef<Tensor> in,
                          MutableArrayRef<Tensor> out) {
  auto r = cast<ResizeOp>(op);
  kiln_resize_params params{};
  params.coord = static_cast<kiln_resize_coord_mode>(r.getCoordinateMode());
  params.nearest = static_cast<kiln_nearest_mode>(r.getNearestMode());
  // Scales cover H and W; N and C are never resized.
  if (auto scales = r.getScales()) {
    params.scales[2] = (*scales)[0];
    params.scales[3] = (*scales)[1];
  }
  kiln_shape is = toKilnShape(in[0].type), os = toKilnShape(out[0].type);
  if (r.getMode() == ResizeMode::linear)
    return kiln_resize_linear_f32(&params, &is, in[0].data<float>(), &os,
                                  out[0].data<float>());
  return kiln_resize_nearest(&params, &is, in[0].bytes.data(), &os,
                             out[0].bytes.data(), elemBytes(in[0]));
}

static kiln_status castOp(Operation *op, ArrayRef<Tensor> in,
                          MutableArrayRef<Tensor> out) {
  return kiln_cast(in[0].bytes.data(), *toDType(in[0].type.getElementType()),
                   out[0].bytes.data(), *toDType(out[0].type.getElementType()),
                   static_cast<int32_t>(in[0].numElements()));
}

void evaluator::populateDataMovementKernels(EvalKernelTable &table) {
  addKernel<ReshapeOp>(table, copy, anyStorable);
  addKernel<ExpandOp>(table, expand, anyStorable);
  addKernel<TransposeOp>(table, transpose, anyStorable);
  addKernel<ConcatOp>(table, concat, anyStorable);
  addKernel<SplitOp>(table, split, anyStorable);
  addKernel<SliceOp>(table, slice, anyStorable);
  addKernel<PadOp>(table, pad, anyStorable);
  addKernel<GatherOp>(table, gather, anyStorable);
  addKernel<ResizeOp>(table, resize, [](Operation *op) {
    return cast<ResizeOp>(op).getMode() == ResizeMode::nearest ? anyStorable(op)
                                                               : allF32(op);
  });
  addKernel<CastOp>(table, castOp, [](Operation *op) {
    auto elem = [](Type t) { return cast<RankedTensorType>(t).getElementType(); };
    return toDType(elem(op->getOperand(0).getType())) &&
           toDType(elem(op->getResult(0).getType()));
  });
}
