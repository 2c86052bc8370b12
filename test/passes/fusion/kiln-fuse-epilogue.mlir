// RUN: kiln-opt %s --split-input-file --kiln-fuse-epilogue | FileCheck %s

// Bias add, residual add and relu all land in the conv.
// CHECK-LABEL: func.func @conv_bias_residual_relu
// CHECK: %[[B:.*]] = kiln.constant dense<[1.500000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = kiln.conv2d %arg0, %arg1 bias(%[[B]]) residual(%arg2) {activation = #kiln<activation relu>}
// CHECK-NEXT: return %[[Y]]
func.func @conv_bias_residual_relu(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %r: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %b = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %c = kiln.constant dense<[[[0.5]], [[0.0]]]> : tensor<2x1x1xf32>
  %0 = kiln.conv2d %x, %w bias(%b) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.add %c, %0 : (tensor<2x1x1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = kiln.add %r, %1 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %3 = kiln.relu %2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %3 : tensor<1x2x4x4xf32>
}

// -----

// The residual is defined after the conv: the fused conv moves below it.
// CHECK-LABEL: func.func @residual_defined_later
// CHECK: %[[R:.*]] = kiln.sigmoid %arg2
// CHECK: kiln.conv2d %arg0, %arg1 residual(%[[R]])
func.func @residual_defined_later(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %y: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = kiln.sigmoid %y : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.add %0, %r : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// clip, leaky_relu and hard_sigmoid keep their parameters; sub becomes a
// negated bias; gemm and matmul take activations too.
// CHECK-LABEL: func.func @parameters
// CHECK: kiln.conv2d %arg0, %arg1 bias(%{{.*}}) {activation = #kiln<activation clip>, activation_params = array<f32: 0.000000e+00, 6.000000e+00>}
// CHECK: kiln.gemm %arg2, %arg3 {activation = #kiln<activation leaky_relu>, activation_params = array<f32: 2.000000e-01>}
// CHECK: kiln.matmul %arg2, %arg3 {activation = #kiln<activation hard_sigmoid>, activation_params = array<f32: 2.500000e-01, 5.000000e-01>}
func.func @parameters(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> (tensor<1x2x4x4xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
  %c = kiln.constant dense<1.0> : tensor<f32>
  %0 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.sub %0, %c : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %2 = kiln.clip %1 {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %3 = kiln.gemm %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %4 = kiln.leaky_relu %3 {alpha = 0.2 : f32} : (tensor<3x5xf32>) -> tensor<3x5xf32>
  %5 = kiln.matmul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %6 = kiln.hard_sigmoid %5 {alpha = 0.25 : f32} : (tensor<3x5xf32>) -> tensor<3x5xf32>
  return %2, %4, %6 : tensor<1x2x4x4xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}

// -----

// CHECK-LABEL: func.func @sub_bias_value
// CHECK: kiln.constant dense<-1.000000e+00> : tensor<2xf32>
func.func @sub_bias_value(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %c = kiln.constant dense<1.0> : tensor<f32>
  %0 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.sub %0, %c : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Negative cases: two users, an activation already fused, a constant that
// varies along W (not per channel), c - conv (not conv - c).
// CHECK-LABEL: func.func @must_not_fuse
// CHECK: kiln.relu
// CHECK: kiln.sigmoid
// CHECK: kiln.add
// CHECK: kiln.sub
func.func @must_not_fuse(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %0 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.relu %0 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = kiln.conv2d %x, %w {activation = #kiln<activation relu>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = kiln.sigmoid %2 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %4 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %5 = kiln.add %4, %c : (tensor<1x2x4x4xf32>, tensor<4xf32>) -> tensor<1x2x4x4xf32>
  %d = kiln.constant dense<1.0> : tensor<f32>
  %6 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %7 = kiln.sub %d, %6 : (tensor<f32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %0, %1, %3, %5, %7 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// An add that broadcasts the conv result to a larger shape is not a residual.
// CHECK-LABEL: func.func @broadcasting_residual
// CHECK: kiln.add
func.func @broadcasting_residual(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %r: tensor<3x2x4x4xf32>) -> tensor<3x2x4x4xf32> {
  %0 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.add %0, %r : (tensor<1x2x4x4xf32>, tensor<3x2x4x4xf32>) -> tensor<3x2x4x4xf32>
  return %1 : tensor<3x2x4x4xf32>
}

// -----

// SiLU, x * sigmoid(x), lands in conv2d (after its bias), gemm and matmul in
// either operand order.
// CHECK-LABEL: func.func @silu
// CHECK: %[[C:.*]] = kiln.conv2d %arg0, %arg1 bias(%{{.*}}) {activation = #kiln<activation silu>}
// CHECK: %[[G:.*]] = kiln.gemm %arg2, %arg3 {activation = #kiln<activation silu>}
// CHECK: %[[M:.*]] = kiln.matmul %arg2, %arg3 {activation = #kiln<activation silu>}
// CHECK-NOT: kiln.sigmoid
// CHECK-NOT: kiln.mul
// CHECK: return %[[C]], %[[G]], %[[M]]
func.func @silu(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> (tensor<1x2x4x4xf32>, tensor<3x5xf32>, tensor<3x5xf32>) {
  %bias = kiln.constant dense<[[[0.5]], [[1.0]]]> : tensor<2x1x1xf32>
  %0 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.add %0, %bias : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %2 = kiln.sigmoid %1 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %3 = kiln.mul %1, %2 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %4 = kiln.gemm %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %5 = kiln.sigmoid %4 : (tensor<3x5xf32>) -> tensor<3x5xf32>
  %6 = kiln.mul %5, %4 : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  %7 = kiln.matmul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  %8 = kiln.sigmoid %7 : (tensor<3x5xf32>) -> tensor<3x5xf32>
  %9 = kiln.mul %7, %8 : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return %3, %6, %9 : tensor<1x2x4x4xf32>, tensor<3x5xf32>, tensor<3x5xf32>
}

// -----

// Not SiLU of a fusable producer: the sigmoid has another user; the conv has
// a third user; the mul multiplies the sigmoid of another value; the conv
// already has an activation. Every sigmoid and mul stays.
// CHECK-LABEL: func.func @silu_must_not_fuse
// CHECK: kiln.conv2d %arg0, %arg1 :
// CHECK-NEXT: kiln.sigmoid
// CHECK-NEXT: kiln.mul
// CHECK-NEXT: kiln.conv2d %arg0, %arg1 :
// CHECK-NEXT: kiln.sigmoid
// CHECK-NEXT: kiln.mul
// CHECK-NEXT: kiln.conv2d %arg0, %arg1 :
// CHECK-NEXT: kiln.sigmoid %arg2
// CHECK-NEXT: kiln.mul
// CHECK-NEXT: kiln.conv2d %arg0, %arg1 {activation = #kiln<activation tanh>}
// CHECK-NEXT: kiln.sigmoid
// CHECK-NEXT: kiln.mul
func.func @silu_must_not_fuse(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %y: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %c0 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s0 = kiln.sigmoid %c0 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %m0 = kiln.mul %c0, %s0 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c1 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s1 = kiln.sigmoid %c1 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %m1 = kiln.mul %c1, %s1 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c2 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s2 = kiln.sigmoid %y : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %m2 = kiln.mul %c2, %s2 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c3 = kiln.conv2d %x, %w {activation = #kiln<activation tanh>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s3 = kiln.sigmoid %c3 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %m3 = kiln.mul %c3, %s3 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %s0, %m0, %m1, %c1, %m2, %m3 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// NHWC: the bias runs along dimension 3; a constant along dimension 1 (the
// rows) is not a bias.
// CHECK-LABEL: func.func @nhwc_bias
// CHECK: %[[B:.*]] = kiln.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = kiln.conv2d %arg0, %arg1 bias(%[[B]]) {layout = #kiln<layout nhwc>}
// CHECK: kiln.conv2d %arg0, %arg1 {layout = #kiln<layout nhwc>}
// CHECK: kiln.add
func.func @nhwc_bias(%x: tensor<1x2x2x2xf32>, %w: tensor<1x1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %b = kiln.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %rows = kiln.constant dense<[[[0.5]], [[2.0]]]> : tensor<2x1x1xf32>
  %0 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %1 = kiln.add %0, %b : (tensor<1x2x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %2 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %3 = kiln.add %2, %rows : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %1, %3 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
