//===- TargetRun.cpp - Execute a runner natively or under qemu ------------===//

#include "kiln/target/TargetRunner.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

using namespace kiln::target;

/// The command line that runs `program` on `target`.
static std::vector<std::string> runCommand(const Target &target,
                                           llvm::StringRef program,
                                           llvm::StringRef ioDir,
                                           unsigned samples) {
  std::vector<std::string> args;
  const Runner &r = target.runner;
  std::string n = std::to_string(samples);
  switch (r.kind) {
  case RunnerKind::Native:
    args = {program.str(), ioDir.str(), n};
    break;
  case RunnerKind::QemuUser:
    args.push_back(r.emulator.program.str());
    for (llvm::StringRef a : r.emulatorArgs)
      args.push_back(a.str());
    args.insert(args.end(), {program.str(), ioDir.str(), n});
    break;
  case RunnerKind::QemuSystem:
    args.push_back(r.emulator.program.str());
    for (llvm::StringRef a : r.emulatorArgs)
      args.push_back(a.str());
    // The firmware's argv arrives through SYS_GET_CMDLINE; its files are
    // opened on this machine through semihosting (target=native).
    args.insert(args.end(),
                {"-nographic", "-monitor", "none", "-semihosting-config",
                 "enable=on,target=native,arg=fw,arg=" + ioDir.str() + ",arg=" + n,
                 "-kernel", program.str()});
    break;
  }
  return args;
}

llvm::Expected<RunResult> kiln::target::runRunner(const Target &target,
                                                  llvm::StringRef program,
                                                  llvm::StringRef ioDir,
                                                  unsigned samples,
                                                  unsigned timeoutSeconds) {
  if (auto e = checkToolsAvailable(target, /*forRun=*/true))
    return std::move(e);
  if (target.runner.kind == RunnerKind::QemuSystem &&
      llvm::StringRef(ioDir).contains(' '))
    return llvm::createStringError("the semihosting command line cannot carry "
                                   "a path with spaces: " + ioDir);
  std::vector<std::string> args = runCommand(target, program, ioDir, samples);
  std::string exe = findProgram(args[0]);
  if (exe.empty())
    exe = args[0];
  llvm::SmallVector<llvm::StringRef> argv(args.begin(), args.end());
  std::string log = (ioDir + "/runner.log").str();
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""),
                                                llvm::StringRef(log),
                                                llvm::StringRef(log)};
  std::string err;
  bool failedToRun = false;
  int rc = llvm::sys::ExecuteAndWait(exe, argv, std::nullopt, redirects,
                                     timeoutSeconds, 0, &err, &failedToRun);
  std::string output;
  if (auto buf = llvm::MemoryBuffer::getFile(log))
    output = (*buf)->getBuffer().str();
  std::string where = "`" + llvm::join(args, " ") + "`";
  if (failedToRun)
    return llvm::createStringError("cannot execute " + where + ": " + err);
  if (rc == -2)
    return llvm::createStringError(where + " timed out after " +
                                   std::to_string(timeoutSeconds) + " s\n" + output);

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
