// RUN: kiln-opt %s --split-input-file --kiln-convert-layout="layout=nhwc" | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-convert-layout="layout=nhwc" --kiln-fold-constants | FileCheck %s --check-prefix=FOLD
// RUN: kiln-opt %s --split-input-file --kiln-convert-layout="layout=nchw" | FileCheck %s --check-prefix=NCHW

// A float conv goes NHWC between transposes; its OIHW filter goes HWIO
// through [2, 3, 1, 0], which constant folding evaluates.
// CHECK-LABEL: func.func @conv
// CHECK: %[[W:.*]] = kiln.constant
// CHECK: %[[X:.*]] = kiln.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x1x3x4xf32>) -> tensor<1x3x4x1xf32>
// CHECK: %[[F:.*]] = kiln.transpose %[[W]] {perm = array<i64: 2, 3, 1, 0>} : (tensor<2x1x1x2xf32>) -> tensor<1x2x1x2xf32>
// CHECK: %[[C:.*]] = kiln.conv2d %[[X]], %[[F]] bias(%arg1) {activation = #kiln<activation relu>, layout = #kiln<layout nhwc>} : (tensor<1x3x4x1xf32>, tensor<1x2x1x2xf32>, tensor<2xf32>) -> tensor<1x3x3x2xf32>
// CHECK: %[[Y:.*]] = kiln.transpose %[[C]] {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x3x3x2xf32>) -> tensor<1x2x3x3xf32>
// CHECK: return %[[Y]]
// FOLD-LABEL: func.func @conv
// FOLD: %[[W:.*]] = kiln.constant dense<{{\[\[\[\[}}1.000000e+00, 3.000000e+00]], {{\[\[}}2.000000e+00, 4.000000e+00]]]]> : tensor<1x2x1x2xf32>
// FOLD: kiln.conv2d %{{.*}}, %[[W]] bias(%arg1)
// NCHW-LABEL: func.func @conv
// NCHW-NOT: kiln.transpose
// NCHW: kiln.conv2d %arg0, %{{.*}} bias(%arg1) {activation = #kiln<activation relu>} : (tensor<1x1x3x4xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
func.func @conv(%x: tensor<1x1x3x4xf32>, %b: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %w = kiln.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32>
  %y = kiln.conv2d %x, %w bias(%b) {activation = #kiln<activation relu>}
      : (tensor<1x1x3x4xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// A filter computed at run time keeps its explicit transpose after folding.
// CHECK-LABEL: func.func @runtime_filter
// FOLD-LABEL: func.func @runtime_filter
// FOLD: %[[F:.*]] = kiln.transpose %arg1 {perm = array<i64: 2, 3, 1, 0>} : (tensor<4x3x3x3xf32>) -> tensor<3x3x3x4xf32>
// FOLD: kiln.conv2d %{{.*}}, %[[F]] {layout = #kiln<layout nhwc>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x4x4x4xf32>
func.func @runtime_filter(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %y = kiln.conv2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// Consecutive converted ops meet with inverse transposes, which cancel: one
// transpose into NHWC at the input and one out at the result. The residual
// (the first conv's result) is NHWC too; depthwise filters become [kH, kW, 1, M].
// CHECK-LABEL: func.func @residual_depthwise_pools
// CHECK: %[[X:.*]] = kiln.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x6x6xf32>) -> tensor<1x6x6x8xf32>
// CHECK: %[[DW:.*]] = kiln.transpose %arg1 {perm = array<i64: 2, 3, 1, 0>} : (tensor<8x1x3x3xf32>) -> tensor<3x3x1x8xf32>
// CHECK: %[[A:.*]] = kiln.conv2d %[[X]], %[[DW]] {group = 8 : i64, layout = #kiln<layout nhwc>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x6x6x8xf32>, tensor<3x3x1x8xf32>) -> tensor<1x6x6x8xf32>
// CHECK: %[[PW:.*]] = kiln.transpose %arg2 {perm = array<i64: 2, 3, 1, 0>} : (tensor<8x8x1x1xf32>) -> tensor<1x1x8x8xf32>
// CHECK: %[[B:.*]] = kiln.conv2d %[[A]], %[[PW]] residual(%[[A]]) {layout = #kiln<layout nhwc>} : (tensor<1x6x6x8xf32>, tensor<1x1x8x8xf32>, tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
// CHECK: %[[M:.*]] = kiln.max_pool2d %[[B]] {kernel = array<i64: 2, 2>, layout = #kiln<layout nhwc>, strides = array<i64: 2, 2>} : (tensor<1x6x6x8xf32>) -> tensor<1x3x3x8xf32>
// CHECK: %[[V:.*]] = kiln.avg_pool2d %[[M]] {count_include_pad = true, kernel = array<i64: 3, 3>, layout = #kiln<layout nhwc>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x3x8xf32>) -> tensor<1x3x3x8xf32>
// CHECK: %[[G:.*]] = kiln.global_avg_pool %[[V]] {layout = #kiln<layout nhwc>} : (tensor<1x3x3x8xf32>) -> tensor<1x1x1x8xf32>
// CHECK: %[[GT:.*]] = kiln.transpose %[[G]] {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x1x1x8xf32>) -> tensor<1x8x1x1xf32>
// CHECK: %[[GM:.*]] = kiln.global_max_pool %[[V]] {layout = #kiln<layout nhwc>} : (tensor<1x3x3x8xf32>) -> tensor<1x1x1x8xf32>
// CHECK: %[[GMT:.*]] = kiln.transpose %[[GM]] {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x1x1x8xf32>) -> tensor<1x8x1x1xf32>
// CHECK-NOT: kiln.transpose
// CHECK: return %[[GT]], %[[GMT]]
func.func @residual_depthwise_pools(%x: tensor<1x8x6x6xf32>, %dw: tensor<8x1x3x3xf32>,
                                    %pw: tensor<8x8x1x1xf32>)
    -> (tensor<1x8x1x1xf32>, tensor<1x8x1x1xf32>) {
  %a = kiln.conv2d %x, %dw {group = 8 : i64, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  %b = kiln.conv2d %a, %pw residual(%a)
      : (tensor<1x8x6x6xf32>, tensor<8x8x1x1xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %m = kiln.max_pool2d %b {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<1x8x6x6xf32>) -> tensor<1x8x3x3xf32>
  %v = kiln.avg_pool2d %m {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>,
      count_include_pad = true} : (tensor<1x8x3x3xf32>) -> tensor<1x8x3x3xf32>
  %g = kiln.global_avg_pool %v : (tensor<1x8x3x3xf32>) -> tensor<1x8x1x1xf32>
  %gm = kiln.global_max_pool %v : (tensor<1x8x3x3xf32>) -> tensor<1x8x1x1xf32>
  return %g, %gm : tensor<1x8x1x1xf32>, tensor<1x8x1x1xf32>
}

// -----

// The int8 kernels are NCHW only: a quantised conv and pool stay as they are.
// CHECK-LABEL: func.func @quantised_untouched
// CHECK-NOT: kiln.transpose
// CHECK-NOT: layout
// CHECK: return
func.func @quantised_untouched(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>,
                               %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5>>)
    -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25>> {
  %c = kiln.conv2d %x, %w : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>,
      tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25>>
  %p = kiln.max_pool2d %c {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25>>
  return %p : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25>>
}

// -----

// An op already NHWC is left alone by layout=nhwc; layout=nchw converts it
// back (HWIO -> OIHW through [3, 2, 0, 1]).
// CHECK-LABEL: func.func @already_nhwc
// CHECK-NOT: kiln.transpose
// CHECK: kiln.conv2d %arg0, %arg1 {layout = #kiln<layout nhwc>}
// CHECK-NOT: kiln.transpose
// NCHW-LABEL: func.func @already_nhwc
// NCHW: %[[X:.*]] = kiln.transpose %arg0 {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x5x5x3xf32>) -> tensor<1x3x5x5xf32>
// NCHW: %[[F:.*]] = kiln.transpose %arg1 {perm = array<i64: 3, 2, 0, 1>} : (tensor<3x3x3x4xf32>) -> tensor<4x3x3x3xf32>
// NCHW: %[[C:.*]] = kiln.conv2d %[[X]], %[[F]] : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x3x3xf32>
// NCHW: kiln.transpose %[[C]] {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x3x3xf32>) -> tensor<1x3x3x4xf32>
func.func @already_nhwc(%x: tensor<1x5x5x3xf32>, %w: tensor<3x3x3x4xf32>) -> tensor<1x3x3x4xf32> {
  %y = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>}
      : (tensor<1x5x5x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  return %y : tensor<1x3x3x4xf32>
}

// -----

// A global pool over one spatial dimension (N, C, L) has no NHWC kernel.
// CHECK-LABEL: func.func @global_pool_1d_untouched
// CHECK-NOT: kiln.transpose
// CHECK: kiln.global_avg_pool %arg0 : (tensor<1x8x16xf32>) -> tensor<1x8x1xf32>
func.func @global_pool_1d_untouched(%x: tensor<1x8x16xf32>) -> tensor<1x8x1xf32> {
  %y = kiln.global_avg_pool %x : (tensor<1x8x16xf32>) -> tensor<1x8x1xf32>
  return %y : tensor<1x8x1xf32>
}

// -----

// A packed NHWC filter [G, P, kH, kW, C/G, NR] has no NCHW form: layout=nchw
// leaves the conv alone.
// CHECK-LABEL: func.func @packed_filter
// NCHW-LABEL: func.func @packed_filter
// NCHW-NOT: kiln.transpose
// NCHW: kiln.conv2d %arg0, %arg1 {layout = #kiln<layout nhwc>} : (tensor<1x5x5x3xf32>, tensor<1x1x3x3x3x32xf32>) -> tensor<1x3x3x4xf32>
// NCHW-NOT: kiln.transpose
func.func @packed_filter(%x: tensor<1x5x5x3xf32>, %w: tensor<1x1x3x3x3x32xf32>) -> tensor<1x3x3x4xf32> {
  %y = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>}
      : (tensor<1x5x5x3xf32>, tensor<1x1x3x3x3x32xf32>) -> tensor<1x3x3x4xf32>
  return %y : tensor<1x3x3x4xf32>
}
