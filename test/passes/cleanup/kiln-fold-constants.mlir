// RUN: kiln-opt %s --split-input-file --kiln-fold-constants | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-fold-constants=kiln-max-growth-bytes=0 | FileCheck %s --check-prefix=LIMIT

// PyTorch's shape arithmetic: shape -> gather -> mul -> concat -> reshape.
// CHECK-LABEL: func.func @shape_arithmetic
// CHECK: %[[S:.*]] = kiln.constant dense<[2, 96]> : tensor<2xi64>
// CHECK-NOT: kiln.mul
// CHECK-NOT: kiln.concat
// CHECK: return %[[S]]
func.func @shape_arithmetic() -> tensor<2xi64> {
  %shape = kiln.constant dense<[1, 2, 4, 12]> : tensor<4xi64>
  %i = kiln.constant dense<[1]> : tensor<1xi64>
  %n = kiln.gather %shape, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
  %hw = kiln.slice %shape {offsets = array<i64: 2>, sizes = array<i64: 2>, strides = array<i64: 1>} : (tensor<4xi64>) -> tensor<2xi64>
  %h = kiln.slice %hw {offsets = array<i64: 0>, sizes = array<i64: 1>, strides = array<i64: 1>} : (tensor<2xi64>) -> tensor<1xi64>
  %w = kiln.slice %hw {offsets = array<i64: 1>, sizes = array<i64: 1>, strides = array<i64: 1>} : (tensor<2xi64>) -> tensor<1xi64>
  %p = kiln.mul %h, %w : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %two = kiln.constant dense<2> : tensor<1xi64>
  %q = kiln.mul %p, %two : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %r = kiln.concat %n, %q {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %r : tensor<2xi64>
}

// -----

// f32 ops run through the runtime's reference kernels.
// CHECK-LABEL: func.func @float_subgraph
// CHECK: %[[C:.*]] = kiln.constant dense<[0.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: kiln.add %arg0, %[[C]]
func.func @float_subgraph(%x: tensor<3xf32>) -> tensor<3xf32> {
  %a = kiln.constant dense<[-1.0, 4.0, 9.0]> : tensor<3xf32>
  %r = kiln.relu %a : (tensor<3xf32>) -> tensor<3xf32>
  %s = kiln.sqrt %r : (tensor<3xf32>) -> tensor<3xf32>
  %y = kiln.add %x, %s : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// Integer division by zero is an error in the evaluator, so it stays.
// CHECK-LABEL: func.func @division_by_zero
// CHECK: kiln.div
func.func @division_by_zero() -> tensor<1xi64> {
  %a = kiln.constant dense<[6]> : tensor<1xi64>
  %z = kiln.constant dense<[0]> : tensor<1xi64>
  %q = kiln.div %a, %z : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  return %q : tensor<1xi64>
}

// -----

// A broadcast that would grow the constants stays when growth is limited.
// CHECK-LABEL: func.func @growth
// CHECK: kiln.constant dense<1.000000e+00> : tensor<4x4xf32>
// LIMIT-LABEL: func.func @growth
// LIMIT: kiln.expand
func.func @growth() -> tensor<4x4xf32> {
  %a = kiln.constant dense<1.0> : tensor<1xf32>
  %e = kiln.expand %a : (tensor<1xf32>) -> tensor<4x4xf32>
  return %e : tensor<4x4xf32>
}

// -----

// Ops with a non-constant operand are left alone.
// CHECK-LABEL: func.func @not_constant
// CHECK: kiln.relu %arg0
func.func @not_constant(%x: tensor<3xf32>) -> tensor<3xf32> {
  %r = kiln.relu %x : (tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// A fused elementwise chain on constants evaluates through the same program
// and kernel as the generated code: relu(x * 2 + per-column c) - 1.
// CHECK-LABEL: func.func @fused_elementwise_on_constants
// CHECK-NEXT: %[[C:.*]] = kiln.constant dense<{{\[\[}}-1.000000e+00, 6.000000e+00], [2.500000e+00, -1.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @fused_elementwise_on_constants() -> tensor<2x2xf32> {
  %x = kiln.constant dense<[[-1.0, 2.0], [1.5, -4.0]]> : tensor<2x2xf32>
  %c = kiln.constant dense<[0.5, 3.0]> : tensor<2xf32>
  %y = kiln.fused_elementwise %x, %c : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32> {
  ^bb0(%a: tensor<f32>, %b: tensor<f32>):
    %two = kiln.constant dense<2.0> : tensor<f32>
    %one = kiln.constant dense<1.0> : tensor<f32>
    %0 = kiln.mul %a, %two : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %1 = kiln.add %0, %b : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %2 = kiln.relu %1 : (tensor<f32>) -> tensor<f32>
    %3 = kiln.sub %2, %one : (tensor<f32>, tensor<f32>) -> tensor<f32>
    kiln.yield %3 : tensor<f32>
  }
  return %y : tensor<2x2xf32>
}

// -----

// A blob of equal elements becomes a dense splat, so the mul folder sees
// `x * 1` and drops it; a blob with distinct elements stays a blob.
// CHECK-LABEL: func.func @splat_blob
// CHECK: %[[D:.*]] = kiln.constant dense_resource<distinct> : tensor<4xf32>
// CHECK: %[[M:.*]] = kiln.mul %arg0, %[[D]]
// CHECK: return %arg0, %[[M]]
func.func @splat_blob(%x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %ones = kiln.constant dense_resource<ones> : tensor<4xf32>
  %d = kiln.constant dense_resource<distinct> : tensor<4xf32>
  %0 = kiln.mul %x, %ones : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %1 = kiln.mul %x, %d : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<2x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      ones: "0x040000000000803F0000803F0000803F0000803F",
      distinct: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
