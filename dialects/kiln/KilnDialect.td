//===- KilnDialect.td - The kiln graph dialect ------------------*- tablegen -*-===//
//
// Dialect, enums and type constraints shared by every kiln op.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECT_TD
#define KILN_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "Tensor-level graph dialect of the Kiln edge-AI compiler";
  let description = [{
    The `kiln` dialect is the graph form that the ONNX frontend produces and that
    every optimisation pass rewrites. Its ops work on ranked tensors with static
    shapes and value semantics. Everything a kernel needs is explicit on the op:
    strides, pads and dilations are attributes, fused epilogues (an activation
    and an optional residual operand) are part of the producing op, and
    quantised tensors use the upstream `quant` dialect's uniform types.

    Images arrive in NCHW, the layout ONNX uses; the layout passes may rewrite
    the graph to the target's preferred layout.

    ```mlir
    func.func @block(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32> {
      %w = kiln.constant dense_resource<conv_w> : tensor<8x8x3x3xf32>
      %y = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>,
                               activation = #kiln<activation relu>}
          : (tensor<1x8x16x16xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x16x16xf32>
      return %y : tensor<1x8x16x16xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Kiln_ActivationKind : I32EnumAttr<"ActivationKind",
    "activation applied in a fused epilogue", [
  I32EnumAttrCase<"none", 0>,
  I32EnumAttrCase<"relu", 1>,
  I32EnumAttrCase<"clip", 2>,
  I32EnumAttrCase<"leaky_relu", 3>,
  I32EnumAttrCase<"sigmoid", 4>,
  I32EnumAttrCase<"tanh", 5>,
  I32EnumAttrCase<"hard_sigmoid", 6>,
  I32EnumAttrCase<"hard_swish", 7>,
  I32EnumAttrCase<"gelu", 8>,
  I32EnumAttrCase<"silu", 9>
]> {
  let cppNamespace = "::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_ActivationAttr : EnumAttr<Kiln_Dialect, Kiln_ActivationKind, "activation">;

// Image layout of conv/pool operands. Kept apart from the activation enum so
// the two can grow independently.
def Kiln_ImageLayout : I32EnumAttr<"ImageLayout",
    "memory order of the image tensors of conv and pool ops", [
  I32EnumAttrCase<"nchw", 0>,
  I32EnumAttrCase<"nhwc", 1>
]> {
  let cppNamespace = "::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_ImageLayoutAttr : EnumAttr<Kiln_Dialect, Kiln_ImageLayout, "layout">;

def Kiln_PadMode : I32EnumAttr<"PadMode", "how kiln.pad fills the border", [
  I32EnumAttrCase<"constant", 0>,
  I32EnumAttrCase<"reflect", 1>,
  I32EnumAttrCase<"edge", 2>
]> {
  let cppNamespace = "::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_PadModeAttr : EnumAttr<Kiln_Dialect, Kiln_PadMode, "pad_mode">;

def Kiln_ResizeMode : I32EnumAttr<"ResizeMode", "interpolation of kiln.resize", [
  I32EnumAttrCase<"nearest", 0>,
  I32EnumAttrCase<"linear", 1>
]> {
  let cppNamespace = "::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_ResizeModeAttr : EnumAttr<Kiln_Dialect, Kiln_ResizeMode, "resize_mode">;

def Kiln_CoordinateMode : I32EnumAttr<"CoordinateMode",
    "how kiln.resize maps an output coordinate to the input (ONNX names)", [
  I32EnumAttrCase<"half_pixel", 0>,
  I32EnumAttrCase<"asymmetric", 1>,
  I32EnumAttrCase<"align_corners", 2>,
  I32EnumAttrCase<"pytorch_half_pixel", 3>
]> {
  let cppNamespace = "::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_CoordinateModeAttr
    : EnumAttr<Kiln_Dialect, Kiln_CoordinateMode, "coordinate_mode">;

def Kiln_NearestMode : I32EnumAttr<"NearestMode",
    "rounding of kiln.resize in nearest mode (ONNX names)", [
  I32EnumAttrCase<"round_prefer_floor", 0>,
  I32EnumAttrCase<"round_prefer_ceil", 1>,
  I32EnumAttrCase<"floor", 2>,
  I32EnumAttrCase<"ceil", 3>
]> {
  let cppNamespace = "::kiln";
  let genSpecializedAttr = 0;
}
def Kiln_NearestModeAttr : EnumAttr<Kiln_Dialect, Kiln_NearestMode, "nearest_mode">;

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Kiln_ElementType : AnyTypeOf<[F32, F16, I1, I8, UI8, I32, I64, quant_QuantizedType]>;
def Kiln_Tensor : StaticShapeTensorOf<[Kiln_ElementType]>;
def Kiln_FloatTensor : StaticShapeTensorOf<[F32, F16]>;
def Kiln_IndexTensor : StaticShapeTensorOf<[I32, I64]>;
def Kiln_BoolTensor : StaticShapeTensorOf<[I1]>;
def Kiln_QuantTensor : StaticShapeTensorOf<[quant_QuantizedType]>;

// An i64 attribute read back as int64_t: axes may be negative, and upstream's
// I64Attr returns uint64_t.
def Kiln_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                                "64-bit signless integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

#endif // KILN_DIALECT_TD
