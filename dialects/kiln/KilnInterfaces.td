//===- KilnInterfaces.td - Op interfaces of the kiln dialect ----*- tablegen -*-===//
//
// Behaviour that many ops share, queried by passes instead of isa<> chains.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_INTERFACES_TD
#define KILN_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Kiln_FusedEpilogueOpInterface : OpInterface<"FusedEpilogueOpInterface"> {
  let cppNamespace = "::kiln";
  let description = [{
    An op that can apply an activation to its result while the result is
    still in registers. Fusion passes fold a following activation op into the
    producer through this interface; kernel selection reads it back.
  }];
  let methods = [
    InterfaceMethod<"The fused activation kind (`none` when nothing is fused).",
      "::kiln::ActivationKind", "getEpilogueActivation", (ins), [{}], [{
        return $_op.getActivation();
      }]>,
    InterfaceMethod<"The fused activation's parameters (clip: min, max; "
                    "leaky_relu: alpha; hard_sigmoid: alpha, beta).",
      "::llvm::SmallVector<float>", "getEpilogueParams", (ins), [{}], [{
        if (auto params = $_op.getActivationParams())
          return ::llvm::SmallVector<float>(params->begin(), params->end());
        return {};
      }]>,
    InterfaceMethod<"Fuses an activation into the op.", "void",
      "setEpilogueActivation",
      (ins "::kiln::ActivationKind":$kind, "::llvm::ArrayRef<float>":$params),
      [{}], [{
        $_op.setActivation(kind);
        if (params.empty())
          $_op.removeActivationParamsAttr();
        else
          $_op.setActivationParams(params);
      }]>,
  ];
}

#endif // KILN_INTERFACES_TD
