//===- ScratchSize.cpp - Ask the runtime how much scratch a kernel needs --===//

#include "kiln/passes/MemoryPlan.h"
#include "kiln/target/QuantParams.h"
#include "kiln/target/RuntimeParams.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace kiln;

template <typename ConvOp, typename Query>
static int64_t convScratch(ConvOp op, Query query) {
  kiln_conv_params params = codegen::toConvParams(op);
  auto shapeOf = [](Value v) {
    return codegen::toKilnShape(cast<RankedTensorType>(v.getType()));
  };
  kiln_shape in = shapeOf(op.getInput()), filter = shapeOf(op.getFilter()),
             out = shapeOf(op.getOutput());
  return query(&params, &in, &filter, &out);
}

/// The runtime build a target's kernel family selects. `native` is the
/// compiling machine's own: the generated code is built there with
/// -march=native, so its features decide.
static kiln_isa isaOfVariant(StringRef kernelVariant) {
  if (kernelVariant == "avx2" || kernelVariant == "avx512")
    return KILN_ISA_AVX2;
  if (kernelVariant == "native") {
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    if (features.lookup("avx2") && features.lookup("fma"))
      return KILN_ISA_AVX2;
  }
  return KILN_ISA_GENERIC;
}

int64_t kiln::queryKernelScratchBytes(Operation *op, StringRef kernelVariant) {
  if (auto conv = dyn_cast<Conv2DOp>(op); conv && codegen::isQuantizedOp(op)) {
    codegen::ConvS8Params p = codegen::toConvS8Params(conv);
    auto shapeOf = [](Value v) {
      return codegen::toKilnShape(cast<RankedTensorType>(v.getType()));
    };
    kiln_shape in = shapeOf(conv.getInput()), filter = shapeOf(conv.getFilter()),
               out = shapeOf(conv.getOutput());
    return kiln_conv2d_s8_scratch_size_for(isaOfVariant(kernelVariant),
                                           &p.params, &in, &filter, &out);
  }
  if (auto conv = dyn_cast<Conv2DWinogradOp>(op))
    return convScratch(conv, kiln_conv2d_nhwc_winograd_f32_scratch_size);
  if (auto conv = dyn_cast<Conv2DOp>(op); conv && codegen::isNhwc(op))
    return convScratch(conv, kiln_conv2d_nhwc_f32_scratch_size);
  if (auto conv = dyn_cast<Conv2DOp>(op))
    return convScratch(conv, kiln_conv2d_f32_scratch_size);
  if (auto conv = dyn_cast<ConvTranspose2DOp>(op))
    return convScratch(conv, kiln_conv_transpose2d_f32_scratch_size);
  return 0;
}
