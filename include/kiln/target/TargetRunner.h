//===- TargetRunner.h - Build and run a generated library on a target -*- C++ -*-===//
//
// Takes a directory written by `kiln compile` (N.h, N.cpp, weights,
// N.report.json), links it with the runtime and the harness in
// lib/target/harness for one target, and executes it natively or under qemu.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_TARGETRUNNER_H
#define KILN_TARGET_TARGETRUNNER_H

#include "kiln/target/Target.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::target {

/// Element types as the report and .npy files name them.
enum class DType { F32, I32, I64, I8, U8, Bool };

/// Bytes per element of `dtype`.
unsigned getDTypeSize(DType dtype);
/// Short name ("f32", "i64", ...).
llvm::StringRef getDTypeName(DType dtype);
/// Parses "f32"/"float32"/"float", "i64"/"int64", ... (as in N.report.json).
std::optional<DType> parseDTypeName(llvm::StringRef name);

struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;
  DType dtype = DType::F32;
  uint64_t numElements() const;
  uint64_t byteSize() const { return numElements() * getDTypeSize(dtype); }
};

/// What the runner needs to know about one generated library.
struct LibraryInfo {
  std::string dir;
  std::string name;
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  uint64_t arenaBytes = 0;
  /// Size of the weight blob(s) in the directory, for the flash budget.
  uint64_t weightBytes = 0;
};

/// Reads DIR/<name>.report.json (the only *.report.json in DIR).
llvm::Expected<LibraryInfo> readLibraryInfo(llvm::StringRef dir);

/// Which harness main the program is linked with (lib/target/harness).
enum class HarnessKind {
  /// kiln_runner_main.c: run on IODIR/in*_<s>.bin, write the outputs.
  Runner,
  /// kiln_bench_main.c: cold-start and warm timing for `kiln bench`.
  Bench,
};

struct BuildOptions {
  /// Where objects and the program go; created if missing.
  std::string buildDir;
  /// Optimisation flag for the generated code and the runtime.
  std::string optLevel = "-O2";
  /// Parallel compiler processes.
  unsigned jobs = 2;
  /// Print each command on stderr.
  bool verbose = false;
  HarnessKind harness = HarnessKind::Runner;
};

/// Checks that the library fits the target's memory budget (bare metal only);
/// the error gives the arena, buffer and weight sizes against the board's.
llvm::Error checkMemoryBudget(const Target &target, const LibraryInfo &lib);

/// Builds the runner program (executable or firmware ELF) for `lib` and
/// returns its path (NAME, or NAME-bench for the bench harness).
llvm::Expected<std::string> buildRunner(const Target &target,
                                        const LibraryInfo &lib,
                                        const BuildOptions &options);

struct RunResult {
  /// Time spent in N_run per sample, as the runner measured it.
  std::vector<double> sampleMicros;
  /// True when the time was measured inside an emulator (not real hardware).
  bool emulated = false;
};

/// Runs `program` on IODIR/in<i>_<s>.bin for s < samples; it writes
/// IODIR/out<j>_<s>.bin. Fails with the program's output on a non-zero model
/// status, a crash, or after `timeoutSeconds`.
llvm::Expected<RunResult> runRunner(const Target &target,
                                    llvm::StringRef program,
                                    llvm::StringRef ioDir, unsigned samples,
                                    unsigned timeoutSeconds);

/// What a program printed, and how it ended.
struct ProgramOutput {
  int exitCode = 0;
  /// stdout and stderr, interleaved.
  std::string output;
  /// The command line, for messages.
  std::string commandLine;
  /// True when the program ran inside an emulator.
  bool emulated = false;
};

/// The argument `runProgram` replaces with the CLOCK_MONOTONIC time in
/// nanoseconds taken just before it starts the process.
inline constexpr llvm::StringLiteral kSpawnTimeArg = "@KILN_SPAWN_NS@";

/// Runs `program args...` on `target` (natively, under qemu-user, or as
/// firmware whose argv arrives through semihosting), with its output in
/// `logFile`. Fails when it cannot start or runs past `timeoutSeconds`; a
/// non-zero exit is returned, not an error.
llvm::Expected<ProgramOutput> runProgram(const Target &target,
                                         llvm::StringRef program,
                                         llvm::ArrayRef<std::string> args,
                                         llvm::StringRef logFile,
                                         unsigned timeoutSeconds);

} // namespace kiln::target

#endif // KILN_TARGET_TARGETRUNNER_H
