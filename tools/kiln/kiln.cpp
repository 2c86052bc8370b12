//===- kiln.cpp - The product CLI: kiln <subcommand> ----------------------===//

#include "kiln/driver/Subcommands.h"

#include "llvm/Support/InitLLVM.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  return kiln::driver::runKiln(argc, argv);
}
