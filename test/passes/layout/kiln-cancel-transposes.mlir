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

// -----

// Axis attributes follow the permutation: a softmax over NHWC's channels
// (axis 3) is a softmax over NCHW's axis 1, and the transposes cancel.
// CHECK-LABEL: func.func @softmax_axis
// CHECK-NEXT: %[[S:.*]] = kiln.softmax %arg0 {axis = 1 : i64} : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
// CHECK-NEXT: return %[[S]]
func.func @softmax_axis(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %t = kiln.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  %s = kiln.softmax %t {axis = -1 : i64} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %y = kiln.transpose %s {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// -----

// A spatial mean in NHWC (axes 1, 2) is axes 2, 3 in NCHW; without keepdims
// the remaining transpose permutes only the kept dimensions.
// CHECK-LABEL: func.func @reduce_axes
// CHECK-NEXT: %[[K:.*]] = kiln.reduce_mean %arg0 {axes = array<i64: 2, 3>} : (tensor<1x8x4x5xf32>) -> tensor<1x8x1x1xf32>
// CHECK-NEXT: %[[D:.*]] = kiln.reduce_max %arg0 {axes = array<i64: 1>, keepdims = false} : (tensor<1x8x4x5xf32>) -> tensor<1x4x5xf32>
// CHECK-NEXT: return %[[K]], %[[D]]
func.func @reduce_axes(%x: tensor<1x8x4x5xf32>) -> (tensor<1x8x1x1xf32>, tensor<1x4x5xf32>) {
  %t = kiln.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x5xf32>) -> tensor<1x4x5x8xf32>
  %m = kiln.reduce_mean %t {axes = array<i64: 1, 2>} : (tensor<1x4x5x8xf32>) -> tensor<1x1x1x8xf32>
  %y = kiln.transpose %m {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x1x1x8xf32>) -> tensor<1x8x1x1xf32>
  %t2 = kiln.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x5xf32>) -> tensor<1x4x5x8xf32>
  %d = kiln.reduce_max %t2 {axes = array<i64: 3>, keepdims = false} : (tensor<1x4x5x8xf32>) -> tensor<1x4x5xf32>
  return %y, %d : tensor<1x8x1x1xf32>, tensor<1x4x5xf32>
}

// -----

// A channel concat of two NHWC tensors is a concat along NCHW's axis 1.
// CHECK-LABEL: func.func @concat_axis
// CHECK-NEXT: %[[C:.*]] = kiln.concat %arg0, %arg1 {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x10x4x4xf32>
// CHECK-NEXT: return %[[C]]
func.func @concat_axis(%a: tensor<1x8x4x4xf32>, %b: tensor<1x2x4x4xf32>) -> tensor<1x10x4x4xf32> {
  %ta = kiln.transpose %a {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  %tb = kiln.transpose %b {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %c = kiln.concat %ta, %tb {axis = 3 : i64} : (tensor<1x4x4x8xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x10xf32>
  %y = kiln.transpose %c {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x10xf32>) -> tensor<1x10x4x4xf32>
  return %y : tensor<1x10x4x4xf32>
}

// -----

// Not moved: a concat with an input that is not transposed; a softmax over a
// transpose that has another user.
// CHECK-LABEL: func.func @axis_ops_must_not_move
// CHECK: kiln.transpose %arg0
// CHECK-NEXT: kiln.concat %{{.*}}, %arg1 {axis = 3 : i64}
// CHECK: kiln.softmax %{{.*}} : (tensor<1x4x4x8xf32>)
func.func @axis_ops_must_not_move(%a: tensor<1x8x4x4xf32>, %b: tensor<1x4x4x2xf32>) -> (tensor<1x4x4x10xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
  %ta = kiln.transpose %a {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  %c = kiln.concat %ta, %b {axis = 3 : i64} : (tensor<1x4x4x8xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x10xf32>
  %s = kiln.softmax %ta {axis = -1 : i64} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %c, %s, %ta : tensor<1x4x4x10xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
}
