// RUN: kiln-opt %s --split-input-file --kiln-remove-identities | FileCheck %s

// CHECK-LABEL: func.func @identities
// CHECK-NEXT: return %arg0
func.func @identities(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %zero = kiln.constant dense<0.0> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<1xf32>
  %0 = kiln.pad %x {pads = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.clip %0 {min = 0xFF800000 : f32, max = 0x7F800000 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = kiln.expand %1 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %3 = kiln.split %2 {axis = 1 : i64, sizes = array<i64: 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %4 = kiln.max_pool2d %3 {kernel = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %5 = kiln.avg_pool2d %4 {kernel = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %6 = kiln.sub %5, %zero : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %7 = kiln.div %6, %one : (tensor<1x2x4x4xf32>, tensor<1xf32>) -> tensor<1x2x4x4xf32>
  %8 = kiln.reshape %7 : (tensor<1x2x4x4xf32>) -> tensor<2x16xf32>
  %9 = kiln.reshape %8 : (tensor<2x16xf32>) -> tensor<1x2x4x4xf32>
  %10 = kiln.transpose %9 {perm = array<i64: 0, 1, 2, 3>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %11 = kiln.cast %10 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %11 : tensor<1x2x4x4xf32>
}

// -----

// Not identities: a real pad, a finite clip (clips infinities), a strided
// 1x1 pool, x - 1, a broadcasting x / 1.
// CHECK-LABEL: func.func @not_identities
// CHECK: kiln.pad
// CHECK: kiln.clip
// CHECK: kiln.max_pool2d
// CHECK: kiln.sub
// CHECK: kiln.div
func.func @not_identities(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x6x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>, tensor<3x1x2x4x4xf32>) {
  %one = kiln.constant dense<1.0> : tensor<f32>
  %ones = kiln.constant dense<1.0> : tensor<3x1x1x1x1xf32>
  %0 = kiln.pad %x {pads = array<i64: 0, 0, 1, 0, 0, 0, 1, 0>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x6x4xf32>
  %1 = kiln.clip %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = kiln.max_pool2d %x {kernel = array<i64: 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %3 = kiln.sub %x, %one : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %4 = kiln.div %x, %ones : (tensor<1x2x4x4xf32>, tensor<3x1x1x1x1xf32>) -> tensor<3x1x2x4x4xf32>
  return %0, %1, %2, %3, %4 : tensor<1x2x6x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>, tensor<3x1x2x4x4xf32>
}
