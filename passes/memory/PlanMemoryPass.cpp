//===- PlanMemoryPass.cpp - Record the static arena plan on the IR --------===//

#include "kiln/passes/MemoryPlan.h"
#include "kiln/passes/Passes.h"

#include "mlir/IR/Builders.h"

namespace kiln {
#define GEN_PASS_DEF_KILNPLANMEMORYPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
struct KilnPlanMemoryPass final
    : kiln::impl::KilnPlanMemoryPassBase<KilnPlanMemoryPass> {
  using KilnPlanMemoryPassBase::KilnPlanMemoryPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (alignment == 0 || (alignment & (alignment - 1))) {
      func.emitError("kiln-alignment must be a power of two, got ")
          << alignment;
      return signalPassFailure();
    }
    FailureOr<MemoryPlan> plan = planMemory(func, alignment, kernelVariant);
    if (failed(plan))
      return signalPassFailure();
    annotate(func, *plan);
  }

  static void annotate(func::FuncOp func, const MemoryPlan &plan) {
    Builder b(func.getContext());
    for (Operation *op : plan.schedule) {
      if (op->hasTrait<OpTrait::ConstantLike>())
        continue;
      SmallVector<int64_t> offsets, outputs;
      bool anyOutput = false;
      for (Value result : op->getResults()) {
        const PlannedBuffer &buf = plan.buffers[plan.bufferOf.lookup(result)];
        bool inArena = buf.kind == PlannedBuffer::Kind::Arena;
        bool inOutput = buf.kind == PlannedBuffer::Kind::Output;
        offsets.push_back(inArena ? buf.offset : -1);
        outputs.push_back(inOutput ? buf.index : -1);
        anyOutput |= inOutput;
      }
      op->setAttr("kiln.offset", b.getDenseI64ArrayAttr(offsets));
      if (anyOutput)
        op->setAttr("kiln.output", b.getDenseI64ArrayAttr(outputs));
      if (auto it = plan.scratchOf.find(op); it != plan.scratchOf.end()) {
        const PlannedBuffer &s = plan.buffers[it->second];
        op->setAttr("kiln.scratch",
                    b.getDenseI64ArrayAttr({s.offset, s.bytes}));
      }
    }
    for (Operation *op : plan.inPlaceOps)
      op->setAttr("kiln.in_place", b.getUnitAttr());
    for (Operation *op : plan.aliasOps)
      op->setAttr("kiln.alias", b.getUnitAttr());
    func->setAttr("kiln.arena_size", b.getI64IntegerAttr(plan.arenaSize));
    func->setAttr("kiln.arena_lower_bound",
                  b.getI64IntegerAttr(plan.lowerBound));
    func->setAttr("kiln.arena_align", b.getI64IntegerAttr(plan.alignment));
  }
};
} // namespace
