//===- LayoutUtils.cpp - Helpers shared by the layout passes --------------===//

#include "passes/layout/LayoutPatterns.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

ElementsAttr kiln::storeLike(ElementsAttr original,
                             const evaluator::Tensor &data, StringRef suffix) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(original)) {
    std::string name = (resource.getRawHandle().getKey() + suffix).str();
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(data.bytes), alignof(float));
    return ElementsAttr(
        DenseResourceElementsAttr::get(data.type, name, std::move(blob)));
  }
  return ElementsAttr(
      DenseElementsAttr::getFromRawBuffer(data.type, data.bytes));
}
