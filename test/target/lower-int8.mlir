// The int8 forms kiln-quantize-ops produces each become one runtime call with
// `static const` parameters: quantize/dequantize with scale and zero-point
// arrays, conv2d with a per-channel kiln_requant array and the int32 bias in
// the weights blob, add, max/avg pool, requantize and global average pool
// (kiln_requant by value), fully connected. The C++ compiles warning-free.
// test/e2e/int8-ops.test runs this function and compares it bit for bit with
// the reference evaluator.
// RUN: rm -rf %t && kiln compile %s -o %t --name q8
// RUN: FileCheck %s --input-file %t/q8.cpp
// RUN: c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I %t -I %t/runtime/include %t/q8.cpp

// CHECK-DAG: static const float [[XS:kiln_floats_[0-9]+]][1] = {0.0500000007f};
// CHECK-DAG: static const int8_t [[XZ:kiln_zp_[0-9]+]][1] = {-3};
// CHECK-DAG: static const kiln_conv_s8_params [[CP:kiln_conv_s8_[0-9]+]] = {{[{][{]}}1, 1}, {1, 1}, {0, 0, 0, 0}, 1, 3, -128, -128, 127};
// CHECK-DAG: static const kiln_requant [[CR:kiln_requant_[0-9]+]][2] = {{[{][{]}}1374389535, -7}, {1374389535, -6}};
// CHECK-DAG: static const kiln_add_s8_params [[AP:kiln_add_s8_[0-9]+]] = {128, 3, {1073741824, 0}, {1073741824, -1}, {1073741824, -19}, 20, -10, -128, 127};
// CHECK-DAG: static const kiln_requant [[RQ:kiln_rq_[0-9]+]] = {1717986918, 0};
// CHECK-DAG: static const kiln_fc_s8_params [[FP:kiln_fc_s8_[0-9]+]] = {1, 3, 2, -5, 0, -128, 127};
// CHECK: kiln_quantize_f32_s8({{v[0-9]+}}, [[Q:v[0-9]+]], [[XS]], [[XZ]], 1, 1, 32);
// CHECK: [[W:v[0-9]+]] = (const int8_t*) (q8_weights
// CHECK: [[B:v[0-9]+]] = (const int32_t*) q8_weights;
// CHECK: kiln_conv2d_s8(&[[CP]], [[CR]], &{{kiln_shape_[0-9]+}}, [[Q]], &{{kiln_shape_[0-9]+}}, [[W]], [[B]], &{{kiln_shape_[0-9]+}}, [[C:v[0-9]+]], {{NULL|v[0-9]+}});
// CHECK: kiln_add_s8(&[[AP]], &{{kiln_shape_[0-9]+}}, [[C]], &{{kiln_shape_[0-9]+}}, [[Q]], &{{kiln_shape_[0-9]+}}, [[S:v[0-9]+]]);
// CHECK: kiln_max_pool2d_s8(&{{kiln_pool_[0-9]+}}, -128, 127, &{{kiln_shape_[0-9]+}}, [[S]], &{{kiln_shape_[0-9]+}}, [[M:v[0-9]+]]);
// CHECK: kiln_avg_pool2d_s8(&{{kiln_pool_[0-9]+}}, -128, 127, &{{kiln_shape_[0-9]+}}, [[M]], &{{kiln_shape_[0-9]+}}, [[A:v[0-9]+]]);
// CHECK: kiln_requantize_s8([[A]], 10, [[RQ]], 3, {{v[0-9]+}}, 2);
// CHECK: kiln_dequantize_s8_f32(
// CHECK: kiln_global_avg_pool_s8(&{{kiln_shape_[0-9]+}}, [[M]], 10, {{kiln_rq_[0-9]+}}, 5, -128, 127, [[G:v[0-9]+]]);
// CHECK: kiln_fully_connected_s8(&[[FP]], {{kiln_requant_[0-9]+}}, [[G]], {{v[0-9]+}}, NULL, {{v[0-9]+}});
// CHECK: kiln_dequantize_s8_f32(
func.func @main(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x1x1xf32>, tensor<1x3xf32>) {
  %qx = kiln.quantize %x : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.05:-3>>
  %dx = kiln.dequantize %qx : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x2x4x4xf32>
  %w8 = kiln.constant dense<[[[[3]], [[-5]]], [[[7]], [[2]]]]> : tensor<2x2x1x1xi8>
  %ws = quant.scast %w8 : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %w = kiln.dequantize %ws : (tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>>) -> tensor<2x2x1x1xf32>
  %b = kiln.constant dense<[0.01, -0.02]> : tensor<2xf32>
  %c = kiln.conv2d %dx, %w bias(%b) {activation = #kiln<activation relu>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %qc = kiln.quantize %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-128>>
  %dc = kiln.dequantize %qc : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.1:-128>>) -> tensor<1x2x4x4xf32>
  %s = kiln.add %dc, %dx : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %qs = kiln.quantize %s : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.2:-10>>
  %ds = kiln.dequantize %qs : (tensor<1x2x4x4x!quant.uniform<i8:f32, 0.2:-10>>) -> tensor<1x2x4x4xf32>
  %m = kiln.max_pool2d %ds {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %a = kiln.avg_pool2d %m {kernel = array<i64: 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  %qa = kiln.quantize %a : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25:3>>
  %da = kiln.dequantize %qa : (tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25:3>>) -> tensor<1x2x1x1xf32>
  %g = kiln.global_avg_pool %m : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  %qg = kiln.quantize %g : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1x!quant.uniform<i8:f32, 0.1:5>>
  %dg = kiln.dequantize %qg : (tensor<1x2x1x1x!quant.uniform<i8:f32, 0.1:5>>) -> tensor<1x2x1x1xf32>
  %f = kiln.reshape %dg : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  %v8 = kiln.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %vs = quant.scast %v8 : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32, 0.5>>
  %v = kiln.dequantize %vs : (tensor<3x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<3x2xf32>
  %y = kiln.gemm %f, %v {trans_b = true} : (tensor<1x2xf32>, tensor<3x2xf32>) -> tensor<1x3xf32>
  %qy = kiln.quantize %y : (tensor<1x3xf32>) -> tensor<1x3x!quant.uniform<i8:f32, 0.3:0>>
  %dy = kiln.dequantize %qy : (tensor<1x3x!quant.uniform<i8:f32, 0.3:0>>) -> tensor<1x3xf32>
  return %da, %dy : tensor<1x2x1x1xf32>, tensor<1x3xf32>
}
