//===- Target.h - Registry of the hardware targets Kiln compiles for -*- C++ -*-===//
//
// A target is one description: what the compiler needs to know about the
// hardware (triple, CPU, features, layout, alignment, memory budget) and what
// the test/run tooling needs to build and execute code on it (toolchain and
// runner). Adding a target means adding one description (see docs/targets.md).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_TARGET_H
#define KILN_TARGET_TARGET_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace kiln::target {

/// Activation layout the target's kernels prefer for 4-D image tensors.
enum class Layout { NCHW, NHWC };

/// How a built program is executed.
enum class RunnerKind {
  /// Run the executable directly on this machine.
  Native,
  /// Linux user-mode emulation: `<emulator> <args> ./program ...`.
  QemuUser,
  /// Bare-metal board emulation with semihosting for stdio and files.
  QemuSystem,
};

/// A program the toolchain or runner needs, and the Debian package that
/// provides it (named in the error when the program is missing).
struct Tool {
  llvm::StringRef program;
  llvm::StringRef debianPackage;
};

/// Compilers and flags used to build a generated library plus the runner.
struct Toolchain {
  Tool cc;
  Tool cxx;
  Tool ar;
  /// Architecture flags for C, C++ and assembly (e.g. -mcpu, -mfpu).
  llvm::SmallVector<llvm::StringRef, 6> archFlags;
  /// Extra link flags (e.g. -static, --specs=rdimon.specs).
  llvm::SmallVector<llvm::StringRef, 4> linkFlags;
  /// The runtime's ISA variant family these arch flags select ("ref",
  /// "avx2", "neon", "dsp", "mve"): the runtime picks a kernel's variant from
  /// the compiler's own feature macros (runtime/src/internal/kiln_isa.h).
  llvm::StringRef kernelVariant = "ref";
};

/// How to execute a built program.
struct Runner {
  RunnerKind kind = RunnerKind::Native;
  /// The emulator (empty for Native).
  Tool emulator;
  /// Arguments placed before the program (QemuUser) or the machine options
  /// (QemuSystem), e.g. {"-M", "mps2-an386", "-cpu", "cortex-m4"}.
  llvm::SmallVector<llvm::StringRef, 6> emulatorArgs;
  /// Host CPU feature (as in /proc/cpuinfo flags) a Native runner needs, or "".
  llvm::StringRef requiredHostFeature;
};

/// Memory the firmware links against (bare-metal targets only).
struct MemoryMap {
  uint64_t flashBase = 0;
  uint64_t flashBytes = 0;
  uint64_t ramBase = 0;
  uint64_t ramBytes = 0;
};

struct Target {
  llvm::StringRef name;
  llvm::StringRef summary;
  llvm::StringRef triple;
  llvm::StringRef cpu;
  llvm::SmallVector<llvm::StringRef, 6> features;
  Layout layout = Layout::NCHW;
  /// NR of the pre-packed NHWC conv filter (kiln-pack-filters): the panel
  /// width of the target's x86 conv kernels, 32 for AVX-512, 16 for AVX2;
  /// 0 never packs (the C reference kernels gain nothing). The host target
  /// resolves it from this machine's CPU: use getPackedFilterWidth().
  unsigned packedFilterWidth = 0;
  /// Byte alignment of the arena and of weight blobs.
  unsigned alignment = 16;
  /// True when the program runs without an OS (firmware with its own startup).
  bool bareMetal = false;
  /// Sizes used for budget checks; zero bytes means "not bounded" (hosted).
  MemoryMap memory;
  Toolchain toolchain;
  Runner runner;
  /// Whether `kiln run` on this target is exercised by the e2e suite.
  bool testedEndToEnd = false;
};

/// Every registered target, in the order `kiln run --help` lists them.
llvm::ArrayRef<Target> getTargets();

/// The target called `name`, or an error listing every known name.
llvm::Expected<const Target &> lookupTarget(llvm::StringRef name);

/// The packed-filter width code for `target` should use: its
/// packedFilterWidth, or for the host target (kernel variant "native", built
/// with -march=native) 32 with AVX-512 F/BW/DQ/VL, 16 with AVX2 + FMA, else 0.
unsigned getPackedFilterWidth(const Target &target);

/// Comma-separated list of the registered names, for help texts.
std::string getTargetNames();

/// Checks that the programs needed to build (and, with `forRun`, to execute)
/// for `target` are installed; the error names each missing program and the
/// Debian package to install.
llvm::Error checkToolsAvailable(const Target &target, bool forRun);

/// Resolves a program name through PATH; empty when it is not installed.
std::string findProgram(llvm::StringRef program);

} // namespace kiln::target

#endif // KILN_TARGET_TARGET_H
