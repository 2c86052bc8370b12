// Each op family becomes one checked runtime call with the planned pointers
// and `static const` parameters; the generated C++ compiles warning-free. At
// -O0, so that no pass (elementwise fusion at -O2 and up) merges the families.
// RUN: rm -rf %t && kiln compile %s -O0 -o %t --name fam
// RUN: FileCheck %s --input-file %t/fam.cpp
// RUN: c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I %t -I %t/runtime/include %t/fam.cpp
// And it computes what numpy computes (Inputs/check_families.py mirrors it).
// RUN: rm -rf %t.lib && kiln compile %s -O0 -o %t.lib --name fam --emit lib 2> %t.log
// RUN: cc -I %t.lib -I %t.lib/runtime/include -DKILN_NAME=fam -DKILN_UPPER=FAM %S/Inputs/run_model.c %t.lib/libfam.a -lm -o %t.run
// RUN: %python %S/Inputs/check_families.py input %t.in
// RUN: %t.run %t.in > %t.out
// RUN: %python %S/Inputs/check_families.py check %t.out | FileCheck %s --check-prefix=NUM
// NUM: OK max-abs-err

// CHECK-DAG: static const kiln_conv_params [[CONV:kiln_conv_[0-9]+]] = {{[{][{]}}2, 2}, {1, 1}, {1, 1, 1, 0}, 2, {KILN_ACT_CLIP, 0.0f, 0.0f, 0.0f, 6.0f}};
// CHECK-DAG: static const kiln_pool_params [[POOL:kiln_pool_[0-9]+]] = {{[{][{]}}3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, 1};
// CHECK-DAG: static const kiln_activation [[ACT:kiln_act_[0-9]+]] = {KILN_ACT_LEAKY_RELU, 0.100000001f, 0.0f, 0.0f, 0.0f};
// CHECK-DAG: static const int32_t [[PERM:kiln_ints_[0-9]+]][4] = {0, 2, 3, 1};
// CHECK-DAG: static const float [[PADV:kiln_value_[0-9]+]] = -1.5f;
// CHECK: int fam_run(const void *const* {{v[0-9]+}}, void *const* {{v[0-9]+}}, void* {{v[0-9]+}})

// Conv: depthwise, clip epilogue, residual, no bias.
// CHECK: kiln_status [[S:v[0-9]+]] = kiln_conv2d_f32(&[[CONV]], &{{kiln_shape_[0-9]+}}, [[X:v[0-9]+]], &{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, NULL, [[RES:v[0-9]+]], &{{kiln_shape_[0-9]+}}, [[C:v[0-9]+]], NULL);
// CHECK-NEXT: if ([[S]] != KILN_OK) return [[S]];
// CHECK: kiln_batch_norm_f32(&{{kiln_shape_[0-9]+}}, [[C]], {{v[0-9]+}}, {{v[0-9]+}}, {{v[0-9]+}}, {{v[0-9]+}}, 0.00100000005f, [[BN:v[0-9]+]]);
// CHECK: kiln_avg_pool2d_f32(&[[POOL]], &{{kiln_shape_[0-9]+}}, [[BN]],
// CHECK: kiln_mul_f32(&{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, &{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, &{{kiln_shape_[0-9]+}}, {{v[0-9]+}});
// CHECK: kiln_leaky_relu_f32({{v[0-9]+}}, {{v[0-9]+}}, 32, 0.200000003f);
// CHECK: kiln_transpose(&{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, [[PERM]], {{v[0-9]+}}, 4);
// CHECK: kiln_slice(&{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, {{kiln_ints_[0-9]+}}, {{kiln_ints_[0-9]+}}, &{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, 4);
// CHECK: kiln_pad(&{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, {{kiln_ints_[0-9]+}}, KILN_PAD_CONSTANT, &[[PADV]], {{v[0-9]+}}, 4);
// CHECK: kiln_global_avg_pool_f32(&{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, {{v[0-9]+}});
// CHECK: kiln_reduce_mean_f32(&{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, 12u, {{v[0-9]+}});
// CHECK: kiln_layer_norm_f32({{v[0-9]+}}, {{v[0-9]+}}, NULL, 9.99999975e-06f, {{v[0-9]+}}, 2, 4);
// Matmul has no epilogue in the runtime: the activation runs in place after it.
// CHECK: kiln_matmul_f32(&{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, &{{kiln_shape_[0-9]+}}, {{v[0-9]+}}, [[MM:v[0-9]+]]);
// CHECK: kiln_activate_f32(&[[ACT]], [[MM]], [[MM]], 6);
// CHECK: kiln_log_softmax_f32({{v[0-9]+}}, {{v[0-9]+}}, 2, 3, 1);
// A returned caller input is copied out.
// CHECK: kiln_copy({{v[0-9]+}}, {{v[0-9]+}}, 4, 4);
// CHECK: return 0;
func.func @main(%x: tensor<1x2x8x8xf32>, %res: tensor<1x2x4x4xf32>, %small: tensor<4xf32>)
    -> (tensor<1x3xf32>, tensor<2x3xf32>, tensor<4xf32>) {
  %w = kiln.constant dense<0.25> : tensor<2x1x3x3xf32>
  %c = kiln.conv2d %x, %w residual(%res) {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 0>,
          group = 2 : i64, activation = #kiln<activation clip>, activation_params = array<f32: 0.0, 6.0>}
      : (tensor<1x2x8x8xf32>, tensor<2x1x3x3xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %s = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %bb = kiln.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %m = kiln.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %v = kiln.constant dense<[1.5, 2.5]> : tensor<2xf32>
  %bn = kiln.batch_norm %c, %s, %bb, %m, %v {epsilon = 1.0e-03 : f32}
      : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %ap = kiln.avg_pool2d %bn {kernel = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = true}
      : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %sc = kiln.constant dense<[[[2.0]], [[3.0]]]> : tensor<2x1x1xf32>
  %mu = kiln.mul %ap, %sc : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %mu2 = kiln.mul %mu, %mu : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %lr = kiln.leaky_relu %mu2 {alpha = 0.2 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %t = kiln.transpose %lr {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %sl = kiln.slice %t {offsets = array<i64: 0, 1, 0, 0>, sizes = array<i64: 1, 2, 4, 2>, strides = array<i64: 1, 1, 1, 1>}
      : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x2xf32>
  %p = kiln.pad %sl {pads = array<i64: 0, 0, 0, 0, 0, 1, 0, 0>, value = -1.5 : f32} : (tensor<1x2x4x2xf32>) -> tensor<1x3x4x2xf32>
  %g = kiln.global_avg_pool %p : (tensor<1x3x4x2xf32>) -> tensor<1x3x1x1xf32>
  %rm = kiln.reduce_mean %g {axes = array<i64: 2, 3>, keepdims = false} : (tensor<1x3x1x1xf32>) -> tensor<1x3xf32>
  %ln_in = kiln.reshape %sl : (tensor<1x2x4x2xf32>) -> tensor<2x8xf32>
  %ln_in2 = kiln.slice %ln_in {offsets = array<i64: 0, 0>, sizes = array<i64: 2, 4>, strides = array<i64: 1, 2>}
      : (tensor<2x8xf32>) -> tensor<2x4xf32>
  %gamma = kiln.constant dense<[1.0, 0.5, 2.0, 1.5]> : tensor<4xf32>
  %ln = kiln.layer_norm %ln_in2, %gamma {axis = -1 : i64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %mw = kiln.constant dense<0.3> : tensor<4x3xf32>
  %mm = kiln.matmul %ln, %mw {activation = #kiln<activation leaky_relu>, activation_params = array<f32: 0.1>}
      : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  %ls = kiln.log_softmax %mm {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %rm, %ls, %small : tensor<1x3xf32>, tensor<2x3xf32>, tensor<4xf32>
}
