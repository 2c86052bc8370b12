//===- FuseMatmulAdd.cpp - matmul + bias add -> gemm ----------------------===//

#include "FusionPatterns.h"
#include "FusionUtils.h"
#include "kiln/passes/Passes.h"

#include "passes/cleanup/CleanupPatterns.h"

namespace kiln {
#define GEN_PASS_DEF_KILNFUSEMATMULADDPASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;
using namespace kiln::fusion;

namespace {
/// True when `type` broadcasts along the last of `rank` dimensions only.
bool isRowBias(RankedTensorType type, int64_t rank, int64_t n) {
  ArrayRef<int64_t> shape = type.getShape();
  if (shape.empty() || static_cast<int64_t>(shape.size()) > rank)
    return false;
  return llvm::all_of(shape.drop_back(), [](int64_t d) { return d == 1; }) &&
         (shape.back() == n || shape.back() == 1);
}

Value reshapeTo(PatternRewriter &rewriter, Location loc, Value value,
                ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  return ReshapeOp::create(rewriter, loc, type.clone(shape), value);
}

struct FuseMatmulAdd final : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp add, PatternRewriter &rewriter) const override {
    for (Value side : {add.getLhs(), add.getRhs()}) {
      auto matmul = getSoleUseProducer<MatMulOp>(side);
      if (!matmul || matmul.getActivation() != ActivationKind::none ||
          side.getType() != add.getType())
        continue;
      auto a = cast<RankedTensorType>(matmul.getLhs().getType());
      auto b = cast<RankedTensorType>(matmul.getRhs().getType());
      auto out = cast<RankedTensorType>(add.getType());
      Value c = otherOperand(add, side);
      int64_t n = out.getShape().back();
      if (a.getRank() < 2 || b.getRank() != 2 ||
          !isRowBias(cast<RankedTensorType>(c.getType()), out.getRank(), n))
        continue;
      // Rows of a batched lhs are contiguous, so [..., M, K] is [M', K].
      int64_t k = a.getShape().back(), m = a.getNumElements() / k;
      Location loc = add.getLoc();
      Value lhs = reshapeTo(rewriter, loc, matmul.getLhs(), {m, k});
      Value bias = reshapeTo(rewriter, loc, c,
                             {cast<RankedTensorType>(c.getType()).getShape().back()});
      auto gemm = GemmOp::create(rewriter, loc, lhs, matmul.getRhs(),
                                 bias, 1.0f, 1.0f, false, false);
      rewriter.replaceOp(add, reshapeTo(rewriter, loc, gemm.getResult(), out.getShape()));
      rewriter.eraseOp(matmul);
      return success();
    }
    return rewriter.notifyMatchFailure(add, "not a single-use matmul plus a row bias");
  }
};

struct KilnFuseMatmulAddPass final
    : kiln::impl::KilnFuseMatmulAddPassBase<KilnFuseMatmulAddPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseMatmulAddPatterns(patterns);
    if (failed(applyPatternSet(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void kiln::populateFuseMatmulAddPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseMatmulAdd>(patterns.getContext());
}
