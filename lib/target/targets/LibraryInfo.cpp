//===- LibraryInfo.cpp - Read a generated library's report.json ----------===//

#include "kiln/target/TargetRunner.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <nlohmann/json.hpp>

using namespace kiln::target;
using json = nlohmann::json;

unsigned kiln::target::getDTypeSize(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::I64:
    return 8;
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return 1;
  }
  return 1;
}

llvm::StringRef kiln::target::getDTypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  case DType::I8:
    return "i8";
  case DType::U8:
    return "u8";
  case DType::Bool:
    return "bool";
  }
  return "?";
}

std::optional<DType> kiln::target::parseDTypeName(llvm::StringRef name) {
  // The report spells dtypes as the runtime's macros (KILN_DTYPE_F32).
  name.consume_front("KILN_DTYPE_");
  return llvm::StringSwitch<std::optional<DType>>(name.lower())
      .Cases({"f32", "float32", "float"}, DType::F32)
      .Cases({"i32", "int32"}, DType::I32)
      .Cases({"i64", "int64"}, DType::I64)
      .Cases({"i8", "int8"}, DType::I8)
      .Cases({"u8", "uint8"}, DType::U8)
      .Cases({"bool", "i1"}, DType::Bool)
      .Default(std::nullopt);
}

uint64_t TensorInfo::numElements() const {
  uint64_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<uint64_t>(d);
  return n;
}

/// The first of `keys` present in `obj` as an unsigned number, else 0; the
/// report nests sizes either flat ("arena_size") or grouped ("arena":{"size"}).
static uint64_t readSize(const json &obj, std::initializer_list<const char *> keys) {
  for (const char *key : keys) {
    const json *node = &obj;
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(key).split(parts, '.');
    for (llvm::StringRef part : parts) {
      if (!node->is_object() || !node->contains(part.str())) {
        node = nullptr;
        break;
      }
      node = &(*node)[part.str()];
    }
    if (node && node->is_number_unsigned())
      return node->get<uint64_t>();
  }
  return 0;
}

static llvm::Error readTensors(const json &list, llvm::StringRef what,
                               llvm::StringRef file,
                               std::vector<TensorInfo> &out) {
  if (!list.is_array())
    return llvm::createStringError(file + ": '" + what + "' is not a list");
  for (const json &t : list) {
    TensorInfo info;
    // Built without exceptions: check every type before get<>() would abort.
    bool wellFormed = t.is_object() && t.contains("name") &&
                      t["name"].is_string() && t.contains("shape") &&
                      t["shape"].is_array() && t.contains("dtype") &&
                      t["dtype"].is_string();
    if (wellFormed)
      for (const json &d : t["shape"])
        wellFormed &= d.is_number_integer() && d.get<int64_t>() >= 0;
    if (!wellFormed)
      return llvm::createStringError(
          file + ": every entry of '" + what +
          "' needs a string name, a static shape list and a string dtype");
    info.name = t["name"].get<std::string>();
    for (const json &d : t["shape"])
      info.shape.push_back(d.get<int64_t>());
    std::string dtype = t["dtype"].get<std::string>();
    std::optional<DType> parsed = parseDTypeName(dtype);
    if (!parsed)
      return llvm::createStringError(file + ": " + what + " '" + info.name +
                                     "' has unsupported dtype '" + dtype + "'");
    info.dtype = *parsed;
    out.push_back(std::move(info));
  }
  return llvm::Error::success();
}

llvm::Expected<LibraryInfo> kiln::target::readLibraryInfo(llvm::StringRef dir) {
  std::error_code ec;
  std::string reportPath;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::StringRef(it->path()).ends_with(".report.json")) {
      if (!reportPath.empty())
        return llvm::createStringError(dir + ": more than one *.report.json");
      reportPath = it->path();
    }
  if (ec || reportPath.empty())
    return llvm::createStringError(
        dir + " is not a directory written by `kiln compile` (no "
              "*.report.json found)");
  auto buf = llvm::MemoryBuffer::getFile(reportPath);
  if (!buf)
    return llvm::createStringError("cannot read " + reportPath);
  json report = json::parse((*buf)->getBuffer().begin(),
                            (*buf)->getBuffer().end(), nullptr, false);
  if (report.is_discarded() || !report.is_object())
    return llvm::createStringError(reportPath + ": not valid JSON");

  LibraryInfo lib;
  llvm::SmallString<256> absDir(dir);
  llvm::sys::fs::make_absolute(absDir);
  lib.dir = std::string(absDir);
  llvm::StringRef file = llvm::sys::path::filename(reportPath);
  lib.name = file.drop_back(strlen(".report.json")).str();
  if (report.contains("name") && report["name"].is_string())
    lib.name = report["name"].get<std::string>();
  if (!report.contains("inputs") || !report.contains("outputs"))
    return llvm::createStringError(reportPath + ": needs 'inputs' and 'outputs'");
  if (auto err = readTensors(report["inputs"], "inputs", reportPath, lib.inputs))
    return std::move(err);
  if (auto err =
          readTensors(report["outputs"], "outputs", reportPath, lib.outputs))
    return std::move(err);
  lib.arenaBytes = readSize(report, {"arena.size", "arena_size", "arena_bytes",
                                     "memory.arena_size", "memory.arena"});
  lib.weightBytes = readSize(report, {"weights.size", "weights_size",
                                      "weight_bytes", "memory.weights_size",
                                      "memory.weights"});
  return lib;
}
