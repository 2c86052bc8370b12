//===- FusedProgram.h - Fused bodies as runtime programs -------*- C++ -*-===//
//
// One encoding of a fused elementwise body into the runtime's register
// program, shared by the fusion pass (to respect the runtime's limits), the
// host evaluator and code generation, so all three run the same program.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TARGET_FUSEDPROGRAM_H
#define KILN_TARGET_FUSEDPROGRAM_H

#include "dialects/kiln/KilnDialect.h"
#include "kiln/runtime.h"

#include <string>

namespace kiln::codegen {

/// Encodes the body of `op` with registers allocated by liveness. Fails,
/// with the reason in `why`, when the body does not fit the runtime's limits
/// (KILN_FUSED_MAX_INPUTS/REGS/INSNS) or uses a non-splat constant.
mlir::FailureOr<kiln_fused_program> toFusedProgram(FusedElementwiseOp op,
                                                   std::string *why = nullptr);

/// The C initialiser of a program, e.g. `{1, 2, 0, {0}, {{3, 0, 0, 255,
/// ...}}}`.
std::string formatInitializer(const kiln_fused_program &program);

} // namespace kiln::codegen

#endif // KILN_TARGET_FUSEDPROGRAM_H
