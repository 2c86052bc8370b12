// RUN: kiln-opt %s --split-input-file --kiln-cancel-transposes | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-cancel-transposes --kiln-fold-constants | FileCheck %s --check-prefix=FOLD

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

// Different permutations and a transpose with a second user stay.
// CHECK-LABEL: func.func @must_not_sink
// CHECK-COUNT-3: kiln.transpose
// CHECK-NOT: kiln.transpose
// A lower-rank operand broadcasts differently after the move: it is first
// reshaped to full rank ([2] -> [1, 1, 2]), then transposed ([2, 1, 1]).
// CHECK: %[[V:.*]] = kiln.reshape %arg2 : (tensor<2xf32>) -> tensor<1x1x2xf32>
// CHECK: %[[VT:.*]] = kiln.transpose %[[V]] {perm = array<i64: 2, 1, 0>} : (tensor<1x1x2xf32>) -> tensor<2x1x1xf32>
// CHECK: %[[E:.*]] = kiln.mul %arg0, %[[VT]] : (tensor<2x3x4xf32>, tensor<2x1x1xf32>) -> tensor<2x3x4xf32>
// CHECK: kiln.transpose %[[E]] {perm = array<i64: 2, 1, 0>}
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

// -----

// A pad moves below the transpose with its amounts permuted: output
// dimension i is input dimension perm[i]. Mode and value stay.
// CHECK-LABEL: func.func @pad_permuted
// CHECK-NEXT: %[[P:.*]] = kiln.pad %arg0 {mode = #kiln<pad_mode reflect>, pads = array<i64: 0, 1, 2, 0, 0, 3, 4, 0>} : (tensor<1x6x6x8xf32>) -> tensor<1x10x12x8xf32>
// CHECK-NEXT: return %[[P]]
func.func @pad_permuted(%x: tensor<1x6x6x8xf32>) -> tensor<1x10x12x8xf32> {
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x6x6x8xf32>) -> tensor<1x8x6x6xf32>
  %p = kiln.pad %t {pads = array<i64: 0, 0, 1, 2, 0, 0, 3, 4>, mode = #kiln<pad_mode reflect>}
      : (tensor<1x8x6x6xf32>) -> tensor<1x8x10x12xf32>
  %y = kiln.transpose %p {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x10x12xf32>) -> tensor<1x10x12x8xf32>
  return %y : tensor<1x10x12x8xf32>
}

// -----

// Squeeze-excitation: the NCHW scale [1, C, 1, 1] (and a rank-3 [C, 1, 1]
// one) takes the NHWC layout through a reshape and a transpose that moves
// only size-1 dimensions, so the feature map's transpose sinks and cancels.
// CHECK-LABEL: func.func @broadcast_scale
// CHECK: %[[S:.*]] = kiln.transpose %arg1 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x1x1xf32>) -> tensor<1x1x1x8xf32>
// CHECK: %[[M:.*]] = kiln.mul %[[S]], %arg0 : (tensor<1x1x1x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
// CHECK: %[[R:.*]] = kiln.reshape %arg2 : (tensor<8x1x1xf32>) -> tensor<1x8x1x1xf32>
// CHECK: %[[B:.*]] = kiln.transpose %[[R]] {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x1x1xf32>) -> tensor<1x1x1x8xf32>
// CHECK: %[[A:.*]] = kiln.add %[[M]], %[[B]] : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>) -> tensor<1x4x4x8xf32>
// CHECK-NEXT: return %[[A]]
func.func @broadcast_scale(%x: tensor<1x4x4x8xf32>, %s: tensor<1x8x1x1xf32>, %b: tensor<8x1x1xf32>) -> tensor<1x4x4x8xf32> {
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %m = kiln.mul %s, %t : (tensor<1x8x1x1xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %a = kiln.add %m, %b : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  %y = kiln.transpose %a {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

// Not moved: the other side is a full-size run-time tensor (moving the
// transpose onto it would copy as much data); the transpose that moves only
// size-1 dimensions is a reshape and stays put.
// CHECK-LABEL: func.func @binary_must_not_sink
// CHECK: %[[T:.*]] = kiln.transpose %arg0
// CHECK-NEXT: kiln.add %[[T]], %arg1
// CHECK: %[[U:.*]] = kiln.transpose %arg2
// CHECK-NEXT: kiln.mul %[[U]], %arg3
func.func @binary_must_not_sink(%x: tensor<1x4x4x8xf32>, %r: tensor<1x8x4x4xf32>,
                                %u: tensor<1x1x1x8xf32>, %v: tensor<1x8x1x1xf32>)
    -> (tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>) {
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %a = kiln.add %t, %r : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %tu = kiln.transpose %u {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x1x1x8xf32>) -> tensor<1x8x1x1xf32>
  %m = kiln.mul %tu, %v : (tensor<1x8x1x1xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x1x1xf32>
  return %a, %m : tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>
}

// -----

// Flatten into a fully-connected layer: reshape(transpose(x)) becomes
// reshape(x) and the constant weight's contraction index is permuted to x's
// element order (evaluated by constant folding; see FOLD below).
// CHECK-LABEL: func.func @flatten_gemm
// CHECK: %[[WS:.*]] = kiln.constant {{.*}} : tensor<3x2x2x2xf32>
// CHECK: %[[WT:.*]] = kiln.transpose %[[WS]] {perm = array<i64: 0, 2, 3, 1>} : (tensor<3x2x2x2xf32>) -> tensor<3x2x2x2xf32>
// CHECK: %[[WF:.*]] = kiln.reshape %[[WT]] : (tensor<3x2x2x2xf32>) -> tensor<3x8xf32>
// CHECK: %[[A:.*]] = kiln.reshape %arg0 : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
// CHECK: kiln.gemm %[[A]], %[[WF]] {trans_b = true}
// FOLD-LABEL: func.func @flatten_gemm
// FOLD: %[[W:.*]] = kiln.constant dense<{{\[\[}}0.000000e+00, 4.000000e+00, 1.000000e+00, 5.000000e+00, 2.000000e+00, 6.000000e+00, 3.000000e+00, 7.000000e+00], [8.{{.*}}]]> : tensor<3x8xf32>
// FOLD-NOT: kiln.transpose
// FOLD: %[[A:.*]] = kiln.reshape %arg0 : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
// FOLD: kiln.gemm %[[A]], %[[W]] {trans_b = true}
func.func @flatten_gemm(%x: tensor<1x2x2x2xf32>) -> tensor<1x3xf32> {
  %w = kiln.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
                            [8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0],
                            [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0]]> : tensor<3x8xf32>
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %f = kiln.reshape %t : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %y = kiln.gemm %f, %w {trans_b = true} : (tensor<1x8xf32>, tensor<3x8xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// The same through a matmul ([K, N] weight): the rows are permuted.
// CHECK-LABEL: func.func @flatten_matmul
// CHECK: %[[WS:.*]] = kiln.constant dense<1.000000e+00> : tensor<3x2x2x5xf32>
// CHECK: %[[WT:.*]] = kiln.transpose %[[WS]] {perm = array<i64: 1, 2, 0, 3>} : (tensor<3x2x2x5xf32>) -> tensor<2x2x3x5xf32>
// CHECK: %[[WF:.*]] = kiln.reshape %[[WT]] : (tensor<2x2x3x5xf32>) -> tensor<12x5xf32>
// CHECK: %[[A:.*]] = kiln.reshape %arg0 : (tensor<1x2x2x3xf32>) -> tensor<1x12xf32>
// CHECK: kiln.matmul %[[A]], %[[WF]]
func.func @flatten_matmul(%x: tensor<1x2x2x3xf32>) -> tensor<1x5xf32> {
  %w = kiln.constant dense<1.0> : tensor<12x5xf32>
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x2x2x3xf32>) -> tensor<1x3x2x2xf32>
  %f = kiln.reshape %t : (tensor<1x3x2x2xf32>) -> tensor<1x12xf32>
  %y = kiln.matmul %f, %w : (tensor<1x12xf32>, tensor<12x5xf32>) -> tensor<1x5xf32>
  return %y : tensor<1x5xf32>
}

// -----

// Not moved: a run-time weight (permuting it would cost a transpose per
// inference), and a reshape that folds the batch into the rows.
// CHECK-LABEL: func.func @flatten_must_not_move
// CHECK: %[[T:.*]] = kiln.transpose %arg0
// CHECK: %[[F:.*]] = kiln.reshape %[[T]]
// CHECK: kiln.gemm %[[F]], %arg1 {trans_b = true}
// CHECK: %[[T2:.*]] = kiln.transpose %arg2
// CHECK: %[[F2:.*]] = kiln.reshape %[[T2]]
// CHECK: kiln.gemm %[[F2]], %{{.*}} {trans_b = true}
func.func @flatten_must_not_move(%x: tensor<1x2x2x2xf32>, %w: tensor<3x8xf32>,
                                 %z: tensor<2x2x2x2xf32>) -> (tensor<1x3xf32>, tensor<8x3xf32>) {
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %f = kiln.reshape %t : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
  %y = kiln.gemm %f, %w {trans_b = true} : (tensor<1x8xf32>, tensor<3x8xf32>) -> tensor<1x3xf32>
  %c = kiln.constant dense<1.0> : tensor<3x2xf32>
  %t2 = kiln.transpose %z {perm = array<i64: 0, 3, 1, 2>} : (tensor<2x2x2x2xf32>) -> tensor<2x2x2x2xf32>
  %f2 = kiln.reshape %t2 : (tensor<2x2x2x2xf32>) -> tensor<8x2xf32>
  %y2 = kiln.gemm %f2, %c {trans_b = true} : (tensor<8x2xf32>, tensor<3x2xf32>) -> tensor<8x3xf32>
  return %y, %y2 : tensor<1x3xf32>, tensor<8x3xf32>
}

// -----

// A channel split: both slices of the NCHW view take NHWC slices (offsets,
// sizes and strides moved to dimension perm[i]) and the transposes move on.
// CHECK-LABEL: func.func @slices
// CHECK: %[[A:.*]] = kiln.slice %arg0 {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 4, 4, 4>, strides = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x4xf32>
// CHECK: kiln.transpose %[[A]] {perm = array<i64: 0, 3, 1, 2>}
// CHECK: %[[B:.*]] = kiln.slice %arg0 {offsets = array<i64: 0, 0, 1, 4>, sizes = array<i64: 1, 4, 3, 4>, strides = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x8xf32>) -> tensor<1x4x3x4xf32>
// CHECK: kiln.transpose %[[B]] {perm = array<i64: 0, 3, 1, 2>}
func.func @slices(%x: tensor<1x4x4x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x3xf32>) {
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %a = kiln.slice %t {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 4, 4, 4>, strides = array<i64: 1, 1, 1, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x4xf32>
  %b = kiln.slice %t {offsets = array<i64: 0, 4, 0, 1>, sizes = array<i64: 1, 4, 4, 3>, strides = array<i64: 1, 1, 1, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x3xf32>
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x4x3xf32>
}

// -----

// Not moved: a transpose that a slice and another op share.
// CHECK-LABEL: func.func @slice_must_not_sink
// CHECK: %[[T:.*]] = kiln.transpose %arg0
// CHECK: kiln.slice %[[T]]
func.func @slice_must_not_sink(%x: tensor<1x4x4x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x8x4x4xf32>) {
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %a = kiln.slice %t {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 4, 4, 4>, strides = array<i64: 1, 1, 1, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x4xf32>
  %r = kiln.relu %t : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %a, %r : tensor<1x4x4x4xf32>, tensor<1x8x4x4xf32>
}

// -----

// ShuffleNet's channel shuffle on an NHWC tensor viewed as NCHW: the channel
// split and the channel merge happen on the NHWC tensor (the inner transpose
// [0, 1, 2, 4, 3] is the shuffle itself), and one NHWC -> NCHW transpose is
// left at the end.
// CHECK-LABEL: func.func @channel_shuffle
// CHECK: %[[S:.*]] = kiln.reshape %arg0 : (tensor<1x4x4x6xf32>) -> tensor<1x4x4x2x3xf32>
// CHECK: %[[P:.*]] = kiln.transpose %[[S]] {perm = array<i64: 0, 1, 2, 4, 3>} : (tensor<1x4x4x2x3xf32>) -> tensor<1x4x4x3x2xf32>
// CHECK: %[[M:.*]] = kiln.reshape %[[P]] : (tensor<1x4x4x3x2xf32>) -> tensor<1x4x4x6xf32>
// CHECK: %[[Y:.*]] = kiln.transpose %[[M]] {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x6xf32>) -> tensor<1x6x4x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @channel_shuffle(%x: tensor<1x4x4x6xf32>) -> tensor<1x6x4x4xf32> {
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x6xf32>) -> tensor<1x6x4x4xf32>
  %s = kiln.reshape %t : (tensor<1x6x4x4xf32>) -> tensor<1x2x3x4x4xf32>
  %p = kiln.transpose %s {perm = array<i64: 0, 2, 1, 3, 4>} : (tensor<1x2x3x4x4xf32>) -> tensor<1x3x2x4x4xf32>
  %m = kiln.reshape %p : (tensor<1x3x2x4x4xf32>) -> tensor<1x6x4x4xf32>
  return %m : tensor<1x6x4x4xf32>
}

// -----

// Not moved: a flatten whose order needs the transpose (nothing would be
// left to sink), and a reshape that regroups across dimensions.
// CHECK-LABEL: func.func @reshape_must_not_sink
// CHECK: %[[T:.*]] = kiln.transpose %arg0 {perm = array<i64: 0, 3, 1, 2>}
// CHECK-NEXT: kiln.reshape %[[T]] : (tensor<1x6x4x4xf32>) -> tensor<1x96xf32>
// CHECK: %[[U:.*]] = kiln.transpose %arg1 {perm = array<i64: 1, 0>}
// CHECK-NEXT: kiln.reshape %[[U]] : (tensor<6x4xf32>) -> tensor<3x8xf32>
func.func @reshape_must_not_sink(%x: tensor<1x4x4x6xf32>, %y: tensor<4x6xf32>) -> (tensor<1x96xf32>, tensor<3x8xf32>) {
  %t = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x6xf32>) -> tensor<1x6x4x4xf32>
  %f = kiln.reshape %t : (tensor<1x6x4x4xf32>) -> tensor<1x96xf32>
  %u = kiln.transpose %y {perm = array<i64: 1, 0>} : (tensor<4x6xf32>) -> tensor<6x4xf32>
  %g = kiln.reshape %u : (tensor<6x4xf32>) -> tensor<3x8xf32>
  return %f, %g : tensor<1x96xf32>, tensor<3x8xf32>
}
