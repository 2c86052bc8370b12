//===- FuseElementwise.cpp - Chains of elementwise ops into one fused op --===//

#include "FusionPatterns.h"
#include "FusionUtils.h"
#include "kiln/passes/Passes.h"
#include "kiln/target/FusedProgram.h"

#include "passes/cleanup/CleanupPatterns.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"

#include <cstring>

namespace kiln {
#define GEN_PASS_DEF_KILNFUSEELEMENTWISEPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {
/// An f32 elementwise op outside any fused body.
bool isChainOp(Operation *op) {
  if (!isFusableElementwiseOp(op) || isa<FusedElementwiseOp>(op->getParentOp()))
    return false;
  auto isF32 = [](Type t) {
    return cast<RankedTensorType>(t).getElementType().isF32();
  };
  return llvm::all_of(op->getOperandTypes(), isF32) &&
         llvm::all_of(op->getResultTypes(), isF32);
}

/// An f32 constant whose elements are all one value (dense or a resource
/// blob, as the importer stores even scalars): it becomes an immediate of
/// the program. It never widens the chain, since every op in the chain
/// already has the chain's result type.
std::optional<float> splatImmediate(Value value) {
  std::optional<std::vector<float>> values = fusion::getF32Constant(value);
  if (!values || values->empty() || llvm::any_of(*values, [&](float v) {
        return std::memcmp(&v, &values->front(), sizeof(float)) != 0;
      }))
    return std::nullopt;
  return values->front();
}

/// Grows, from the last op of a chain, the set of ops whose every user is
/// already in the set and whose result has the chain's type, so that each
/// absorbed op computes exactly one element per output element (an op on a
/// smaller, broadcast shape would be recomputed per output element, and an
/// op with a user outside the chain must keep its tensor).
SetVector<Operation *> collectChain(Operation *root) {
  Type type = root->getResult(0).getType();
  SetVector<Operation *> chain;
  chain.insert(root);
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t i = 0; i < chain.size(); ++i) {
      for (Value operand : chain[i]->getOperands()) {
        Operation *producer = operand.getDefiningOp();
        if (!producer || chain.contains(producer) || !isChainOp(producer) ||
            producer->getResult(0).getType() != type ||
            chain.size() >= KILN_FUSED_MAX_INSNS)
          continue;
        if (!llvm::all_of(producer->getUsers(), [&](Operation *user) {
              return chain.contains(user);
            }))
          continue;
        chain.insert(producer);
        grew = true;
      }
    }
  }
  return chain;
}

/// Fuses a chain of two or more elementwise ops ending at the matched op
/// into one kiln.fused_elementwise.
struct FuseElementwiseChain final : RewritePattern {
  FuseElementwiseChain(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *root,
                                PatternRewriter &rewriter) const override {
    if (!isChainOp(root))
      return failure();
    // Only the last op of a chain starts one, so each chain is fused once,
    // whole.
    auto type = cast<RankedTensorType>(root->getResult(0).getType());
    if (root->hasOneUse()) {
      Operation *user = *root->getUsers().begin();
      if (isChainOp(user) && user->getResult(0).getType() == type)
        return rewriter.notifyMatchFailure(root, "not the end of the chain");
    }
    SetVector<Operation *> chain = collectChain(root);
    if (chain.size() < 2)
      return rewriter.notifyMatchFailure(root,
                                         "no elementwise producer to fuse");
    SmallVector<Operation *> ordered(chain.begin(), chain.end());
    llvm::sort(ordered, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });

    // Values from outside the chain: scalar constants become immediates of
    // the body, everything else an input.
    SetVector<Value> inputs;
    SetVector<Value> immediates;
    for (Operation *op : ordered)
      for (Value operand : op->getOperands()) {
        if (operand.getDefiningOp() && chain.contains(operand.getDefiningOp()))
          continue;
        if (splatImmediate(operand))
          immediates.insert(operand);
        else
          inputs.insert(operand);
      }

    // Built detached first: the body must fit the runtime's program limits,
    // and a pattern that fails must leave the IR untouched.
    OpBuilder b(root->getContext());
    auto fused = FusedElementwiseOp::create(b, root->getLoc(), type,
                                            inputs.getArrayRef());
    auto scalar = RankedTensorType::get({}, type.getElementType());
    Block *body = b.createBlock(&fused.getBody());
    IRMapping map;
    for (Value input : inputs)
      map.map(input, body->addArgument(scalar, input.getLoc()));
    for (Value imm : immediates) {
      auto attr = DenseElementsAttr::get(scalar, *splatImmediate(imm));
      map.map(imm, ConstantOp::create(b, imm.getLoc(), attr).getResult());
    }
    for (Operation *op : ordered) {
      OperationState state(op->getLoc(), op->getName());
      for (Value operand : op->getOperands())
        state.addOperands(map.lookup(operand));
      state.addAttributes(op->getAttrs());
      state.addTypes(scalar);
      map.map(op->getResult(0), b.create(state)->getResult(0));
    }
    YieldOp::create(b, root->getLoc(), map.lookup(root->getResult(0)));
    std::string why;
    if (failed(codegen::toFusedProgram(fused, &why))) {
      fused->erase();
      return rewriter.notifyMatchFailure(root,
                                         "the chain does not fit: " + why);
    }

    rewriter.setInsertionPoint(root);
    rewriter.insert(fused);
    rewriter.replaceOp(root, fused.getResult());
    for (Operation *op : llvm::reverse(ordered))
      if (op != root)
        rewriter.eraseOp(op);
    return success();
  }
};

struct KilnFuseElementwisePass final
    : kiln::impl::KilnFuseElementwisePassBase<KilnFuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseElementwisePatterns(patterns);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateFuseElementwisePatterns(RewritePatternSet &patterns) {
  patterns.add<FuseElementwiseChain>(patterns.getContext());
}
