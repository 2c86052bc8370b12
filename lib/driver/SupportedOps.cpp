//===- SupportedOps.cpp - `kiln supported-ops [--json]` -------------------===//
//
// Prints the ONNX importer's own op table, so the list cannot drift from what
// the importer actually builds.
//
//===----------------------------------------------------------------------===//

#include "kiln/driver/Subcommands.h"
#include "kiln/frontend/OnnxImporter.h"

#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

int kiln::driver::supportedOpsMain(int argc, char **argv) {
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--json") {
      json = true;
    } else if (arg == "--help" || arg == "-h") {
      llvm::outs() << "USAGE: kiln supported-ops [--json]\n\n"
                      "Lists the ONNX op types the importer supports, with the "
                      "opset range of each.\n";
      return 0;
    } else {
      llvm::errs() << "kiln supported-ops: unknown option '" << arg << "'\n";
      return 1;
    }
  }
  std::vector<kiln::frontend::SupportedOnnxOp> ops =
      kiln::frontend::getSupportedOnnxOps();
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto &op : ops)
      out.push_back({{"op_type", op.opType},
                     {"since_opset", op.sinceOpset},
                     {"until_opset", op.untilOpset}});
    llvm::outs() << out.dump(2) << "\n";
    return 0;
  }
  llvm::outs() << "ONNX op types supported by the importer (" << ops.size()
               << "), default domain, opset range:\n";
  for (const auto &op : ops) {
    llvm::outs() << "  " << op.opType;
    llvm::outs().indent(op.opType.size() < 22 ? 22 - op.opType.size() : 1)
        << op.sinceOpset << "-" << op.untilOpset << "\n";
  }
  return 0;
}
