//===- TargetRun.cpp - Execute a runner natively or under qemu ------------===//

#include "kiln/target/TargetRunner.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

#include <chrono>

using namespace kiln::target;

/// The command line that runs `program args...` on `target`.
static std::vector<std::string> runCommand(const Target &target,
                                           llvm::StringRef program,
                                           llvm::ArrayRef<std::string> programArgs) {
  std::vector<std::string> args;
  const Runner &r = target.runner;
  switch (r.kind) {
  case RunnerKind::Native:
    args.push_back(program.str());
    args.insert(args.end(), programArgs.begin(), programArgs.end());
    break;
  case RunnerKind::QemuUser:
    args.push_back(r.emulator.program.str());
    for (llvm::StringRef a : r.emulatorArgs)
      args.push_back(a.str());
    args.push_back(program.str());
    args.insert(args.end(), programArgs.begin(), programArgs.end());
    break;
  case RunnerKind::QemuSystem: {
    args.push_back(r.emulator.program.str());
    for (llvm::StringRef a : r.emulatorArgs)
      args.push_back(a.str());
    // The firmware's argv arrives through SYS_GET_CMDLINE; its files are
    // opened on this machine through semihosting (target=native).
    std::string config = "enable=on,target=native,arg=fw";
    for (const std::string &a : programArgs)
      config += ",arg=" + a;
    args.insert(args.end(), {"-nographic", "-monitor", "none",
                             "-semihosting-config", config, "-kernel",
                             program.str()});
    break;
  }
  }
  return args;
}

llvm::Expected<ProgramOutput>
kiln::target::runProgram(const Target &target, llvm::StringRef program,
                         llvm::ArrayRef<std::string> programArgs,
                         llvm::StringRef logFile, unsigned timeoutSeconds) {
  if (auto e = checkToolsAvailable(target, /*forRun=*/true))
    return std::move(e);
  if (target.runner.kind == RunnerKind::QemuSystem)
    for (const std::string &a : programArgs)
      if (llvm::StringRef(a).contains(' ') || llvm::StringRef(a).contains(','))
        return llvm::createStringError(
            "the semihosting command line cannot carry an argument with "
            "spaces or commas: " + a);
  std::vector<std::string> args = runCommand(target, program, programArgs);
  std::string exe = findProgram(args[0]);
  if (exe.empty())
    exe = args[0];
  ProgramOutput result;
  result.emulated = target.runner.kind != RunnerKind::Native;
  result.commandLine = "`" + llvm::join(args, " ") + "`";
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), logFile,
                                                logFile};
  std::string err;
  bool failedToRun = false;
  // Taken last, so the program's own clock minus this is process start-up.
  for (std::string &a : args)
    if (a == kSpawnTimeArg)
      a = std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count());
  llvm::SmallVector<llvm::StringRef> argv(args.begin(), args.end());
  result.exitCode = llvm::sys::ExecuteAndWait(
      exe, argv, std::nullopt, redirects, timeoutSeconds, 0, &err, &failedToRun);
  if (auto buf = llvm::MemoryBuffer::getFile(logFile))
    result.output = (*buf)->getBuffer().str();
  if (failedToRun)
    return llvm::createStringError("cannot execute " + result.commandLine +
                                   ": " + err);
  if (result.exitCode == -2)
    return llvm::createStringError(result.commandLine + " timed out after " +
                                   std::to_string(timeoutSeconds) + " s\n" +
                                   result.output);
  return result;
}

llvm::Expected<RunResult> kiln::target::runRunner(const Target &target,
                                                  llvm::StringRef program,
                                                  llvm::StringRef ioDir,
                                                  unsigned samples,
                                                  unsigned timeoutSeconds) {
  llvm::Expected<ProgramOutput> ran =
      runProgram(target, program, {ioDir.str(), std::to_string(samples)},
                 (ioDir + "/runner.log").str(), timeoutSeconds);
  if (!ran)
    return ran.takeError();
  const std::string &output = ran->output;
  const std::string &where = ran->commandLine;
  int rc = ran->exitCode;

  RunResult result;
  result.emulated = target.runner.kind != RunnerKind::Native;
  std::string problems;
  bool done = false;
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(output).split(lines, '\n');
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (!line.consume_front("kiln-runner: "))
      continue;
    if (line.starts_with("done")) {
      done = true;
      continue;
    }
    // "sample <s> status <rc> us <elapsed>"
    llvm::SmallVector<llvm::StringRef> f;
    line.split(f, ' ');
    int status = 0;
    double us = 0;
    if (f.size() == 6 && f[0] == "sample" && !f[3].getAsInteger(10, status) &&
        !f[5].getAsDouble(us)) {
      if (status != 0)
        problems += "  sample " + f[1].str() + ": the model returned status " +
                    f[3].str() + "\n";
      result.sampleMicros.push_back(us);
    }
  }
  if (!problems.empty())
    return llvm::createStringError("the model failed on target '" + target.name +
                                   "':\n" + problems + output);
  if (!done || result.sampleMicros.size() != samples || rc != 0)
    return llvm::createStringError(where + " did not complete (exit " +
                                   std::to_string(rc) + ")\n" + output);
  return result;
}
