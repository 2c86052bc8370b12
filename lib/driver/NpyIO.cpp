//===- NpyIO.cpp - Tensors from .npy / ONNX TensorProto files, and .npy output -===//

#include "NpyIO.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cstring>

using namespace kiln::driver;
using kiln::target::DType;

uint64_t HostTensor::numElements() const {
  uint64_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<uint64_t>(d);
  return n;
}

/// Stores `count` little-endian float64 values as f32 in `t.data`.
static void narrowF64(const char *values, uint64_t count, HostTensor &t) {
  t.data.resize(count * 4);
  for (uint64_t i = 0; i < count; ++i) {
    double v;
    std::memcpy(&v, values + i * 8, 8);
    float f = static_cast<float>(v);
    std::memcpy(t.data.data() + i * 4, &f, 4);
  }
}

static llvm::Error npyError(llvm::StringRef path, const llvm::Twine &what) {
  return llvm::createStringError(path + ": " + what);
}

/// The value of `'key': ...` in a .npy header dict, up to the next top-level
/// comma or closing brace.
static llvm::StringRef headerField(llvm::StringRef header, llvm::StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == llvm::StringRef::npos)
    return {};
  llvm::StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return {};
  rest = rest.ltrim();
  int depth = 0;
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if ((c == ',' || c == '}') && depth == 0)
      return rest.take_front(i).trim();
  }
  return rest.trim();
}

llvm::Expected<HostTensor> kiln::driver::readNpy(llvm::StringRef path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return npyError(path, "cannot read: " + buf.getError().message());
  return readNpyBuffer((*buf)->getBuffer(), path);
}

llvm::Expected<HostTensor> kiln::driver::readNpyBuffer(llvm::StringRef bytes,
                                                       llvm::StringRef path) {
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY"))
    return npyError(path, "not a .npy file (bad magic)");
  unsigned major = static_cast<uint8_t>(bytes[6]);
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = static_cast<uint8_t>(bytes[8]) |
                (static_cast<uint8_t>(bytes[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return npyError(path, "truncated header");
    headerLen = 0;
    for (int i = 3; i >= 0; --i)
      headerLen = (headerLen << 8) | static_cast<uint8_t>(bytes[8 + i]);
    offset = 12;
  } else {
    return npyError(path, "unsupported .npy version " + llvm::Twine(major));
  }
  if (offset + headerLen > bytes.size())
    return npyError(path, "truncated header");
  llvm::StringRef header = bytes.substr(offset, headerLen);

  llvm::StringRef descr = headerField(header, "descr").trim("'\"");
  if (headerField(header, "fortran_order") != "False")
    return npyError(path, "Fortran-order arrays are not supported; save with "
                          "np.ascontiguousarray");
  HostTensor t;
  unsigned fileElemSize;
  if (descr == "<f4")
    t.dtype = DType::F32, fileElemSize = 4;
  else if (descr == "<f8")
    t.dtype = DType::F32, fileElemSize = 8, t.narrowedFromF64 = true;
  else if (descr == "<i8")
    t.dtype = DType::I64, fileElemSize = 8;
  else if (descr == "<i4")
    t.dtype = DType::I32, fileElemSize = 4;
  else if (descr == "|i1")
    t.dtype = DType::I8, fileElemSize = 1;
  else if (descr == "|u1")
    t.dtype = DType::U8, fileElemSize = 1;
  else if (descr == "|b1")
    t.dtype = DType::Bool, fileElemSize = 1;
  else
    return npyError(path, "unsupported dtype '" + descr +
                              "' (use float32, int64, int32, int8, uint8 or bool)");

  llvm::StringRef shape = headerField(header, "shape").trim("()");
  llvm::SmallVector<llvm::StringRef> dims;
  shape.split(dims, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef d : dims) {
    int64_t v;
    if (d.trim().getAsInteger(10, v) || v < 0)
      return npyError(path, "bad shape '" + shape + "'");
    t.shape.push_back(v);
  }
  uint64_t count = t.numElements();
  llvm::StringRef payload = bytes.drop_front(offset + headerLen);
  if (payload.size() != count * fileElemSize)
    return npyError(path, "holds " + llvm::Twine(payload.size()) +
                              " data bytes, the shape needs " +
                              llvm::Twine(count * fileElemSize));
  if (t.narrowedFromF64) {
    narrowF64(payload.data(), count, t);
  } else {
    t.data.assign(payload.begin(), payload.end());
  }
  return t;
}

/// Copies a repeated proto field of `From` into `t.data` as `To`.
template <typename To, typename Field>
static void copyField(const Field &field, HostTensor &t) {
  t.data.resize(field.size() * sizeof(To));
  for (int i = 0; i < field.size(); ++i) {
    To v = static_cast<To>(field.Get(i));
    std::memcpy(t.data.data() + i * sizeof(To), &v, sizeof(To));
  }
}

llvm::Expected<HostTensor> kiln::driver::readTensorProto(llvm::StringRef path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return npyError(path, "cannot read: " + buf.getError().message());
  onnx::TensorProto proto;
  if (!proto.ParseFromArray((*buf)->getBufferStart(),
                            static_cast<int>((*buf)->getBufferSize())))
    return npyError(path, "not a serialized onnx.TensorProto");
  HostTensor t;
  for (int64_t d : proto.dims())
    t.shape.push_back(d);
  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT:
    t.dtype = DType::F32;
    break;
  case onnx::TensorProto::DOUBLE:
    t.dtype = DType::F32;
    t.narrowedFromF64 = true;
    break;
  case onnx::TensorProto::INT64:
    t.dtype = DType::I64;
    break;
  case onnx::TensorProto::INT32:
    t.dtype = DType::I32;
    break;
  case onnx::TensorProto::INT8:
    t.dtype = DType::I8;
    break;
  case onnx::TensorProto::UINT8:
    t.dtype = DType::U8;
    break;
  case onnx::TensorProto::BOOL:
    t.dtype = DType::Bool;
    break;
  default:
    return npyError(path, "unsupported TensorProto data_type " +
                              llvm::Twine(proto.data_type()));
  }
  uint64_t count = t.numElements();
  unsigned elem = kiln::target::getDTypeSize(t.dtype);
  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    if (t.narrowedFromF64) {
      if (raw.size() != count * 8)
        return npyError(path, "raw_data size does not match dims");
      narrowF64(raw.data(), count, t);
    } else {
      t.data.assign(raw.begin(), raw.end());
    }
  } else {
    switch (proto.data_type()) {
    case onnx::TensorProto::FLOAT:
      copyField<float>(proto.float_data(), t);
      break;
    case onnx::TensorProto::DOUBLE:
      copyField<float>(proto.double_data(), t);
      break;
    case onnx::TensorProto::INT64:
      copyField<int64_t>(proto.int64_data(), t);
      break;
    case onnx::TensorProto::INT32:
      copyField<int32_t>(proto.int32_data(), t);
      break;
    case onnx::TensorProto::INT8:
      copyField<int8_t>(proto.int32_data(), t);
      break;
    default: // UINT8, BOOL: also stored in int32_data.
      copyField<uint8_t>(proto.int32_data(), t);
      break;
    }
  }
  if (t.data.size() != count * elem)
    return npyError(path, "holds " + llvm::Twine(t.data.size() / elem) +
                              " elements, its dims need " + llvm::Twine(count));
  return t;
}

llvm::Expected<HostTensor> kiln::driver::readTensorFile(llvm::StringRef path) {
  if (path.ends_with(".npy"))
    return readNpy(path);
  if (path.ends_with(".pb"))
    return readTensorProto(path);
  return npyError(path, "unknown tensor file type (expected .npy or .pb)");
}

llvm::Error kiln::driver::writeNpy(llvm::StringRef path, const HostTensor &t) {
  static const char *const descrs[] = {"<f4", "<i4", "<i8", "|i1", "|u1", "|b1"};
  std::string shape = "(";
  for (int64_t d : t.shape)
    shape += std::to_string(d) + ", ";
  if (t.shape.size() > 1)
    shape.resize(shape.size() - 2);
  else if (t.shape.size() == 1)
    shape.pop_back();
  shape += ")";
  std::string header = std::string("{'descr': '") +
                       descrs[static_cast<int>(t.dtype)] +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so the data starts on a 64-byte boundary, as numpy does.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::string tmp = (path + ".tmp").str();
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(tmp, ec);
    if (ec)
      return npyError(tmp, "cannot write: " + ec.message());
    os << "\x93NUMPY" << '\x01' << '\x00';
    os << static_cast<char>(header.size() & 0xff)
       << static_cast<char>(header.size() >> 8);
    os << header;
    os.write(t.data.data(), t.data.size());
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path))
    return npyError(path, "cannot write: " + ec.message());
  return llvm::Error::success();
}
