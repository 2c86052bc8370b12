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
