//===- ExternalData.cpp - Load external tensor data safely ----------------===//
//
// A model file is untrusted input: its external-data entries could point at
// any file on the machine. Only plain files below the model's own directory
// are read, and their extent must match the tensor exactly.
//
//===----------------------------------------------------------------------===//

#include "lib/frontend/onnx/ExternalData.h"
#include "lib/frontend/onnx/TensorChecks.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace kiln::frontend;
using onnx::TensorProto;

namespace {
struct ExternalRef {
  std::string location;
  std::optional<uint64_t> offset, length;
};

std::string realPath(const std::string &path) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf))
    return {};
  return buf;
}

/// Reads `tensor`'s external data into raw_data; `fail` formats the refusal.
bool loadOne(TensorProto &tensor, llvm::StringRef modelDir,
             std::string &error) {
  ExternalRef ref;
  auto fail = [&](const llvm::Twine &why) {
    error = llvm::formatv("external data of tensor '{0}' (file '{1}'): {2}",
                          tensor.name(), ref.location, why.str());
    return false;
  };
  for (const auto &kv : tensor.external_data()) {
    uint64_t v;
    if (kv.key() == "location") {
      ref.location = kv.value();
      continue;
    }
    if (kv.key() != "offset" && kv.key() != "length")
      continue;
    if (llvm::StringRef(kv.value()).getAsInteger(10, v))
      return fail("'" + kv.key() + "' is not a non-negative integer: '" +
                  kv.value() + "'");
    (kv.key() == "offset" ? ref.offset : ref.length) = v;
  }
  if (ref.location.empty())
    return fail("no 'location' given");
  if (ref.location.find('\0') != std::string::npos)
    return fail("the location contains a NUL byte");
  if (llvm::sys::path::is_absolute(ref.location) || ref.location[0] == '/' ||
      ref.location[0] == '\\')
    return fail("absolute paths are refused; the file must lie in the model's "
                "directory");
  for (auto it = llvm::sys::path::begin(ref.location),
            e = llvm::sys::path::end(ref.location);
       it != e; ++it)
    if (*it == "..")
      return fail(
          "'..' is refused; the file must lie in the model's directory");

  std::string dir = modelDir.empty() ? std::string(".") : modelDir.str();
  llvm::SmallString<256> full(dir);
  llvm::sys::path::append(full, ref.location);
  struct stat st;
  if (::lstat(full.c_str(), &st) != 0)
    return fail(llvm::Twine("cannot stat: ") + std::strerror(errno));
  if (S_ISLNK(st.st_mode))
    return fail("symbolic links are refused");
  if (!S_ISREG(st.st_mode))
    return fail("not a regular file (directory, device, fifo or socket)");
  if (st.st_nlink > 1)
    return fail(llvm::Twine("the file has ") + llvm::Twine(st.st_nlink) +
                " hard links; hard-linked files are refused");
  // A symlinked parent directory would pass lstat on the leaf.
  std::string realDir = realPath(dir), realFile = realPath(full.str().str());
  if (realDir.empty() || realFile.empty() ||
      !llvm::StringRef(realFile).starts_with(realDir + "/"))
    return fail("the file resolves outside the model's directory");

  int fd = ::open(full.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail(llvm::Twine("cannot open: ") + std::strerror(errno));
  struct stat fst;
  bool same = ::fstat(fd, &fst) == 0 && fst.st_dev == st.st_dev &&
              fst.st_ino == st.st_ino && S_ISREG(fst.st_mode);
  if (!same) {
    ::close(fd);
    return fail("the file changed while it was being opened");
  }

  std::string countError;
  std::optional<uint64_t> count =
      detail::checkedElementCount(tensor, countError);
  std::optional<uint64_t> elemSize =
      detail::onnxElementSize(tensor.data_type());
  auto closeAndFail = [&](const llvm::Twine &why) {
    ::close(fd);
    return fail(why);
  };
  if (!count)
    return closeAndFail(countError);
  if (!elemSize)
    return closeAndFail("the tensor's data type has no fixed element size");
  uint64_t expected = *count * *elemSize;
  uint64_t fileSize = static_cast<uint64_t>(fst.st_size);
  uint64_t offset = ref.offset.value_or(0);
  if (offset > fileSize)
    return closeAndFail(llvm::formatv("offset {0} lies beyond the end of the "
                                      "{1}-byte file",
                                      offset, fileSize));
  uint64_t length = ref.length.value_or(fileSize - offset);
  if (length != expected)
    return closeAndFail(llvm::formatv("length {0} does not match the tensor's "
                                      "{1} bytes",
                                      length, expected));
  if (length > fileSize - offset)
    return closeAndFail(
        llvm::formatv("offset {0} + length {1} runs past the end "
                      "of the {2}-byte file",
                      offset, length, fileSize));
  std::string data(length, '\0');
  uint64_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, data.data() + done, length - done,
                        static_cast<off_t>(offset + done));
    if (n <= 0)
      return closeAndFail(
          llvm::Twine("read failed: ") +
          (n < 0 ? std::strerror(errno) : "unexpected end of file"));
    done += static_cast<uint64_t>(n);
  }
  ::close(fd);
  tensor.set_raw_data(std::move(data));
  tensor.clear_external_data();
  tensor.set_data_location(TensorProto::DEFAULT);
  return true;
}
} // namespace

bool detail::resolveExternalData(onnx::GraphProto &graph,
                                 llvm::StringRef modelDir, std::string &error) {
  return forEachGraphTensor(graph, [&](TensorProto &t) {
    return t.data_location() != TensorProto::EXTERNAL ||
           loadOne(t, modelDir, error);
  });
}
