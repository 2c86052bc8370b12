//===- Targets.cpp - The table of registered target descriptions ---------===//
//
// One entry per target. The families share their toolchain and runner, so each
// family has one helper and each entry only says what differs.
//
//===----------------------------------------------------------------------===//

#include "kiln/target/Target.h"

using namespace kiln::target;

namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kKiB = 1024;

const Tool kHostCC{"gcc", "gcc"};
const Tool kHostCXX{"g++", "g++"};
const Tool kHostAR{"ar", "binutils"};

Target x86(llvm::StringRef name, llvm::StringRef summary, llvm::StringRef cpu,
           std::initializer_list<llvm::StringRef> features,
           std::initializer_list<llvm::StringRef> archFlags,
           llvm::StringRef variant, llvm::StringRef hostFeature) {
  Target t;
  t.name = name;
  t.summary = summary;
  t.triple = "x86_64-pc-linux-gnu";
  t.cpu = cpu;
  t.features.assign(features);
  t.alignment = 64;
  // Static programs: the dynamic loader's symbol lookups and relocations were
  // ~1.5 ms of a ResNet-8 bench program's 4 ms cold start on this VM, where
  // every page they touch is a hypervisor trap (docs/performance.md).
  t.toolchain = {kHostCC, kHostCXX, kHostAR, archFlags, {"-static"}, variant};
  t.runner.kind = RunnerKind::Native;
  t.runner.requiredHostFeature = hostFeature;
  return t;
}

Target aarch64(llvm::StringRef name, llvm::StringRef summary,
               llvm::StringRef march,
               std::initializer_list<llvm::StringRef> features) {
  Target t;
  t.name = name;
  t.summary = summary;
  t.triple = "aarch64-linux-gnu";
  t.cpu = "generic";
  t.features.assign(features);
  t.alignment = 16;
  t.toolchain = {{"aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"},
                 {"aarch64-linux-gnu-g++", "g++-aarch64-linux-gnu"},
                 {"aarch64-linux-gnu-ar", "binutils-aarch64-linux-gnu"},
                 {march},
                 {"-static"},
                 "neon"};
  // -cpu max enables every extension QEMU models, so dotprod code runs too.
  t.runner = {RunnerKind::QemuUser, {"qemu-aarch64", "qemu-user"}, {"-cpu", "max"},
              ""};
  return t;
}

/// Cortex-M on an Arm MPS2/MPS3 FPGA board model; firmware is linked with the
/// Kiln harness (vector table, startup, semihosting stdio).
Target cortexM(llvm::StringRef name, llvm::StringRef summary,
               llvm::StringRef triple, llvm::StringRef cpu, llvm::StringRef fpu,
               std::initializer_list<llvm::StringRef> features,
               llvm::StringRef variant, llvm::StringRef board,
               MemoryMap memory) {
  Target t;
  t.name = name;
  t.summary = summary;
  t.triple = triple;
  t.cpu = cpu;
  t.features.assign(features);
  // Channels-last: the float conv and pool ops run the NHWC reference
  // kernels (contiguous channel runs per tap; test/e2e/models/*-cortex-m4 and
  // *-cross check them bit for bit against the x86-64 build); int8 stays NCHW.
  t.layout = Layout::NHWC;
  t.alignment = 8;
  t.bareMetal = true;
  t.memory = memory;
  t.toolchain.cc = {"arm-none-eabi-gcc", "gcc-arm-none-eabi"};
  t.toolchain.cxx = {"arm-none-eabi-g++", "gcc-arm-none-eabi"};
  t.toolchain.ar = {"arm-none-eabi-ar", "binutils-arm-none-eabi"};
  t.toolchain.archFlags = {"-mthumb", "-mfloat-abi=hard"};
  t.toolchain.archFlags.push_back(cpu == "cortex-m4"    ? "-mcpu=cortex-m4"
                                  : cpu == "cortex-m7"  ? "-mcpu=cortex-m7"
                                  : cpu == "cortex-m33" ? "-mcpu=cortex-m33"
                                                        : "-mcpu=cortex-m55");
  if (!fpu.empty())
    t.toolchain.archFlags.push_back(fpu);
  t.toolchain.linkFlags = {"--specs=rdimon.specs", "-nostartfiles"};
  t.toolchain.kernelVariant = variant;
  t.runner = {RunnerKind::QemuSystem,
              {"qemu-system-arm", "qemu-system-arm"},
              {"-M", board, "-cpu", cpu},
              ""};
  return t;
}

const llvm::SmallVector<Target, 10> &registry() {
  static const llvm::SmallVector<Target, 10> targets = [] {
    llvm::SmallVector<Target, 10> t;
    Target host = x86("host", "this machine: x86-64, -march=native", "native",
                      {}, {"-march=native"}, "native", "");
    host.testedEndToEnd = true;
    // Channels-last on the vector targets: with filters packed at compile
    // time the NHWC indirect GEMM beats the NCHW one (docs/performance.md);
    // `generic` keeps NCHW, whose reference kernels are as fast.
    host.layout = Layout::NHWC;
    t.push_back(host);
    t.push_back(x86("generic", "portable x86-64 baseline, reference kernels",
                    "x86-64", {}, {"-march=x86-64"}, "ref", ""));
    // The packed filter's panel width is the conv kernels' register tile:
    // 16 floats (two ymm) on AVX2, 32 (two zmm) on AVX-512.
    Target avx2 = x86("x86-64-avx2", "x86-64-v3: AVX2 + FMA", "haswell",
                      {"avx2", "fma"}, {"-march=x86-64-v3"}, "avx2", "avx2");
    avx2.packedFilterWidth = 16;
    avx2.layout = Layout::NHWC;
    t.push_back(avx2);
    Target avx512 = x86("x86-64-avx512", "x86-64-v4: AVX-512 F/BW/DQ/VL",
                        "skylake-avx512", {"avx512f", "avx512bw", "avx512dq"},
                        {"-march=x86-64-v4"}, "avx512", "avx512f");
    avx512.packedFilterWidth = 32;
    avx512.layout = Layout::NHWC;
    t.push_back(avx512);
    Target a64 = aarch64("aarch64", "Armv8-A Linux, NEON", "-march=armv8-a",
                         {"neon"});
    a64.testedEndToEnd = true;
    t.push_back(a64);
    t.push_back(aarch64("aarch64-dotprod", "Armv8.2-A Linux, NEON + SDOT",
                        "-march=armv8.2-a+dotprod", {"neon", "dotprod"}));
    // MPS2 AN386/AN500: 4 MiB SSRAM1 for code at 0, 4 MiB SSRAM2/3 at 0x2000_0000.
    const MemoryMap mps2{0x00000000, 4 * kMiB, 0x20000000, 4 * kMiB};
    Target m4 = cortexM("cortex-m4", "Cortex-M4F (DSP, FPv4-SP) on MPS2 AN386",
                        "thumbv7em-none-eabihf",
                        "cortex-m4", "-mfpu=fpv4-sp-d16", {"dsp", "fpv4-sp"},
                        "dsp", "mps2-an386", mps2);
    m4.testedEndToEnd = true;
    t.push_back(m4);
    t.push_back(cortexM("cortex-m7", "Cortex-M7 (DSP, FPv5-D16) on MPS2 AN500",
                        "thumbv7em-none-eabihf",
                        "cortex-m7", "-mfpu=fpv5-d16", {"dsp", "fpv5"}, "dsp",
                        "mps2-an500", mps2));
    // AN505 boots in the secure state: code in SSRAM1's secure alias at
    // 0x1000_0000, data in SSRAM2/3's secure alias at 0x3800_0000.
    t.push_back(cortexM("cortex-m33", "Cortex-M33 (DSP, FPv5-SP) on MPS2 AN505",
                        "thumbv8m.main-none-eabihf",
                        "cortex-m33", "-mfpu=fpv5-sp-d16", {"dsp", "fpv5-sp"},
                        "dsp", "mps2-an505",
                        {0x10000000, 4 * kMiB, 0x38000000, 4 * kMiB}));
    // AN547: code in the 512 KiB ITCM, data in the 512 KiB DTCM (secure
    // aliases, as the core boots secure).
    t.push_back(cortexM("cortex-m55", "Cortex-M55 (Helium MVE-F) on MPS3 AN547",
                        "thumbv8.1m.main-none-eabihf",
                        "cortex-m55", "", {"mve", "mve.fp"}, "mve",
                        "mps3-an547",
                        {0x10000000, 512 * kKiB, 0x30000000, 512 * kKiB}));
    return t;
  }();
  return targets;
}

} // namespace

llvm::ArrayRef<Target> kiln::target::getTargets() { return registry(); }
