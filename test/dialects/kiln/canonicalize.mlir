// RUN: kiln-opt %s -split-input-file -canonicalize | FileCheck %s
// Folders and canonicalisation patterns of the kiln ops.

// CHECK-LABEL: func @identity_reshape
func.func @identity_reshape(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NOT: kiln.reshape
  // CHECK: return %arg0
  %0 = kiln.reshape %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reshape_chain
func.func @reshape_chain(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // CHECK: %[[R:.*]] = kiln.reshape %arg0 : (tensor<2x3xf32>) -> tensor<3x2xf32>
  // CHECK-NEXT: return %[[R]]
  %0 = kiln.reshape %x : (tensor<2x3xf32>) -> tensor<6xf32>
  %1 = kiln.reshape %0 : (tensor<6xf32>) -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func @reshape_of_constant
func.func @reshape_of_constant() -> tensor<2x2xf32> {
  // CHECK: kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
  // CHECK-NOT: kiln.reshape
  %0 = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %1 = kiln.reshape %0 : (tensor<4xf32>) -> tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func @transpose_roundtrip
func.func @transpose_roundtrip(%x: tensor<1x8x4x2xf32>) -> tensor<1x8x4x2xf32> {
  // CHECK-NOT: kiln.transpose
  // CHECK: return %arg0
  %0 = kiln.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x2xf32>) -> tensor<1x4x2x8xf32>
  %1 = kiln.transpose %0 {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x2x8xf32>) -> tensor<1x8x4x2xf32>
  return %1 : tensor<1x8x4x2xf32>
}

// -----

// CHECK-LABEL: func @transpose_compose
func.func @transpose_compose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  // CHECK: kiln.transpose %arg0 {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  // CHECK-NOT: kiln.transpose
  %0 = kiln.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %1 = kiln.transpose %0 {perm = array<i64: 2, 1, 0>} : (tensor<3x2x4xf32>) -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func @identity_transpose
func.func @identity_transpose(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: return %arg0
  %0 = kiln.transpose %x {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// The NHWC global pool's [N, 1, 1, C] back to NCHW moves no data: a reshape,
// which then merges with the flatten.
// CHECK-LABEL: func @transpose_of_unit_dims_is_reshape
func.func @transpose_of_unit_dims_is_reshape(%x: tensor<1x1x1x64xf32>) -> (tensor<1x64x1x1xf32>, tensor<1x64xf32>) {
  // CHECK-NOT: kiln.transpose
  // CHECK: %[[R:.*]] = kiln.reshape %arg0 : (tensor<1x1x1x64xf32>) -> tensor<1x64x1x1xf32>
  // CHECK: %[[F:.*]] = kiln.reshape %arg0 : (tensor<1x1x1x64xf32>) -> tensor<1x64xf32>
  // CHECK: return %[[R]], %[[F]]
  %0 = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x1x1x64xf32>) -> tensor<1x64x1x1xf32>
  %1 = kiln.reshape %0 : (tensor<1x64x1x1xf32>) -> tensor<1x64xf32>
  return %0, %1 : tensor<1x64x1x1xf32>, tensor<1x64xf32>
}

// -----

// Two dimensions larger than 1 swap places: data moves, the transpose stays.
// CHECK-LABEL: func @transpose_moving_data_stays
func.func @transpose_moving_data_stays(%x: tensor<1x1x4x64xf32>) -> tensor<1x64x1x4xf32> {
  // CHECK: kiln.transpose %arg0 {perm = array<i64: 0, 3, 1, 2>}
  // CHECK-NOT: kiln.reshape
  %0 = kiln.transpose %x {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x1x4x64xf32>) -> tensor<1x64x1x4xf32>
  return %0 : tensor<1x64x1x4xf32>
}

// -----

// A per-axis quantised tensor names its channel dimension: no reshape.
// CHECK-LABEL: func @per_axis_transpose_stays
func.func @per_axis_transpose_stays(%x: tensor<4x1x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>) -> tensor<1x1x1x4x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>> {
  // CHECK: kiln.transpose
  %0 = kiln.transpose %x {perm = array<i64: 1, 2, 3, 0>} : (tensor<4x1x1x1x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>) -> tensor<1x1x1x4x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>
  return %0 : tensor<1x1x1x4x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>
}

// -----

// CHECK-LABEL: func @add_zero_mul_one
func.func @add_zero_mul_one(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NOT: kiln.add
  // CHECK-NOT: kiln.mul
  // CHECK: return %arg0
  %z = kiln.constant dense<0.0> : tensor<3xf32>
  %o = kiln.constant dense<1.0> : tensor<1xf32>
  %0 = kiln.add %x, %z : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = kiln.mul %0, %o : (tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// The add broadcasts %x up, so it is not an identity and must stay.
// CHECK-LABEL: func @add_zero_that_broadcasts
func.func @add_zero_that_broadcasts(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: kiln.add
  %z = kiln.constant dense<0.0> : tensor<2x3xf32>
  %0 = kiln.add %x, %z : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @add_nonzero
func.func @add_nonzero(%x: tensor<3xf32>) -> tensor<3xf32> {
  // CHECK: kiln.add
  %c = kiln.constant dense<0.5> : tensor<3xf32>
  %0 = kiln.add %x, %c : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @single_concat_whole_slice_same_cast
func.func @single_concat_whole_slice_same_cast(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NOT: kiln.concat
  // CHECK-NOT: kiln.slice
  // CHECK-NOT: kiln.cast
  // CHECK: return %arg0
  %0 = kiln.concat %x {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = kiln.slice %0 {offsets = array<i64: 0, 0>, sizes = array<i64: 2, 3>,
                      strides = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = kiln.cast %1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %2 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @partial_slice_stays
func.func @partial_slice_stays(%x: tensor<4xf32>) -> tensor<2xf32> {
  // CHECK: kiln.slice
  %0 = kiln.slice %x {offsets = array<i64: 3>, sizes = array<i64: 2>, strides = array<i64: -1>}
      : (tensor<4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// x * hard_sigmoid(x) with HardSwish's alpha and beta is hard_swish(x);
// another alpha, or a gate on another value, stays a mul.
// CHECK-LABEL: func @hard_swish_from_hard_sigmoid
func.func @hard_swish_from_hard_sigmoid(%x: tensor<1x8xf32>, %y: tensor<1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>) {
  // CHECK: %[[S:.*]] = kiln.hard_swish %arg0
  // CHECK: %[[A:.*]] = kiln.mul %arg0, %{{.*}}
  // CHECK: %[[B:.*]] = kiln.mul %arg1, %{{.*}}
  // CHECK: return %[[S]], %[[A]], %[[B]]
  %g = kiln.hard_sigmoid %x {alpha = 0.166666672 : f32, beta = 5.000000e-01 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %0 = kiln.mul %g, %x : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %h = kiln.hard_sigmoid %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %1 = kiln.mul %x, %h : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %2 = kiln.mul %y, %g : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  return %0, %1, %2 : tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>
}
