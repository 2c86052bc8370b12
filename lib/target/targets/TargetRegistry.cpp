//===- TargetRegistry.cpp - Lookup of targets and their tools -------------===//

#include "kiln/target/Target.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

using namespace kiln::target;

std::string kiln::target::getTargetNames() {
  std::string names;
  for (const Target &t : getTargets()) {
    if (!names.empty())
      names += ", ";
    names += t.name.str();
  }
  return names;
}

llvm::Expected<const Target &> kiln::target::lookupTarget(llvm::StringRef name) {
  for (const Target &t : getTargets())
    if (t.name == name)
      return t;
  return llvm::createStringError("unknown target '" + name +
                                 "'; known targets: " + getTargetNames());
}

std::string kiln::target::findProgram(llvm::StringRef program) {
  llvm::ErrorOr<std::string> path = llvm::sys::findProgramByName(program);
  return path ? *path : std::string();
}

/// Whether /proc/cpuinfo lists `feature` among the host CPU's flags.
static bool hostHasCpuFeature(llvm::StringRef feature) {
  auto buf = llvm::MemoryBuffer::getFileAsStream("/proc/cpuinfo");
  if (!buf)
    return false;
  llvm::SmallVector<llvm::StringRef> lines;
  (*buf)->getBuffer().split(lines, '\n');
  for (llvm::StringRef line : lines) {
    if (!line.starts_with("flags"))
      continue;
    llvm::SmallVector<llvm::StringRef> flags;
    line.split(':').second.split(flags, ' ', -1, false);
    return llvm::is_contained(flags, feature);
  }
  return false;
}

unsigned kiln::target::getPackedFilterWidth(const Target &target) {
  if (target.toolchain.kernelVariant != "native")
    return target.packedFilterWidth;
  // The runtime's own test (kiln_isa.h): AVX-512 needs F, BW, DQ and VL.
  if (hostHasCpuFeature("avx512f") && hostHasCpuFeature("avx512bw") &&
      hostHasCpuFeature("avx512dq") && hostHasCpuFeature("avx512vl"))
    return 32;
  if (hostHasCpuFeature("avx2") && hostHasCpuFeature("fma"))
    return 16;
  return 0;
}

llvm::Error kiln::target::checkToolsAvailable(const Target &target,
                                              bool forRun) {
  llvm::SmallVector<Tool> needed = {target.toolchain.cc, target.toolchain.cxx};
  if (forRun && target.runner.kind != RunnerKind::Native)
    needed.push_back(target.runner.emulator);
  std::string missing;
  llvm::StringSet<> packages;
  for (const Tool &tool : needed) {
    if (!findProgram(tool.program).empty())
      continue;
    missing += "  '" + tool.program.str() + "' (Debian package " +
               tool.debianPackage.str() + ")\n";
    packages.insert(tool.debianPackage);
  }
  if (!missing.empty()) {
    std::string install;
    for (const auto &p : packages)
      install += " " + p.getKey().str();
    return llvm::createStringError(
        "target '" + target.name + "' needs programs that are not installed:\n" +
        missing + "install them with: apt-get install" + install);
  }
  llvm::StringRef feature = target.runner.requiredHostFeature;
  if (forRun && !feature.empty() && !hostHasCpuFeature(feature))
    return llvm::createStringError(
        "target '" + target.name + "' runs natively and needs the host CPU "
        "feature '" + feature + "', which this machine does not have; "
        "compile with `kiln compile` and run the library on such a machine");
  return llvm::Error::success();
}
