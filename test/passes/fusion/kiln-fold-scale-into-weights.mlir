// RUN: kiln-opt %s --split-input-file --kiln-fold-scale-into-weights | FileCheck %s

// W'[m] = s[m] W[m], b' = s b.
// CHECK-LABEL: func.func @scale
// CHECK-DAG: %[[W:.*]] = kiln.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}1.500000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = kiln.constant dense<[2.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = kiln.conv2d %arg0, %[[W]] bias(%[[B]])
// CHECK-NEXT: return %[[Y]]
func.func @scale(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = kiln.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %b = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %s = kiln.constant dense<[[[2.0]], [[0.5]]]> : tensor<2x1x1xf32>
  %c = kiln.conv2d %x, %w bias(%b) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.mul %s, %c : (tensor<2x1x1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Through a fused relu the scale would not commute (negative s); a scale
// along W is not per channel; non-constant weights; a second user.
// CHECK-LABEL: func.func @must_not_fold
// CHECK-COUNT-4: kiln.mul
func.func @must_not_fold(%x: tensor<1x1x4x4xf32>, %wd: tensor<2x1x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = kiln.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %s = kiln.constant dense<[[[-2.0]], [[0.5]]]> : tensor<2x1x1xf32>
  %sw = kiln.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = kiln.conv2d %x, %w {activation = #kiln<activation relu>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.mul %0, %s : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %2 = kiln.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = kiln.mul %2, %sw : (tensor<1x2x4x4xf32>, tensor<4xf32>) -> tensor<1x2x4x4xf32>
  %4 = kiln.conv2d %x, %wd : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %5 = kiln.mul %4, %s : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %6 = kiln.conv2d %x, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %7 = kiln.mul %6, %s : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %1, %3, %5, %7, %6 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// gemm: B's columns (rows with trans_b) and beta * C scale by s along N.
// y = (x B^T + 2 * c) * s, B = [[1, 2], [3, 4]], c = [1, -1], s = [2, 0.5].
// CHECK-LABEL: func.func @scale_gemm
// CHECK-DAG: %[[B:.*]] = kiln.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [1.500000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.*]] = kiln.constant dense<[4.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = kiln.gemm %arg0, %[[B]], %[[C]] {trans_b = true}
// CHECK-NEXT: return %[[Y]]
func.func @scale_gemm(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %b = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %c = kiln.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %s = kiln.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %g = kiln.gemm %x, %b, %c {beta = 2.0 : f32, trans_b = true} : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %y = kiln.mul %g, %s : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// gemm: a scale along M (rows) is not per column; a fused activation; a
// non-constant B.
// CHECK-LABEL: func.func @gemm_must_not_fold
// CHECK-COUNT-3: kiln.mul
func.func @gemm_must_not_fold(%x: tensor<3x2xf32>, %bd: tensor<2x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %b = kiln.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %rows = kiln.constant dense<[[1.0], [2.0], [3.0]]> : tensor<3x1xf32>
  %s = kiln.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %0 = kiln.gemm %x, %b : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %1 = kiln.mul %0, %rows : (tensor<3x2xf32>, tensor<3x1xf32>) -> tensor<3x2xf32>
  %2 = kiln.gemm %x, %b {activation = #kiln<activation relu>} : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %3 = kiln.mul %2, %s : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %4 = kiln.gemm %x, %bd : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %5 = kiln.mul %4, %s : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %1, %3, %5 : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}

// -----

// NHWC: the scale runs along dimension 3 and the HWIO filter's innermost
// (M) dimension: W'[h, w, c, m] = s[m] W[h, w, c, m].
// CHECK-LABEL: func.func @scale_nhwc
// CHECK-DAG: %[[W:.*]] = kiln.constant dense<{{\[\[\[\[}}2.000000e+00, 1.000000e+00], [6.000000e+00, 2.000000e+00]]]]> : tensor<1x1x2x2xf32>
// CHECK: %[[Y:.*]] = kiln.conv2d %arg0, %[[W]] {layout = #kiln<layout nhwc>}
// CHECK-NEXT: return %[[Y]]
func.func @scale_nhwc(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = kiln.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>
  %s = kiln.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %c = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x4x4x2xf32>
  %y = kiln.mul %c, %s : (tensor<1x4x4x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// NHWC: a scale along dimension 1 (the rows) is not per channel.
// CHECK-LABEL: func.func @nhwc_rows_not_channels
// CHECK: kiln.mul
func.func @nhwc_rows_not_channels(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = kiln.constant dense<1.0> : tensor<1x1x2x2xf32>
  %s = kiln.constant dense<[[[2.0]], [[0.5]]]> : tensor<2x1x1xf32>
  %c = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %y = kiln.mul %c, %s : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A packed filter [G, P, kH, kW, C/G, NR] (kiln-pack-filters) has panel
// columns, not channels, in its last dimension: the scale stays a mul.
// CHECK-LABEL: func.func @packed_filter
// CHECK: %[[C:.*]] = kiln.conv2d %arg0, %{{.*}} {layout = #kiln<layout nhwc>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x1x2x4xf32>) -> tensor<1x4x4x3xf32>
// CHECK: kiln.mul %[[C]], %{{.*}}
func.func @packed_filter(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = kiln.constant dense<[[[[[[1.0, 2.0, 3.0, 0.0], [4.0, 5.0, 6.0, 0.0]]]]]]> : tensor<1x1x1x1x2x4xf32>
  %s = kiln.constant dense<[[[[2.0, 3.0, 4.0]]]]> : tensor<1x1x1x3xf32>
  %c = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x1x2x4xf32>) -> tensor<1x4x4x3xf32>
  %y = kiln.mul %c, %s : (tensor<1x4x4x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}
