// RUN: kiln-opt %s --split-input-file --kiln-fold-batch-norm | FileCheck %s

// s = gamma / sqrt(var) = [1, 0.5]; shift = beta - s * mean = [-0.5, 0].
// CHECK-LABEL: func.func @conv_bn
// CHECK-DAG: %[[W:.*]] = kiln.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}1.500000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = kiln.constant dense<[-5.000000e-01, 0.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = kiln.conv2d %arg0, %[[W]] bias(%[[B]])
// CHECK-NOT: kiln.batch_norm
// CHECK: return %[[Y]]
func.func @conv_bn(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = kiln.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %g = kiln.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %b = kiln.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %m = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %v = kiln.constant dense<[4.0, 36.0]> : tensor<2xf32>
  %c = kiln.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.batch_norm %c, %g, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// An existing bias is scaled and shifted: b' = s * (b - mean) + beta.
// CHECK-LABEL: func.func @conv_bias_bn
// CHECK-DAG: kiln.constant dense<[5.000000e-01, 1.000000e+00]> : tensor<2xf32>
// CHECK: kiln.conv2d %arg0, %{{.*}} bias(%{{.*}})
// CHECK-NOT: kiln.batch_norm
func.func @conv_bias_bn(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = kiln.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %cb = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %g = kiln.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %b = kiln.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %m = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %v = kiln.constant dense<[4.0, 36.0]> : tensor<2xf32>
  %c = kiln.conv2d %x, %w bias(%cb) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.batch_norm %c, %g, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// gemm with trans_b: rows of B are the output columns; beta * C folds in.
// CHECK-LABEL: func.func @gemm_bn
// CHECK-DAG: %[[B:.*]] = kiln.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [5.000000e-01, 5.000000e-01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = kiln.constant dense<[1.500000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: kiln.gemm %arg0, %[[B]], %[[C]] {trans_b = true}
// CHECK-NOT: kiln.batch_norm
func.func @gemm_bn(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = kiln.constant dense<[[1.0, 2.0], [1.0, 1.0]]> : tensor<2x2xf32>
  %c = kiln.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %g = kiln.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %b = kiln.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %m = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %v = kiln.constant dense<[4.0, 36.0]> : tensor<2xf32>
  %y0 = kiln.gemm %x, %w, %c {trans_b = true, beta = 2.0 : f32} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %y = kiln.batch_norm %y0, %g, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// The conv result has a second user: folding would change it.
// CHECK-LABEL: func.func @conv_two_users
// CHECK: kiln.batch_norm
func.func @conv_two_users(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = kiln.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %p = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %c = kiln.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.batch_norm %c, %p, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Weights that are a function argument cannot be rewritten.
// CHECK-LABEL: func.func @dynamic_weights
// CHECK: kiln.batch_norm
func.func @dynamic_weights(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %p = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %c = kiln.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.batch_norm %c, %p, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A fused relu runs before the BN, so the BN cannot move into the weights.
// CHECK-LABEL: func.func @activation_fused
// CHECK: kiln.batch_norm
func.func @activation_fused(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = kiln.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %p = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %c = kiln.conv2d %x, %w {activation = #kiln<activation relu>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.batch_norm %c, %p, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// batch_norm normalises dimension 1, an NHWC conv's rows: not folded.
// CHECK-LABEL: func.func @nhwc_conv_bn
// CHECK: kiln.batch_norm
func.func @nhwc_conv_bn(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = kiln.constant dense<1.0> : tensor<1x1x2x2xf32>
  %p = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %c = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %y = kiln.batch_norm %c, %p, %p, %p, %p : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
