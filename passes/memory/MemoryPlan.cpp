//===- MemoryPlan.cpp - Liveness, aliasing and greedy-by-size arena offsets
//===//

#include "kiln/passes/MemoryPlan.h"

#include "dialects/kiln/KilnDialect.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <functional>
#include <tuple>

using namespace mlir;
using namespace kiln;

Type kiln::getStorageElementType(Type elem) {
  if (auto q = dyn_cast<quant::QuantizedType>(elem))
    return q.getStorageType();
  return elem;
}

int64_t kiln::getTensorBytes(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return -1;
  Type elem = getStorageElementType(tensor.getElementType());
  if (!elem.isIntOrFloat())
    return -1;
  // i1 is one byte per element in the runtime (kiln_dtype BOOL).
  int64_t elemBytes = std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
  return tensor.getNumElements() * elemBytes;
}

// Ops whose kernel reads element i of a same-shaped operand before writing
// element i of the result, so the result may overwrite that operand (the
// fused-chain kernel reads each block of every input before storing it).
static bool canWriteOverOperand(Operation *op) {
  return isa<ReluOp, ClipOp, LeakyReluOp, SigmoidOp, TanhOp, HardSigmoidOp,
             HardSwishOp, GeluOp, ErfOp, ExpOp, LogOp, SqrtOp, ReciprocalOp,
             NegOp, AbsOp, AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp,
             PReluOp, FusedElementwiseOp>(op);
}

SmallVector<const PlannedBuffer *> MemoryPlan::liveAt(int64_t step) const {
  SmallVector<const PlannedBuffer *> live;
  for (const PlannedBuffer &buf : buffers)
    if (buf.kind == PlannedBuffer::Kind::Arena && buf.start <= step &&
        step <= buf.end)
      live.push_back(&buf);
  llvm::stable_sort(live, [](const PlannedBuffer *a, const PlannedBuffer *b) {
    return a->bytes > b->bytes;
  });
  return live;
}

namespace {
/// Builds the buffers of one function; see planMemory.
class Planner {
public:
  Planner(func::FuncOp func, unsigned alignment, StringRef kernelVariant)
      : func(func), kernelVariant(kernelVariant) {
    plan.alignment = alignment;
  }
  FailureOr<MemoryPlan> run();

private:
  unsigned newBuffer(PlannedBuffer::Kind kind, int64_t index, int64_t bytes) {
    PlannedBuffer buf;
    buf.kind = kind;
    buf.index = index;
    buf.bytes = bytes;
    plan.buffers.push_back(buf);
    return plan.buffers.size() - 1;
  }
  void addValue(unsigned buffer, Value value) {
    plan.buffers[buffer].values.push_back(value);
    plan.bufferOf[value] = buffer;
  }
  /// Moves every value of `from` into `into`, leaving `from` empty.
  void mergeInto(unsigned from, unsigned into);
  LogicalResult assignValues();
  void computeLiveness();
  void shareInPlace();
  void addScratch();
  void placeArenaBuffers();
  void computeLowerBound();

  func::FuncOp func;
  StringRef kernelVariant;
  MemoryPlan plan;
  DenseMap<Value, int64_t> outputIndex;
  DenseMap<Operation *, int64_t> stepOf;
};
} // namespace

void Planner::mergeInto(unsigned from, unsigned into) {
  PlannedBuffer &src = plan.buffers[from];
  PlannedBuffer &dst = plan.buffers[into];
  for (Value v : src.values)
    plan.bufferOf[v] = into;
  SmallVector<Value, 2> merged(src.values.begin(), src.values.end());
  merged.append(dst.values.begin(), dst.values.end());
  dst.values = std::move(merged);
  dst.start = std::min(dst.start, src.start);
  dst.end = std::max(dst.end, src.end);
  dst.bytes = std::max(dst.bytes, src.bytes);
  src.values.clear();
  src.bytes = 0;
  // An emptied buffer takes no space and is never placed.
  src.kind = PlannedBuffer::Kind::Constant;
}

LogicalResult Planner::assignValues() {
  Block &body = func.getBody().front();
  Operation *terminator = body.getTerminator();
  for (auto [i, v] : llvm::enumerate(terminator->getOperands()))
    outputIndex.try_emplace(v, i);
  for (BlockArgument arg : body.getArguments())
    addValue(newBuffer(PlannedBuffer::Kind::Input, arg.getArgNumber(),
                       getTensorBytes(arg.getType())),
             arg);

  for (Operation &op : body.without_terminator()) {
    stepOf[&op] = plan.schedule.size();
    plan.schedule.push_back(&op);
    for (Value result : op.getResults()) {
      int64_t bytes = getTensorBytes(result.getType());
      if (bytes < 0)
        return op.emitOpError("memory planning needs a statically shaped "
                              "tensor result, got ")
               << result.getType();
      if (op.hasTrait<OpTrait::ConstantLike>()) {
        addValue(newBuffer(PlannedBuffer::Kind::Constant, -1, bytes), result);
        continue;
      }
      auto out = outputIndex.find(result);
      int64_t outIdx = out == outputIndex.end() ? -1 : out->second;
      // A reshape, and a quant.scast (storage reinterpreted with a scale),
      // read the same bytes as their input.
      if (isa<ReshapeOp, quant::StorageCastOp>(op)) {
        unsigned src = plan.bufferOf.lookup(op.getOperand(0));
        PlannedBuffer &srcBuf = plan.buffers[src];
        // Aliasing must not turn a caller input, a weight or another output
        // into this output; those cases copy instead.
        bool canAlias = outIdx < 0 || srcBuf.kind == PlannedBuffer::Kind::Arena;
        if (canAlias) {
          if (outIdx >= 0) {
            srcBuf.kind = PlannedBuffer::Kind::Output;
            srcBuf.index = outIdx;
          }
          addValue(src, result);
          plan.aliasOps.push_back(&op);
          continue;
        }
      }
      addValue(newBuffer(outIdx >= 0 ? PlannedBuffer::Kind::Output
                                     : PlannedBuffer::Kind::Arena,
                         outIdx, bytes),
               result);
    }
  }
  return success();
}

void Planner::computeLiveness() {
  int64_t numSteps = plan.schedule.size();
  for (PlannedBuffer &buf : plan.buffers) {
    if (buf.values.empty())
      continue;
    buf.start = numSteps;
    buf.end = -1;
    for (Value v : buf.values) {
      int64_t def =
          isa<BlockArgument>(v) ? 0 : stepOf.lookup(v.getDefiningOp());
      buf.start = std::min(buf.start, def);
      buf.end = std::max(buf.end, def);
      for (Operation *user : v.getUsers())
        if (stepOf.count(user))
          buf.end = std::max(buf.end, stepOf.lookup(user));
    }
    // The caller reads outputs after the last step.
    if (buf.kind == PlannedBuffer::Kind::Output)
      buf.end = numSteps;
  }
}

void Planner::shareInPlace() {
  for (auto [step, op] : llvm::enumerate(plan.schedule)) {
    if (!canWriteOverOperand(op) || op->getNumResults() != 1)
      continue;
    Value result = op->getResult(0);
    unsigned resBuf = plan.bufferOf.lookup(result);
    for (Value operand : op->getOperands()) {
      unsigned opBuf = plan.bufferOf.lookup(operand);
      const PlannedBuffer &src = plan.buffers[opBuf];
      if (src.kind != PlannedBuffer::Kind::Arena ||
          src.end != static_cast<int64_t>(step) ||
          operand.getType() != result.getType() || opBuf == resBuf)
        continue;
      // Another operand reading the same storage at other indices (a
      // broadcast view through a reshape alias) would see overwritten data.
      bool otherReader = llvm::any_of(op->getOperands(), [&](Value other) {
        return other != operand && plan.bufferOf.lookup(other) == opBuf;
      });
      if (otherReader)
        continue;
      mergeInto(opBuf, resBuf);
      plan.inPlaceOps.push_back(op);
      break;
    }
  }
}

void Planner::addScratch() {
  for (auto [step, op] : llvm::enumerate(plan.schedule)) {
    int64_t bytes = queryKernelScratchBytes(op, kernelVariant);
    if (bytes <= 0)
      continue;
    unsigned id = newBuffer(PlannedBuffer::Kind::Arena, -1, bytes);
    plan.buffers[id].start = plan.buffers[id].end = step;
    plan.buffers[id].scratchOf = op;
    plan.scratchOf[op] = id;
  }
}

/// Places `order` first to last, each buffer into the smallest gap between
/// already placed buffers whose lifetimes overlap its own (best fit); returns
/// the offsets and the arena size.
static std::pair<SmallVector<int64_t>, int64_t>
placeInOrder(ArrayRef<PlannedBuffer> buffers, ArrayRef<unsigned> order,
             int64_t align) {
  SmallVector<int64_t> offsets(buffers.size(), -1);
  SmallVector<unsigned> placed;
  int64_t arena = 0;
  for (unsigned id : order) {
    const PlannedBuffer &buf = buffers[id];
    int64_t size = llvm::alignTo(buf.bytes, align);
    SmallVector<std::pair<int64_t, int64_t>> busy;
    for (unsigned other : placed) {
      const PlannedBuffer &o = buffers[other];
      if (o.start <= buf.end && buf.start <= o.end)
        busy.push_back({offsets[other], offsets[other] + (int64_t)llvm::alignTo(
                                                             o.bytes, align)});
    }
    llvm::sort(busy);
    int64_t bestOffset = -1, bestGap = INT64_MAX, cursor = 0;
    for (auto [lo, hi] : busy) {
      if (lo - cursor >= size && lo - cursor < bestGap) {
        bestGap = lo - cursor;
        bestOffset = cursor;
      }
      cursor = std::max(cursor, hi);
    }
    offsets[id] = bestOffset >= 0 ? bestOffset : cursor;
    arena = std::max(arena, offsets[id] + size);
    placed.push_back(id);
  }
  return {offsets, arena};
}

// Greedy by size with best fit (TFLite Micro's GreedyMemoryPlanner) is the
// first ordering tried; orderings by lifetime, by size x lifetime and by
// schedule position win on some graphs (mnasnet: by size gives 1.25x the
// lower bound, by schedule 1.0x), so the smallest arena is kept.
void Planner::placeArenaBuffers() {
  SmallVector<unsigned> ids;
  for (auto [i, buf] : llvm::enumerate(plan.buffers))
    if (buf.kind == PlannedBuffer::Kind::Arena && buf.bytes > 0)
      ids.push_back(i);
  auto length = [&](unsigned id) {
    return plan.buffers[id].end - plan.buffers[id].start + 1;
  };
  auto bytes = [&](unsigned id) { return plan.buffers[id].bytes; };
  using Key = std::function<std::tuple<int64_t, int64_t, int64_t>(unsigned)>;
  Key keys[] = {
      [&](unsigned id) {
        return std::make_tuple(-bytes(id), plan.buffers[id].start, (int64_t)id);
      },
      [&](unsigned id) {
        return std::make_tuple(-length(id), -bytes(id), (int64_t)id);
      },
      [&](unsigned id) {
        return std::make_tuple(-bytes(id) * length(id), -bytes(id),
                               (int64_t)id);
      },
      // Schedule order: what a linear-scan allocator does.
      [&](unsigned id) {
        return std::make_tuple(plan.buffers[id].start, -bytes(id), (int64_t)id);
      },
  };
  int64_t best = INT64_MAX;
  for (const Key &key : keys) {
    SmallVector<unsigned> order(ids);
    llvm::sort(order, [&](unsigned a, unsigned b) { return key(a) < key(b); });
    auto [offsets, arena] = placeInOrder(plan.buffers, order, plan.alignment);
    if (arena >= best)
      continue;
    best = arena;
    for (unsigned id : ids)
      plan.buffers[id].offset = offsets[id];
  }
  plan.arenaSize = ids.empty() ? 0 : best;
}

void Planner::computeLowerBound() {
  for (int64_t step = 0, e = plan.schedule.size(); step < e; ++step) {
    int64_t live = 0;
    for (const PlannedBuffer *buf : plan.liveAt(step))
      live += buf->bytes;
    if (live > plan.lowerBound) {
      plan.lowerBound = live;
      plan.peakStep = step;
    }
  }
}

FailureOr<MemoryPlan> Planner::run() {
  if (!func.getBody().hasOneBlock())
    return func.emitOpError("memory planning expects a single-block body");
  if (failed(assignValues()))
    return failure();
  computeLiveness();
  shareInPlace();
  addScratch();
  placeArenaBuffers();
  computeLowerBound();
  return std::move(plan);
}

FailureOr<MemoryPlan> kiln::planMemory(func::FuncOp func, unsigned alignment,
                                       StringRef kernelVariant) {
  return Planner(func, alignment, kernelVariant).run();
}
