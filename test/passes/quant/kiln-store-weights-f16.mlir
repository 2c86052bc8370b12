// RUN: kiln-opt %s --split-input-file --kiln-store-weights-f16 | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-store-weights-f16="kiln-min-elements=5" | FileCheck %s --check-prefix=MIN

// Conv filter and transposed gemm weights become f16 constants widened by a
// kiln.cast; biases stay f32. 0.1 rounds to the nearest half, 0.0999755859375.

// CHECK-LABEL: func @net
// CHECK: %[[H:.*]] = kiln.constant dense<{{\[\[\[\[}}1.000000e+00, -2.500000e+00], [9.997550e-02, 0.000000e+00]]]]> : tensor<1x1x2x2xf16>
// CHECK: %[[W:.*]] = kiln.cast %[[H]] : (tensor<1x1x2x2xf16>) -> tensor<1x1x2x2xf32>
// CHECK: kiln.conv2d %{{.*}}, %[[W]] bias(%{{.*}}) : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>)
// CHECK: %[[GH:.*]] = kiln.constant dense<{{.*}}> : tensor<2x4xf16>
// CHECK: %[[GW:.*]] = kiln.cast %[[GH]] : (tensor<2x4xf16>) -> tensor<2x4xf32>
// CHECK: kiln.gemm %{{.*}}, %[[GW]], %{{.*}} {trans_b = true} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>)

// With kiln-min-elements=5 the 4-element filter stays f32, the 8-element
// gemm weights do not.
// MIN-LABEL: func @net
// MIN: kiln.conv2d %{{.*}}, %{{.*}} bias(%{{.*}}) : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>
// MIN: kiln.cast {{.*}} : (tensor<2x4xf16>) -> tensor<2x4xf32>
func.func @net(%x: tensor<1x1x3x3xf32>) -> tensor<1x2xf32> {
  %w = kiln.constant dense<[[[[1.0, -2.5], [0.1, 0.0]]]]> : tensor<1x1x2x2xf32>
  %b = kiln.constant dense<[0.5]> : tensor<1xf32>
  %c = kiln.conv2d %x, %w bias(%b) : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %r = kiln.reshape %c : (tensor<1x1x2x2xf32>) -> tensor<1x4xf32>
  %gw = kiln.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %gb = kiln.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %g = kiln.gemm %r, %gw, %gb {trans_b = true} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %g : tensor<1x2xf32>
}

// -----

// Weights that are not constants (an activation times an activation) and
// weights already in another type are left alone.
// CHECK-LABEL: func @not_weights
// CHECK-NOT: f16
// CHECK: kiln.matmul %arg0, %arg1
// CHECK-NEXT: %[[K:.*]] = kiln.cast %arg2 : (tensor<2x2xi8>) -> tensor<2x2xf32>
// CHECK-NEXT: kiln.matmul %{{.*}}, %[[K]] : (tensor<2x2xf32>, tensor<2x2xf32>)
// CHECK-NOT: f16
// CHECK: return
func.func @not_weights(%a: tensor<2x2xf32>, %b: tensor<2x2xf32>, %q: tensor<2x2xi8>) -> tensor<2x2xf32> {
  %m = kiln.matmul %a, %b : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %k = kiln.cast %q : (tensor<2x2xi8>) -> tensor<2x2xf32>
  %n = kiln.matmul %m, %k : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %n : tensor<2x2xf32>
}
