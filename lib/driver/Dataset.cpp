//===- Dataset.cpp - Calibration and validation data: .npy, .npz, .pb -----===//

#include "Dataset.h"
#include "RunnerSupport.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <zlib.h>

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace kiln;
using namespace kiln::driver;
using kiln::target::DType;
namespace fs = llvm::sys::fs;

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(message.str());
}

uint32_t le16(const char *p) {
  return uint8_t(p[0]) | uint32_t(uint8_t(p[1])) << 8;
}
uint32_t le32(const char *p) { return le16(p) | le16(p + 2) << 16; }
uint64_t le64(const char *p) { return le32(p) | uint64_t(le32(p + 4)) << 32; }

/// Raw DEFLATE (zip method 8) of exactly `size` output bytes.
llvm::Expected<std::string> inflateRaw(llvm::StringRef in, uint64_t size) {
  std::string out(size, '\0');
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
    return error("zlib initialisation failed");
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef *>(out.data());
  z.avail_out = static_cast<uInt>(size);
  int rc = inflate(&z, Z_FINISH);
  uint64_t produced = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != size)
    return error("corrupt deflate data");
  return out;
}

std::optional<DType> dtypeOf(Type t) {
  if (t.isF32())
    return DType::F32;
  if (t.isInteger(64))
    return DType::I64;
  if (t.isInteger(32))
    return DType::I32;
  if (t.isInteger(1))
    return DType::Bool;
  if (t.isUnsignedInteger(8))
    return DType::U8;
  if (t.isInteger(8))
    return DType::I8;
  return std::nullopt;
}

/// How many samples of `spec` the tensor's shape holds: its exact shape, a
/// batch of N along axis 0 when the model's batch is 1, or one sample
/// without the batch dimension.
std::optional<size_t> countSamples(const HostTensor &t, const InputSpec &spec) {
  ArrayRef<int64_t> shape = spec.type.getShape();
  ArrayRef<int64_t> have = t.shape;
  if (have == shape)
    return 1;
  if (!shape.empty() && shape[0] == 1 && have.size() == shape.size() &&
      have.drop_front() == shape.drop_front())
    return static_cast<size_t>(have[0]);
  if (!shape.empty() && shape[0] == 1 && have == shape.drop_front())
    return 1;
  return std::nullopt;
}

bool fits(const HostTensor &t, const InputSpec &spec) {
  return dtypeOf(spec.type.getElementType()) == t.dtype &&
         countSamples(t, spec);
}

/// Splits one file's tensor into samples of `spec`, checking dtype, shape
/// and (for f32) finiteness.
llvm::Error appendSamples(const HostTensor &t, const InputSpec &spec,
                          llvm::StringRef file, llvm::StringRef what,
                          std::vector<evaluator::Tensor> &out) {
  std::optional<DType> want = dtypeOf(spec.type.getElementType());
  ArrayRef<int64_t> shape = spec.type.getShape();
  std::string where = (what + " data " + file).str();
  if (!want || t.dtype != *want)
    return error(where + ": holds " + target::getDTypeName(t.dtype) +
                 " but model input '" + spec.name + "' is " +
                 (want ? target::getDTypeName(*want).str()
                       : std::string("unsupported")));
  std::optional<size_t> count = countSamples(t, spec);
  if (!count) {
    return error(where + ": shape " + shapeString(t.shape) +
                 " does not fit model input '" + spec.name + "' " +
                 shapeString(shape) +
                 (shape.empty() || shape[0] != 1
                      ? ""
                      : " (nor [N, ...] as a batch of N samples)"));
  }
  size_t bytes = spec.type.getNumElements() * target::getDTypeSize(*want);
  for (size_t s = 0; s < *count; ++s) {
    evaluator::Tensor e;
    e.type = spec.type;
    e.bytes.assign(t.data.begin() + s * bytes,
                   t.data.begin() + (s + 1) * bytes);
    if (*want == DType::F32)
      for (int64_t i = 0; i < e.numElements(); ++i)
        if (!std::isfinite(e.data<float>()[i]))
          return error(where + ": sample " + llvm::Twine(s) + " holds " +
                       (std::isnan(e.data<float>()[i]) ? "NaN" : "Inf") +
                       " (element " + llvm::Twine(i) + ")");
    out.push_back(std::move(e));
  }
  return llvm::Error::success();
}

bool isTensorFile(llvm::StringRef p) {
  return p.ends_with(".npy") || p.ends_with(".pb");
}

/// Sorted entries of `dir` that satisfy `keep`.
llvm::Expected<std::vector<std::string>>
listDir(llvm::StringRef dir, llvm::function_ref<bool(StringRef)> keep) {
  std::vector<std::string> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (keep(it->path()))
      entries.push_back(it->path());
  if (ec)
    return error("cannot list " + dir + ": " + ec.message());
  llvm::sort(entries);
  return entries;
}

} // namespace

llvm::Expected<std::vector<std::pair<std::string, HostTensor>>>
kiln::driver::readNpz(llvm::StringRef path) {
  auto buf = llvm::MemoryBuffer::getFile(path, false, false);
  if (!buf)
    return error(path + ": cannot read: " + buf.getError().message());
  llvm::StringRef z = (*buf)->getBuffer();
  auto bad = [&](const llvm::Twine &why) {
    return error(path + ": not a valid .npz (" + why + ")");
  };
  // The end-of-central-directory record is within the last 64 KiB + 22 bytes.
  size_t eocd = llvm::StringRef::npos;
  for (size_t i = z.size() >= 22 ? z.size() - 22 : 0,
              stop = i > 65557 ? i - 65557 : 0;
       z.size() >= 22; --i) {
    if (le32(z.data() + i) == 0x06054b50) {
      eocd = i;
      break;
    }
    if (i == stop)
      break;
  }
  if (eocd == llvm::StringRef::npos)
    return bad("no zip directory");
  uint64_t entries = le16(z.data() + eocd + 10),
           cdOffset = le32(z.data() + eocd + 16);
  std::vector<std::pair<std::string, HostTensor>> arrays;
  uint64_t at = cdOffset;
  for (uint64_t e = 0; e < entries; ++e) {
    if (at + 46 > z.size() || le32(z.data() + at) != 0x02014b50)
      return bad("truncated directory");
    const char *h = z.data() + at;
    unsigned method = le16(h + 10), nameLen = le16(h + 28),
             extraLen = le16(h + 30), commentLen = le16(h + 32);
    uint64_t csize = le32(h + 20), usize = le32(h + 24), local = le32(h + 42);
    if (at + 46 + nameLen + extraLen > z.size())
      return bad("truncated directory");
    std::string name(h + 46, nameLen);
    // ZIP64 sizes (numpy forces ZIP64) replace the 0xFFFFFFFF fields in order.
    llvm::StringRef extra(h + 46 + nameLen, extraLen);
    while (extra.size() >= 4) {
      unsigned id = le16(extra.data()), len = le16(extra.data() + 2);
      if (id == 1) {
        const char *p = extra.data() + 4;
        if (usize == 0xFFFFFFFF && len >= 8)
          usize = le64(p), p += 8, len -= 8;
        if (csize == 0xFFFFFFFF && len >= 8)
          csize = le64(p), p += 8, len -= 8;
        if (local == 0xFFFFFFFF && len >= 8)
          local = le64(p);
      }
      extra = extra.drop_front(
          std::min<size_t>(extra.size(), 4 + le16(extra.data() + 2)));
    }
    at += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > z.size() || le32(z.data() + local) != 0x04034b50)
      return bad("bad member header for '" + name + "'");
    uint64_t dataAt =
        local + 30 + le16(z.data() + local + 26) + le16(z.data() + local + 28);
    if (dataAt + csize > z.size())
      return bad("member '" + name + "' is truncated");
    llvm::StringRef raw = z.substr(dataAt, csize);
    std::string member;
    if (method == 0) {
      member = raw.str();
    } else if (method == 8) {
      llvm::Expected<std::string> inflated = inflateRaw(raw, usize);
      if (!inflated)
        return bad("member '" + name +
                   "': " + llvm::toString(inflated.takeError()));
      member = std::move(*inflated);
    } else {
      return bad("member '" + name + "' uses zip method " +
                 llvm::Twine(method));
    }
    llvm::StringRef key = name;
    key.consume_back(".npy");
    llvm::Expected<HostTensor> t =
        readNpyBuffer(member, (path + ":" + name).str());
    if (!t)
      return t.takeError();
    arrays.push_back({key.str(), std::move(*t)});
  }
  return arrays;
}

llvm::Expected<std::vector<ptq::Sample>>
kiln::driver::loadDataset(llvm::StringRef path,
                          llvm::ArrayRef<InputSpec> inputs,
                          llvm::StringRef what) {
  if (!fs::exists(path))
    return error(what + " data " + path + ": no such file or directory");
  // Per input, the samples in order, then transposed into samples.
  std::vector<std::vector<evaluator::Tensor>> perInput(inputs.size());
  auto load = [&](size_t input, llvm::StringRef file) -> llvm::Error {
    llvm::Expected<HostTensor> t = readTensorFile(file);
    if (!t)
      return llvm::createStringError(what +
                                     " data: " + llvm::toString(t.takeError()));
    return appendSamples(*t, inputs[input], file, what, perInput[input]);
  };
  if (fs::is_directory(path)) {
    auto files = listDir(path, [](StringRef p) { return isTensorFile(p); });
    if (!files)
      return files.takeError();
    auto dirs = listDir(path, [](StringRef p) { return fs::is_directory(p); });
    if (!dirs)
      return dirs.takeError();
    if (!files->empty() && inputs.size() == 1) {
      for (const std::string &f : *files)
        if (llvm::Error e = load(0, f))
          return std::move(e);
    } else if (!dirs->empty()) {
      for (const std::string &d : *dirs) {
        auto inner = listDir(d, [](StringRef p) { return isTensorFile(p); });
        if (!inner)
          return inner.takeError();
        if (inner->size() != inputs.size())
          return error(what + " data " + d + ": holds " +
                       llvm::Twine(inner->size()) +
                       " tensor files, the model takes " +
                       llvm::Twine(inputs.size()) + " inputs");
        for (size_t i = 0; i < inputs.size(); ++i)
          if (llvm::Error e = load(i, (*inner)[i]))
            return std::move(e);
      }
    } else if (!files->empty()) {
      return error(
          what + " data " + path + ": the model takes " +
          llvm::Twine(inputs.size()) +
          " inputs; give one sub-directory per sample with one file per input");
    }
  } else if (path.ends_with(".npz")) {
    auto arrays = readNpz(path);
    if (!arrays)
      return arrays.takeError();
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto byName = llvm::find_if(
          *arrays, [&](auto &a) { return a.first == inputs[i].name; });
      if (byName == arrays->end() && inputs.size() == 1) {
        // One input: the only array that fits it (e.g. `x` beside labels `y`).
        for (auto it = arrays->begin(); it != arrays->end(); ++it) {
          if (!fits(it->second, inputs[0]))
            continue;
          if (byName != arrays->end())
            return error(what + " data " + path + ": arrays '" + byName->first +
                         "' and '" + it->first + "' both fit input '" +
                         inputs[0].name + "'; name one after the input");
          byName = it;
        }
      }
      if (byName == arrays->end()) {
        std::string names;
        for (auto &a : *arrays)
          names += " '" + a.first + "' " + shapeString(a.second.shape);
        return error(what + " data " + path + ": no array for input '" +
                     inputs[i].name + "' " +
                     shapeString(inputs[i].type.getShape()) + " (it holds" +
                     names + ")");
      }
      std::string member = (path + ":" + byName->first).str();
      if (llvm::Error e = appendSamples(byName->second, inputs[i], member, what,
                                        perInput[i]))
        return std::move(e);
    }
  } else if (isTensorFile(path) && inputs.size() == 1) {
    if (llvm::Error e = load(0, path))
      return std::move(e);
  } else {
    return error(what + " data " + path +
                 ": expected a directory of .npy/.pb files, an .npz, or one "
                 ".npy/.pb file");
  }
  size_t n = perInput.empty() ? 0 : perInput[0].size();
  for (size_t i = 1; i < perInput.size(); ++i)
    if (perInput[i].size() != n)
      return error(what + " data " + path +
                   ": inputs disagree on the sample count (" + llvm::Twine(n) +
                   " vs " + llvm::Twine(perInput[i].size()) + ")");
  if (n == 0)
    return error(what + " data " + path + ": holds no samples");
  std::vector<ptq::Sample> samples(n);
  for (size_t s = 0; s < n; ++s)
    for (auto &in : perInput)
      samples[s].push_back(std::move(in[s]));
  return samples;
}

llvm::Expected<std::vector<int64_t>>
kiln::driver::loadLabels(llvm::StringRef path) {
  HostTensor t;
  if (path.ends_with(".npz")) {
    auto arrays = readNpz(path);
    if (!arrays)
      return arrays.takeError();
    auto it = llvm::find_if(*arrays, [](auto &a) {
      return a.second.dtype == DType::I64 || a.second.dtype == DType::I32;
    });
    if (it == arrays->end())
      return error("labels " + path + ": holds no integer array");
    t = std::move(it->second);
  } else {
    auto read = readTensorFile(path);
    if (!read)
      return read.takeError();
    t = std::move(*read);
  }
  if (t.dtype != DType::I64 && t.dtype != DType::I32)
    return error("labels " + path +
                 ": must be int64 or int32 class indices, not " +
                 target::getDTypeName(t.dtype));
  std::vector<int64_t> labels;
  for (uint64_t i = 0; i < t.numElements(); ++i) {
    if (t.dtype == DType::I64) {
      int64_t v;
      std::memcpy(&v, t.data.data() + 8 * i, 8);
      labels.push_back(v);
    } else {
      int32_t v;
      std::memcpy(&v, t.data.data() + 4 * i, 4);
      labels.push_back(v);
    }
  }
  return labels;
}

std::vector<InputSpec> kiln::driver::getInputSpecs(func::FuncOp func) {
  auto names = func->getAttrOfType<ArrayAttr>("kiln.input_names");
  std::vector<InputSpec> specs;
  for (BlockArgument arg : func.getArguments()) {
    InputSpec s;
    s.type = cast<RankedTensorType>(arg.getType());
    if (names && arg.getArgNumber() < names.size())
      if (auto str = dyn_cast<StringAttr>(names[arg.getArgNumber()]))
        s.name = str.str();
    if (s.name.empty())
      s.name = "input" + std::to_string(arg.getArgNumber());
    specs.push_back(std::move(s));
  }
  return specs;
}
