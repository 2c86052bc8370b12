//===- Passes.td - Kiln pass declarations ------------------*- tablegen -*-===//
//
// Every Kiln pass, grouped by family; flags start with `kiln-`.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_PASSES_TD
#define KILN_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// memory
//===----------------------------------------------------------------------===//

def KilnPlanMemoryPass : Pass<"kiln-plan-memory", "mlir::func::FuncOp"> {
  let summary = "plans every intermediate tensor into one static arena";
  let description = [{
    Schedules the ops in their existing (topological) order, computes the
    liveness of every non-constant tensor, and assigns arena offsets with a
    greedy-by-size, best-fit planner (as TFLite Micro does). Before placing
    buffers it shares storage where that is safe:

    - `kiln.reshape` and `quant.scast` (int8 weights and int32 biases
      re-typed with their scales) alias their input (zero copy); the op gets
      `kiln.alias`.
    - An elementwise unary or binary op whose same-shaped operand dies at the
      op writes over that operand; the op gets `kiln.in_place`.
    - A value the function returns is written straight into the caller's
      output buffer (`kiln.output`), never into the arena.
    - Kernel scratch (the runtime's `*_scratch_size` query) is a buffer live
      only during its op (`kiln.scratch = array<i64: offset, bytes>`).

    Function arguments and constants are not in the arena. The results are
    attributes: `kiln.offset` on each op (one entry per result, `-1` when the
    result is not in the arena), and on the function `kiln.arena_size`,
    `kiln.arena_lower_bound` (the largest sum of simultaneously live arena
    bytes) and `kiln.arena_align`.

    ```mlir
    func.func @f(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
      %a = kiln.sigmoid %x {kiln.offset = array<i64: 0>} : ...
      %b = kiln.relu %a {kiln.in_place, kiln.offset = array<i64: -1>,
                         kiln.output = array<i64: 0>} : ...
      return %b : tensor<1x64xf32>
    }
    ```
  }];
  let options = [
    Option<"alignment", "kiln-alignment", "unsigned", /*default=*/"16",
           "byte alignment of every arena buffer and of the arena itself">,
    Option<"kernelVariant", "kiln-kernel-variant", "std::string",
           /*default=*/"\"ref\"",
           "the target runtime's kernel family (ref, avx2, avx512, native, ...): "
           "kernel scratch is sized for that runtime, not the compiler's own">,
  ];
  let dependentDialects = ["::kiln::KilnDialect"];
}

//===----------------------------------------------------------------------===//
// cleanup
//===----------------------------------------------------------------------===//

def KilnFoldConstantsPass : Pass<"kiln-fold-constants", "mlir::func::FuncOp"> {
  let summary = "evaluates constant subgraphs with the host reference evaluator";
  let description = [{
    Every kiln op whose operands are all constants is evaluated through the
    runtime's pure-C reference kernels (lib/evaluator) and replaced by a
    `kiln.constant`, so whole constant subgraphs collapse, including the
    integer shape arithmetic exporters emit (`i64` add/mul/div, gather,
    concat, slice, cast). Results larger than `kiln-max-growth-bytes` more
    than their inputs (an `expand` of a scalar to a large tensor, say) are
    left alone: folding them would only move bytes from the arena to flash.
    A resource-blob constant whose elements are all equal becomes a `dense`
    splat, so the folders see `x * 1` and `x + 0` (LayerNorm's default scale
    and shift, say).

    ```mlir
    %a = kiln.constant dense<[1, 64]> : tensor<2xi64>
    %b = kiln.constant dense<2> : tensor<2xi64>
    %c = kiln.mul %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
    // becomes
    %c = kiln.constant dense<[2, 128]> : tensor<2xi64>
    ```
  }];
  let options = [
    Option<"maxGrowthBytes", "kiln-max-growth-bytes", "int64_t", /*default=*/"65536",
           "largest number of bytes a folded result may add over its operands">,
  ];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def KilnRemoveIdentitiesPass : Pass<"kiln-remove-identities", "mlir::func::FuncOp"> {
  let summary = "removes ops that return their input unchanged";
  let description = [{
    Removes no-op data movement and activations: a `pad` with all-zero
    amounts, a `clip` to the whole float range, an `expand`, `reshape`,
    `cast`, `transpose`, `slice` or `concat` that does not change its input,
    a single-output `split`, a 1x1 stride-1 unpadded pool, and `x + 0`,
    `x - 0`, `x * 1`, `x / 1` with a constant that does not broadcast the
    result. (ONNX Dropout and Identity never reach the dialect: the importer
    drops them.)

    ```mlir
    %y = kiln.pad %x {pads = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>} : ...
    // %y is replaced by %x
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

//===----------------------------------------------------------------------===//
// fusion
//===----------------------------------------------------------------------===//

def KilnFoldBatchNormPass : Pass<"kiln-fold-batch-norm", "mlir::func::FuncOp"> {
  let summary = "folds inference batch norm into the preceding conv2d or gemm";
  let description = [{
    `batch_norm(conv2d(x, W, b))` becomes `conv2d(x, W', b')` with
    `s = scale / sqrt(var + eps)`, `W'[m] = s[m] W[m]` and
    `b' = s (b - mean) + bias`. A gemm's output columns are scaled the same
    way (`B` along N, `C` and `beta` folded into the new bias). It fires only
    when the weights and all four BN tensors are constants, the producer has
    no other user, and no activation or residual is fused into it yet.

    ```mlir
    %c = kiln.conv2d %x, %w : ...
    %y = kiln.batch_norm %c, %s, %b, %m, %v : ...
    // becomes
    %y = kiln.conv2d %x, %w2 bias(%b2) : ...
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def KilnFoldPadPass : Pass<"kiln-fold-pad", "mlir::func::FuncOp"> {
  let summary = "folds a constant spatial kiln.pad into conv or pool padding";
  let description = [{
    A `kiln.pad` in constant mode that pads only H and W (non-negatively) and
    feeds a conv2d or a pool becomes part of that op's `pads`:

    - conv2d: the pad value must be 0 (the conv pads with zeros).
    - avg_pool2d: the value must be 0 and the pool either unpadded or
      `count_include_pad`; the result counts the padding
      (`count_include_pad = true`), as the explicit zeros were counted.
    - max_pool2d: padding never wins a max window, so the value must be
      `-inf`, or 0 when the input is non-negative (a relu, a clip with
      `min >= 0`, or an op with a fused relu) and every window still holds a
      real element.

    ```mlir
    %p = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : ...
    %y = kiln.conv2d %p, %w : ...
    // becomes
    %y = kiln.conv2d %x, %w {pads = array<i64: 1, 1, 1, 1>} : ...
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def KilnFuseEpiloguePass : Pass<"kiln-fuse-epilogue", "mlir::func::FuncOp"> {
  let summary = "fuses bias adds, residual adds and activations into producers";
  let description = [{
    Through `FusedEpilogueOpInterface` (conv2d, gemm, matmul):

    - `add`/`sub` of a constant that broadcasts along the output channels
      only becomes the conv2d bias (or the gemm `C`);
    - `add(conv2d, r)` with `r` of the result's shape becomes the conv's
      residual operand;
    - relu, clip, leaky_relu, sigmoid, tanh, hard_sigmoid, hard_swish and
      gelu become the producer's activation;
    - `mul(p, sigmoid(p))` (SiLU, either operand order) becomes activation
      `silu` when the sigmoid and the mul are p's only users.

    Each rewrite requires that the producer has no other user and that
    nothing that would run after it (an activation) is fused already.

    With `kiln-int8-epilogues` only what the int8 kernels apply as their
    output clamp fuses (bias, relu, clip): residual adds and other
    activations stay separate ops, so that post-training quantisation can
    still make the conv integer and quantise the add on its own.

    ```mlir
    %c = kiln.conv2d %x, %w bias(%b) : ...
    %s = kiln.add %c, %r : ...
    %y = kiln.relu %s : ...
    // becomes
    %y = kiln.conv2d %x, %w bias(%b) residual(%r)
             {activation = #kiln<activation relu>} : ...
    ```
  }];
  let options = [
    Option<"int8Epilogues", "kiln-int8-epilogues", "bool", /*default=*/"false",
           "fuse only bias, relu and clip (what int8 kernels can apply)">,
  ];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def KilnFuseMatmulAddPass : Pass<"kiln-fuse-matmul-add", "mlir::func::FuncOp"> {
  let summary = "turns matmul + bias add into gemm";
  let description = [{
    `add(matmul(a, b), c)` with a rank-2 constant-free `b`, `c` broadcasting
    along the last dimension only (`[N]`, `[1, N]`), and a matmul with no
    other user becomes `gemm(a, b, c)`. A batched `a` (`[..., M, K]`) is
    flattened to `[M', K]` and the result reshaped back: both reshapes alias
    in memory planning, so they cost nothing.

    ```mlir
    %m = kiln.matmul %a, %b : (tensor<16x64xf32>, tensor<64x32xf32>) -> tensor<16x32xf32>
    %y = kiln.add %m, %c : (tensor<16x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
    // becomes
    %y = kiln.gemm %a, %b, %c : ...
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def KilnFoldScaleIntoWeightsPass : Pass<"kiln-fold-scale-into-weights", "mlir::func::FuncOp"> {
  let summary = "folds a per-output-channel constant multiply into conv or gemm weights";
  let description = [{
    `mul(conv2d(x, W, b), s)` with a constant `s` that broadcasts along the
    output channels only becomes `conv2d(x, W', b')` with `W'[m] = s[m] W[m]`
    and `b' = s b` (the identity `s (W x + b) = (s W) x + s b`).
    `mul(gemm(a, B, C), s)` with `s` along the N output columns becomes
    `gemm(a, B', C')` with B's columns scaled and `C' = s beta C` (beta 1);
    the gemm half shares its rewrite with `kiln-fold-batch-norm`. Neither
    fires through a fused activation or residual (the scale would apply to
    them too), with non-constant weights, or when the producer has other
    users. (A constant add is a bias and folds in `kiln-fuse-epilogue`.)

    ```mlir
    %c = kiln.conv2d %x, %w : ...
    %y = kiln.mul %c, %s : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> ...
    // becomes
    %y = kiln.conv2d %x, %w2 : ...
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def KilnFuseElementwisePass : Pass<"kiln-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "fuses chains of elementwise ops into one kiln.fused_elementwise";
  let description = [{
    Starting from the last op of a chain of f32 elementwise ops (unary
    activations and math, broadcasting binaries), absorbs every producer
    whose result has the chain's type and whose users are all in the chain,
    so the chain reads its inputs once and writes one tensor. Scalar
    constants become immediates of the body; other operands (per-channel
    constants, the chain's input tensors) are inputs, broadcast by the
    kernel. It does not absorb an op whose result is used outside the chain,
    an op of a smaller (broadcast) shape, which would be recomputed per
    output element, or a non-elementwise op; a chain of one op stays as it
    is. A body that exceeds the runtime's program limits
    (`KILN_FUSED_MAX_INPUTS`, `_REGS`, `_INSNS`) is not fused.

    ```mlir
    %0 = kiln.div %x, %c : (tensor<1x64xf32>, tensor<f32>) -> tensor<1x64xf32>
    %1 = kiln.erf %0 : (tensor<1x64xf32>) -> tensor<1x64xf32>
    %2 = kiln.mul %x, %1 : (tensor<1x64xf32>, tensor<1x64xf32>) -> tensor<1x64xf32>
    // becomes
    %2 = kiln.fused_elementwise %x : (tensor<1x64xf32>) -> tensor<1x64xf32> {
    ^bb0(%a: tensor<f32>):
      %c0 = kiln.constant dense<1.41421354> : tensor<f32>
      %3 = kiln.div %a, %c0 : (tensor<f32>, tensor<f32>) -> tensor<f32>
      %4 = kiln.erf %3 : (tensor<f32>) -> tensor<f32>
      %5 = kiln.mul %a, %4 : (tensor<f32>, tensor<f32>) -> tensor<f32>
      kiln.yield %5 : tensor<f32>
    }
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

//===----------------------------------------------------------------------===//
// layout
//===----------------------------------------------------------------------===//

def KilnConvertLayoutPass : Pass<"kiln-convert-layout", "mlir::func::FuncOp"> {
  let summary = "rewrites float conv and pool ops to the requested image layout";
  let description = [{
    Every float `kiln.conv2d`, `kiln.max_pool2d`, `kiln.avg_pool2d`,
    `kiln.global_avg_pool` and `kiln.global_max_pool` (rank 4) whose
    `layout` differs from `layout` gets that layout: its input (and a conv's
    residual) through `kiln.transpose` `[0, 2, 3, 1]`, a conv's filter from
    OIHW to HWIO through `[2, 3, 1, 0]` (constant folding evaluates it on a
    constant filter), and its result back to NCHW through `[0, 3, 1, 2]`
    (the inverse permutations for `layout=nchw`). Between two converted ops
    the transposes compose to the identity and disappear; the rest is left
    to `kiln-cancel-transposes`. Quantised ops stay NCHW (the int8 kernels
    are NCHW only).

    ```mlir
    %y = kiln.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>)
        -> tensor<1x4x6x6xf32>
    // becomes, with layout=nhwc
    %t = kiln.transpose %x {perm = array<i64: 0, 2, 3, 1>} : ...
    %f = kiln.transpose %w {perm = array<i64: 2, 3, 1, 0>} : ...
    %c = kiln.conv2d %t, %f {layout = #kiln<layout nhwc>}
        : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x6x6x4xf32>
    %y = kiln.transpose %c {perm = array<i64: 0, 3, 1, 2>} : ...
    ```
  }];
  let options = [
    Option<"layout", "layout", "::kiln::ImageLayout",
           /*default=*/"::kiln::ImageLayout::nhwc",
           "the image layout to convert conv and pool ops to",
           [{::llvm::cl::values(
               clEnumValN(::kiln::ImageLayout::nchw, "nchw", "[N, C, H, W] (ONNX's)"),
               clEnumValN(::kiln::ImageLayout::nhwc, "nhwc", "[N, H, W, C]"))}]>,
  ];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def KilnCancelTransposesPass : Pass<"kiln-cancel-transposes", "mlir::func::FuncOp"> {
  let summary = "sinks transposes through elementwise ops so that pairs cancel";
  let description = [{
    Moves a `kiln.transpose` below the elementwise op that consumes it:
    `unary(transpose(x))` is `transpose(unary(x))`, and
    `binary(transpose(a), transpose(b))` with equal permutations (or with a
    constant other side, which is transposed at compile time) is
    `transpose(binary(a, b))`. Ops with axis attributes move too, their axes
    mapped through the permutation: softmax and log_softmax (`axis`),
    reductions (`axes`; without keepdims the transpose then permutes only
    the kept dimensions), and a concat whose inputs all carry the same
    permutation. A lower-rank or broadcast operand (squeeze-excitation's
    `[N, C, 1, 1]` scale) takes the other layout when that moves only size-1
    dimensions (a reshape). `kiln.pad` moves with its amounts permuted, and
    `kiln.slice` with its offsets, sizes and strides when every user of the
    transpose is a slice. A reshape that splits dimensions and merges runs
    adjacent in the input (ShuffleNet's channel shuffle) becomes an inner
    transpose within the merged runs, the reshape, and the outer
    permutation, which sinks on. A
    flatten into a fully-connected layer, `gemm`/`matmul` of
    `reshape(transpose(x))` and a constant weight, becomes `reshape(x)` with
    the weight's contraction index permuted to x's element order (exact).
    Consecutive transposes then compose, and a composition that is the
    identity disappears (the transpose folder).

    ```mlir
    %t = kiln.transpose %x {perm = array<i64: 0, 2, 3, 1>} : ...
    %r = kiln.relu %t : ...
    %y = kiln.transpose %r {perm = array<i64: 0, 3, 1, 2>} : ...
    // becomes
    %y = kiln.relu %x : ...
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def KilnPackFiltersPass : Pass<"kiln-pack-filters", "mlir::func::FuncOp"> {
  let summary = "packs constant NHWC conv filters into the x86 kernels' panels";
  let description = [{
    Every float NHWC `kiln.conv2d` whose HWIO filter `[kH, kW, C/G, M]` is a
    `kiln.constant` (dense or `dense_resource`) gets the pre-packed filter
    `[G, P, kH, kW, C/G, NR]` with `NR = width` and `P = ceil((M/G) / NR)`:
    panels of `NR` output channels, zero-padded past `M/G`, the layout the
    x86 AVX2 (`NR = 16`) and AVX-512 (`NR = 32`) conv kernels' register
    tiles read, so they no longer repack the weights on every inference.
    The packing is the runtime's own `kiln_conv2d_nhwc_pack_filter_f32`,
    called at compile time; the conv computes the same values bit for bit.
    The new constant keeps the old one's storage (`dense_resource` stays a
    blob); convs sharing a filter share the packed one, and the HWIO
    constant goes when nothing else uses it. Left alone: NCHW and quantised
    convs, depthwise convs (`C/G == 1` and `M/G == 1`, whose kernel reads
    HWIO), and filters computed at run time. Runs last in `-O3` for targets
    with a packing width (`Target::packedFilterWidth`).

    ```mlir
    %w = kiln.constant dense<...> : tensor<3x3x8x40xf32>
    %y = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>}
        : (tensor<1x8x8x8xf32>, tensor<3x3x8x40xf32>) -> tensor<1x6x6x40xf32>
    // becomes, with width=32
    %p = kiln.constant dense<...> : tensor<1x2x3x3x8x32xf32>
    %y = kiln.conv2d %x, %p {layout = #kiln<layout nhwc>}
        : (tensor<1x8x8x8xf32>, tensor<1x2x3x3x8x32xf32>) -> tensor<1x6x6x40xf32>
    ```
  }];
  let options = [
    Option<"width", "width", "int64_t", /*default=*/"32",
           "NR, output channels per panel (1 to 64): 32 for AVX-512, 16 for AVX2">,
  ];
  let dependentDialects = ["::kiln::KilnDialect"];
}

def KilnWinogradPass : Pass<"kiln-winograd", "mlir::func::FuncOp"> {
  let summary = "computes 3x3 stride-1 NHWC convs by Winograd F(4x4, 3x3)";
  let description = [{
    Every float NHWC `kiln.conv2d` with a constant 3x3 HWIO filter, stride 1,
    dilation 1 and group 1 becomes `kiln.conv2d_winograd`: 36 multiplies per
    4x4 output tile and channel pair instead of 144. The filter transform
    `G f G^T` runs here, at compile time, with the runtime's
    `kiln_conv2d_nhwc_winograd_filter_f32`, into panels of `width` output
    channels `[P, 6, 6, C, width]` (`P = ceil(M / width)`), stored the way the
    HWIO constant was. That filter is 4x the HWIO one and every block of
    tiles reads all of it, so only convs with at least `min-channels` input
    and output channels, at least `min-tiles` 4x4 output tiles and a
    Winograd filter of at most `max-filter-bytes` change: below the first
    two the transforms are not paid back, and a filter past the caches is
    streamed from memory for every block (ResNet-18's 14x14x256 layers ran
    no faster in the model and added 21 MB of weights; docs/performance.md
    has the measurements). Results
    agree with the direct conv to rounding, not bit for bit. Runs in `-O3`
    before `kiln-pack-filters`, for targets with a packing width, unless
    `kiln compile --no-winograd`.

    ```mlir
    %w = kiln.constant dense<...> : tensor<3x3x64x64xf32>
    %y = kiln.conv2d %x, %w bias(%b) {layout = #kiln<layout nhwc>,
                                      pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x56x56x64xf32>, tensor<3x3x64x64xf32>, tensor<64xf32>)
        -> tensor<1x56x56x64xf32>
    // becomes, with width=32
    %u = kiln.constant dense<...> : tensor<2x6x6x64x32xf32>
    %y = kiln.conv2d_winograd %x, %u bias(%b) {out_channels = 64 : i64,
                                                pads = array<i64: 1, 1, 1, 1>}
        : (tensor<1x56x56x64xf32>, tensor<2x6x6x64x32xf32>, tensor<64xf32>)
        -> tensor<1x56x56x64xf32>
    ```
  }];
  let options = [
    Option<"width", "width", "int64_t", /*default=*/"32",
           "NR, output channels per panel (1 to 64): 32 for AVX-512, 16 for AVX2">,
    Option<"minChannels", "min-channels", "int64_t", /*default=*/"16",
           "fewest input and output channels a conv needs">,
    Option<"minTiles", "min-tiles", "int64_t", /*default=*/"4",
           "fewest 4x4 output tiles (ceil(OH/4) * ceil(OW/4)) a conv needs">,
    Option<"maxFilterBytes", "max-filter-bytes", "int64_t",
           /*default=*/"4194304",
           "largest Winograd-domain filter (36 * C * P * NR floats) a conv "
           "may take">,
  ];
  let dependentDialects = ["::kiln::KilnDialect"];
}

//===----------------------------------------------------------------------===//
// quantize
//===----------------------------------------------------------------------===//

def KilnInsertQDQPass : Pass<"kiln-insert-qdq", "mlir::func::FuncOp"> {
  let summary = "quantises weights and inserts activation quantize/dequantize pairs";
  let description = [{
    Post-training quantisation front end. It reads the calibrated ranges that
    the calibration step (lib/quant) wrote onto the IR, one `[lo, hi]` pair
    per f32 result, as `kiln.range = array<f32: lo, hi, ...>` on ops and as
    the argument attribute `kiln.range` on function arguments, and produces
    the QDQ form that the ONNX importer also produces for QDQ models:

    - weights of conv2d, gemm and matmul (constant operands) become an `i8`
      `kiln.constant`, `quant.scast` to
      `!quant.uniform<i8<-127:127>:f32:AXIS, {s0, ...}>` (symmetric, per
      output channel; one scale with `kiln-per-tensor`), and a
      `kiln.dequantize` feeding the float op. Biases stay f32.
    - every activation read or written by a quantisable op (conv2d, gemm,
      matmul, add, max/avg pooling, global pooling, concat) gets
      `kiln.quantize` to `!quant.uniform<i8:f32, scale:zp>` (asymmetric, the
      range widened to contain 0) followed by `kiln.dequantize`; all readers
      then see the dequantised value. Max pooling and reshapes keep their
      input's parameters, so they never requantise.

    Ops whose name (the ONNX node name in their location) is in
    `kiln-exclude` stay float with no quantize/dequantize of their own. With
    `kiln-mode=int8-weights` only gemm and matmul weights are quantised
    (weight-only int8, float activations). Values without a range are left
    float. The range attributes are removed afterwards.

    ```mlir
    %y = kiln.conv2d %x, %w bias(%b) {kiln.range = array<f32: 0.0, 6.0>} : ...
    // becomes
    %qx = kiln.quantize %x : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8x!quant.uniform<i8:f32, 0.0078:-1>>
    %dx = kiln.dequantize %qx : ...
    %wq = kiln.constant dense<...> : tensor<4x3x3x3xi8>
    %ws = quant.scast %wq : tensor<4x3x3x3xi8> to tensor<4x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {...}>>
    %dw = kiln.dequantize %ws : ...
    %c = kiln.conv2d %dx, %dw bias(%b) : ...
    %qy = kiln.quantize %c : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 0.0235:-128>>
    %y = kiln.dequantize %qy : ...
    ```
  }];
  let options = [
    Option<"mode", "kiln-mode", "std::string", /*default=*/"\"int8\"",
           "int8 (weights and activations) or int8-weights (gemm/matmul weights only)">,
    Option<"perTensor", "kiln-per-tensor", "bool", /*default=*/"false",
           "one weight scale per tensor instead of per output channel">,
    ListOption<"exclude", "kiln-exclude", "std::string",
               "node names (location names) to keep in fp32">,
  ];
  let dependentDialects = ["::kiln::KilnDialect", "::mlir::quant::QuantDialect"];
}

//===----------------------------------------------------------------------===//
// quant: the integer lowering
//===----------------------------------------------------------------------===//

def KilnQuantizeOpsPass : Pass<"kiln-quantize-ops", "mlir::func::FuncOp"> {
  let summary = "turns QDQ graphs into int8 kernels";
  let description = [{
    Consumes the QDQ form that the ONNX importer and `kiln-insert-qdq` both
    produce (activations `kiln.quantize` / `kiln.dequantize` to per-tensor
    `!quant.uniform<i8:...>`, weights an `i8` constant `quant.scast` to a
    symmetric per-tensor or per-channel type and dequantised) and rewrites
    each float op that is wholly surrounded by int8 QDQ into its integer form
    (see the ops' descriptions):

    - `quantize(conv2d(dequantize x, dequantize w, bias))` and the same for
      `gemm` and `matmul` (constant rank-2 weights, transposed to `[N, K]` at
      compile time; a batched input is flattened to rows) become int8 ops
      with an `i32` bias `round(b / (s_x * s_w[c]))` (from an f32 constant
      or a dequantised integer one) when the epilogue is `none`, `relu` or
      `clip` (the output clamp) and there is no residual;
    - `add`, `avg_pool2d` (not when counted padding meets a non-zero zero
      point) and `global_avg_pool` become their int8 forms; `concat`
      requantises inputs whose scale differs from the output's;
    - `dequantize` moves below `reshape`, `transpose`, `slice` and
      `max_pool2d`, which commute with it, so int8 flows through them;
    - `quantize(dequantize(x))` is `x` for identical types and a
      `kiln.requantize` otherwise;
    - a per-tensor `uint8` quantize read only by dequantizes becomes `int8`
      with the zero point moved by -128 (the same values, exactly).

    Anything else stays float between its quantize/dequantize pairs, which
    is the QDQ model's own semantics: non-constant or asymmetric weights,
    other epilogues, a producer with several users, per-channel activation
    types. Finally the weights of ops that stayed float are dequantised once,
    at compile time, into float constants.

    ```mlir
    %x = kiln.dequantize %xq : (tensor<1x1x8x8x!quant.uniform<i8:f32, 0.02:-128>>) -> tensor<1x1x8x8xf32>
    %ws = quant.scast %w8 : tensor<4x1x3x3xi8> to tensor<4x1x3x3x!quant.uniform<i8:f32:0, {0.01,0.02,0.01,0.03}>>
    %w = kiln.dequantize %ws : (...) -> tensor<4x1x3x3xf32>
    %c = kiln.conv2d %x, %w bias(%b) {activation = #kiln<activation relu>} : (...) -> tensor<1x4x6x6xf32>
    %y = kiln.quantize %c : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6x!quant.uniform<i8:f32, 0.05:-128>>
    // becomes
    %bs = quant.scast %b32 : tensor<4xi32> to tensor<4x!quant.uniform<i32:f32:0, {2.0e-4,4.0e-4,2.0e-4,6.0e-4}>>
    %y = kiln.conv2d %xq, %ws bias(%bs) {activation = #kiln<activation relu>}
        : (...) -> tensor<1x4x6x6x!quant.uniform<i8:f32, 0.05:-128>>
    ```
  }];
  let dependentDialects = ["::kiln::KilnDialect", "::mlir::quant::QuantDialect"];
}

def KilnStoreWeightsF16Pass : Pass<"kiln-store-weights-f16", "mlir::func::FuncOp"> {
  let summary = "stores f32 weights as f16 and widens them to f32 where they are used";
  let description = [{
    `kiln compile --weights fp16`: the constant filter of conv2d /
    conv_transpose2d and the constant right-hand side of gemm / matmul become
    an f16 `kiln.constant` (rounded to nearest even by the runtime's
    `kiln_cast`, so compile time and every target agree) followed by a
    `kiln.cast` back to f32. The weights take half the flash; the arithmetic
    is unchanged f32 and the widening is exact, so the only error is the one
    rounding of each weight. The widened copy lives in the arena while its op
    runs. Biases stay f32.

    ```mlir
    %w = kiln.constant dense<...> : tensor<8x3x3x3xf32>
    %y = kiln.conv2d %x, %w : ...
    // becomes
    %h = kiln.constant dense<...> : tensor<8x3x3x3xf16>
    %w = kiln.cast %h : (tensor<8x3x3x3xf16>) -> tensor<8x3x3x3xf32>
    %y = kiln.conv2d %x, %w : ...
    ```
  }];
  let options = [
    Option<"minElements", "kiln-min-elements", "int64_t", /*default=*/"0",
           "leave weights with fewer elements in f32">,
  ];
  let dependentDialects = ["::kiln::KilnDialect"];
}

#endif // KILN_PASSES_TD
