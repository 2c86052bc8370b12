//===- LayoutUtils.cpp - Helpers shared by the layout passes --------------===//

#include "passes/layout/LayoutPatterns.h"

#include "kiln/evaluator/Evaluator.h"
#include "kiln/target/RuntimeParams.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

FailureOr<ElementsAttr> kiln::rewriteFilter(
    ElementsAttr filter, StringRef suffix,
    function_ref<kiln_status(const kiln_shape &, kiln_shape &)> shapeOf,
    kiln_status (*fill)(const kiln_shape *, const float *, const kiln_shape *,
                        float *)) {
  FailureOr<evaluator::Tensor> in = evaluator::readElements(filter);
  if (failed(in) || !in->type.getElementType().isF32())
    return failure();
  kiln_shape inShape = codegen::toKilnShape(in->type), outShape{};
  if (shapeOf(inShape, outShape) != KILN_OK)
    return failure();
  SmallVector<int64_t> dims(outShape.dims, outShape.dims + outShape.rank);
  evaluator::Tensor data = evaluator::makeTensor(
      RankedTensorType::get(dims, in->type.getElementType()));
  if (fill(&inShape, in->data<float>(), &outShape, data.data<float>()) !=
      KILN_OK)
    return failure();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(filter)) {
    std::string name = (resource.getRawHandle().getKey() + suffix).str();
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(data.bytes), alignof(float));
    return ElementsAttr(
        DenseResourceElementsAttr::get(data.type, name, std::move(blob)));
  }
  return ElementsAttr(
      DenseElementsAttr::getFromRawBuffer(data.type, data.bytes));
}
