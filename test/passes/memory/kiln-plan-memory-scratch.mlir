// RUN: kiln-opt %s --kiln-plan-memory | FileCheck %s --check-prefix=REF
// RUN: kiln-opt %s --kiln-plan-memory=kiln-kernel-variant=avx2 | FileCheck %s --check-prefix=AVX2
// RUN: kiln-opt %s --kiln-plan-memory=kiln-kernel-variant=avx512 | FileCheck %s --check-prefix=AVX2

// Scratch is sized for the target's runtime, not the compiler's: the AVX2
// int8 depthwise kernel reads a zero-point-padded copy of one input plane
// ((8+2) x (8+2) bytes, rounded up by the runtime), the reference needs none.
// REF-LABEL: func.func @depthwise_s8
// REF-NOT: kiln.scratch
// AVX2-LABEL: func.func @depthwise_s8
// AVX2: kiln.conv2d {{.*}}kiln.scratch = array<i64: {{[0-9]+}}, {{[1-9][0-9]*}}>
func.func @depthwise_s8(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 5.000000e-01:-1>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 2.500000e-01:-128>> {
  %w8 = kiln.constant dense<1> : tensor<4x1x3x3xi8>
  %w = quant.scast %w8 : tensor<4x1x3x3xi8> to tensor<4x1x3x3x!quant.uniform<i8:f32:0, {1.000000e-02,2.000000e-02,1.000000e-02,2.000000e-02}>>
  %y = kiln.conv2d %x, %w {group = 4 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 5.000000e-01:-1>>, tensor<4x1x3x3x!quant.uniform<i8:f32:0, {1.000000e-02,2.000000e-02,1.000000e-02,2.000000e-02}>>) -> tensor<1x4x8x8x!quant.uniform<i8:f32, 2.500000e-01:-128>>
  return %y : tensor<1x4x8x8x!quant.uniform<i8:f32, 2.500000e-01:-128>>
}

// An NHWC float conv is sized by kiln_conv2d_nhwc_f32_scratch_size: none in
// the reference, nor (today) in the AVX2 build, which forwards to it. Its
// HWIO filter and NHWC activations are planned like any tensor.
// REF-LABEL: func.func @conv_nhwc
// REF: kiln.conv2d {{.*}}kiln.offset = array<i64: 0>{{.*}}layout = #kiln<layout nhwc>
// REF-NOT: kiln.scratch
// REF: kiln.max_pool2d {{.*}}layout = #kiln<layout nhwc>
// AVX2-LABEL: func.func @conv_nhwc
// AVX2-NOT: kiln.scratch
// AVX2: return
func.func @conv_nhwc(%x: tensor<1x8x8x4xf32>) -> tensor<1x4x4x8xf32> {
  %w = kiln.constant dense<0.5> : tensor<3x3x4x8xf32>
  %y = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x4xf32>, tensor<3x3x4x8xf32>) -> tensor<1x8x8x8xf32>
  %p = kiln.max_pool2d %y {layout = #kiln<layout nhwc>, kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x4x4x8xf32>
  return %p : tensor<1x4x4x8xf32>
}
