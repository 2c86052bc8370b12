// RUN: kiln-opt %s --split-input-file --kiln-winograd="min-channels=1 min-tiles=1 width=4" | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-winograd | FileCheck %s --check-prefix=DEFAULT
// RUN: kiln-opt %s --split-input-file --kiln-winograd="min-channels=1 min-tiles=1 width=4 max-filter-bytes=575" | FileCheck %s --check-prefix=BYTES
// RUN: not kiln-opt %s --split-input-file --kiln-winograd="width=0" 2>&1 | FileCheck %s --check-prefix=BAD

// A 3x3 identity filter (1 at the centre tap): G f G^T is the outer product
// of G's middle column (0, -1/6, 1/6, 1/12, -1/12, 0) with itself; M = 3 in
// one panel of 4, zero past M. Bias, pads and the activation carry over.
// CHECK-LABEL: func.func @identity
// CHECK: %[[U:.*]] = kiln.constant dense<{{.*}}> : tensor<1x6x6x1x4xf32>
// CHECK-NOT: tensor<3x3x1x3xf32>
// CHECK: kiln.conv2d_winograd %arg0, %[[U]] bias(%arg1) {activation = #kiln<activation relu>, out_channels = 3 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x5x5x1xf32>, tensor<1x6x6x1x4xf32>, tensor<3xf32>) -> tensor<1x5x5x3xf32>
// Its Winograd filter is 36 * 1 * 4 floats = 576 bytes: a limit of 575
// leaves it direct, as do the default thresholds (16 channels).
// BYTES-LABEL: func.func @identity
// BYTES: kiln.conv2d %arg0
// BYTES-NOT: conv2d_winograd
// DEFAULT-LABEL: func.func @identity
// DEFAULT: kiln.conv2d %arg0
// DEFAULT-NOT: conv2d_winograd
// BAD: error: kiln-winograd: width 0 is outside the runtime's 1 to 64
func.func @identity(%x: tensor<1x5x5x1xf32>, %b: tensor<3xf32>) -> tensor<1x5x5x3xf32> {
  %w = kiln.constant dense<[[[[0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0]]],
                            [[[0.0, 0.0, 0.0]], [[1.0, 1.0, 1.0]], [[0.0, 0.0, 0.0]]],
                            [[[0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0]]]]> : tensor<3x3x1x3xf32>
  %y = kiln.conv2d %x, %w bias(%b) {layout = #kiln<layout nhwc>, pads = array<i64: 1, 1, 1, 1>,
                                    activation = #kiln<activation relu>}
      : (tensor<1x5x5x1xf32>, tensor<3x3x1x3xf32>, tensor<3xf32>) -> tensor<1x5x5x3xf32>
  return %y : tensor<1x5x5x3xf32>
}

// -----

// Two convs reading one filter share one transformed constant; the residual
// operand carries over.
// CHECK-LABEL: func.func @shared
// CHECK-COUNT-1: kiln.constant
// CHECK: %[[A:.*]] = kiln.conv2d_winograd %arg0, %[[U:.*]] {out_channels = 2 : i64}
// CHECK: kiln.conv2d_winograd %arg1, %[[U]] residual(%[[A]]) {out_channels = 2 : i64}
func.func @shared(%x: tensor<1x6x6x2xf32>, %z: tensor<1x6x6x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = kiln.constant dense<0.5> : tensor<3x3x2x2xf32>
  %a = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>}
      : (tensor<1x6x6x2xf32>, tensor<3x3x2x2xf32>) -> tensor<1x4x4x2xf32>
  %y = kiln.conv2d %z, %w residual(%a) {layout = #kiln<layout nhwc>}
      : (tensor<1x6x6x2xf32>, tensor<3x3x2x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// Left direct: stride 2, dilation 2, groups, a 1x1 or 5x5 kernel, NCHW, a
// filter computed at run time, and an already packed filter.
// CHECK-LABEL: func.func @not_winograd
// CHECK-NOT: conv2d_winograd
// CHECK: return
func.func @not_winograd(%x: tensor<1x8x8x4xf32>, %n: tensor<1x4x8x8xf32>,
                        %wr: tensor<3x3x4x4xf32>, %wp: tensor<1x1x3x3x4x32xf32>,
                        %b: tensor<4xf32>)
    -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x6x6x4xf32>, tensor<1x8x8x4xf32>,
        tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>, tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>) {
  %w = kiln.constant dense<1.0> : tensor<3x3x4x4xf32>
  %s2 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>}
      : (tensor<1x8x8x4xf32>, tensor<3x3x4x4xf32>) -> tensor<1x4x4x4xf32>
  %d2 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>, dilations = array<i64: 2, 2>}
      : (tensor<1x8x8x4xf32>, tensor<3x3x4x4xf32>) -> tensor<1x4x4x4xf32>
  %wg = kiln.constant dense<1.0> : tensor<3x3x2x4xf32>
  %g2 = kiln.conv2d %x, %wg {layout = #kiln<layout nhwc>, group = 2 : i64}
      : (tensor<1x8x8x4xf32>, tensor<3x3x2x4xf32>) -> tensor<1x6x6x4xf32>
  %w1 = kiln.constant dense<1.0> : tensor<1x1x4x4xf32>
  %k1 = kiln.conv2d %x, %w1 {layout = #kiln<layout nhwc>}
      : (tensor<1x8x8x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x8x8x4xf32>
  %w5 = kiln.constant dense<1.0> : tensor<5x5x4x4xf32>
  %k5 = kiln.conv2d %x, %w5 {layout = #kiln<layout nhwc>}
      : (tensor<1x8x8x4xf32>, tensor<5x5x4x4xf32>) -> tensor<1x4x4x4xf32>
  %wn = kiln.constant dense<1.0> : tensor<4x4x3x3xf32>
  %nc = kiln.conv2d %n, %wn : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  %rt = kiln.conv2d %x, %wr {layout = #kiln<layout nhwc>}
      : (tensor<1x8x8x4xf32>, tensor<3x3x4x4xf32>) -> tensor<1x6x6x4xf32>
  %pk = kiln.conv2d %x, %wp bias(%b) {layout = #kiln<layout nhwc>}
      : (tensor<1x8x8x4xf32>, tensor<1x1x3x3x4x32xf32>, tensor<4xf32>) -> tensor<1x6x6x4xf32>
  return %s2, %d2, %g2, %k1, %k5, %nc, %rt, %pk
      : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x6x6x4xf32>, tensor<1x8x8x4xf32>,
        tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>, tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>
}
