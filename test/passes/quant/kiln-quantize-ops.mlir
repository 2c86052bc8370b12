// RUN: kiln-opt %s --split-input-file --kiln-quantize-ops | FileCheck %s

// Per-channel weights, f32 bias, fused relu: the int8 conv takes the int8
// input, the scast weights and an i32 bias round(b / (s_x * s_w[c])):
// 0.01 / (0.5 * 0.01) = 2 and -0.02 / (0.5 * 0.02) = -2.
// CHECK-LABEL: func.func @conv_per_channel
// CHECK-DAG: %[[B32:.*]] = kiln.constant dense<[2, -2]> : tensor<2xi32>
// CHECK-DAG: %[[Q:.*]] = kiln.quantize %arg0 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 5.000000e-01:-1>>
// CHECK-DAG: %[[W:.*]] = quant.scast %{{.*}} : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!quant.uniform<i8:f32:0, {1.000000e-02,2.000000e-02}>>
// CHECK: %[[B:.*]] = quant.scast %[[B32]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {5.000000e-03,1.000000e-02}>>
// CHECK: %[[C:.*]] = kiln.conv2d %[[Q]], %[[W]] bias(%[[B]]) {activation = #kiln<activation relu>} : (tensor<1x1x4x4x!quant.uniform<i8:f32, 5.000000e-01:-1>>, tensor<2x1x3x3x!quant.uniform<i8:f32:0, {1.000000e-02,2.000000e-02}>>, tensor<2x!quant.uniform<i32:f32:0, {5.000000e-03,1.000000e-02}>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 2.500000e-01:-128>>
// CHECK: kiln.dequantize %[[C]]
// CHECK-NOT: kiln.quantize
func.func @conv_per_channel(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %q = kiln.quantize %x : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5:-1>>
  %dx = kiln.dequantize %q : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<1x1x4x4xf32>
  %w8 = kiln.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]]]]> : tensor<2x1x3x3xi8>
  %ws = quant.scast %w8 : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %w = kiln.dequantize %ws : (tensor<2x1x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>) -> tensor<2x1x3x3xf32>
  %b = kiln.constant dense<[0.01, -0.02]> : tensor<2xf32>
  %c = kiln.conv2d %dx, %w bias(%b) {activation = #kiln<activation relu>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %qy = kiln.quantize %c : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25:-128>>
  %y = kiln.dequantize %qy : (tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25:-128>>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Per-tensor weights and an imported int32 bias whose scale already is
// s_x * s_w (0.5 * 0.25): its integers are kept. Clip stays the epilogue.
// CHECK-LABEL: func.func @conv_per_tensor_int32_bias
// CHECK: %[[B32:.*]] = kiln.constant dense<[7, -9]> : tensor<2xi32>
// CHECK: %[[B:.*]] = quant.scast %[[B32]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.250000e-01,1.250000e-01}>>
// CHECK: kiln.conv2d %{{.*}}, %{{.*}} bias(%[[B]]) {activation = #kiln<activation clip>, activation_params = array<f32: 0.000000e+00, 6.000000e+00>} : ({{.*}}, tensor<2x1x1x1x!quant.uniform<i8:f32, 2.500000e-01>>, {{.*}}) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 5.000000e-02:-128>>
func.func @conv_per_tensor_int32_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %q = kiln.quantize %x : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5:-1>>
  %dx = kiln.dequantize %q : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<1x1x4x4xf32>
  %w8 = kiln.constant dense<[[[[3]]], [[[-4]]]]> : tensor<2x1x1x1xi8>
  %ws = quant.scast %w8 : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>
  %w = kiln.dequantize %ws : (tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x1x1x1xf32>
  %b32 = kiln.constant dense<[7, -9]> : tensor<2xi32>
  %bs = quant.scast %b32 : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 0.125>>
  %b = kiln.dequantize %bs : (tensor<2x!quant.uniform<i32:f32, 0.125>>) -> tensor<2xf32>
  %c = kiln.conv2d %dx, %w bias(%b) {activation = #kiln<activation clip>, activation_params = array<f32: 0.0, 6.0>} : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %qy = kiln.quantize %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.05:-128>>
  %y = kiln.dequantize %qy : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.05:-128>>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Stays float: the weights are not constant, the epilogue (sigmoid) has no
// int8 form, the weights are asymmetric, the conv has a second user. The
// constant weights of float convs are dequantised at compile time.
// CHECK-LABEL: func.func @conv_stays_float
// CHECK-NOT: quant.scast
// CHECK: kiln.constant dense<{{.*}}> : tensor<1x1x1x1xf32>
// CHECK: kiln.conv2d %{{.*}}, %{{.*}} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
// CHECK: kiln.conv2d %{{.*}}, %{{.*}} {activation = #kiln<activation sigmoid>} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
// CHECK: kiln.conv2d %{{.*}}, %{{.*}} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
// CHECK: kiln.conv2d %{{.*}}, %{{.*}} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
// CHECK-NOT: kiln.conv2d
func.func @conv_stays_float(%x: tensor<1x1x4x4xf32>, %wf: tensor<1x1x1x1xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) {
  %q = kiln.quantize %x : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5:-1>>
  %dx = kiln.dequantize %q : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<1x1x4x4xf32>
  %wq = kiln.quantize %wf : (tensor<1x1x1x1xf32>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5>>
  %wd = kiln.dequantize %wq : (tensor<1x1x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x1x1xf32>
  %w8 = kiln.constant dense<3> : tensor<1x1x1x1xi8>
  %ws = quant.scast %w8 : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 0.25>>
  %w = kiln.dequantize %ws : (tensor<1x1x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x1x1xf32>
  %wa8 = kiln.constant dense<3> : tensor<1x1x1x1xi8>
  %was = quant.scast %wa8 : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 0.25:2>>
  %wa = kiln.dequantize %was : (tensor<1x1x1x1x!quant.uniform<i8:f32, 0.25:2>>) -> tensor<1x1x1x1xf32>
  %c0 = kiln.conv2d %dx, %wd : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %q0 = kiln.quantize %c0 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.25>>
  %y0 = kiln.dequantize %q0 : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x4x4xf32>
  %c1 = kiln.conv2d %dx, %w {activation = #kiln<activation sigmoid>} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %q1 = kiln.quantize %c1 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.25>>
  %y1 = kiln.dequantize %q1 : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x4x4xf32>
  %c2 = kiln.conv2d %dx, %wa : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %q2 = kiln.quantize %c2 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.25>>
  %y2 = kiln.dequantize %q2 : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x4x4xf32>
  %c3 = kiln.conv2d %dx, %w : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %q3 = kiln.quantize %c3 : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.25>>
  %y3 = kiln.dequantize %q3 : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x4x4xf32>
  return %y0, %y1, %y2, %y3, %c3 : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>
}

// -----

// gemm without trans_b: the [K, N] weights become an [N, K] constant with
// their channel axis moved to 0; beta scales the bias (2 * 0.5 / (0.5 * 1)).
// CHECK-LABEL: func.func @gemm_transposes_weights
// CHECK-DAG: %[[B:.*]] = kiln.constant dense<[2, 0]> : tensor<2xi32>
// CHECK-DAG: %[[WT:.*]] = kiln.constant dense<{{\[\[}}1, 3], [2, 4]]> : tensor<2x2xi8>
// CHECK: %[[W:.*]] = quant.scast %[[WT]] : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32:0, {1.000000e+00,2.500000e-01}>>
// CHECK: kiln.gemm %{{.*}}, %[[W]], %{{.*}} {trans_b = true} : (tensor<1x2x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<2x2x!quant.uniform<i8:f32:0, {1.000000e+00,2.500000e-01}>>, tensor<2x!quant.uniform<i32:f32:0, {5.000000e-01,1.250000e-01}>>) -> tensor<1x2x!quant.uniform<i8:f32, 1.000000e+00>>
func.func @gemm_transposes_weights(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %q = kiln.quantize %x : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.5>>
  %dx = kiln.dequantize %q : (tensor<1x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2xf32>
  %w8 = kiln.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %ws = quant.scast %w8 : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 0.25}>>
  %w = kiln.dequantize %ws : (tensor<2x2x!quant.uniform<i8:f32:1, {1.0, 0.25}>>) -> tensor<2x2xf32>
  %c = kiln.constant dense<[[0.5, 0.0]]> : tensor<1x2xf32>
  %g = kiln.gemm %dx, %w, %c {beta = 2.0 : f32} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %qy = kiln.quantize %g : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  %y = kiln.dequantize %qy : (tensor<1x2x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A batched matmul lhs is flattened to rows around the int8 gemm.
// CHECK-LABEL: func.func @matmul_batched
// CHECK: %[[A:.*]] = kiln.reshape %{{.*}} : (tensor<2x3x4x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<6x4x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK: %[[G:.*]] = kiln.gemm %[[A]], %{{.*}} {trans_b = true} : (tensor<6x4x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<5x4x!quant.uniform<i8:f32, 2.500000e-01>>) -> tensor<6x5x!quant.uniform<i8:f32, 1.000000e+00:3>>
// CHECK: kiln.reshape %[[G]] : (tensor<6x5x!quant.uniform<i8:f32, 1.000000e+00:3>>) -> tensor<2x3x5x!quant.uniform<i8:f32, 1.000000e+00:3>>
func.func @matmul_batched(%x: tensor<2x3x4xf32>) -> tensor<2x3x5xf32> {
  %q = kiln.quantize %x : (tensor<2x3x4xf32>) -> tensor<2x3x4x!quant.uniform<i8:f32, 0.5>>
  %dx = kiln.dequantize %q : (tensor<2x3x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<2x3x4xf32>
  %w8 = kiln.constant dense<1> : tensor<4x5xi8>
  %ws = quant.scast %w8 : tensor<4x5xi8> to tensor<4x5x!quant.uniform<i8:f32, 0.25>>
  %w = kiln.dequantize %ws : (tensor<4x5x!quant.uniform<i8:f32, 0.25>>) -> tensor<4x5xf32>
  %m = kiln.matmul %dx, %w : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  %qy = kiln.quantize %m : (tensor<2x3x5xf32>) -> tensor<2x3x5x!quant.uniform<i8:f32, 1.0:3>>
  %y = kiln.dequantize %qy : (tensor<2x3x5x!quant.uniform<i8:f32, 1.0:3>>) -> tensor<2x3x5xf32>
  return %y : tensor<2x3x5xf32>
}

// -----

// add with different input and output scales; quantize(dequantize(x)) to the
// same type cancels and to another type becomes a requantize.
// CHECK-LABEL: func.func @add_and_requantize
// CHECK: %[[A:.*]] = kiln.quantize %arg0
// CHECK: %[[B:.*]] = kiln.quantize %arg1
// CHECK: %[[S:.*]] = kiln.add %[[A]], %[[B]] : (tensor<1x8x!quant.uniform<i8:f32, 5.000000e-01:1>>, tensor<1x8x!quant.uniform<i8:f32, 2.500000e-01:-2>>) -> tensor<1x8x!quant.uniform<i8:f32, 1.000000e+00>>
// CHECK: %[[D0:.*]] = kiln.dequantize %[[S]]
// CHECK: %[[R:.*]] = kiln.requantize %[[A]] : (tensor<1x8x!quant.uniform<i8:f32, 5.000000e-01:1>>) -> tensor<1x8x!quant.uniform<i8:f32, 1.250000e-01:7>>
// CHECK: %[[D1:.*]] = kiln.dequantize %[[R]]
// CHECK: %[[D2:.*]] = kiln.dequantize %[[A]]
// CHECK: return %[[D0]], %[[D1]], %[[D2]]
func.func @add_and_requantize(%x: tensor<1x8xf32>, %z: tensor<1x8xf32>) -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>) {
  %qa = kiln.quantize %x : (tensor<1x8xf32>) -> tensor<1x8x!quant.uniform<i8:f32, 0.5:1>>
  %da = kiln.dequantize %qa : (tensor<1x8x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x8xf32>
  %qb = kiln.quantize %z : (tensor<1x8xf32>) -> tensor<1x8x!quant.uniform<i8:f32, 0.25:-2>>
  %db = kiln.dequantize %qb : (tensor<1x8x!quant.uniform<i8:f32, 0.25:-2>>) -> tensor<1x8xf32>
  %s = kiln.add %da, %db : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %qs = kiln.quantize %s : (tensor<1x8xf32>) -> tensor<1x8x!quant.uniform<i8:f32, 1.0>>
  %ds = kiln.dequantize %qs : (tensor<1x8x!quant.uniform<i8:f32, 1.0>>) -> tensor<1x8xf32>
  %qr = kiln.quantize %da : (tensor<1x8xf32>) -> tensor<1x8x!quant.uniform<i8:f32, 0.125:7>>
  %dr = kiln.dequantize %qr : (tensor<1x8x!quant.uniform<i8:f32, 0.125:7>>) -> tensor<1x8xf32>
  %qi = kiln.quantize %da : (tensor<1x8xf32>) -> tensor<1x8x!quant.uniform<i8:f32, 0.5:1>>
  %di = kiln.dequantize %qi : (tensor<1x8x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x8xf32>
  return %ds, %dr, %di : tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>
}

// -----

// Max pooling and reshape commute with dequantize; avg pooling keeps the
// input scale and requantises to the output's; global average pooling
// requantises itself.
// CHECK-LABEL: func.func @pools
// CHECK: %[[X:.*]] = kiln.quantize %arg0
// CHECK: %[[M:.*]] = kiln.max_pool2d %[[X]] {{.*}} -> tensor<1x2x2x2x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: %[[A:.*]] = kiln.avg_pool2d %[[M]] {{.*}} -> tensor<1x2x1x1x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: %[[R:.*]] = kiln.requantize %[[A]] {{.*}} -> tensor<1x2x1x1x!quant.uniform<i8:f32, 2.500000e-01:-3>>
// CHECK: %[[G:.*]] = kiln.global_avg_pool %[[M]] : (tensor<1x2x2x2x!quant.uniform<i8:f32, 5.000000e-01:-3>>) -> tensor<1x2x1x1x!quant.uniform<i8:f32, 1.000000e-01:5>>
// CHECK: %[[F:.*]] = kiln.reshape %[[G]] : (tensor<1x2x1x1x!quant.uniform<i8:f32, 1.000000e-01:5>>) -> tensor<1x2x!quant.uniform<i8:f32, 1.000000e-01:5>>
// CHECK: kiln.dequantize %[[F]]
func.func @pools(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x1x1xf32>, tensor<1x2xf32>) {
  %q = kiln.quantize %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = kiln.dequantize %q : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x4x4xf32>
  %m = kiln.max_pool2d %d {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %a = kiln.avg_pool2d %m {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  %qa = kiln.quantize %a : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25:-3>>
  %da = kiln.dequantize %qa : (tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25:-3>>) -> tensor<1x2x1x1xf32>
  %g = kiln.global_avg_pool %m : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  %qg = kiln.quantize %g : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1x!quant.uniform<i8:f32, 0.1:5>>
  %dg = kiln.dequantize %qg : (tensor<1x2x1x1x!quant.uniform<i8:f32, 0.1:5>>) -> tensor<1x2x1x1xf32>
  %f = kiln.reshape %dg : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  return %da, %f : tensor<1x2x1x1xf32>, tensor<1x2xf32>
}

// -----

// Counted zero padding with a non-zero zero point stays float (the kernel
// pads with q = 0); a per-axis activation type is not int8 QDQ.
// CHECK-LABEL: func.func @pools_stay_float
// CHECK: kiln.avg_pool2d %{{.*}} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
// CHECK: kiln.max_pool2d %{{.*}} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
func.func @pools_stay_float(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) {
  %q = kiln.quantize %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>>
  %d = kiln.dequantize %q : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x4x4xf32>
  %a = kiln.avg_pool2d %d {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %qa = kiln.quantize %a : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>>
  %da = kiln.dequantize %qa : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x4x4xf32>
  %qc = kiln.quantize %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  %dc = kiln.dequantize %qc : (tensor<1x2x4x4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) -> tensor<1x2x4x4xf32>
  %m = kiln.max_pool2d %dc {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %da, %m : tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>
}

// -----

// concat requantises the input whose scale differs from the output's.
// CHECK-LABEL: func.func @concat
// CHECK: %[[A:.*]] = kiln.quantize %arg0
// CHECK: %[[B:.*]] = kiln.quantize %arg1
// CHECK: %[[R:.*]] = kiln.requantize %[[B]] : (tensor<1x2x!quant.uniform<i8:f32, 2.500000e-01>>) -> tensor<1x2x!quant.uniform<i8:f32, 5.000000e-01:1>>
// CHECK: kiln.concat %[[A]], %[[R]] {axis = 1 : i64} : (tensor<1x2x!quant.uniform<i8:f32, 5.000000e-01:1>>, tensor<1x2x!quant.uniform<i8:f32, 5.000000e-01:1>>) -> tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01:1>>
func.func @concat(%x: tensor<1x2xf32>, %z: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %qa = kiln.quantize %x : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.5:1>>
  %da = kiln.dequantize %qa : (tensor<1x2x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x2xf32>
  %qb = kiln.quantize %z : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.25>>
  %db = kiln.dequantize %qb : (tensor<1x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2xf32>
  %c = kiln.concat %da, %db {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %qc = kiln.quantize %c : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5:1>>
  %dc = kiln.dequantize %qc : (tensor<1x4x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x4xf32>
  return %dc : tensor<1x4xf32>
}

// -----

// uint8 activations become int8 with the zero point moved by 128; a uint8
// quantize that is also returned keeps its type.
// CHECK-LABEL: func.func @uint8_activations
// CHECK: %[[Q:.*]] = kiln.quantize %arg0 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 2.000000e-02:-28>>
// CHECK: kiln.dequantize %[[Q]]
// CHECK: %[[U:.*]] = kiln.quantize %arg0 : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 2.000000e-02:100>>
// CHECK: return {{.*}}, %[[U]]
func.func @uint8_activations(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4x!quant.uniform<u8:f32, 0.02:100>>) {
  %q = kiln.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.02:100>>
  %d = kiln.dequantize %q : (tensor<4x!quant.uniform<u8:f32, 0.02:100>>) -> tensor<4xf32>
  %q2 = kiln.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.02:100>>
  return %d, %q2 : tensor<4xf32>, tensor<4x!quant.uniform<u8:f32, 0.02:100>>
}

// -----

// Max pooling and reshapes applied straight to uint8 tensors (QOperator
// models) run on the int8 view; the pairs around them cancel.
// CHECK-LABEL: func.func @uint8_data_movement
// CHECK: %[[Q:.*]] = kiln.quantize %arg0 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 5.000000e-01:-28>>
// CHECK: %[[M:.*]] = kiln.max_pool2d %[[Q]] {{.*}} -> tensor<1x2x2x2x!quant.uniform<i8:f32, 5.000000e-01:-28>>
// CHECK: %[[R:.*]] = kiln.reshape %[[M]] : {{.*}} -> tensor<1x8x!quant.uniform<i8:f32, 5.000000e-01:-28>>
// CHECK: %[[D:.*]] = kiln.dequantize %[[R]]
// CHECK: return %[[D]]
func.func @uint8_data_movement(%x: tensor<1x2x4x4xf32>) -> tensor<1x8xf32> {
  %q = kiln.quantize %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:100>>
  %m = kiln.max_pool2d %q {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:100>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5:100>>
  %r = kiln.reshape %m : (tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5:100>>) -> tensor<1x8x!quant.uniform<u8:f32, 0.5:100>>
  %d = kiln.dequantize %r : (tensor<1x8x!quant.uniform<u8:f32, 0.5:100>>) -> tensor<1x8xf32>
  return %d : tensor<1x8xf32>
}

// -----

// The int8 kernels are NCHW only: NHWC conv and pools (kiln-convert-layout)
// stay float between their QDQ pairs.
// CHECK-LABEL: func.func @nhwc_stays_float
// CHECK: kiln.conv2d %{{.*}}, %{{.*}} {layout = #kiln<layout nhwc>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: kiln.max_pool2d %{{.*}} {kernel = array<i64: 2, 2>, layout = #kiln<layout nhwc>, strides = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK: kiln.global_avg_pool %{{.*}} {layout = #kiln<layout nhwc>} : (tensor<1x2x2x2xf32>) -> tensor<1x1x1x2xf32>
func.func @nhwc_stays_float(%x: tensor<1x4x4x1xf32>) -> tensor<1x1x1x2xf32> {
  %q = kiln.quantize %x : (tensor<1x4x4x1xf32>) -> tensor<1x4x4x1x!quant.uniform<i8:f32, 0.5:-1>>
  %dx = kiln.dequantize %q : (tensor<1x4x4x1x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<1x4x4x1xf32>
  %w8 = kiln.constant dense<[[[[3, -4]]]]> : tensor<1x1x1x2xi8>
  %ws = quant.scast %w8 : tensor<1x1x1x2xi8> to tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25>>
  %w = kiln.dequantize %ws : (tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x1x2xf32>
  %c = kiln.conv2d %dx, %w {layout = #kiln<layout nhwc>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  %qc = kiln.quantize %c : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-3>>
  %dc = kiln.dequantize %qc : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-3>>) -> tensor<1x4x4x2xf32>
  %m = kiln.max_pool2d %dc {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, layout = #kiln<layout nhwc>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32>
  %g = kiln.global_avg_pool %m {layout = #kiln<layout nhwc>} : (tensor<1x2x2x2xf32>) -> tensor<1x1x1x2xf32>
  %qg = kiln.quantize %g : (tensor<1x1x1x2xf32>) -> tensor<1x1x1x2x!quant.uniform<i8:f32, 0.1:5>>
  %dg = kiln.dequantize %qg : (tensor<1x1x1x2x!quant.uniform<i8:f32, 0.1:5>>) -> tensor<1x1x1x2xf32>
  return %dg : tensor<1x1x1x2xf32>
}
