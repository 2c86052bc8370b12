//===- Subcommands.h - The `kiln` CLI's subcommand table --------*- C++ -*-===//

#ifndef KILN_DRIVER_SUBCOMMANDS_H
#define KILN_DRIVER_SUBCOMMANDS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace kiln::driver {

/// A subcommand's entry point: argv[0] is "kiln <name>".
using SubcommandMain = int (*)(int argc, char **argv);

struct Subcommand {
  llvm::StringRef name;
  llvm::StringRef summary;
  /// Null while the subcommand is still planned; `plannedIn` names the issue
  /// that will bring it, or is empty when none is filed yet.
  SubcommandMain main;
  llvm::StringRef plannedIn;
};

/// Every subcommand the CLI knows, in the order `kiln --help` lists them.
llvm::ArrayRef<Subcommand> getSubcommands();

/// `kiln compile MODEL --target T -o DIR ...` (lib/driver/Compile.cpp).
int compileMain(int argc, char **argv);

/// `kiln supported-ops [--json]`: the ONNX importer's op table.
int supportedOpsMain(int argc, char **argv);

/// `kiln bench`: latency percentiles, cold start, sustained speed (Bench.cpp).
int benchMain(int argc, char **argv);

/// `kiln validate`: compiled (or quantised) model vs the fp32 reference
/// evaluator (Validate.cpp).
int validateMain(int argc, char **argv);

/// Dispatches `kiln <subcommand> ...`; returns the process exit code.
int runKiln(int argc, char **argv);

/// `kiln run`: compile, build for a target, run on .npy/.pb inputs (Run.cpp).
int runMain(int argc, char **argv);

} // namespace kiln::driver

#endif // KILN_DRIVER_SUBCOMMANDS_H
