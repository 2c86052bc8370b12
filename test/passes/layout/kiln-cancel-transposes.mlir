// RUN: kiln-opt %s --split-input-file --kiln-cancel-transposes | FileCheck %s

// The transpose sinks below relu and meets its inverse.
// CHECK-LABEL: func.func @unary
// CHECK-NEXT: %[[R:.*]] = kiln.relu %arg0 : (tensor<1x8x4x2xf32>) -> tensor<1x8x4x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @unary(%x: tensor<1x8x4x2xf32>) -> tensor<1x8x4x2xf32> {
  %t = kiln.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x2xf32>) -> tensor<1x4x2x8xf32>
  %r = kiln.relu %t : (tensor<1x4x2x8xf32>) -> tensor<1x4x2x8xf32>
  %y = kiln.transpose %r {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x2x8xf32>) -> tensor<1x8x4x2xf32>
  return %y : tensor<1x8x4x2xf32>
}

// -----

// Two operands with the same permutation, then a constant operand that is
// brought to the other layout by an inverse transpose.
// CHECK-LABEL: func.func @binary
// CHECK: %[[A:.*]] = kiln.add %arg0, %arg1 : (tensor<2x3xf32>, tensor<2x3xf32>)
// CHECK: %[[CT:.*]] = kiln.transpose %{{.*}} {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
// CHECK: %[[M:.*]] = kiln.mul %[[A]], %[[CT]] : (tensor<2x3xf32>, tensor<2x3xf32>)
// CHECK-NOT: kiln.transpose
// CHECK: return %[[M]]
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %c = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %ta = kiln.transpose %a {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %tb = kiln.transpose %b {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %s = kiln.add %ta, %tb : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %m = kiln.mul %s, %c : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  %y = kiln.transpose %m {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Different permutations, a transpose with a second user, and a
// lower-rank operand (which broadcasts differently after the move) stay.
// CHECK-LABEL: func.func @must_not_sink
// CHECK-COUNT-4: kiln.transpose
func.func @must_not_sink(%a: tensor<2x3x4xf32>, %b: tensor<3x2x4xf32>, %v: tensor<2xf32>) -> (tensor<3x2x4xf32>, tensor<3x2x4xf32>, tensor<4x3x2xf32>, tensor<4x3x2xf32>) {
  %ta = kiln.transpose %a {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %s = kiln.add %ta, %b : (tensor<3x2x4xf32>, tensor<3x2x4xf32>) -> tensor<3x2x4xf32>
  %r = kiln.relu %ta : (tensor<3x2x4xf32>) -> tensor<3x2x4xf32>
  %t2 = kiln.transpose %a {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %t3 = kiln.transpose %b {perm = array<i64: 2, 0, 1>} : (tensor<3x2x4xf32>) -> tensor<4x3x2xf32>
  %d = kiln.sub %t2, %t3 : (tensor<4x3x2xf32>, tensor<4x3x2xf32>) -> tensor<4x3x2xf32>
  %t4 = kiln.transpose %a {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %e = kiln.mul %t4, %v : (tensor<4x3x2xf32>, tensor<2xf32>) -> tensor<4x3x2xf32>
  return %s, %r, %d, %e : tensor<3x2x4xf32>, tensor<3x2x4xf32>, tensor<4x3x2xf32>, tensor<4x3x2xf32>
}
