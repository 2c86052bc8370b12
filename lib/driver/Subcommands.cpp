//===- Subcommands.cpp - Dispatch of `kiln <subcommand>` -------------------===//

#include "kiln/driver/Subcommands.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace kiln::driver;

static const Subcommand kSubcommands[] = {
    {"compile", "compile a model into a standalone C++ library", compileMain, "#4"},
    {"run", "compile for a target and run it on .npy or .pb inputs", runMain, "#4"},
    {"bench", "latency percentiles, cold start and sustained speed", benchMain,
     "#6"},
    {"validate", "compare the compiled model with the reference evaluator",
     validateMain, "#7"},
    {"analyze", "MACs, parameters, ROM and RAM per layer", nullptr, ""},
    {"explore", "sweep fp32 / int8 / pruned variants as a trade-off table", nullptr,
     ""},
    {"supported-ops", "list the supported ONNX op types and opset ranges",
     supportedOpsMain, "#3"},
};

llvm::ArrayRef<Subcommand> kiln::driver::getSubcommands() { return kSubcommands; }

static void printUsage(llvm::raw_ostream &os) {
  os << "USAGE: kiln <subcommand> MODEL [--target T] [-o DIR] [--name N] [options]\n\n"
        "SUBCOMMANDS:\n";
  for (const Subcommand &cmd : kSubcommands) {
    os << "  ";
    os.indent(0) << cmd.name;
    os.indent(16 - cmd.name.size()) << cmd.summary;
    if (!cmd.main)
      os << " (planned" << (cmd.plannedIn.empty() ? "" : ", issue ") << cmd.plannedIn
         << ")";
    os << "\n";
  }
  os << "\nRun 'kiln <subcommand> --help' for its options.\n";
}

int kiln::driver::runKiln(int argc, char **argv) {
  if (argc < 2) {
    printUsage(llvm::errs());
    return 1;
  }
  llvm::StringRef name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    printUsage(llvm::outs());
    return 0;
  }
  const auto *cmd = llvm::find_if(kSubcommands, [&](const Subcommand &c) {
    return c.name == name;
  });
  if (cmd == std::end(kSubcommands)) {
    llvm::errs() << "kiln: unknown subcommand '" << name << "'\n\n";
    printUsage(llvm::errs());
    return 1;
  }
  if (!cmd->main) {
    llvm::errs() << "kiln: '" << name << "' is planned";
    if (!cmd->plannedIn.empty())
      llvm::errs() << " (issue " << cmd->plannedIn << ")";
    llvm::errs() << " and is not available in this build; nothing was done\n";
    return 2;
  }
  return cmd->main(argc - 1, argv + 1);
}
