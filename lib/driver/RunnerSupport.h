//===- RunnerSupport.h - Shared steps of run, bench and validate -*- C++
//-*-===//
//
// `kiln run`, `kiln bench` and `kiln validate` all compile a model in a child
// `kiln compile`, build a program for the target in a work directory, and
// exchange raw tensors with it through files; these are those steps, once.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DRIVER_RUNNERSUPPORT_H
#define KILN_DRIVER_RUNNERSUPPORT_H

#include "kiln/target/TargetRunner.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln::driver {

/// `--input` arguments in order: (NAME, FILE), NAME empty for a bare FILE.
using InputFiles = std::vector<std::pair<std::string, std::string>>;

/// Adds one `--input NAME=FILE` or `--input FILE` argument.
void addInputFile(llvm::StringRef arg, InputFiles &files);

/// For each input of `lib`, the file given for it ("" when none): a named
/// file goes to the input of that name, a bare one to the next input not yet
/// given. The errors list the model's inputs.
llvm::Expected<std::vector<std::string>>
assignInputFiles(const InputFiles &files, const target::LibraryInfo &lib);

/// `[1, 3, 224, 224]`, for messages.
std::string shapeString(llvm::ArrayRef<int64_t> shape);

/// Writes `data` to `file`, replacing it.
llvm::Error writeFile(llvm::StringRef file, llvm::StringRef data);

/// The value of `--layout` (`nchw` or `nhwc`), shared by compile, run, bench
/// and validate so that all four accept and reject the same words. The error
/// names the flag and the accepted values.
llvm::Expected<target::Layout> parseLayout(llvm::StringRef value);

/// Reads `--layout V` or `--layout=V` when `arg` is that flag (returns true;
/// false for any other argument): `next` yields V for the spaced form, and
/// `out` receives the layout, or `error` the message naming the flag.
bool takeLayoutFlag(llvm::StringRef arg,
                    llvm::function_ref<bool(std::string &)> next,
                    std::optional<target::Layout> &out, std::string &error);

/// `nchw` or `nhwc`, as `--layout` spells it.
llvm::StringRef layoutFlagValue(target::Layout layout);

/// `NCHW` or `NHWC`, for listings and messages.
llvm::StringRef layoutName(target::Layout layout);

/// The command line of a child `kiln compile` (this same binary: the compile
/// pipeline reads its options from the command line) of `model` for `tgt`
/// into `libDir` with symbol prefix `name`, with `--layout` when `layout` is
/// set (otherwise the target's preferred layout applies). Bare-metal targets
/// get the board's budgets, so a model that cannot fit fails at compile time
/// naming the budget. Element 0 is the program to execute.
std::vector<std::string>
compileCommand(llvm::StringRef model, const target::Target &tgt,
               llvm::StringRef libDir, llvm::StringRef name,
               std::optional<target::Layout> layout = std::nullopt);

/// A work directory: the one the user asked to keep, or a fresh temporary
/// one that is removed with this object.
class WorkDirectory {
public:
  WorkDirectory() = default;
  WorkDirectory(const WorkDirectory &) = delete;
  WorkDirectory &operator=(const WorkDirectory &) = delete;
  ~WorkDirectory();

  /// Uses `requested` when it is not empty, otherwise creates a temporary
  /// directory named after `prefix`; the path is made absolute.
  llvm::Error init(llvm::StringRef requested, llvm::StringRef prefix);

  llvm::StringRef path() const { return dir; }

private:
  llvm::SmallString<128> dir;
  bool temporary = false;
};

/// Build options for a runner or bench program in `buildDir`.
target::BuildOptions makeBuildOptions(llvm::StringRef buildDir,
                                      llvm::StringRef optLevel, unsigned jobs,
                                      bool verbose);

/// Removes and re-creates `dir`, so no file of an earlier run is read back.
llvm::Error makeEmptyDirectory(llvm::StringRef dir);

/// `<ioDir>/<kind><index>_<sample>.bin`, the harness's raw tensor files
/// (kind `in` or `out`).
std::string ioFileName(llvm::StringRef ioDir, llvm::StringRef kind,
                       size_t index, size_t sample);

/// Reads exactly `into.size()` bytes from `file`, which `program` (named in
/// the error) should have written.
llvm::Error readOutputFile(llvm::StringRef file,
                           llvm::MutableArrayRef<char> into,
                           llvm::StringRef program);

} // namespace kiln::driver

#endif // KILN_DRIVER_RUNNERSUPPORT_H
