// RUN: kiln-opt %s --split-input-file --kiln-fuse-matmul-add | FileCheck %s

// CHECK-LABEL: func.func @rank2
// CHECK: %[[Y:.*]] = kiln.gemm %arg0, %arg1, %arg2 : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
// CHECK-NEXT: return %[[Y]]
func.func @rank2(%a: tensor<16x64xf32>, %b: tensor<64x32xf32>, %c: tensor<32xf32>) -> tensor<16x32xf32> {
  %m = kiln.matmul %a, %b : (tensor<16x64xf32>, tensor<64x32xf32>) -> tensor<16x32xf32>
  %y = kiln.add %c, %m : (tensor<32xf32>, tensor<16x32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// -----

// A batched lhs is flattened into rows; the reshapes alias in memory.
// CHECK-LABEL: func.func @batched_lhs
// CHECK: %[[A:.*]] = kiln.reshape %arg0 : (tensor<2x8x64xf32>) -> tensor<16x64xf32>
// CHECK: %[[C:.*]] = kiln.reshape %arg2 : (tensor<1x1x32xf32>) -> tensor<32xf32>
// CHECK: %[[G:.*]] = kiln.gemm %[[A]], %arg1, %[[C]]
// CHECK: kiln.reshape %[[G]] : (tensor<16x32xf32>) -> tensor<2x8x32xf32>
func.func @batched_lhs(%a: tensor<2x8x64xf32>, %b: tensor<64x32xf32>, %c: tensor<1x1x32xf32>) -> tensor<2x8x32xf32> {
  %m = kiln.matmul %a, %b : (tensor<2x8x64xf32>, tensor<64x32xf32>) -> tensor<2x8x32xf32>
  %y = kiln.add %m, %c : (tensor<2x8x32xf32>, tensor<1x1x32xf32>) -> tensor<2x8x32xf32>
  return %y : tensor<2x8x32xf32>
}

// -----

// Not a row bias (varies along M), a batched rhs, two users, a fused
// activation: none of these is a gemm bias.
// CHECK-LABEL: func.func @must_not_fuse
// CHECK-NOT: kiln.gemm
func.func @must_not_fuse(%a: tensor<16x64xf32>, %b: tensor<64x32xf32>, %c: tensor<16x1xf32>, %a3: tensor<2x16x64xf32>, %b3: tensor<2x64x32xf32>, %r: tensor<32xf32>) -> (tensor<16x32xf32>, tensor<2x16x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>) {
  %m0 = kiln.matmul %a, %b : (tensor<16x64xf32>, tensor<64x32xf32>) -> tensor<16x32xf32>
  %y0 = kiln.add %m0, %c : (tensor<16x32xf32>, tensor<16x1xf32>) -> tensor<16x32xf32>
  %m1 = kiln.matmul %a3, %b3 : (tensor<2x16x64xf32>, tensor<2x64x32xf32>) -> tensor<2x16x32xf32>
  %y1 = kiln.add %m1, %r : (tensor<2x16x32xf32>, tensor<32xf32>) -> tensor<2x16x32xf32>
  %m2 = kiln.matmul %a, %b : (tensor<16x64xf32>, tensor<64x32xf32>) -> tensor<16x32xf32>
  %y2 = kiln.add %m2, %r : (tensor<16x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  %m3 = kiln.matmul %a, %b {activation = #kiln<activation relu>} : (tensor<16x64xf32>, tensor<64x32xf32>) -> tensor<16x32xf32>
  %y3 = kiln.add %m3, %r : (tensor<16x32xf32>, tensor<32xf32>) -> tensor<16x32xf32>
  return %y0, %y1, %y2, %m2, %y3 : tensor<16x32xf32>, tensor<2x16x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>
}
