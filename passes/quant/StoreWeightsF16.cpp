//===- StoreWeightsF16.cpp - f32 weights stored as f16, widened at use ---===//
//
// `kiln compile --weights fp16`: halves the flash a model's weights take
// while the arithmetic stays f32. The widening cast is exact, so the only
// error is the one rounding of each weight to binary16.
//
//===----------------------------------------------------------------------===//

#include "kiln/evaluator/Evaluator.h"
#include "kiln/passes/Passes.h"

#include "kiln/runtime.h"

#include "mlir/IR/Builders.h"

namespace kiln {
#define GEN_PASS_DEF_KILNSTOREWEIGHTSF16PASS
#include "passes/Passes.h.inc"
} // namespace kiln

using namespace mlir;
using namespace kiln;

namespace {

/// The operands that hold weights: the filter of a convolution and the
/// right-hand side of gemm / matmul. Biases are small and stay f32.
std::optional<unsigned> getWeightOperand(Operation *op) {
  if (isa<Conv2DOp, ConvTranspose2DOp, GemmOp, MatMulOp>(op))
    return 1;
  return std::nullopt;
}

class StoreWeightsF16 final
    : public kiln::impl::KilnStoreWeightsF16PassBase<StoreWeightsF16> {
public:
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<Operation *, unsigned>> uses;
    getOperation().walk([&](Operation *op) {
      std::optional<unsigned> i = getWeightOperand(op);
      if (!i)
        return;
      auto constant = op->getOperand(*i).getDefiningOp<ConstantOp>();
      auto type = dyn_cast<RankedTensorType>(op->getOperand(*i).getType());
      if (constant && type && type.getElementType().isF32() &&
          type.getNumElements() >= minElements)
        uses.push_back({op, *i});
    });
    for (auto [op, i] : uses)
      if (failed(convert(op, i)))
        return signalPassFailure();
  }

private:
  LogicalResult convert(Operation *op, unsigned operand) {
    auto constant = op->getOperand(operand).getDefiningOp<ConstantOp>();
    FailureOr<evaluator::Tensor> f32 =
        evaluator::readElements(constant.getValue());
    if (failed(f32))
      return op->emitError("cannot read the weights to store them as f16");
    auto type = cast<RankedTensorType>(f32->type);
    evaluator::Tensor f16 =
        evaluator::makeTensor(type.clone(Float16Type::get(&getContext())));
    // The runtime's conversion, so compile-time rounding is the one the
    // evaluator and every target agree on.
    if (kiln_cast(f32->bytes.data(), KILN_DTYPE_F32, f16.bytes.data(),
                  KILN_DTYPE_F16,
                  static_cast<int32_t>(type.getNumElements())) != KILN_OK)
      return op->emitError("f16 conversion of the weights failed");
    OpBuilder b(op);
    Location loc = constant.getLoc();
    auto stored = ConstantOp::create(
        b, loc, evaluator::toElementsAttr(f16, "weights_f16"));
    auto widened = CastOp::create(b, loc, type, stored);
    op->setOperand(operand, widened);
    if (constant->use_empty())
      constant->erase();
    return success();
  }
};

} // namespace
