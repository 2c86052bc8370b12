// RUN: kiln-opt %s --split-input-file --kiln-fuse-epilogue=kiln-int8-epilogues | FileCheck %s

// Before post-training quantisation only the int8 clamp fuses: bias and relu
// land in the conv, the residual add stays an op of its own (an int8 conv has
// no residual input; kiln.add gets its own int8 kernel).
// CHECK-LABEL: func.func @residual_stays
// CHECK: %[[C:.*]] = kiln.conv2d %arg0, %arg1 bias(%{{.*}}) {activation = #kiln<activation relu>}
// CHECK-NEXT: %[[A:.*]] = kiln.add %arg2, %[[C]]
// CHECK-NEXT: return %[[A]]
func.func @residual_stays(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %r: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %b = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = kiln.conv2d %x, %w bias(%b) : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.relu %0 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = kiln.add %r, %1 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %2 : tensor<1x2x4x4xf32>
}

// -----

// Activations the int8 clamp cannot express stay separate, so the conv can
// still become integer with the activation in float between dequantize and
// quantize.
// CHECK-LABEL: func.func @hard_swish_stays
// CHECK: %[[C:.*]] = kiln.conv2d %arg0, %arg1 :
// CHECK-NEXT: %[[H:.*]] = kiln.hard_swish %[[C]]
// CHECK-NEXT: return %[[H]]
func.func @hard_swish_stays(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.hard_swish %0 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// relu6 spelled as clip(0, 6) is a clamp: it fuses.
// CHECK-LABEL: func.func @clip_fuses
// CHECK: kiln.conv2d %arg0, %arg1 {activation = #kiln<activation clip>
// CHECK-NOT: kiln.clip
func.func @clip_fuses(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %0 = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = kiln.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}
