// RUN: kiln-opt %s --split-input-file --kiln-fuse-elementwise | FileCheck %s

// GELU as torch exports it: one fused op, scalar constants as immediates.
// CHECK-LABEL: func.func @gelu
// CHECK-NEXT: %[[F:.*]] = kiln.fused_elementwise %arg0 : (tensor<2x64xf32>) -> tensor<2x64xf32> {
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<f32>):
// CHECK-DAG: %[[S:.*]] = kiln.constant dense<1.41421354> : tensor<f32>
// CHECK-DAG: %[[H:.*]] = kiln.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[D:.*]] = kiln.div %[[A]], %[[S]]
// CHECK-NEXT: %[[E:.*]] = kiln.erf %[[D]]
// CHECK-NEXT: %[[P:.*]] = kiln.add %[[E]],
// CHECK-NEXT: %[[M:.*]] = kiln.mul %[[A]], %[[P]]
// CHECK-NEXT: %[[R:.*]] = kiln.mul %[[M]], %[[H]]
// CHECK-NEXT: kiln.yield %[[R]] : tensor<f32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[F]]
func.func @gelu(%x: tensor<2x64xf32>) -> tensor<2x64xf32> {
  %s = kiln.constant dense<1.41421354> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %half = kiln.constant dense<0.5> : tensor<f32>
  %0 = kiln.div %x, %s : (tensor<2x64xf32>, tensor<f32>) -> tensor<2x64xf32>
  %1 = kiln.erf %0 : (tensor<2x64xf32>) -> tensor<2x64xf32>
  %2 = kiln.add %1, %one : (tensor<2x64xf32>, tensor<f32>) -> tensor<2x64xf32>
  %3 = kiln.mul %x, %2 : (tensor<2x64xf32>, tensor<2x64xf32>) -> tensor<2x64xf32>
  %4 = kiln.mul %3, %half : (tensor<2x64xf32>, tensor<f32>) -> tensor<2x64xf32>
  return %4 : tensor<2x64xf32>
}

// -----

// Hard-swish spelled as ops (x * clip(x + 3, 0, 6) / 6), scalars given as
// 1-element tensors of lower rank: they stay immediates.
// CHECK-LABEL: func.func @hard_swish_spelled
// CHECK-NEXT: kiln.fused_elementwise %arg0 : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
// CHECK: kiln.add
// CHECK-NEXT: kiln.clip
// CHECK-NEXT: kiln.mul
// CHECK-NEXT: kiln.div
// CHECK-NEXT: kiln.yield
// CHECK-NOT: kiln.add
func.func @hard_swish_spelled(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %three = kiln.constant dense<3.0> : tensor<1xf32>
  %six = kiln.constant dense<6.0> : tensor<1xf32>
  %0 = kiln.add %x, %three : (tensor<1x8x4x4xf32>, tensor<1xf32>) -> tensor<1x8x4x4xf32>
  %1 = kiln.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %2 = kiln.mul %x, %1 : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %3 = kiln.div %2, %six : (tensor<1x8x4x4xf32>, tensor<1xf32>) -> tensor<1x8x4x4xf32>
  return %3 : tensor<1x8x4x4xf32>
}

// -----

// LayerNorm's tail: the per-row statistic and the per-feature scale and
// shift are inputs broadcast by the kernel; the reductions stay outside.
// CHECK-LABEL: func.func @layer_norm_tail
// CHECK: kiln.reduce_mean
// CHECK: %[[F:.*]] = kiln.fused_elementwise %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x16xf32>, tensor<4x1xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
// CHECK: kiln.div
// CHECK-NEXT: kiln.mul
// CHECK-NEXT: kiln.add
// CHECK-NEXT: kiln.yield
// CHECK: return %[[F]]
func.func @layer_norm_tail(%d: tensor<4x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %sq = kiln.mul %d, %d : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  %v = kiln.reduce_mean %sq {axes = array<i64: 1>} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %s = kiln.sqrt %v : (tensor<4x1xf32>) -> tensor<4x1xf32>
  %0 = kiln.div %d, %s : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %1 = kiln.mul %0, %g : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %2 = kiln.add %1, %b : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %2 : tensor<4x16xf32>
}

// -----

// A value used twice inside the chain (swish: x * sigmoid(x) on a computed
// x) is fused; the DAG stays a DAG in the body.
// CHECK-LABEL: func.func @swish_of_sum
// CHECK-NEXT: kiln.fused_elementwise %arg0, %arg1 :
// CHECK: %[[S:.*]] = kiln.add
// CHECK-NEXT: %[[G:.*]] = kiln.sigmoid %[[S]]
// CHECK-NEXT: kiln.mul %[[S]], %[[G]]
func.func @swish_of_sum(%x: tensor<8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  %0 = kiln.add %x, %y : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %1 = kiln.sigmoid %0 : (tensor<8xf32>) -> tensor<8xf32>
  %2 = kiln.mul %0, %1 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %2 : tensor<8xf32>
}

// -----

// A result used outside the chain stays a tensor: the chain splits there
// (exp -> neg is fused, the multi-user relu is not absorbed).
// CHECK-LABEL: func.func @multiple_users_in_the_middle
// CHECK: %[[R:.*]] = kiln.relu %arg0
// CHECK: %[[F:.*]] = kiln.fused_elementwise %[[R]] :
// CHECK: kiln.exp
// CHECK-NEXT: kiln.neg
// CHECK: return %[[F]], %[[R]]
func.func @multiple_users_in_the_middle(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %0 = kiln.relu %x : (tensor<8xf32>) -> tensor<8xf32>
  %1 = kiln.exp %0 : (tensor<8xf32>) -> tensor<8xf32>
  %2 = kiln.neg %1 : (tensor<8xf32>) -> tensor<8xf32>
  return %2, %0 : tensor<8xf32>, tensor<8xf32>
}

// -----

// An op on a smaller shape that a later op broadcasts is not absorbed (it
// would run once per output element instead of once per channel): the exp
// stays, and the remaining single mul is no chain.
// CHECK-LABEL: func.func @broadcast_changes_shape
// CHECK-NOT: kiln.fused_elementwise
// CHECK: kiln.exp
// CHECK: kiln.mul
func.func @broadcast_changes_shape(%x: tensor<1x8x4x4xf32>, %s: tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32> {
  %0 = kiln.exp %s : (tensor<8x1x1xf32>) -> tensor<8x1x1xf32>
  %1 = kiln.mul %x, %0 : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  return %1 : tensor<1x8x4x4xf32>
}

// -----

// A non-elementwise op in the middle (softmax) splits the chain; single ops
// on either side stay as they are.
// CHECK-LABEL: func.func @non_elementwise_in_the_middle
// CHECK-NOT: kiln.fused_elementwise
// CHECK: kiln.exp
// CHECK: kiln.softmax
// CHECK: kiln.log
func.func @non_elementwise_in_the_middle(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = kiln.exp %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = kiln.softmax %0 {axis = -1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = kiln.log %1 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %2 : tensor<2x8xf32>
}

// -----

// Integer shape arithmetic is not fused (the kernel is f32 only).
// CHECK-LABEL: func.func @integer_chain
// CHECK-NOT: kiln.fused_elementwise
func.func @integer_chain(%x: tensor<2xi64>, %y: tensor<2xi64>) -> tensor<2xi64> {
  %0 = kiln.add %x, %y : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %1 = kiln.mul %0, %y : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %1 : tensor<2xi64>
}

// -----

// More than KILN_FUSED_MAX_INPUTS (8) distinct inputs do not fit the
// runtime program: nothing is fused.
// CHECK-LABEL: func.func @too_many_inputs
// CHECK-NOT: kiln.fused_elementwise
func.func @too_many_inputs(%a: tensor<4xf32>, %b: tensor<4xf32>, %c: tensor<4xf32>, %d: tensor<4xf32>, %e: tensor<4xf32>, %f: tensor<4xf32>, %g: tensor<4xf32>, %h: tensor<4xf32>, %i: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = kiln.add %0, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = kiln.add %1, %d : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = kiln.add %2, %e : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = kiln.add %3, %f : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %5 = kiln.add %4, %g : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %6 = kiln.add %5, %h : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %7 = kiln.add %6, %i : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %7 : tensor<4xf32>
}

// -----

// SiLU of a value no conv/gemm produced (kiln-fuse-epilogue fuses the others
// into their producer): the sigmoid and the mul become one pass over x.
// CHECK-LABEL: func.func @standalone_silu
// CHECK: kiln.fused_elementwise %arg0
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<f32>):
// CHECK-NEXT: %[[S:.*]] = kiln.sigmoid %[[A]]
// CHECK-NEXT: kiln.mul %[[A]], %[[S]]
// CHECK-NOT: kiln.sigmoid
func.func @standalone_silu(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %0 = kiln.sigmoid %x : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %1 = kiln.mul %x, %0 : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %1 : tensor<1x8x4x4xf32>
}
