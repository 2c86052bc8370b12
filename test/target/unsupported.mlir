// Every op without a lowering is reported in one go, by name and location,
// and nothing is written.
// RUN: rm -rf %t && not kiln compile %s -o %t 2>&1 | FileCheck %s
// RUN: not ls %t

// CHECK: unsupported.mlir:[[@LINE+6]]:{{.*}} no code generation for 'kiln.split'
// CHECK: unsupported.mlir:[[@LINE+6]]:{{.*}} no code generation for 'kiln.resize'
// CHECK: unsupported.mlir:[[@LINE+6]]:{{.*}} no code generation for 'kiln.relu' on non-f32 tensors
// CHECK: kiln compile: error: code generation failed for
func.func @main(%x: tensor<1x2x4x4xf32>, %i: tensor<4xi32>) -> (tensor<1x1x4x4xf32>, tensor<1x2x8x8xf32>, tensor<4xi32>) {
  %r = kiln.relu %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c, %c2 = kiln.split %r {axis = 1 : i64, sizes = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>)
  %u = kiln.resize %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x8x8xf32>
  %f = kiln.relu %i : (tensor<4xi32>) -> tensor<4xi32>
  return %c, %u, %f : tensor<1x1x4x4xf32>, tensor<1x2x8x8xf32>, tensor<4xi32>
}
