//===- RunnerSupport.cpp - Shared steps of run, bench and validate --------===//

#include "RunnerSupport.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace kiln;
using namespace kiln::driver;
namespace fs = llvm::sys::fs;

std::string kiln::driver::shapeString(llvm::ArrayRef<int64_t> shape) {
  return "[" +
         llvm::join(llvm::map_range(
                        shape, [](int64_t d) { return std::to_string(d); }),
                    ", ") +
         "]";
}

void kiln::driver::addInputFile(llvm::StringRef arg, InputFiles &files) {
  auto [name, file] = arg.split('=');
  if (file.empty())
    files.push_back({"", arg.str()});
  else
    files.push_back({name.str(), file.str()});
}

llvm::Expected<std::vector<std::string>>
kiln::driver::assignInputFiles(const InputFiles &files,
                               const target::LibraryInfo &lib) {
  std::vector<std::string> assigned(lib.inputs.size());
  size_t positional = 0;
  std::string expected;
  for (const target::TensorInfo &t : lib.inputs)
    expected += "  '" + t.name + "' " + shapeString(t.shape) + " " +
                target::getDTypeName(t.dtype).str() + "\n";
  for (const auto &[name, file] : files) {
    size_t index;
    if (name.empty()) {
      while (positional < assigned.size() && !assigned[positional].empty())
        ++positional;
      if (positional >= assigned.size())
        return llvm::createStringError("more input files than model inputs; "
                                       "the model takes:\n" +
                                       expected);
      index = positional;
    } else {
      auto it = llvm::find_if(lib.inputs, [&](const target::TensorInfo &t) {
        return t.name == name;
      });
      if (it == lib.inputs.end())
        return llvm::createStringError("the model has no input named '" + name +
                                       "'; its inputs are:\n" + expected);
      index = it - lib.inputs.begin();
    }
    if (!assigned[index].empty())
      return llvm::createStringError("input '" + lib.inputs[index].name +
                                     "' is given twice");
    assigned[index] = file;
  }
  return assigned;
}

llvm::Error kiln::driver::writeFile(llvm::StringRef file,
                                    llvm::StringRef data) {
  std::error_code ec;
  llvm::raw_fd_ostream os(file, ec);
  if (ec)
    return llvm::createStringError("cannot write " + file + ": " +
                                   ec.message());
  os << data;
  return llvm::Error::success();
}

llvm::Expected<target::Layout>
kiln::driver::parseLayout(llvm::StringRef value) {
  if (value == "nchw")
    return target::Layout::NCHW;
  if (value == "nhwc")
    return target::Layout::NHWC;
  return llvm::createStringError("--layout takes nchw or nhwc, not '" + value +
                                 "'");
}

bool kiln::driver::takeLayoutFlag(
    llvm::StringRef arg, llvm::function_ref<bool(std::string &)> next,
    std::optional<target::Layout> &out, std::string &error) {
  std::string value;
  if (arg.consume_front("--layout=")) {
    value = arg.str();
  } else if (arg != "--layout") {
    return false;
  } else if (!next(value)) {
    error = "--layout needs nchw or nhwc";
    return true;
  }
  llvm::Expected<target::Layout> layout = parseLayout(value);
  if (!layout)
    error = llvm::toString(layout.takeError());
  else
    out = *layout;
  return true;
}

llvm::StringRef kiln::driver::layoutFlagValue(target::Layout layout) {
  return layout == target::Layout::NHWC ? "nhwc" : "nchw";
}

llvm::StringRef kiln::driver::layoutName(target::Layout layout) {
  return layout == target::Layout::NHWC ? "NHWC" : "NCHW";
}

std::vector<std::string>
kiln::driver::compileCommand(llvm::StringRef model, const target::Target &tgt,
                             llvm::StringRef libDir, llvm::StringRef name,
                             std::optional<target::Layout> layout) {
  std::string self = fs::getMainExecutable(nullptr, (void *)&compileCommand);
  std::vector<std::string> args = {self,         "compile",      model.str(),
                                   "--target",   tgt.name.str(), "-o",
                                   libDir.str(), "--name",       name.str()};
  if (layout)
    args.push_back(("--layout=" + layoutFlagValue(*layout)).str());
  if (tgt.bareMetal) {
    args.push_back("--max-ram=" + std::to_string(tgt.memory.ramBytes));
    args.push_back("--max-flash=" + std::to_string(tgt.memory.flashBytes));
  }
  return args;
}

WorkDirectory::~WorkDirectory() {
  if (temporary)
    fs::remove_directories(dir);
}

llvm::Error WorkDirectory::init(llvm::StringRef requested,
                                llvm::StringRef prefix) {
  dir = requested;
  if (requested.empty()) {
    if (std::error_code ec = fs::createUniqueDirectory(prefix, dir))
      return llvm::createStringError("cannot create a temporary directory: " +
                                     ec.message());
    temporary = true;
  }
  fs::make_absolute(dir);
  return llvm::Error::success();
}

target::BuildOptions kiln::driver::makeBuildOptions(llvm::StringRef buildDir,
                                                    llvm::StringRef optLevel,
                                                    unsigned jobs,
                                                    bool verbose) {
  target::BuildOptions build;
  build.buildDir = buildDir.str();
  build.optLevel = optLevel.str();
  build.jobs = jobs;
  build.verbose = verbose;
  return build;
}

llvm::Error kiln::driver::makeEmptyDirectory(llvm::StringRef dir) {
  fs::remove_directories(dir);
  if (std::error_code ec = fs::create_directories(dir))
    return llvm::createStringError("cannot create " + dir + ": " +
                                   ec.message());
  return llvm::Error::success();
}

std::string kiln::driver::ioFileName(llvm::StringRef ioDir,
                                     llvm::StringRef kind, size_t index,
                                     size_t sample) {
  return (ioDir + "/" + kind + std::to_string(index) + "_" +
          std::to_string(sample) + ".bin")
      .str();
}

llvm::Error kiln::driver::readOutputFile(llvm::StringRef file,
                                         llvm::MutableArrayRef<char> into,
                                         llvm::StringRef program) {
  auto buf = llvm::MemoryBuffer::getFile(file, false, false);
  if (!buf || (*buf)->getBufferSize() != into.size())
    return llvm::createStringError("the " + program + " did not write " +
                                   std::to_string(into.size()) + " bytes to " +
                                   file);
  std::memcpy(into.data(), (*buf)->getBufferStart(), into.size());
  return llvm::Error::success();
}
