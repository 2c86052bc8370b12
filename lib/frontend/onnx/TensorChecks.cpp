//===- TensorChecks.cpp - Validate TensorProto sizes before use -----------===//
//
// Checked where the data comes in, so the importer can trust every size.
//
//===----------------------------------------------------------------------===//

#include "lib/frontend/onnx/TensorChecks.h"

#include "llvm/Support/FormatVariadic.h"

using namespace kiln::frontend;
using onnx::TensorProto;

std::optional<uint64_t> detail::onnxElementSize(int32_t dataType) {
  switch (dataType) {
  case TensorProto::BOOL:
  case TensorProto::INT8:
  case TensorProto::UINT8:
    return 1;
  case TensorProto::INT16:
  case TensorProto::UINT16:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    return 2;
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 4;
  case TensorProto::INT64:
  case TensorProto::UINT64:
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX64:
    return 8;
  case TensorProto::COMPLEX128:
    return 16;
  default:
    return std::nullopt;
  }
}

std::optional<uint64_t> detail::checkedElementCount(const TensorProto &tensor,
                                                    std::string &error) {
  uint64_t count = 1;
  for (int i = 0; i < tensor.dims_size(); ++i) {
    int64_t d = tensor.dims(i);
    if (d < 0) {
      error = llvm::formatv("tensor '{0}' has negative dimension {1} = {2}",
                            tensor.name(), i, d);
      return std::nullopt;
    }
    // Keep the byte size representable too: 16 bytes is the widest element.
    if (__builtin_mul_overflow(count, static_cast<uint64_t>(d), &count) ||
        count > (UINT64_MAX >> 5)) {
      error = llvm::formatv("tensor '{0}' has an element count that overflows "
                            "(dimension {1} = {2})",
                            tensor.name(), i, d);
      return std::nullopt;
    }
  }
  return count;
}

bool detail::forEachGraphTensor(onnx::GraphProto &graph,
                                llvm::function_ref<bool(TensorProto &)> fn) {
  for (TensorProto &t : *graph.mutable_initializer())
    if (!fn(t))
      return false;
  for (onnx::NodeProto &node : *graph.mutable_node())
    for (onnx::AttributeProto &attr : *node.mutable_attribute())
      if (attr.has_t() && !fn(*attr.mutable_t()))
        return false;
  return true;
}

/// How many entries of the typed repeated field hold `tensor`'s data.
static int64_t typedFieldCount(const TensorProto &t) {
  switch (t.data_type()) {
  case TensorProto::FLOAT:
  case TensorProto::COMPLEX64:
    return t.float_data_size();
  case TensorProto::INT64:
    return t.int64_data_size();
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX128:
    return t.double_data_size();
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    return t.uint64_data_size();
  case TensorProto::STRING:
    return t.string_data_size();
  default:
    return t.int32_data_size();
  }
}

bool detail::checkGraphTensors(onnx::GraphProto &graph, std::string &error) {
  return forEachGraphTensor(graph, [&](TensorProto &t) {
    std::optional<uint64_t> count = checkedElementCount(t, error);
    if (!count)
      return false;
    if (t.data_location() == TensorProto::EXTERNAL)
      return true;
    std::optional<uint64_t> elemSize = onnxElementSize(t.data_type());
    if (t.has_raw_data()) {
      if (!elemSize) {
        error =
            llvm::formatv("tensor '{0}' has raw_data but data type {1} has no "
                          "fixed element size",
                          t.name(), t.data_type());
        return false;
      }
      if (t.raw_data().size() != *count * *elemSize) {
        error = llvm::formatv("tensor '{0}' raw_data holds {1} bytes but its "
                              "shape needs {2} ({3} elements of {4} bytes)",
                              t.name(), t.raw_data().size(), *count * *elemSize,
                              *count, *elemSize);
        return false;
      }
      return true;
    }
    uint64_t perElement = (t.data_type() == TensorProto::COMPLEX64 ||
                           t.data_type() == TensorProto::COMPLEX128)
                              ? 2
                              : 1;
    uint64_t have = static_cast<uint64_t>(typedFieldCount(t));
    if (have != *count * perElement) {
      error =
          llvm::formatv("tensor '{0}' holds {1} values but its shape needs {2}",
                        t.name(), have, *count * perElement);
      return false;
    }
    // Narrow integers travel in int32_data; a value that does not fit (a
    // zero point of 200 for int8, say) would otherwise be silently wrapped.
    std::optional<std::pair<int64_t, int64_t>> range;
    if (t.data_type() == TensorProto::INT8)
      range = {-128, 127};
    else if (t.data_type() == TensorProto::UINT8)
      range = {0, 255};
    else if (t.data_type() == TensorProto::INT16)
      range = {-32768, 32767};
    else if (t.data_type() == TensorProto::UINT16)
      range = {0, 65535};
    if (range)
      for (int32_t v : t.int32_data())
        if (v < range->first || v > range->second) {
          error = llvm::formatv("tensor '{0}' holds {1}, outside the range "
                                "[{2}, {3}] of its data type",
                                t.name(), v, range->first, range->second);
          return false;
        }
    return true;
  });
}
