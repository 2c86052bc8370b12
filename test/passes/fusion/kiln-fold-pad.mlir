// RUN: kiln-opt %s --split-input-file --kiln-fold-pad | FileCheck %s

// CHECK-LABEL: func.func @conv
// CHECK-NOT: kiln.pad
// CHECK: kiln.conv2d %arg0, %{{.*}} {pads = array<i64: 2, 1, 3, 1>}
func.func @conv(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x7x4xf32> {
  %p = kiln.pad %x {pads = array<i64: 0, 0, 1, 0, 0, 0, 2, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x7x4xf32>
  %y = kiln.conv2d %p, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x7x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x7x4xf32>
  return %y : tensor<1x2x7x4xf32>
}

// -----

// A non-zero pad value is not what the conv pads with.
// CHECK-LABEL: func.func @conv_nonzero
// CHECK: kiln.pad
func.func @conv_nonzero(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32> {
  %p = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 1.0 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %y = kiln.conv2d %p, %w : (tensor<1x1x6x6xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Padding the channel axis is not spatial padding; reflect is not constant.
// CHECK-LABEL: func.func @conv_channel_or_reflect
// CHECK-COUNT-2: kiln.pad
func.func @conv_channel_or_reflect(%x: tensor<1x1x4x4xf32>, %w: tensor<2x2x1x1xf32>, %w1: tensor<2x1x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x6x6xf32>) {
  %p = kiln.pad %x {pads = array<i64: 0, 1, 0, 0, 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %y = kiln.conv2d %p, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #kiln<pad_mode reflect>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %z = kiln.conv2d %r, %w1 : (tensor<1x1x6x6xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x6x6xf32>
  return %y, %z : tensor<1x2x4x4xf32>, tensor<1x2x6x6xf32>
}

// -----

// The explicit zeros were averaged, so the folded pool counts its padding.
// CHECK-LABEL: func.func @avg_pool
// CHECK-NOT: kiln.pad
// CHECK: kiln.avg_pool2d %arg0 {count_include_pad = true, kernel = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>
func.func @avg_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  %p = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %y = kiln.avg_pool2d %p {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x6x6xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// The pool's own padding is excluded from its count; merged, it could not be.
// CHECK-LABEL: func.func @avg_pool_own_pads
// CHECK: kiln.pad
func.func @avg_pool_own_pads(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %p = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %y = kiln.avg_pool2d %p {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// max_pool: a zero pad folds above relu output (never wins), -inf always.
// CHECK-LABEL: func.func @max_pool_relu
// CHECK-NOT: kiln.pad
// CHECK: kiln.max_pool2d %{{.*}} {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>}
func.func @max_pool_relu(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %r = kiln.relu %x : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %p = kiln.pad %r {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %y = kiln.max_pool2d %p {kernel = array<i64: 3, 3>} : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @max_pool_neg_inf
// CHECK-NOT: kiln.pad
// CHECK: kiln.max_pool2d %arg0 {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>}
func.func @max_pool_neg_inf(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %p = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = 0xFF800000 : f32} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %y = kiln.max_pool2d %p {kernel = array<i64: 3, 3>} : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// A zero pad above data that may be negative wins windows of negatives.
// CHECK-LABEL: func.func @max_pool_signed
// CHECK: kiln.pad
func.func @max_pool_signed(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %p = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  %y = kiln.max_pool2d %p {kernel = array<i64: 3, 3>} : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Padding as wide as the kernel makes windows of padding alone: 0 != -inf.
// CHECK-LABEL: func.func @max_pool_padding_only_window
// CHECK: kiln.pad
func.func @max_pool_padding_only_window(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x7x7xf32> {
  %r = kiln.relu %x : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %p = kiln.pad %r {pads = array<i64: 0, 0, 2, 2, 0, 0, 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  %y = kiln.max_pool2d %p {kernel = array<i64: 2, 2>} : (tensor<1x1x8x8xf32>) -> tensor<1x1x7x7xf32>
  return %y : tensor<1x1x7x7xf32>
}

// -----

// NHWC: H and W are dimensions 1 and 2; a pad of the channels (dimension 3)
// does not fold.
// CHECK-LABEL: func.func @nhwc_conv_and_pool
// CHECK: kiln.conv2d %arg0, %arg1 {layout = #kiln<layout nhwc>, pads = array<i64: 1, 2, 0, 3>}
// CHECK: kiln.pad
// CHECK: kiln.max_pool2d
func.func @nhwc_conv_and_pool(%x: tensor<1x4x4x2xf32>, %w: tensor<1x1x2x3xf32>) -> (tensor<1x5x9x3xf32>, tensor<1x2x2x3xf32>) {
  %p = kiln.pad %x {pads = array<i64: 0, 1, 2, 0, 0, 0, 3, 0>} : (tensor<1x4x4x2xf32>) -> tensor<1x5x9x2xf32>
  %y = kiln.conv2d %p, %w {layout = #kiln<layout nhwc>} : (tensor<1x5x9x2xf32>, tensor<1x1x2x3xf32>) -> tensor<1x5x9x3xf32>
  %c = kiln.pad %x {pads = array<i64: 0, 0, 0, 0, 0, 0, 0, 1>, value = -3.0e38 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32>
  %m = kiln.max_pool2d %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, layout = #kiln<layout nhwc>} : (tensor<1x4x4x3xf32>) -> tensor<1x2x2x3xf32>
  return %y, %m : tensor<1x5x9x3xf32>, tensor<1x2x2x3xf32>
}
