//===- TargetBuild.cpp - Compile a generated library + harness for a target -===//
//
// Uses the target's compilers directly (no CMake configure step per model):
// the runtime is compiled once per target and flag set into a cache, the
// generated sources and the harness into the build directory.
//
//===----------------------------------------------------------------------===//

#include "kiln/target/TargetRunner.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <deque>

using namespace kiln::target;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

#ifndef KILN_SOURCE_ROOT
#error "KILN_SOURCE_ROOT must name the Kiln source tree (runtime/, lib/target/harness/)"
#endif

/// Stack reserved above the arena on bare-metal boards.
static constexpr uint64_t kFirmwareStackBytes = 64 * 1024;
/// newlib's stdio state and semihosting file handles.
static constexpr uint64_t kFirmwareHeapReserve = 16 * 1024;

/// The runtime sources and harness ship in the source tree; the environment
/// variable lets an installed `kiln` point at a copy.
static std::string sourceRoot() {
  if (std::optional<std::string> env = llvm::sys::Process::GetEnv("KILN_SOURCE_ROOT"))
    return *env;
  return KILN_SOURCE_ROOT;
}

static std::string cacheRoot() {
  if (std::optional<std::string> env = llvm::sys::Process::GetEnv("KILN_CACHE_DIR"))
    return *env;
  llvm::SmallString<256> dir;
  if (std::optional<std::string> xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME"))
    dir = *xdg;
  else if (!path::home_directory(dir))
    fs::current_path(dir);
  else
    path::append(dir, ".cache");
  path::append(dir, "kiln");
  return std::string(dir);
}

namespace {

/// One compiler or linker invocation; its output goes to `log`.
struct Command {
  std::vector<std::string> args;
  std::string log;
};

/// Runs commands with at most `jobs` in flight; the first failure is returned
/// with the failing command and its diagnostics.
llvm::Error runCommands(llvm::ArrayRef<Command> commands, unsigned jobs,
                        bool verbose) {
  struct Running {
    llvm::sys::ProcessInfo info;
    const Command *cmd;
  };
  std::deque<Running> running;
  auto finishOldest = [&]() -> llvm::Error {
    Running r = running.front();
    running.pop_front();
    std::string err;
    llvm::sys::ProcessInfo done = llvm::sys::Wait(r.info, std::nullopt, &err);
    if (done.ReturnCode == 0)
      return llvm::Error::success();
    for (Running &other : running)
      llvm::sys::Wait(other.info, std::nullopt);
    running.clear();
    std::string output;
    if (auto buf = llvm::MemoryBuffer::getFile(r.cmd->log))
      output = (*buf)->getBuffer().str();
    return llvm::createStringError(
        "command failed (exit " + std::to_string(done.ReturnCode) + "): " +
        llvm::join(r.cmd->args, " ") + "\n" + err + output);
  };
  for (const Command &cmd : commands) {
    if (verbose)
      llvm::errs() << llvm::join(cmd.args, " ") << "\n";
    std::string program = findProgram(cmd.args[0]);
    if (program.empty())
      return llvm::createStringError("'" + cmd.args[0] + "' is not installed");
    llvm::SmallVector<llvm::StringRef> argv(cmd.args.begin(), cmd.args.end());
    std::optional<llvm::StringRef> redirects[] = {std::nullopt,
                                                  llvm::StringRef(cmd.log),
                                                  llvm::StringRef(cmd.log)};
    std::string err;
    llvm::sys::ProcessInfo info =
        llvm::sys::ExecuteNoWait(program, argv, std::nullopt, redirects, 0, &err);
    if (info.Pid == llvm::sys::ProcessInfo::InvalidPid)
      return llvm::createStringError("cannot start " + program + ": " + err);
    running.push_back({info, &cmd});
    if (running.size() >= std::max(1u, jobs))
      if (auto e = finishOldest())
        return e;
  }
  while (!running.empty())
    if (auto e = finishOldest())
      return e;
  return llvm::Error::success();
}

/// Flags every translation unit of the build shares.
std::vector<std::string> commonFlags(const Target &target,
                                     const BuildOptions &options,
                                     llvm::StringRef runtimeDir) {
  std::vector<std::string> flags;
  for (llvm::StringRef f : target.toolchain.archFlags)
    flags.push_back(f.str());
  flags.push_back(options.optLevel);
  flags.push_back("-ffunction-sections");
  flags.push_back("-fdata-sections");
  flags.push_back(("-I" + runtimeDir + "/include").str());
  return flags;
}

Command compileCommand(const Target &target, const std::vector<std::string> &flags,
                       llvm::StringRef source, llvm::StringRef object,
                       llvm::ArrayRef<std::string> extra) {
  bool cxx = source.ends_with(".cpp") || source.ends_with(".cc");
  Command cmd;
  cmd.args.push_back((cxx ? target.toolchain.cxx : target.toolchain.cc).program.str());
  cmd.args.insert(cmd.args.end(), flags.begin(), flags.end());
  if (cxx) {
    cmd.args.insert(cmd.args.end(), {"-std=c++17", "-fno-exceptions",
                                     "-fno-rtti", "-fno-threadsafe-statics"});
  } else if (source.ends_with(".c")) {
    cmd.args.push_back("-std=c11");
  }
  cmd.args.insert(cmd.args.end(), extra.begin(), extra.end());
  cmd.args.insert(cmd.args.end(), {"-c", source.str(), "-o", object.str()});
  cmd.log = (object + ".log").str();
  return cmd;
}

std::vector<std::string> listSources(llvm::StringRef dir,
                                     llvm::ArrayRef<llvm::StringRef> exts,
                                     bool recursive) {
  std::vector<std::string> out;
  std::error_code ec;
  auto consider = [&](const std::string &p) {
    for (llvm::StringRef ext : exts)
      if (llvm::StringRef(p).ends_with(ext))
        out.push_back(p);
  };
  if (recursive) {
    for (fs::recursive_directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      consider(it->path());
  } else {
    for (fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      consider(it->path());
  }
  llvm::sort(out);
  return out;
}

/// Compiles `sources` once per target, flag set and source contents into the
/// cache and returns the archive (`archive` set) or the object files. The key
/// hashes the compiler, the flags, every source and the private `headers`
/// they include, so an edited kernel is
/// rebuilt; the directory is built aside and renamed in, so concurrent
/// `kiln run`s never see a half-written one.
llvm::Expected<std::vector<std::string>>
buildCached(const Target &target, const BuildOptions &options,
            llvm::StringRef label,
            const std::vector<std::string> &sources,
            const std::vector<std::string> &flags, bool archive,
            const std::vector<std::string> &headers = {}) {
  // Include directories differ per library (each may carry its runtime copy),
  // so they stay out of the key; the headers' contents are keyed instead.
  std::string key = label.str() + "\n" + target.toolchain.cc.program.str();
  for (const std::string &flag : flags)
    if (!llvm::StringRef(flag).starts_with("-I"))
      key += " " + flag;
  std::vector<std::string> keyed = sources;
  keyed.insert(keyed.end(), headers.begin(), headers.end());
  for (const std::string &src : keyed) {
    key += "\n" + path::filename(src).str();
    if (auto buf = llvm::MemoryBuffer::getFile(src))
      key += (*buf)->getBuffer();
  }
  std::string dir = cacheRoot() + "/" + label.str() + "/" + target.name.str() +
                    "-" + llvm::utohexstr(llvm::xxh3_64bits(key));
  auto outputs = [&](llvm::StringRef base) {
    std::vector<std::string> out;
    if (archive)
      out.push_back((base + "/lib" + label + ".a").str());
    else
      for (size_t i = 0; i < sources.size(); ++i)
        out.push_back((base + "/" + std::to_string(i) + "_" +
                       path::stem(sources[i]) + ".o")
                          .str());
    return out;
  };
  std::vector<std::string> done = outputs(dir);
  if (llvm::all_of(done, [](const std::string &f) { return fs::exists(f); }))
    return done;

  std::string tmp = dir + ".tmp" + std::to_string(llvm::sys::Process::getProcessId());
  fs::remove_directories(tmp);
  if (std::error_code ec = fs::create_directories(tmp))
    return llvm::createStringError("cannot create " + tmp + ": " + ec.message());
  std::vector<Command> compiles;
  Command ar;
  ar.args = {target.toolchain.ar.program.str(), "rcs", outputs(tmp).front()};
  ar.log = tmp + "/ar.log";
  for (size_t i = 0; i < sources.size(); ++i) {
    std::string obj = tmp + "/" + std::to_string(i) + "_" +
                      path::stem(sources[i]).str() + ".o";
    compiles.push_back(compileCommand(target, flags, sources[i], obj, {}));
    ar.args.push_back(obj);
  }
  if (options.verbose)
    llvm::errs() << "kiln: building " << label << " for " << target.name
                 << " into " << dir << "\n";
  if (auto e = runCommands(compiles, options.jobs, options.verbose))
    return std::move(e);
  if (archive)
    if (auto e = runCommands({ar}, 1, options.verbose))
      return std::move(e);
  // Another process may have won the race; either result is the same.
  if (fs::rename(tmp, dir))
    fs::remove_directories(tmp);
  return done;
}

llvm::Expected<std::string> getRuntimeArchive(const Target &target,
                                              const BuildOptions &options,
                                              llvm::StringRef runtimeDir) {
  std::vector<std::string> sources =
      listSources((runtimeDir + "/src").str(), {".c"}, /*recursive=*/true);
  if (sources.empty())
    return llvm::createStringError("no runtime sources under " + runtimeDir +
                                   "/src (set KILN_SOURCE_ROOT)");
  std::vector<std::string> flags = commonFlags(target, options, runtimeDir);
  flags.push_back(("-I" + runtimeDir + "/src").str());
  auto built = buildCached(target, options, "kiln_runtime", sources,
                           flags, /*archive=*/true,
                           listSources(runtimeDir, {".h"}, /*recursive=*/true));
  if (!built)
    return built.takeError();
  return built->front();
}

/// The model-independent harness objects (main, file I/O, clock, the bench's
/// peak measurement, Cortex-M startup).
llvm::Expected<std::vector<std::string>>
getHarnessObjects(const Target &target, const BuildOptions &options,
                  llvm::StringRef runtimeDir, llvm::StringRef harness) {
  bool bench = options.harness == HarnessKind::Bench;
  std::vector<std::string> sources = {
      (harness + (bench ? "/kiln_bench_main.c" : "/kiln_runner_main.c")).str(),
      (harness + "/kiln_runner_io.c").str()};
  if (bench)
    sources.push_back((harness + "/kiln_bench_peak.c").str());
  if (target.bareMetal) {
    sources.push_back((harness + "/kiln_runner_clock_semihost.c").str());
    sources.push_back((harness + "/kiln_cortex_m_startup.c").str());
  } else {
    sources.push_back((harness + "/kiln_runner_clock_posix.c").str());
  }
  std::vector<std::string> flags = commonFlags(target, options, runtimeDir);
  flags.push_back(("-I" + harness).str());
  std::vector<std::string> headers = listSources(harness, {".h"}, false);
  for (std::string &h : listSources((runtimeDir + "/include").str(), {".h"}, true))
    headers.push_back(std::move(h));
  return buildCached(target, options, bench ? "kiln_bench" : "kiln_harness",
                     sources, flags,
                     /*archive=*/false, headers);
}

std::string cIdentifierSafe(llvm::StringRef s) {
  std::string out;
  for (char c : s)
    out += (c == '"' || c == '\\') ? '_' : c;
  return out;
}

/// The C file binding model N to the harness: static, aligned buffers sized
/// by N.h's macros, with static asserts that N.h agrees with the report.
std::string generateBinding(const LibraryInfo &lib) {
  std::string s;
  llvm::raw_string_ostream os(s);
  // Macros carry the upper-cased prefix (MNIST_ARENA_SIZE), functions the
  // prefix as given (mnist_run), as in the generated-code API.
  const std::string n = llvm::StringRef(lib.name).upper();
  const std::string &h = lib.name;
  os << "/* Generated by kiln: binds model " << h
     << " to the Kiln runner harness. */\n"
     << "#include \"" << h << ".h\"\n#include \"kiln_runner.h\"\n\n"
     << "#define KILN_BUF(bytes) ((bytes) > 0 ? (bytes) : 1)\n"
     << "#define KILN_NEXT(at) (((at) + 63u) & ~63u)\n"
     << "_Static_assert(" << n << "_NUM_INPUTS == " << lib.inputs.size()
     << ", \"" << h << ".h and the report disagree on the input count\");\n"
     << "_Static_assert(" << n << "_NUM_OUTPUTS == " << lib.outputs.size()
     << ", \"" << h << ".h and the report disagree on the output count\");\n"
     << "/* One static block: the arena, then each input and output at the "
        "next\n * 64-byte boundary (see KILN_RUNNER_MEMORY_SIZE). */\n";
  // Each buffer's offset in the block is the previous one's end, rounded.
  std::string end = "KILN_BUF(" + n + "_ARENA_SIZE)";
  auto placeSide = [&](llvm::StringRef kind, llvm::StringRef macro,
                       const std::vector<TensorInfo> &tensors) {
    for (size_t i = 0; i < tensors.size(); ++i) {
      std::string size = (n + "_" + macro + std::to_string(i) + "_SIZE").str();
      std::string at = ("KILN_" + macro + std::to_string(i) + "_AT").str();
      os << "_Static_assert(" << size << " == " << tensors[i].byteSize()
         << "u, \"" << kind << " " << i << " ('"
         << cIdentifierSafe(tensors[i].name)
         << "'): size differs between the header and the report\");\n"
         << "#define " << at << " KILN_NEXT(" << end << ")\n";
      end = at + " + KILN_BUF(" + size + ")";
    }
  };
  placeSide("input", "IN", lib.inputs);
  placeSide("output", "OUT", lib.outputs);
  os << "#define KILN_USED (" << end << ")\n"
     << "static uint8_t kiln_memory[KILN_RUNNER_MEMORY_SIZE(KILN_USED)]"
     << " __attribute__((aligned(KILN_RUNNER_MEMORY_ALIGN(KILN_USED, " << n
     << "_ARENA_ALIGN))));\n";
  auto listSide = [&](llvm::StringRef kind, llvm::StringRef macro,
                      const std::vector<TensorInfo> &tensors) {
    os << "static void *const kiln_" << kind << "s[] = {";
    for (size_t i = 0; i < tensors.size(); ++i)
      os << "kiln_memory + KILN_" << macro << i << "_AT, ";
    os << "0};\nstatic const uint32_t kiln_" << kind << "_sizes[] = {";
    for (size_t i = 0; i < tensors.size(); ++i)
      os << n << "_" << macro << i << "_SIZE, ";
    os << "0};\n";
  };
  listSide("input", "IN", lib.inputs);
  listSide("output", "OUT", lib.outputs);
  // The blob's own symbol (<name>_weights.S or .c), which the harness
  // pre-maps; a library without one (weights inside its code) passes none.
  std::string blob = "0, 0u";
  for (const char *ext : {".S", ".c"})
    if (llvm::sys::fs::exists(lib.dir + "/" + h + "_weights" + ext)) {
      os << "extern const uint8_t " << h << "_weights[];\n";
      blob = h + "_weights, " + std::to_string(lib.weightBytes) + "u";
      break;
    }
  os << "\nconst kiln_runner_model kiln_runner_the_model = {\n"
     << "    \"" << h << "\", " << n << "_NUM_INPUTS, " << n << "_NUM_OUTPUTS,\n"
     << "    kiln_inputs, kiln_input_sizes, kiln_outputs, kiln_output_sizes,\n"
     << "    kiln_memory, " << h << "_run, KILN_BUF(" << n << "_ARENA_SIZE),\n"
     << "    " << blob << ", kiln_memory, sizeof kiln_memory};\n";
  return s;
}

llvm::Error writeFile(llvm::StringRef file, llvm::StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(file, ec);
  if (ec)
    return llvm::createStringError("cannot write " + file + ": " + ec.message());
  os << contents;
  return llvm::Error::success();
}

} // namespace

llvm::Error kiln::target::checkMemoryBudget(const Target &target,
                                            const LibraryInfo &lib) {
  if (!target.bareMetal)
    return llvm::Error::success();
  uint64_t io = 0;
  for (const TensorInfo &t : lib.inputs)
    io += t.byteSize();
  for (const TensorInfo &t : lib.outputs)
    io += t.byteSize();
  uint64_t ram = lib.arenaBytes + io + kFirmwareStackBytes + kFirmwareHeapReserve;
  std::string problems;
  if (ram > target.memory.ramBytes)
    problems += "  RAM: needs " + std::to_string(ram) + " bytes (arena " +
                std::to_string(lib.arenaBytes) + " + inputs/outputs " +
                std::to_string(io) + " + stack/heap " +
                std::to_string(kFirmwareStackBytes + kFirmwareHeapReserve) +
                ") but " + target.summary.str() + " has " +
                std::to_string(target.memory.ramBytes) + "\n";
  if (lib.weightBytes > target.memory.flashBytes)
    problems += "  flash: weights alone are " + std::to_string(lib.weightBytes) +
                " bytes but the board has " +
                std::to_string(target.memory.flashBytes) + "\n";
  if (problems.empty())
    return llvm::Error::success();
  return llvm::createStringError("model '" + lib.name + "' does not fit target '" +
                                 target.name + "':\n" + problems);
}

llvm::Expected<std::string> kiln::target::buildRunner(const Target &target,
                                                      const LibraryInfo &lib,
                                                      const BuildOptions &options) {
  if (auto e = checkToolsAvailable(target, /*forRun=*/false))
    return std::move(e);
  if (auto e = checkMemoryBudget(target, lib))
    return std::move(e);
  if (std::error_code ec = fs::create_directories(options.buildDir))
    return llvm::createStringError("cannot create " + options.buildDir + ": " +
                                   ec.message());
  llvm::SmallString<256> buildDir(options.buildDir);
  fs::make_absolute(buildDir);
  std::string bdir(buildDir);
  std::string harness = sourceRoot() + "/lib/target/harness";

  // A library may carry the runtime it was generated against (DIR/runtime);
  // otherwise the runtime of this Kiln source tree is used.
  std::string runtimeDir = lib.dir + "/runtime";
  if (!fs::is_directory(runtimeDir + "/src"))
    runtimeDir = sourceRoot() + "/runtime";
  llvm::Expected<std::string> runtime =
      getRuntimeArchive(target, options, runtimeDir);
  if (!runtime)
    return runtime.takeError();
  llvm::Expected<std::vector<std::string>> harnessObjects =
      getHarnessObjects(target, options, runtimeDir, harness);
  if (!harnessObjects)
    return harnessObjects.takeError();

  // Re-running on an unchanged library (more input sets, --build-dir kept)
  // reuses the program: the stamp hashes everything that goes into it.
  bool bench = options.harness == HarnessKind::Bench;
  std::string program = bdir + "/" + lib.name + (bench ? "-bench" : "") +
                        (target.bareMetal ? ".elf" : "");
  std::string stampKey = target.name.str() + "\n" + options.optLevel + "\n" +
                         *runtime + "\n" + llvm::join(*harnessObjects, "\n");
  for (const std::string &file :
       listSources(lib.dir, {".h", ".c", ".cpp", ".cc", ".S", ".s", ".bin", ".json"}, false))
    if (auto buf = llvm::MemoryBuffer::getFile(file))
      stampKey += "\n" + file + "\n" + (*buf)->getBuffer().str();
  for (const std::string &file : listSources(harness, {".h", ".c", ".ld"}, false))
    if (auto buf = llvm::MemoryBuffer::getFile(file))
      stampKey += "\n" + file + "\n" + (*buf)->getBuffer().str();
  std::string stamp = llvm::utohexstr(llvm::xxh3_64bits(stampKey));
  std::string stampFile =
      bdir + (bench ? "/kiln_bench_build.stamp" : "/kiln_build.stamp");
  if (fs::exists(program))
    if (auto buf = llvm::MemoryBuffer::getFile(stampFile))
      if ((*buf)->getBuffer() == stamp)
        return program;
  fs::remove(stampFile);

  std::string binding = bdir + "/kiln_runner_model.c";
  if (auto e = writeFile(binding, generateBinding(lib)))
    return std::move(e);

  std::vector<std::string> sources =
      listSources(lib.dir, {".c", ".cpp", ".cc", ".S", ".s"}, false);
  sources.push_back(binding);

  std::vector<std::string> flags = commonFlags(target, options, runtimeDir);
  flags.push_back("-I" + harness);
  flags.push_back("-I" + lib.dir);
  // .incbin in the weights assembly resolves against the library directory.
  flags.push_back("-Wa,-I," + lib.dir);

  std::vector<Command> compiles;
  std::vector<std::string> objects;
  for (size_t i = 0; i < sources.size(); ++i) {
    std::string obj = bdir + "/" + std::to_string(i) + "_" +
                      path::filename(sources[i]).str() + ".o";
    compiles.push_back(compileCommand(target, flags, sources[i], obj, {}));
    objects.push_back(obj);
  }
  if (auto e = runCommands(compiles, options.jobs, options.verbose))
    return std::move(e);

  Command link;
  // Generated C++ is freestanding (no exceptions, RTTI or heap), so firmware
  // links with the C driver: bare-metal toolchains may lack libstdc++.
  link.args.push_back(
      (target.bareMetal ? target.toolchain.cc : target.toolchain.cxx).program.str());
  for (llvm::StringRef f : target.toolchain.archFlags)
    link.args.push_back(f.str());
  for (llvm::StringRef f : target.toolchain.linkFlags)
    link.args.push_back(f.str());
  if (target.bareMetal) {
    const MemoryMap &m = target.memory;
    std::string memory =
        "/* Generated by kiln for " + target.name.str() + ". */\nMEMORY\n{\n" +
        "  FLASH (rx) : ORIGIN = 0x" + llvm::utohexstr(m.flashBase) +
        ", LENGTH = " + std::to_string(m.flashBytes) + "\n" +
        "  RAM (rwx) : ORIGIN = 0x" + llvm::utohexstr(m.ramBase) +
        ", LENGTH = " + std::to_string(m.ramBytes) + "\n}\n" +
        "KILN_STACK_BYTES = " + std::to_string(kFirmwareStackBytes) + ";\n";
    if (auto e = writeFile(bdir + "/kiln_memory.ld", memory))
      return std::move(e);
    link.args.insert(link.args.end(), {"-T", harness + "/kiln_cortex_m.ld",
                                       "-L" + bdir, "-Wl,--gc-sections"});
  }
  link.args.insert(link.args.end(), objects.begin(), objects.end());
  link.args.insert(link.args.end(), harnessObjects->begin(), harnessObjects->end());
  link.args.insert(link.args.end(), {*runtime, "-lm", "-o", program});
  link.log = program + ".link.log";
  if (auto e = runCommands({link}, 1, options.verbose)) {
    std::string msg = llvm::toString(std::move(e));
    if (llvm::StringRef(msg).contains("overflowed") ||
        llvm::StringRef(msg).contains("do not fit"))
      return llvm::createStringError("model '" + lib.name +
                                     "' does not fit the memory of target '" +
                                     target.name + "' (" + target.summary +
                                     "):\n" + msg);
    return llvm::createStringError(msg);
  }
  if (auto e = writeFile(stampFile, stamp))
    return std::move(e);
  return program;
}
