//===- KilnOps.td - Operations of the kiln dialect --------------*- tablegen -*-===//
//
// Every op has a summary, a description with an example, and a verifier or
// shape inference that states what is wrong when the IR is malformed.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "dialects/kiln/KilnDialect.td"
include "dialects/kiln/KilnInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, !listconcat([Pure], traits)> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

// An op whose result types follow from its operands and attributes. The inferred
// element type is the input's; a quantised result may carry its own scale, so
// inferred and declared types are compatible when shapes match and both are
// quantised over the same storage type.
class Kiln_InferOp<string mnemonic, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat([InferTypeOpAdaptorWithIsCompatible], traits)> {
  code inferBody = "";
  let extraClassDefinition = [{
    bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange l,
                                            ::mlir::TypeRange r) {
      return ::kiln::detail::areCompatibleInferredTypes(l, r);
    }
  }] # inferBody;
}

// Attributes of the fused epilogue that conv2d, gemm and matmul share.
defvar EpilogueAttrs = (ins
  DefaultValuedAttr<Kiln_ActivationAttr, "::kiln::ActivationKind::none">:$activation,
  OptionalAttr<DenseF32ArrayAttr>:$activation_params);

// Image layout of conv and pool ops; NCHW (ONNX's) unless kiln-convert-layout
// rewrote the op.
defvar LayoutAttr = (ins
  DefaultValuedAttr<Kiln_ImageLayoutAttr, "::kiln::ImageLayout::nchw">:$layout);

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Kiln_ConstantOp : Kiln_InferOp<"constant", [ConstantLike]> {
  let summary = "a constant tensor (weights live in resource blobs)";
  let description = [{
    Produces a tensor from an elements attribute. Imported weights use
    `dense_resource` so a large model is not copied into attribute storage;
    small constants may be plain `dense`.

    ```mlir
    %w = kiln.constant dense_resource<conv1_weight> : tensor<16x3x3x3xf32>
    %s = kiln.constant dense<[1, 64]> : tensor<2xi64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let inferBody = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location>, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      types.push_back(adaptor.getValue().getType());
      return ::mlir::success();
    }
  }];
}

//===----------------------------------------------------------------------===//
// Convolution and dense algebra
//===----------------------------------------------------------------------===//

def Kiln_Conv2DOp : Kiln_InferOp<"conv2d", [AttrSizedOperandSegments,
    Kiln_FusedEpilogueOpInterface]> {
  let summary = "2-D convolution with an optional bias, residual and activation";
  let description = [{
    NCHW input `[N, C, H, W]` and filter `[M, C/group, kH, kW]`. `group` equal
    to `C` (and `M`) is a depthwise convolution. `pads` are
    `[top, left, bottom, right]`. The epilogue computes, per output element,
    `activation(conv + bias + residual)`.

    Integer form (int8, `kiln_conv2d_s8`): the same op with `!quant.uniform`
    element types rather than a separate op, so shape inference, fusion
    attributes and the memory planner serve both. The input and result are
    per-tensor `i8` (asymmetric), the filter `i8` with zero point 0, per
    tensor or per output channel (axis 0), the bias (optional) `i32` with
    zero point 0 and scale `input_scale * filter_scale[m]`, there is no
    residual, and the activation is `none`, `relu` or `clip`, which becomes
    the clamp of the int8 output. `kiln-quantize-ops` produces this form.

    ```mlir
    %y = kiln.conv2d %xq, %wq bias(%bq) {activation = #kiln<activation relu>}
        : (tensor<1x1x8x8x!quant.uniform<i8:f32, 0.02:-128>>,
           tensor<4x1x3x3x!quant.uniform<i8:f32:0, {0.01,0.02,0.01,0.03}>>,
           tensor<4x!quant.uniform<i32:f32:0, {2.0e-4,4.0e-4,2.0e-4,6.0e-4}>>)
        -> tensor<1x4x6x6x!quant.uniform<i8:f32, 0.05:-128>>
    ```

    ```mlir
    %y = kiln.conv2d %x, %w bias(%b) {strides = array<i64: 2, 2>,
                                      pads = array<i64: 1, 1, 1, 1>,
                                      activation = #kiln<activation relu>}
        : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>)
        -> tensor<1x16x16x16xf32>
    ```

    With `layout = #kiln<layout nhwc>` (written by `kiln-convert-layout`)
    the input is `[N, H, W, C]`, the filter HWIO `[kH, kW, C/group, M]`
    (depthwise: `[kH, kW, 1, M]`), the residual and result `[N, OH, OW, M]`.
    Strides, pads and dilations keep their meaning. Float only for now.

    ```mlir
    %y = kiln.conv2d %x, %w bias(%b) {layout = #kiln<layout nhwc>,
                                      strides = array<i64: 2, 2>,
                                      pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x32x32x3xf32>, tensor<3x3x3x16xf32>, tensor<16xf32>)
        -> tensor<1x16x16x16xf32>
    ```

    Pre-packed filter (written by `kiln-pack-filters`): in NHWC only, the
    filter may instead be rank 6, `[G, P, kH, kW, C/G, NR]` with `G = group`
    and `P = ceil((M/G) / NR)`: the HWIO filter cut into panels of `NR`
    output channels, zero past `M/G`, the layout the x86 kernels' register
    tiles read (`kiln/runtime.h`, "Pre-packed NHWC filter"). The result is
    the same as with the HWIO filter. `M` is not in the packed shape: it is
    the result's last dimension (inference takes it from the bias, so a
    packed conv without bias needs its result type spelled out). Float
    (`f32`) only, and not depthwise (`C/G == 1` and `M/G == 1`), whose
    kernel reads HWIO directly.

    ```mlir
    %y = kiln.conv2d %x, %wp bias(%b) {layout = #kiln<layout nhwc>,
                                       pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x8x8x16xf32>, tensor<1x2x3x3x16x32xf32>, tensor<40xf32>)
        -> tensor<1x8x8x40xf32>
    ```
  }];
  let extraClassDeclaration = [{
    /// True when the filter is the pre-packed NHWC form
    /// `[G, P, kH, kW, C/G, NR]` rather than HWIO or OIHW.
    bool hasPackedFilter() {
      return ::llvm::cast<::mlir::RankedTensorType>(getFilter().getType())
                 .getRank() == 6;
    }
  }];
  let arguments = !con((ins Kiln_Tensor:$input, Kiln_Tensor:$filter,
      Optional<Kiln_Tensor>:$bias, Optional<Kiln_Tensor>:$residual,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<Kiln_I64Attr, "1">:$group), EpilogueAttrs, LayoutAttr);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $filter (`bias` `(` $bias^ `)`)? (`residual` `(` $residual^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$filter,
                   "::mlir::Value":$bias, "::llvm::ArrayRef<int64_t>":$strides,
                   "::llvm::ArrayRef<int64_t>":$pads,
                   "::llvm::ArrayRef<int64_t>":$dilations, "int64_t":$group), [{
      build($_builder, $_state, input, filter, bias, /*residual=*/::mlir::Value(),
            strides, pads, dilations, group, ::kiln::ActivationKind::none,
            /*activation_params=*/nullptr);
    }]>];
}

def Kiln_Conv2DWinogradOp : Kiln_InferOp<"conv2d_winograd",
    [AttrSizedOperandSegments, Kiln_FusedEpilogueOpInterface]> {
  let summary = "3x3 stride-1 NHWC convolution by Winograd F(4x4, 3x3)";
  let description = [{
    The `kiln.conv2d` it replaces (written by `kiln-winograd`), computed on
    6x6 input tiles: each 4x4 block of outputs takes 36 multiplies per
    (input, output) channel pair where the direct conv takes 144. Float
    (`f32`) NHWC only; kernel 3x3, stride 1, dilation 1, group 1 are implied.
    `pads` are `[top, left, bottom, right]` as for `kiln.conv2d`, and the
    epilogue is the same, `activation(conv + bias + residual)`.

    The filter is already in the Winograd domain, rank 5
    `[P, 6, 6, C, NR]`: `G f G^T` of each 3x3 filter `f` (`G` the 6x3 filter
    transform), cut into panels of `NR` output channels, zero past
    `out_channels`, with `P = ceil(out_channels / NR)` (`kiln/runtime.h`,
    "Winograd F(4x4, 3x3)"). The result is `[N, H + top + bottom - 2,
    W + left + right - 2, out_channels]`. It agrees with `kiln.conv2d` to
    rounding, not bit for bit.

    ```mlir
    %y = kiln.conv2d_winograd %x, %u bias(%b) {out_channels = 40 : i64,
                                                pads = array<i64: 1, 1, 1, 1>,
                                                activation = #kiln<activation relu>}
        : (tensor<1x8x8x16xf32>, tensor<2x6x6x16x32xf32>, tensor<40xf32>)
        -> tensor<1x8x8x40xf32>
    ```
  }];
  let arguments = !con((ins Kiln_Tensor:$input, Kiln_Tensor:$filter,
      Optional<Kiln_Tensor>:$bias, Optional<Kiln_Tensor>:$residual,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      Kiln_I64Attr:$out_channels), EpilogueAttrs);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $filter (`bias` `(` $bias^ `)`)? (`residual` `(` $residual^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_ConvTranspose2DOp : Kiln_InferOp<"conv_transpose2d"> {
  let summary = "2-D transposed convolution (ONNX ConvTranspose)";
  let description = [{
    Input `[N, C, H, W]`, filter `[C, M/group, kH, kW]`. The output size is
    `stride * (in - 1) + output_padding + (k - 1) * dilation + 1 - pad_begin - pad_end`.

    ```mlir
    %y = kiln.conv_transpose2d %x, %w {strides = array<i64: 2, 2>}
        : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$filter,
      Optional<Kiln_Tensor>:$bias,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$output_padding,
      DefaultValuedAttr<Kiln_I64Attr, "1">:$group);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $filter (`bias` `(` $bias^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_MatMulOp : Kiln_InferOp<"matmul",
    [Kiln_FusedEpilogueOpInterface]> {
  let summary = "numpy matmul with batch broadcasting and a fused activation";
  let description = [{
    Rank-1 operands are promoted as numpy does: a rank-1 `lhs` becomes a row,
    a rank-1 `rhs` a column, and the promoted dimension is dropped again.

    ```mlir
    %y = kiln.matmul %a, %b : (tensor<2x16x64xf32>, tensor<64x32xf32>)
        -> tensor<2x16x32xf32>
    ```
  }];
  let arguments = !con((ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs), EpilogueAttrs);
  let results = (outs Kiln_Tensor:$output);
  let builders = [
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs), [{
      build($_builder, $_state, lhs, rhs, ::kiln::ActivationKind::none,
            /*activation_params=*/nullptr);
    }]>];
}

def Kiln_GemmOp : Kiln_InferOp<"gemm",
    [Kiln_FusedEpilogueOpInterface]> {
  let summary = "general matrix multiply, alpha * op(A) * op(B) + beta * C";
  let description = [{
    ONNX Gemm: `A` and `B` are rank 2, optionally transposed; `C`
    broadcasts to `[M, N]`. This is also the fully-connected layer.

    Integer form (int8, `kiln_fully_connected_s8`): `A` and the result are
    per-tensor `i8`, `B` is `[N, K]` (`trans_b`) `i8` with zero point 0, per
    tensor or per row (axis 0), `C` (optional) is an `[N]` `i32` bias with
    scale `a_scale * b_scale[n]`, `alpha = beta = 1`, no `trans_a`, and the
    activation is `none`, `relu` or `clip`.

    ```mlir
    %y = kiln.gemm %x, %w, %b {trans_b = true}
        : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = !con((ins Kiln_Tensor:$a, Kiln_Tensor:$b, Optional<Kiln_Tensor>:$c,
      DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
      DefaultValuedAttr<F32Attr, "1.0f">:$beta,
      DefaultValuedAttr<BoolAttr, "false">:$trans_a,
      DefaultValuedAttr<BoolAttr, "false">:$trans_b), EpilogueAttrs);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "::mlir::Value":$a, "::mlir::Value":$b, "::mlir::Value":$c,
                   "float":$alpha, "float":$beta, "bool":$trans_a, "bool":$trans_b), [{
      build($_builder, $_state, a, b, c, ::llvm::APFloat(alpha), ::llvm::APFloat(beta),
            trans_a, trans_b, ::kiln::ActivationKind::none,
            /*activation_params=*/nullptr);
    }]>];
}

def Kiln_BatchNormOp : Kiln_InferOp<"batch_norm"> {
  let summary = "inference batch normalisation over axis 1";
  let description = [{
    `y = scale * (x - mean) / sqrt(var + epsilon) + bias`, with the four
    parameter tensors of shape `[C]` for an input `[N, C, ...]`.

    ```mlir
    %y = kiln.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
           tensor<8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$scale, Kiln_Tensor:$bias,
      Kiln_Tensor:$mean, Kiln_Tensor:$variance,
      DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Kiln_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Elementwise binaries (numpy broadcasting)
//===----------------------------------------------------------------------===//

class Kiln_BinaryOp<string mnemonic, string math> : Kiln_InferOp<mnemonic> {
  let summary = "elementwise " # math # " with numpy broadcasting";
  let description = [{
    Computes `}] # math # [{` elementwise. The result shape is the numpy
    broadcast of both operand shapes.

    ```mlir
    %z = kiln.}] # mnemonic # [{ %x, %y : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>)
        -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$output);
  let inferBody = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::kiln::detail::inferBroadcastType(
          loc, {adaptor.getLhs().getType(), adaptor.getRhs().getType()}, types);
    }
  }];
}

def Kiln_AddOp : Kiln_BinaryOp<"add", "lhs + rhs"> { let hasFolder = 1; }
def Kiln_SubOp : Kiln_BinaryOp<"sub", "lhs - rhs">;
def Kiln_MulOp : Kiln_BinaryOp<"mul", "lhs * rhs"> {
  let hasFolder = 1;
  // x * hard_sigmoid(x) with ONNX HardSwish's alpha and beta is hard_swish(x)
  // (how torch exports nn.Hardswish below opset 14).
  let hasCanonicalizer = 1;
}
def Kiln_DivOp : Kiln_BinaryOp<"div", "lhs / rhs">;
def Kiln_MaxOp : Kiln_BinaryOp<"max", "max(lhs, rhs)">;
def Kiln_MinOp : Kiln_BinaryOp<"min", "min(lhs, rhs)">;
def Kiln_PowOp : Kiln_BinaryOp<"pow", "pow(lhs, rhs)">;
def Kiln_PReluOp : Kiln_BinaryOp<"prelu", "lhs < 0 ? lhs * rhs : lhs">;

def Kiln_WhereOp : Kiln_InferOp<"where"> {
  let summary = "elementwise select with numpy broadcasting of all three operands";
  let description = [{
    `condition ? lhs : rhs`, elementwise.

    ```mlir
    %z = kiln.where %c, %x, %y : (tensor<1x16xi1>, tensor<1x16xf32>, tensor<f32>)
        -> tensor<1x16xf32>
    ```
  }];
  let arguments = (ins Kiln_BoolTensor:$condition, Kiln_Tensor:$lhs, Kiln_Tensor:$rhs);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
  let inferBody = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      if (::mlir::failed(::kiln::detail::inferBroadcastType(loc,
              {adaptor.getLhs().getType(), adaptor.getRhs().getType(),
               adaptor.getCondition().getType()}, types)))
        return ::mlir::failure();
      // The condition is i1; the result takes the values' element type.
      types[0] = ::llvm::cast<::mlir::RankedTensorType>(types[0]).clone(
          ::llvm::cast<::mlir::RankedTensorType>(adaptor.getLhs().getType())
              .getElementType());
      return ::mlir::success();
    }
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise unaries
//===----------------------------------------------------------------------===//

class Kiln_UnaryOp<string mnemonic, string math, dag attrs = (ins)>
    : Kiln_InferOp<mnemonic> {
  let summary = "elementwise " # math;
  let description = [{
    Computes `}] # math # [{` for every element; the result has the input's type.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
    ```
  }];
  let arguments = !con((ins Kiln_Tensor:$input), attrs);
  let results = (outs Kiln_Tensor:$output);
  let inferBody = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location>, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      types.push_back(adaptor.getInput().getType());
      return ::mlir::success();
    }
  }];
}

def Kiln_ReluOp : Kiln_UnaryOp<"relu", "max(x, 0)">;
def Kiln_ClipOp : Kiln_UnaryOp<"clip", "min(max(x, min), max)",
    (ins DefaultValuedAttr<F32Attr, "-3.40282347e+38f">:$min,
         DefaultValuedAttr<F32Attr, "3.40282347e+38f">:$max)> {
  let hasVerifier = 1;
}
def Kiln_LeakyReluOp : Kiln_UnaryOp<"leaky_relu", "x < 0 ? alpha * x : x",
    (ins DefaultValuedAttr<F32Attr, "0.01f">:$alpha)>;
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", "tanh(x)">;
def Kiln_HardSigmoidOp : Kiln_UnaryOp<"hard_sigmoid",
    "max(0, min(1, alpha * x + beta))",
    (ins DefaultValuedAttr<F32Attr, "0.2f">:$alpha,
         DefaultValuedAttr<F32Attr, "0.5f">:$beta)>;
def Kiln_HardSwishOp : Kiln_UnaryOp<"hard_swish", "x * max(0, min(1, x / 6 + 0.5))">;
def Kiln_GeluOp : Kiln_UnaryOp<"gelu", "0.5 * x * (1 + erf(x / sqrt(2)))">;
def Kiln_ErfOp : Kiln_UnaryOp<"erf", "erf(x)">;
def Kiln_ExpOp : Kiln_UnaryOp<"exp", "exp(x)">;
def Kiln_LogOp : Kiln_UnaryOp<"log", "log(x)">;
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", "sqrt(x)">;
def Kiln_ReciprocalOp : Kiln_UnaryOp<"reciprocal", "1 / x">;
def Kiln_NegOp : Kiln_UnaryOp<"neg", "-x">;
def Kiln_AbsOp : Kiln_UnaryOp<"abs", "abs(x)">;

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

class Kiln_SoftmaxLikeOp<string mnemonic, string math> : Kiln_InferOp<mnemonic> {
  let summary = math # " along one axis";
  let description = [{
    ONNX opset-13 semantics: `}] # math # [{` is taken along `axis` alone
    (negative axes count from the end).

    ```mlir
    %p = kiln.}] # mnemonic # [{ %logits {axis = -1 : i64}
        : (tensor<1x10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DefaultValuedAttr<Kiln_I64Attr, "-1">:$axis);
  let results = (outs Kiln_Tensor:$output);
  let inferBody = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      auto type = ::llvm::cast<::mlir::RankedTensorType>(adaptor.getInput().getType());
      if (::mlir::failed(::kiln::detail::checkAxis(loc, adaptor.getAxis(), type.getRank())))
        return ::mlir::failure();
      types.push_back(type);
      return ::mlir::success();
    }
  }];
}

def Kiln_SoftmaxOp : Kiln_SoftmaxLikeOp<"softmax", "softmax">;
def Kiln_LogSoftmaxOp : Kiln_SoftmaxLikeOp<"log_softmax", "log(softmax)">;

def Kiln_LayerNormOp : Kiln_InferOp<"layer_norm"> {
  let summary = "layer normalisation over the trailing dimensions from axis";
  let description = [{
    Normalises over dimensions `axis..rank-1` to zero mean and unit variance,
    then applies `scale` and the optional `bias`, both shaped like those
    trailing dimensions.

    ```mlir
    %y = kiln.layer_norm %x, %g, %b {axis = -1 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_Tensor:$scale,
      Optional<Kiln_Tensor>:$bias,
      DefaultValuedAttr<Kiln_I64Attr, "-1">:$axis,
      DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Kiln_Tensor:$output);
}

//===----------------------------------------------------------------------===//
// Reductions and pools
//===----------------------------------------------------------------------===//

class Kiln_ReduceOp<string mnemonic, string math> : Kiln_InferOp<mnemonic> {
  let summary = math # " over a set of axes";
  let description = [{
    Reduces `axes` (negative axes count from the end) with }] # math # [{.
    With `keepdims` the reduced axes stay as size 1.

    ```mlir
    %m = kiln.}] # mnemonic # [{ %x {axes = array<i64: 2, 3>, keepdims = true}
        : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$axes,
      DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs Kiln_Tensor:$output);
  let inferBody = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::kiln::detail::inferReduceType(loc, adaptor.getInput().getType(),
          adaptor.getAxes(), adaptor.getKeepdims(), types);
    }
  }];
}

def Kiln_ReduceMeanOp : Kiln_ReduceOp<"reduce_mean", "the mean">;
def Kiln_ReduceSumOp : Kiln_ReduceOp<"reduce_sum", "the sum">;
def Kiln_ReduceMaxOp : Kiln_ReduceOp<"reduce_max", "the maximum">;
def Kiln_ReduceMinOp : Kiln_ReduceOp<"reduce_min", "the minimum">;

class Kiln_PoolOp<string mnemonic, string math, dag extra = (ins)>
    : Kiln_InferOp<mnemonic> {
  let summary = "2-D " # math # " pooling over NCHW or NHWC windows";
  let description = [{
    Slides a `kernel` window with `strides`, `dilations` and `pads`
    (`[top, left, bottom, right]`) over the two spatial dimensions. With
    `ceil_mode` the output size rounds up, as in ONNX. The input is
    `[N, C, H, W]`, or `[N, H, W, C]` with `layout = #kiln<layout nhwc>`
    (float only).

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
    %z = kiln.}] # mnemonic # [{ %t {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                                   layout = #kiln<layout nhwc>}
        : (tensor<1x8x8x16xf32>) -> tensor<1x4x4x16xf32>
    ```
  }];
  let arguments = !con((ins Kiln_Tensor:$input, DenseI64ArrayAttr:$kernel,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
      DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
      DefaultValuedAttr<BoolAttr, "false">:$ceil_mode), extra, LayoutAttr);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
  let inferBody = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::kiln::detail::inferPoolType(loc, adaptor.getInput().getType(),
          adaptor.getKernel(), adaptor.getStrides(), adaptor.getPads(),
          adaptor.getDilations(), adaptor.getCeilMode(), adaptor.getLayout(),
          types);
    }
  }];
}

def Kiln_MaxPool2DOp : Kiln_PoolOp<"max_pool2d", "max">;
def Kiln_AvgPool2DOp : Kiln_PoolOp<"avg_pool2d", "average",
    (ins DefaultValuedAttr<BoolAttr, "false">:$count_include_pad)>;

class Kiln_GlobalPoolOp<string mnemonic, string math> : Kiln_InferOp<mnemonic> {
  let summary = "global " # math # " pooling over all spatial dimensions";
  let description = [{
    Reduces every dimension after the channel axis to size 1. With
    `layout = #kiln<layout nhwc>` the input is `[N, H, W, C]` (rank 4, float
    only) and the result `[N, 1, 1, C]`.

    ```mlir
    %y = kiln.}] # mnemonic # [{ %x : (tensor<1x64x7x7xf32>) -> tensor<1x64x1x1xf32>
    %z = kiln.}] # mnemonic # [{ %t {layout = #kiln<layout nhwc>}
        : (tensor<1x7x7x64xf32>) -> tensor<1x1x1x64xf32>
    ```
  }];
  let arguments = !con((ins Kiln_Tensor:$input), LayoutAttr);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
  let inferBody = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(::mlir::MLIRContext *,
        std::optional<::mlir::Location> loc, Adaptor adaptor,
        ::llvm::SmallVectorImpl<::mlir::Type> &types) {
      return ::kiln::detail::inferGlobalPoolType(loc, adaptor.getInput().getType(),
                                                 adaptor.getLayout(), types);
    }
  }];
}

def Kiln_GlobalAvgPoolOp : Kiln_GlobalPoolOp<"global_avg_pool", "average">;
def Kiln_GlobalMaxPoolOp : Kiln_GlobalPoolOp<"global_max_pool", "max">;

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Kiln_ReshapeOp : Kiln_Op<"reshape"> {
  let summary = "reinterprets a tensor with a new static shape";
  let description = [{
    The result type is the new shape; the element count must not change.
    Memory planning aliases the result with the input, so a reshape costs
    no copy.

    ```mlir
    %y = kiln.reshape %x : (tensor<1x64x1x1xf32>) -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_TransposeOp : Kiln_InferOp<"transpose"> {
  let summary = "permutes the dimensions of a tensor";
  let description = [{
    Output dimension `i` is input dimension `perm[i]`. A permutation that
    only moves size-1 dimensions canonicalises to `kiln.reshape` (no data
    moves), e.g. `[N, 1, 1, C] -> [N, C, 1, 1]` after an NHWC global pool.

    ```mlir
    %y = kiln.transpose %x {perm = array<i64: 0, 2, 3, 1>}
        : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_ConcatOp : Kiln_InferOp<"concat"> {
  let summary = "joins tensors along one axis";
  let description = [{
    All inputs share the element type and every dimension except `axis`.

    ```mlir
    %y = kiln.concat %a, %b {axis = 1 : i64}
        : (tensor<1x8x4x4xf32>, tensor<1x16x4x4xf32>) -> tensor<1x24x4x4xf32>
    ```
  }];
  let arguments = (ins Variadic<Kiln_Tensor>:$inputs, Kiln_I64Attr:$axis);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
}

def Kiln_SliceOp : Kiln_InferOp<"slice"> {
  let summary = "a strided window of a tensor";
  let description = [{
    Per dimension, takes `sizes[i]` elements starting at `offsets[i]` with
    step `strides[i]` (which may be negative, walking backwards). The
    frontend normalises ONNX's starts/ends/axes/steps into this form.

    ```mlir
    %y = kiln.slice %x {offsets = array<i64: 0, 2>, sizes = array<i64: 1, 4>,
                        strides = array<i64: 1, 1>}
        : (tensor<1x8xf32>) -> tensor<1x4xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$offsets,
      DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$strides);
  let results = (outs Kiln_Tensor:$output);
  let hasFolder = 1;
}

def Kiln_SplitOp : Kiln_InferOp<"split"> {
  let summary = "cuts a tensor into consecutive pieces along one axis";
  let description = [{
    Result `i` holds `sizes[i]` elements of `axis`; the sizes add up to that
    dimension.

    ```mlir
    %a, %b = kiln.split %x {axis = 1 : i64, sizes = array<i64: 2, 6>}
        : (tensor<1x8xf32>) -> (tensor<1x2xf32>, tensor<1x6xf32>)
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_I64Attr:$axis, DenseI64ArrayAttr:$sizes);
  let results = (outs Variadic<Kiln_Tensor>:$outputs);
}

def Kiln_PadOp : Kiln_InferOp<"pad"> {
  let summary = "pads a tensor with a constant, its reflection, or its edge";
  let description = [{
    `pads` holds all begin amounts, then all end amounts (ONNX order).

    ```mlir
    %y = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>,
                      mode = #kiln<pad_mode constant>, value = 0.0 : f32}
        : (tensor<1x3x4x4xf32>) -> tensor<1x3x6x6xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input, DenseI64ArrayAttr:$pads,
      DefaultValuedAttr<Kiln_PadModeAttr, "::kiln::PadMode::constant">:$mode,
      DefaultValuedAttr<F32Attr, "0.0f">:$value);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_GatherOp : Kiln_InferOp<"gather"> {
  let summary = "gathers slices of data along an axis by index (ONNX Gather)";
  let description = [{
    The result shape is `data.shape[:axis] + indices.shape + data.shape[axis+1:]`.
    Negative indices count from the end of `axis`.

    ```mlir
    %e = kiln.gather %table, %ids {axis = 0 : i64}
        : (tensor<100x64xf32>, tensor<1x16xi64>) -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
      DefaultValuedAttr<Kiln_I64Attr, "0">:$axis);
  let results = (outs Kiln_Tensor:$output);
}

def Kiln_ExpandOp : Kiln_Op<"expand"> {
  let summary = "broadcasts a tensor to a larger shape";
  let description = [{
    numpy broadcasting of the input to the result type's shape.

    ```mlir
    %y = kiln.expand %x : (tensor<1x1x64xf32>) -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
}

def Kiln_ResizeOp : Kiln_Op<"resize"> {
  let summary = "resizes the two spatial dimensions (nearest or bilinear)";
  let description = [{
    The result type gives the output size; `scales` (height, width) override
    the ratio used in the coordinate transform when the model gave them.

    ```mlir
    %y = kiln.resize %x {mode = #kiln<resize_mode nearest>,
                         coordinate_mode = #kiln<coordinate_mode asymmetric>,
                         nearest_mode = #kiln<nearest_mode floor>}
        : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input,
      DefaultValuedAttr<Kiln_ResizeModeAttr, "::kiln::ResizeMode::nearest">:$mode,
      DefaultValuedAttr<Kiln_CoordinateModeAttr,
                        "::kiln::CoordinateMode::half_pixel">:$coordinate_mode,
      DefaultValuedAttr<Kiln_NearestModeAttr,
                        "::kiln::NearestMode::round_prefer_floor">:$nearest_mode,
      OptionalAttr<DenseF32ArrayAttr>:$scales);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Types and quantisation
//===----------------------------------------------------------------------===//

def Kiln_CastOp : Kiln_Op<"cast"> {
  let summary = "converts the element type (f32, f16, i1, i8, ui8, i32, i64)";
  let description = [{
    Float to integer truncates toward zero and saturates to the target range.

    ```mlir
    %y = kiln.cast %x : (tensor<4xf32>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_QuantizeOp : Kiln_Op<"quantize"> {
  let summary = "float to a uniform quantised type (ONNX QuantizeLinear)";
  let description = [{
    `q = saturate(round_half_even(x / scale) + zero_point)` with the scale and
    zero point of the result's `!quant.uniform` type, per tensor or per axis.

    ```mlir
    %q = kiln.quantize %x : (tensor<1x16xf32>) -> tensor<1x16x!quant.uniform<i8:f32, 0.05:-3>>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_QuantTensor:$output);
  let hasVerifier = 1;
}

def Kiln_RequantizeOp : Kiln_Op<"requantize"> {
  let summary = "int8 to int8 with another scale and zero point";
  let description = [{
    `out = saturate(zp_out + rounding_mul(q - zp_in, scale_in / scale_out))`,
    the integer-only rescale of the TFLite / CMSIS-NN scheme (runtime:
    `kiln_requantize_s8`), with the multiplier and shift computed at compile
    time from the two per-tensor `!quant.uniform<i8:f32, ...>` types. It is
    what `kiln-quantize-ops` makes of `quantize(dequantize(x))` when the two
    types differ, so an integer graph never goes through float to change
    scale.

    ```mlir
    %r = kiln.requantize %q : (tensor<1x16x!quant.uniform<i8:f32, 0.05:-3>>)
        -> tensor<1x16x!quant.uniform<i8:f32, 0.1:4>>
    ```
  }];
  let arguments = (ins Kiln_QuantTensor:$input);
  let results = (outs Kiln_QuantTensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Kiln_DequantizeOp : Kiln_Op<"dequantize"> {
  let summary = "a uniform quantised type back to float (ONNX DequantizeLinear)";
  let description = [{
    `x = (q - zero_point) * scale` with the parameters of the input's type.

    ```mlir
    %x = kiln.dequantize %q : (tensor<1x16x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x16xf32>
    ```
  }];
  let arguments = (ins Kiln_QuantTensor:$input);
  let results = (outs Kiln_FloatTensor:$output);
  let hasVerifier = 1;
  // An int32 constant (a QDQ model's bias) folds to its float values: the
  // runtime has no int32 dequantize, and kiln-quantize-ops re-derives the
  // int32 bias from them exactly. 8-bit weights are left for that pass.
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Fused elementwise chains
//===----------------------------------------------------------------------===//

def Kiln_FusedElementwiseOp : Kiln_Op<"fused_elementwise", [IsolatedFromAbove]> {
  let summary = "a chain of elementwise ops computed in one pass over the output";
  let description = [{
    The body computes one output element from one element of each input
    (numpy-broadcast to the result shape): its block arguments and values are
    rank-0 tensors, and it holds only elementwise kiln ops (unary ops and
    the broadcasting binaries) and rank-0 `kiln.constant`s, ending in
    `kiln.yield`. `kiln-fuse-elementwise` builds it from chains of those ops;
    code generation encodes the body as a small register program
    (`kiln_fused_program`) that `kiln_fused_elementwise_f32` runs block by
    block, and the host evaluator runs the same kernel.

    ```mlir
    // GELU as torch exports it: x * 0.5 * (1 + erf(x / sqrt 2))
    %y = kiln.fused_elementwise %x : (tensor<1x16x64xf32>) -> tensor<1x16x64xf32> {
    ^bb0(%a: tensor<f32>):
      %c0 = kiln.constant dense<1.41421354> : tensor<f32>
      %c1 = kiln.constant dense<1.0> : tensor<f32>
      %c2 = kiln.constant dense<0.5> : tensor<f32>
      %0 = kiln.div %a, %c0 : (tensor<f32>, tensor<f32>) -> tensor<f32>
      %1 = kiln.erf %0 : (tensor<f32>) -> tensor<f32>
      %2 = kiln.add %1, %c1 : (tensor<f32>, tensor<f32>) -> tensor<f32>
      %3 = kiln.mul %a, %2 : (tensor<f32>, tensor<f32>) -> tensor<f32>
      %4 = kiln.mul %3, %c2 : (tensor<f32>, tensor<f32>) -> tensor<f32>
      kiln.yield %4 : tensor<f32>
    }
    ```
  }];
  let arguments = (ins Variadic<Kiln_FloatTensor>:$inputs);
  let results = (outs Kiln_FloatTensor:$output);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type($inputs, results) $body
  }];
  let hasRegionVerifier = 1;
}

def Kiln_YieldOp : Kiln_Op<"yield", [Terminator,
    HasParent<"FusedElementwiseOp">]> {
  let summary = "the element a kiln.fused_elementwise body computes";
  let description = [{
    Ends the body of `kiln.fused_elementwise` with its rank-0 result.

    ```mlir
    kiln.yield %4 : tensor<f32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

#endif // KILN_OPS_TD
