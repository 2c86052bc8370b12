//===- FusedProgram.cpp - Encode fused elementwise bodies for the runtime -===//

#include "kiln/target/FusedProgram.h"
#include "kiln/target/RuntimeParams.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace kiln;

namespace {
/// Where an encoded value lives: a register, or a compile-time scalar.
struct Slot {
  int reg = -1;
  float imm = 0.0f;
  bool isImm() const { return reg < 0; }
};

std::optional<kiln_fused_opcode> binaryOpcode(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<kiln_fused_opcode>>(op)
      .Case([](AddOp) { return KILN_FOP_ADD; })
      .Case([](SubOp) { return KILN_FOP_SUB; })
      .Case([](MulOp) { return KILN_FOP_MUL; })
      .Case([](DivOp) { return KILN_FOP_DIV; })
      .Case([](MaxOp) { return KILN_FOP_MAX; })
      .Case([](MinOp) { return KILN_FOP_MIN; })
      .Case([](PowOp) { return KILN_FOP_POW; })
      .Case([](PReluOp) { return KILN_FOP_PRELU; })
      .Default([](Operation *) { return std::nullopt; });
}

/// The opcode and immediates of a unary op.
std::optional<kiln_fused_insn> unaryInsn(Operation *op) {
  kiln_fused_insn insn{};
  auto set = [&](kiln_fused_opcode code, float imm0 = 0.0f, float imm1 = 0.0f) {
    insn.op = code;
    insn.imm0 = imm0;
    insn.imm1 = imm1;
    return insn;
  };
  return llvm::TypeSwitch<Operation *, std::optional<kiln_fused_insn>>(op)
      .Case([&](ReluOp) { return set(KILN_FOP_RELU); })
      .Case([&](ClipOp c) {
        return set(KILN_FOP_CLIP, c.getMin().convertToFloat(),
                   c.getMax().convertToFloat());
      })
      .Case([&](LeakyReluOp l) {
        return set(KILN_FOP_LEAKY_RELU, l.getAlpha().convertToFloat());
      })
      .Case([&](SigmoidOp) { return set(KILN_FOP_SIGMOID); })
      .Case([&](TanhOp) { return set(KILN_FOP_TANH); })
      .Case([&](HardSigmoidOp h) {
        return set(KILN_FOP_HARD_SIGMOID, h.getAlpha().convertToFloat(),
                   h.getBeta().convertToFloat());
      })
      .Case([&](HardSwishOp) { return set(KILN_FOP_HARD_SWISH); })
      .Case([&](GeluOp) { return set(KILN_FOP_GELU); })
      .Case([&](ErfOp) { return set(KILN_FOP_ERF); })
      .Case([&](ExpOp) { return set(KILN_FOP_EXP); })
      .Case([&](LogOp) { return set(KILN_FOP_LOG); })
      .Case([&](SqrtOp) { return set(KILN_FOP_SQRT); })
      .Case([&](ReciprocalOp) { return set(KILN_FOP_RECIPROCAL); })
      .Case([&](NegOp) { return set(KILN_FOP_NEG); })
      .Case([&](AbsOp) { return set(KILN_FOP_ABS); })
      .Default([](Operation *) { return std::nullopt; });
}
} // namespace

FailureOr<kiln_fused_program> codegen::toFusedProgram(FusedElementwiseOp op,
                                                      std::string *why) {
  auto fail = [&](const Twine &reason) -> FailureOr<kiln_fused_program> {
    if (why)
      *why = reason.str();
    return failure();
  };
  Block &body = op.getBody().front();
  kiln_fused_program program{};
  if (body.getNumArguments() > KILN_FUSED_MAX_INPUTS)
    return fail("more than " + Twine(KILN_FUSED_MAX_INPUTS) + " inputs");
  program.n_inputs = static_cast<int32_t>(body.getNumArguments());

  // The position of each value's last use, so that its register is reused
  // by the op that consumes it last (kernels run in place).
  DenseMap<Value, unsigned> lastUse;
  unsigned position = 0;
  for (Operation &inner : body) {
    for (Value operand : inner.getOperands())
      lastUse[operand] = position;
    ++position;
  }

  SmallVector<bool> busy(KILN_FUSED_MAX_REGS, false);
  auto allocate = [&]() -> int {
    for (int r = 0; r < KILN_FUSED_MAX_REGS; ++r)
      if (!busy[r]) {
        busy[r] = true;
        return r;
      }
    return -1;
  };
  DenseMap<Value, Slot> slots;
  for (BlockArgument arg : body.getArguments()) {
    int reg = allocate();
    if (reg < 0)
      return fail("more than " + Twine(KILN_FUSED_MAX_REGS) + " registers");
    program.input_regs[arg.getArgNumber()] = static_cast<uint8_t>(reg);
    slots[arg].reg = reg;
    if (!lastUse.count(arg))
      busy[reg] = false; // loaded but never read
  }

  position = 0;
  for (Operation &inner : body.without_terminator()) {
    unsigned here = position++;
    if (auto constant = dyn_cast<ConstantOp>(inner)) {
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!dense || !dense.isSplat() || !dense.getElementType().isF32())
        return fail("a constant that is not an f32 scalar");
      Slot slot;
      slot.imm = dense.getSplatValue<float>();
      slots[constant.getResult()] = slot;
      continue;
    }
    if (program.n_insns == KILN_FUSED_MAX_INSNS)
      return fail("more than " + Twine(KILN_FUSED_MAX_INSNS) + " ops");
    kiln_fused_insn insn{};
    if (std::optional<kiln_fused_opcode> code = binaryOpcode(&inner)) {
      Slot a = slots.lookup(inner.getOperand(0)),
           b = slots.lookup(inner.getOperand(1));
      if (a.isImm() && b.isImm())
        return fail("an op on two constants (fold constants first)");
      insn.op = *code;
      insn.a = a.isImm() ? KILN_FUSED_IMM : static_cast<uint8_t>(a.reg);
      insn.b = b.isImm() ? KILN_FUSED_IMM : static_cast<uint8_t>(b.reg);
      insn.imm0 = a.isImm() ? a.imm : b.imm;
    } else if (std::optional<kiln_fused_insn> unary = unaryInsn(&inner)) {
      Slot a = slots.lookup(inner.getOperand(0));
      if (a.isImm())
        return fail("an op on a constant (fold constants first)");
      insn = *unary;
      insn.a = static_cast<uint8_t>(a.reg);
    } else {
      return fail("'" + inner.getName().getStringRef() +
                  "' is not elementwise");
    }
    // Operands that die here free their registers before the result takes
    // one, so a chain runs in place in one register.
    for (Value operand : inner.getOperands()) {
      Slot s = slots.lookup(operand);
      if (!s.isImm() && lastUse.lookup(operand) == here)
        busy[s.reg] = false;
    }
    int dst = allocate();
    if (dst < 0)
      return fail("more than " + Twine(KILN_FUSED_MAX_REGS) + " live values");
    insn.dst = static_cast<uint8_t>(dst);
    slots[inner.getResult(0)].reg = dst;
    if (!lastUse.count(inner.getResult(0)))
      busy[dst] = false;
    program.insns[program.n_insns++] = insn;
  }
  Slot result = slots.lookup(cast<YieldOp>(body.getTerminator()).getValue());
  if (result.isImm())
    return fail("the body yields a constant");
  program.result = result.reg;
  return program;
}

std::string codegen::formatInitializer(const kiln_fused_program &p) {
  std::string s = "{" + std::to_string(p.n_inputs) + ", " +
                  std::to_string(p.n_insns) + ", " + std::to_string(p.result) +
                  ", {";
  for (int32_t i = 0; i < p.n_inputs; ++i)
    s += (i ? ", " : "") + std::to_string(p.input_regs[i]);
  if (p.n_inputs == 0)
    s += "0";
  s += "}, {";
  for (int32_t i = 0; i < p.n_insns; ++i) {
    const kiln_fused_insn &in = p.insns[i];
    s += (i ? ", {" : "{") + std::to_string(in.op) + ", " +
         std::to_string(in.dst) + ", " + std::to_string(in.a) + ", " +
         std::to_string(in.b) + ", " + formatFloat(in.imm0) + ", " +
         formatFloat(in.imm1) + "}";
  }
  if (p.n_insns == 0)
    s += "{0, 0, 0, 0, 0.0f, 0.0f}";
  return s + "}}";
}
