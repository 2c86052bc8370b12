// RUN: kiln-opt %s | FileCheck %s
// RUN: kiln-opt %s --mlir-print-op-generic | kiln-opt | FileCheck %s
// Every kiln op parses, verifies and prints back to the same form.

// CHECK-LABEL: func @constants
func.func @constants() -> (tensor<2xi64>, tensor<2x2xf32>) {
  // CHECK: kiln.constant dense<[1, 64]> : tensor<2xi64>
  %0 = kiln.constant dense<[1, 64]> : tensor<2xi64>
  // CHECK: kiln.constant dense_resource<weights> : tensor<2x2xf32>
  %1 = kiln.constant dense_resource<weights> : tensor<2x2xf32>
  return %0, %1 : tensor<2xi64>, tensor<2x2xf32>
}

// CHECK-LABEL: func @convolutions
func.func @convolutions(%x: tensor<1x3x32x32xf32>, %w: tensor<16x3x3x3xf32>,
                        %b: tensor<16xf32>, %r: tensor<1x16x16x16xf32>,
                        %dw: tensor<16x1x3x3xf32>, %tw: tensor<16x4x2x2xf32>) {
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} bias(%{{.*}}) residual(%{{.*}}) {activation = #kiln<activation clip>, activation_params = array<f32: 0.000000e+00, 6.000000e+00>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  %0 = kiln.conv2d %x, %w bias(%b) residual(%r) {strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 1, 1>, activation = #kiln<activation clip>,
      activation_params = array<f32: 0.0, 6.0>}
      : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>,
         tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, group = 16 : i64}
  %1 = kiln.conv2d %0, %dw {group = 16 : i64, dilations = array<i64: 2, 2>}
      : (tensor<1x16x16x16xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x12x12xf32>
  // CHECK: kiln.conv_transpose2d %{{.*}}, %{{.*}} {output_padding = array<i64: 1, 1>, strides = array<i64: 2, 2>}
  %2 = kiln.conv_transpose2d %1, %tw {strides = array<i64: 2, 2>,
      output_padding = array<i64: 1, 1>}
      : (tensor<1x16x12x12xf32>, tensor<16x4x2x2xf32>) -> tensor<1x4x25x25xf32>
  return
}

// CHECK-LABEL: func @dense_algebra
func.func @dense_algebra(%a: tensor<2x16x64xf32>, %b: tensor<64x32xf32>,
                         %x: tensor<1x64xf32>, %w: tensor<10x64xf32>,
                         %c: tensor<10xf32>, %e: tensor<64x8xf32>) {
  // CHECK: kiln.matmul %{{.*}}, %{{.*}} : (tensor<2x16x64xf32>, tensor<64x32xf32>) -> tensor<2x16x32xf32>
  %0 = kiln.matmul %a, %b : (tensor<2x16x64xf32>, tensor<64x32xf32>) -> tensor<2x16x32xf32>
  // CHECK: kiln.gemm %{{.*}}, %{{.*}}, %{{.*}} {activation = #kiln<activation relu>, trans_b = true}
  %1 = kiln.gemm %x, %w, %c {trans_b = true, activation = #kiln<activation relu>}
      : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  // CHECK: kiln.gemm %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, trans_a = true}
  %2 = kiln.gemm %b, %e {trans_a = true, alpha = 0.5 : f32}
      : (tensor<64x32xf32>, tensor<64x8xf32>) -> tensor<32x8xf32>
  return
}

// CHECK-LABEL: func @normalisation
func.func @normalisation(%x: tensor<1x8x4x4xf32>, %p: tensor<8xf32>,
                         %t: tensor<1x16x64xf32>, %g: tensor<64xf32>) {
  // CHECK: kiln.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32}
  %0 = kiln.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-3 : f32}
      : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
         tensor<8xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: kiln.layer_norm %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %1 = kiln.layer_norm %t, %g, %g : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>)
      -> tensor<1x16x64xf32>
  // CHECK: kiln.layer_norm %{{.*}}, %{{.*}} {axis = 1 : i64}
  %2 = kiln.layer_norm %t, %g {axis = 1 : i64} : (tensor<1x16x64xf32>, tensor<64xf32>)
      -> tensor<1x16x64xf32>
  // CHECK: kiln.softmax %{{.*}} : (tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  %3 = kiln.softmax %t : (tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  // CHECK: kiln.log_softmax %{{.*}} {axis = 1 : i64}
  %4 = kiln.log_softmax %t {axis = 1 : i64} : (tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return
}

// CHECK-LABEL: func @binaries
func.func @binaries(%x: tensor<1x8x4x4xf32>, %y: tensor<8x1x1xf32>, %c: tensor<1x8x4x4xi1>) {
  // CHECK: kiln.add
  %0 = kiln.add %x, %y : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: kiln.sub
  %1 = kiln.sub %y, %x : (tensor<8x1x1xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: kiln.mul
  %2 = kiln.mul %x, %y : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: kiln.div
  %3 = kiln.div %x, %y : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: kiln.max
  %4 = kiln.max %x, %y : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: kiln.min
  %5 = kiln.min %x, %y : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: kiln.pow
  %6 = kiln.pow %x, %y : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: kiln.prelu
  %7 = kiln.prelu %x, %y : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: kiln.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x8x4x4xi1>, tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  %8 = kiln.where %c, %x, %y : (tensor<1x8x4x4xi1>, tensor<1x8x4x4xf32>, tensor<8x1x1xf32>)
      -> tensor<1x8x4x4xf32>
  return
}

// CHECK-LABEL: func @unaries
func.func @unaries(%x: tensor<1x16xf32>) {
  // CHECK: kiln.relu
  %0 = kiln.relu %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.clip %{{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
  %1 = kiln.clip %x {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.leaky_relu %{{.*}} {alpha = 1.000000e-01 : f32}
  %2 = kiln.leaky_relu %x {alpha = 0.1 : f32} : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.sigmoid
  %3 = kiln.sigmoid %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.tanh
  %4 = kiln.tanh %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.hard_sigmoid %{{.*}} {alpha = 0.166666672 : f32}
  %5 = kiln.hard_sigmoid %x {alpha = 0.166666672 : f32} : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.hard_swish
  %6 = kiln.hard_swish %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.gelu
  %7 = kiln.gelu %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.erf
  %8 = kiln.erf %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.exp
  %9 = kiln.exp %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.log
  %10 = kiln.log %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.sqrt
  %11 = kiln.sqrt %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.reciprocal
  %12 = kiln.reciprocal %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.neg
  %13 = kiln.neg %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  // CHECK: kiln.abs
  %14 = kiln.abs %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  return
}

// CHECK-LABEL: func @reductions_and_pools
func.func @reductions_and_pools(%x: tensor<1x8x8x8xf32>) {
  // CHECK: kiln.reduce_mean %{{.*}} {axes = array<i64: 2, 3>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x1x1xf32>
  %0 = kiln.reduce_mean %x {axes = array<i64: 2, 3>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x1x1xf32>
  // CHECK: kiln.reduce_sum %{{.*}} {axes = array<i64: -1>, keepdims = false}
  %1 = kiln.reduce_sum %x {axes = array<i64: -1>, keepdims = false}
      : (tensor<1x8x8x8xf32>) -> tensor<1x8x8xf32>
  // CHECK: kiln.reduce_max
  %2 = kiln.reduce_max %x {axes = array<i64: 1>} : (tensor<1x8x8x8xf32>) -> tensor<1x1x8x8xf32>
  // CHECK: kiln.reduce_min
  %3 = kiln.reduce_min %x {axes = array<i64: 0, 1, 2, 3>, keepdims = false}
      : (tensor<1x8x8x8xf32>) -> tensor<f32>
  // CHECK: kiln.max_pool2d %{{.*}} {ceil_mode = true, kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>}
  %4 = kiln.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, ceil_mode = true}
      : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: kiln.avg_pool2d %{{.*}} {count_include_pad = true, kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>}
  %5 = kiln.avg_pool2d %x {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>,
      count_include_pad = true} : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  // CHECK: kiln.global_avg_pool %{{.*}} : (tensor<1x8x8x8xf32>) -> tensor<1x8x1x1xf32>
  %6 = kiln.global_avg_pool %x : (tensor<1x8x8x8xf32>) -> tensor<1x8x1x1xf32>
  // CHECK: kiln.global_max_pool
  %7 = kiln.global_max_pool %x : (tensor<1x8x8x8xf32>) -> tensor<1x8x1x1xf32>
  return
}

// The NHWC forms: input [N, H, W, C], conv filter HWIO [kH, kW, C/g, M].
// CHECK-LABEL: func @nhwc_layout
func.func @nhwc_layout(%x: tensor<1x32x32x3xf32>, %w: tensor<3x3x3x16xf32>,
                       %b: tensor<16xf32>, %r: tensor<1x16x16x16xf32>,
                       %dw: tensor<3x3x1x16xf32>) {
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} bias(%{{.*}}) residual(%{{.*}}) {layout = #kiln<layout nhwc>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x32x32x3xf32>, tensor<3x3x3x16xf32>, tensor<16xf32>, tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %0 = kiln.conv2d %x, %w bias(%b) residual(%r) {layout = #kiln<layout nhwc>,
      strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x32x32x3xf32>, tensor<3x3x3x16xf32>, tensor<16xf32>,
         tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} {group = 16 : i64, layout = #kiln<layout nhwc>} : (tensor<1x16x16x16xf32>, tensor<3x3x1x16xf32>) -> tensor<1x14x14x16xf32>
  %1 = kiln.conv2d %0, %dw {group = 16 : i64, layout = #kiln<layout nhwc>}
      : (tensor<1x16x16x16xf32>, tensor<3x3x1x16xf32>) -> tensor<1x14x14x16xf32>
  // CHECK: kiln.max_pool2d %{{.*}} {kernel = array<i64: 2, 2>, layout = #kiln<layout nhwc>, strides = array<i64: 2, 2>} : (tensor<1x14x14x16xf32>) -> tensor<1x7x7x16xf32>
  %2 = kiln.max_pool2d %1 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      layout = #kiln<layout nhwc>} : (tensor<1x14x14x16xf32>) -> tensor<1x7x7x16xf32>
  // CHECK: kiln.avg_pool2d %{{.*}} {kernel = array<i64: 3, 3>, layout = #kiln<layout nhwc>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %3 = kiln.avg_pool2d %2 {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>,
      layout = #kiln<layout nhwc>} : (tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  // CHECK: kiln.global_avg_pool %{{.*}} {layout = #kiln<layout nhwc>} : (tensor<1x7x7x16xf32>) -> tensor<1x1x1x16xf32>
  %4 = kiln.global_avg_pool %3 {layout = #kiln<layout nhwc>}
      : (tensor<1x7x7x16xf32>) -> tensor<1x1x1x16xf32>
  // CHECK: kiln.global_max_pool %{{.*}} {layout = #kiln<layout nhwc>} : (tensor<1x7x7x16xf32>) -> tensor<1x1x1x16xf32>
  %5 = kiln.global_max_pool %3 {layout = #kiln<layout nhwc>}
      : (tensor<1x7x7x16xf32>) -> tensor<1x1x1x16xf32>
  // The default layout is not printed.
  // CHECK: kiln.global_max_pool %{{.*}} : (tensor<1x7x7x16xf32>) -> tensor<1x7x1x1xf32>
  %6 = kiln.global_max_pool %3 {layout = #kiln<layout nchw>}
      : (tensor<1x7x7x16xf32>) -> tensor<1x7x1x1xf32>
  return
}

// Winograd F(4x4, 3x3): the filter [P, 6, 6, C, NR] in the Winograd domain,
// M from out_channels (40 in two panels of 32), pads and epilogue as conv2d.
// CHECK-LABEL: func @conv2d_winograd
func.func @conv2d_winograd(%x: tensor<1x8x8x16xf32>, %u: tensor<2x6x6x16x32xf32>,
                           %b: tensor<40xf32>, %r: tensor<1x6x6x40xf32>) {
  // CHECK: kiln.conv2d_winograd %{{.*}}, %{{.*}} bias(%{{.*}}) {activation = #kiln<activation relu>, out_channels = 40 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x16xf32>, tensor<2x6x6x16x32xf32>, tensor<40xf32>) -> tensor<1x8x8x40xf32>
  %0 = kiln.conv2d_winograd %x, %u bias(%b) {out_channels = 40 : i64, pads = array<i64: 1, 1, 1, 1>,
                                             activation = #kiln<activation relu>}
      : (tensor<1x8x8x16xf32>, tensor<2x6x6x16x32xf32>, tensor<40xf32>) -> tensor<1x8x8x40xf32>
  // CHECK: kiln.conv2d_winograd %{{.*}}, %{{.*}} residual(%{{.*}}) {out_channels = 40 : i64} : (tensor<1x8x8x16xf32>, tensor<2x6x6x16x32xf32>, tensor<1x6x6x40xf32>) -> tensor<1x6x6x40xf32>
  %1 = kiln.conv2d_winograd %x, %u residual(%r) {out_channels = 40 : i64}
      : (tensor<1x8x8x16xf32>, tensor<2x6x6x16x32xf32>, tensor<1x6x6x40xf32>) -> tensor<1x6x6x40xf32>
  return
}

// The pre-packed NHWC filter [G, P, kH, kW, C/G, NR]: M comes from the bias
// or the declared result (40 channels in two panels of 32, 20 per group in
// one panel of 32, 10 in one panel of 16).
// CHECK-LABEL: func @nhwc_packed_filter
func.func @nhwc_packed_filter(%x: tensor<1x8x8x16xf32>, %w: tensor<1x2x3x3x16x32xf32>,
                              %b: tensor<40xf32>, %wg: tensor<2x1x1x1x8x32xf32>,
                              %w16: tensor<1x1x3x3x16x16xf32>) {
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} bias(%{{.*}}) {layout = #kiln<layout nhwc>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x16xf32>, tensor<1x2x3x3x16x32xf32>, tensor<40xf32>) -> tensor<1x8x8x40xf32>
  %0 = kiln.conv2d %x, %w bias(%b) {layout = #kiln<layout nhwc>, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x8x8x16xf32>, tensor<1x2x3x3x16x32xf32>, tensor<40xf32>) -> tensor<1x8x8x40xf32>
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} {group = 2 : i64, layout = #kiln<layout nhwc>} : (tensor<1x8x8x16xf32>, tensor<2x1x1x1x8x32xf32>) -> tensor<1x8x8x40xf32>
  %1 = kiln.conv2d %x, %wg {group = 2 : i64, layout = #kiln<layout nhwc>}
      : (tensor<1x8x8x16xf32>, tensor<2x1x1x1x8x32xf32>) -> tensor<1x8x8x40xf32>
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} {layout = #kiln<layout nhwc>} : (tensor<1x8x8x16xf32>, tensor<1x1x3x3x16x16xf32>) -> tensor<1x6x6x10xf32>
  %2 = kiln.conv2d %x, %w16 {layout = #kiln<layout nhwc>}
      : (tensor<1x8x8x16xf32>, tensor<1x1x3x3x16x16xf32>) -> tensor<1x6x6x10xf32>
  return
}

// CHECK-LABEL: func @data_movement
func.func @data_movement(%x: tensor<1x8x4x4xf32>, %t: tensor<100x64xf32>,
                         %i: tensor<1x16xi64>, %v: tensor<1x1x64xf32>) {
  // CHECK: kiln.reshape %{{.*}} : (tensor<1x8x4x4xf32>) -> tensor<1x128xf32>
  %0 = kiln.reshape %x : (tensor<1x8x4x4xf32>) -> tensor<1x128xf32>
  // CHECK: kiln.transpose %{{.*}} {perm = array<i64: 0, 2, 3, 1>}
  %1 = kiln.transpose %x {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  // CHECK: kiln.concat %{{.*}}, %{{.*}} {axis = 1 : i64}
  %2 = kiln.concat %x, %x {axis = 1 : i64}
      : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32>
  // CHECK: kiln.slice %{{.*}} {offsets = array<i64: 0, 7, 3, 0>, sizes = array<i64: 1, 4, 2, 4>, strides = array<i64: 1, -2, -2, 1>}
  %3 = kiln.slice %x {offsets = array<i64: 0, 7, 3, 0>, sizes = array<i64: 1, 4, 2, 4>,
      strides = array<i64: 1, -2, -2, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x2x4xf32>
  // CHECK: kiln.split %{{.*}} {axis = 1 : i64, sizes = array<i64: 2, 6>} : (tensor<1x8x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x6x4x4xf32>)
  %4:2 = kiln.split %x {axis = 1 : i64, sizes = array<i64: 2, 6>}
      : (tensor<1x8x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x6x4x4xf32>)
  // CHECK: kiln.pad %{{.*}} {mode = #kiln<pad_mode reflect>, pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>}
  %5 = kiln.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #kiln<pad_mode reflect>}
      : (tensor<1x8x4x4xf32>) -> tensor<1x8x6x6xf32>
  // CHECK: kiln.gather %{{.*}}, %{{.*}} : (tensor<100x64xf32>, tensor<1x16xi64>) -> tensor<1x16x64xf32>
  %6 = kiln.gather %t, %i : (tensor<100x64xf32>, tensor<1x16xi64>) -> tensor<1x16x64xf32>
  // CHECK: kiln.expand %{{.*}} : (tensor<1x1x64xf32>) -> tensor<1x16x64xf32>
  %7 = kiln.expand %v : (tensor<1x1x64xf32>) -> tensor<1x16x64xf32>
  // CHECK: kiln.resize %{{.*}} {coordinate_mode = #kiln<coordinate_mode asymmetric>, nearest_mode = #kiln<nearest_mode floor>}
  %8 = kiln.resize %x {mode = #kiln<resize_mode nearest>,
      coordinate_mode = #kiln<coordinate_mode asymmetric>, nearest_mode = #kiln<nearest_mode floor>}
      : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32>
  // CHECK: kiln.resize %{{.*}} {mode = #kiln<resize_mode linear>, scales = array<f32: 2.000000e+00, 2.000000e+00>}
  %9 = kiln.resize %x {mode = #kiln<resize_mode linear>, scales = array<f32: 2.0, 2.0>}
      : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32>
  return
}

// CHECK-LABEL: func @types_and_quantisation
func.func @types_and_quantisation(%x: tensor<1x16xf32>, %w: tensor<4x3xf32>) {
  // CHECK: kiln.cast %{{.*}} : (tensor<1x16xf32>) -> tensor<1x16xi64>
  %0 = kiln.cast %x : (tensor<1x16xf32>) -> tensor<1x16xi64>
  // CHECK: kiln.quantize %{{.*}} : (tensor<1x16xf32>) -> tensor<1x16x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %1 = kiln.quantize %x : (tensor<1x16xf32>) -> tensor<1x16x!quant.uniform<i8:f32, 0.05:-3>>
  // CHECK: kiln.dequantize %{{.*}} : (tensor<1x16x!quant.uniform<i8:f32, 5.000000e-02:-3>>) -> tensor<1x16xf32>
  %2 = kiln.dequantize %1 : (tensor<1x16x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x16xf32>
  // CHECK: kiln.quantize %{{.*}} : (tensor<4x3xf32>) -> tensor<4x3x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>>
  %3 = kiln.quantize %w : (tensor<4x3xf32>)
      -> tensor<4x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>
  return
}

// The int8 forms: the same ops over quantised types, and kiln.requantize.
// CHECK-LABEL: func @int8_forms
func.func @int8_forms(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5:-1>>,
                      %w: tensor<2x1x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>,
                      %b: tensor<2x!quant.uniform<i32:f32:0, {0.005, 0.01}>>,
                      %a: tensor<1x8x!quant.uniform<i8:f32, 0.5>>,
                      %fw: tensor<3x8x!quant.uniform<i8:f32, 0.25>>) {
  // CHECK: kiln.conv2d %{{.*}}, %{{.*}} bias(%{{.*}}) {activation = #kiln<activation relu>} : {{.*}} -> tensor<1x2x2x2x!quant.uniform<i8:f32, 2.500000e-01:-128>>
  %0 = kiln.conv2d %x, %w bias(%b) {activation = #kiln<activation relu>}
      : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5:-1>>,
         tensor<2x1x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>,
         tensor<2x!quant.uniform<i32:f32:0, {0.005, 0.01}>>)
      -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25:-128>>
  // CHECK: kiln.gemm %{{.*}}, %{{.*}} {trans_b = true} : {{.*}} -> tensor<1x3x!quant.uniform<i8:f32, 1.000000e+00:2>>
  %1 = kiln.gemm %a, %fw {trans_b = true}
      : (tensor<1x8x!quant.uniform<i8:f32, 0.5>>, tensor<3x8x!quant.uniform<i8:f32, 0.25>>)
      -> tensor<1x3x!quant.uniform<i8:f32, 1.0:2>>
  // CHECK: kiln.requantize %{{.*}} : (tensor<1x8x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<1x8x!quant.uniform<i8:f32, 1.250000e-01:7>>
  %2 = kiln.requantize %a : (tensor<1x8x!quant.uniform<i8:f32, 0.5>>)
      -> tensor<1x8x!quant.uniform<i8:f32, 0.125:7>>
  return
}

{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F0000004000004040000080C0"
    }
  }
#-}
