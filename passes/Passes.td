//===- Passes.td - Kiln pass declarations ------------------*- tablegen -*-===//
//
// Every Kiln pass, grouped by family; flags start with `kiln-`.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_TD
#define KILN_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// memory
//===----------------------------------------------------------------------===//

def KilnPlanMemoryPass : Pass<"kiln-plan-memory", "mlir::func::FuncOp"> {
  let summary = "plans every intermediate tensor into one static arena";
  let description = [{
    Schedules the ops in their existing (topological) order, computes the
    liveness of every non-constant tensor, and assigns arena offsets with a
    greedy-by-size, best-fit planner (as TFLite Micro does). Before placing
    buffers it shares storage where that is safe:

    - `kiln.reshape` aliases its input (zero copy); the op gets `kiln.alias`.
    - An elementwise unary or binary op whose same-shaped operand dies at the
      op writes over that operand; the op gets `kiln.in_place`.
    - A value the function returns is written straight into the caller's
      output buffer (`kiln.output`), never into the arena.
    - Kernel scratch (the runtime's `*_scratch_size` query) is a buffer live
      only during its op (`kiln.scratch = array<i64: offset, bytes>`).

    Function arguments and constants are not in the arena. The results are
    attributes: `kiln.offset` on each op (one entry per result, `-1` when the
    result is not in the arena), and on the function `kiln.arena_size`,
    `kiln.arena_lower_bound` (the largest sum of simultaneously live arena
    bytes) and `kiln.arena_align`.

    ```mlir
    func.func @f(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
      %a = kiln.sigmoid %x {kiln.offset = array<i64: 0>} : ...
      %b = kiln.relu %a {kiln.in_place, kiln.offset = array<i64: -1>,
                         kiln.output = array<i64: 0>} : ...
      return %b : tensor<1x64xf32>
    }
    ```
  }];
  let options = [
    Option<"alignment", "kiln-alignment", "unsigned", /*default=*/"16",
           "byte alignment of every arena buffer and of the arena itself">,
  ];
  let dependentDialects = ["::kiln::KilnDialect"];
}

#endif // KILN_PASSES_TD
