//===- ShapeInferenceTest.cpp - Result types the builders infer -----------===//
//
// Builds kiln ops without result types and checks the inferred shapes, the
// path the ONNX importer takes for every op.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {
class ShapeInferenceTest : public ::testing::Test {
protected:
  ShapeInferenceTest() : builder(&context), loc(builder.getUnknownLoc()) {
    context.loadDialect<kiln::KilnDialect>();
    module = ModuleOp::create(loc);
    builder.setInsertionPointToEnd(module->getBody());
  }

  /// A zero constant of the given shape, standing in for a graph value.
  Value tensor(ArrayRef<int64_t> shape, Type element = {}) {
    auto type = RankedTensorType::get(shape, element ? element : builder.getF32Type());
    Attribute zero = isa<FloatType>(type.getElementType())
                         ? Attribute(builder.getFloatAttr(type.getElementType(), 0.0))
                         : Attribute(builder.getIntegerAttr(type.getElementType(), 0));
    return kiln::ConstantOp::create(builder, loc, DenseElementsAttr::get(type, zero));
  }

  static ArrayRef<int64_t> shapeOf(Value v) {
    return cast<RankedTensorType>(v.getType()).getShape();
  }

  MLIRContext context;
  OpBuilder builder;
  Location loc;
  OwningOpRef<ModuleOp> module;
};
} // namespace

TEST_F(ShapeInferenceTest, StridedPaddedConv) {
  auto conv = kiln::Conv2DOp::create(builder, loc, tensor({1, 3, 32, 32}),
                                     tensor({16, 3, 3, 3}), tensor({16}),
                                     /*strides=*/{2, 2}, /*pads=*/{1, 1, 1, 1},
                                     /*dilations=*/{1, 1}, /*group=*/1);
  EXPECT_EQ(shapeOf(conv), ArrayRef<int64_t>({1, 16, 16, 16}));
}

TEST_F(ShapeInferenceTest, DepthwiseConvKeepsChannels) {
  auto conv = kiln::Conv2DOp::create(builder, loc, tensor({1, 8, 9, 9}),
                                     tensor({8, 1, 3, 3}), Value(), {1, 1}, {0, 0, 0, 0},
                                     {1, 1}, /*group=*/8);
  EXPECT_EQ(shapeOf(conv), ArrayRef<int64_t>({1, 8, 7, 7}));
}

TEST_F(ShapeInferenceTest, NhwcConvTakesHwioFilter) {
  auto conv = kiln::Conv2DOp::create(
      builder, loc, tensor({1, 32, 32, 3}), tensor({3, 3, 3, 16}), tensor({16}),
      Value(), {2, 2}, {1, 1, 1, 1}, {1, 1}, /*group=*/1, kiln::ActivationKind::none,
      /*activation_params=*/nullptr, kiln::ImageLayout::nhwc);
  EXPECT_EQ(shapeOf(conv), ArrayRef<int64_t>({1, 16, 16, 16}));
  EXPECT_EQ(conv.getLayout(), kiln::ImageLayout::nhwc);
}

TEST_F(ShapeInferenceTest, NhwcPoolsKeepChannelsLast) {
  auto pool = kiln::MaxPool2DOp::create(builder, loc, tensor({1, 9, 7, 5}),
                                        ArrayRef<int64_t>{3, 3}, ArrayRef<int64_t>{2, 2},
                                        ArrayRef<int64_t>{0, 0, 0, 0},
                                        ArrayRef<int64_t>{1, 1}, false,
                                        kiln::ImageLayout::nhwc);
  EXPECT_EQ(shapeOf(pool), ArrayRef<int64_t>({1, 4, 3, 5}));
  auto global = kiln::GlobalAvgPoolOp::create(builder, loc, tensor({1, 9, 7, 5}),
                                              kiln::ImageLayout::nhwc);
  EXPECT_EQ(shapeOf(global), ArrayRef<int64_t>({1, 1, 1, 5}));
}

TEST_F(ShapeInferenceTest, BroadcastingAdd) {
  auto add = kiln::AddOp::create(builder, loc, tensor({1, 8, 4, 4}), tensor({8, 1, 1}));
  EXPECT_EQ(shapeOf(add), ArrayRef<int64_t>({1, 8, 4, 4}));
}

TEST_F(ShapeInferenceTest, BatchedMatMulBroadcastsBatch) {
  auto mm = kiln::MatMulOp::create(builder, loc, tensor({2, 1, 16, 64}), tensor({3, 64, 8}));
  EXPECT_EQ(shapeOf(mm), ArrayRef<int64_t>({2, 3, 16, 8}));
}

TEST_F(ShapeInferenceTest, VectorMatMulDropsPromotedDims) {
  auto mm = kiln::MatMulOp::create(builder, loc, tensor({64}), tensor({64, 8}));
  EXPECT_EQ(shapeOf(mm), ArrayRef<int64_t>({8}));
}

TEST_F(ShapeInferenceTest, GemmTransposedB) {
  auto gemm = kiln::GemmOp::create(builder, loc, tensor({1, 64}), tensor({10, 64}),
                                   tensor({10}), /*alpha=*/1.0f, /*beta=*/1.0f,
                                   /*trans_a=*/false, /*trans_b=*/true);
  EXPECT_EQ(shapeOf(gemm), ArrayRef<int64_t>({1, 10}));
}

TEST_F(ShapeInferenceTest, GatherInsertsIndexShape) {
  auto gather = kiln::GatherOp::create(builder, loc, tensor({100, 64}),
                                       tensor({1, 16}, builder.getI64Type()), 0);
  EXPECT_EQ(shapeOf(gather), ArrayRef<int64_t>({1, 16, 64}));
}

TEST_F(ShapeInferenceTest, ReduceWithoutKeepdims) {
  auto reduce = kiln::ReduceMeanOp::create(builder, loc, tensor({2, 8, 4, 4}),
                                           ArrayRef<int64_t>{-1, -2}, false);
  EXPECT_EQ(shapeOf(reduce), ArrayRef<int64_t>({2, 8}));
}

TEST_F(ShapeInferenceTest, CeilModePoolDropsWindowStartingInPadding) {
  auto pool = kiln::MaxPool2DOp::create(builder, loc, tensor({1, 1, 5, 5}),
                                        ArrayRef<int64_t>{2, 2}, ArrayRef<int64_t>{2, 2},
                                        ArrayRef<int64_t>{0, 0, 0, 0},
                                        ArrayRef<int64_t>{1, 1}, true);
  EXPECT_EQ(shapeOf(pool), ArrayRef<int64_t>({1, 1, 3, 3}));
}

TEST_F(ShapeInferenceTest, SplitProducesOneResultPerSize) {
  auto split = kiln::SplitOp::create(builder, loc, tensor({1, 8}), 1,
                                     ArrayRef<int64_t>{2, 6});
  ASSERT_EQ(split.getNumResults(), 2u);
  EXPECT_EQ(shapeOf(split.getResult(0)), ArrayRef<int64_t>({1, 2}));
  EXPECT_EQ(shapeOf(split.getResult(1)), ArrayRef<int64_t>({1, 6}));
}

TEST_F(ShapeInferenceTest, ConcatSumsTheAxis) {
  auto concat = kiln::ConcatOp::create(
      builder, loc, ValueRange{tensor({1, 8, 4, 4}), tensor({1, 16, 4, 4})}, 1);
  EXPECT_EQ(shapeOf(concat), ArrayRef<int64_t>({1, 24, 4, 4}));
}
