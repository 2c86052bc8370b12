// RUN: kiln-opt %s --split-input-file --canonicalize | FileCheck %s

// An int32 constant behind quant.scast (a QDQ bias) dequantises at compile
// time, per axis: (q - zp) * scale in float.
// CHECK-LABEL: func.func @int32_bias
// CHECK: %[[C:.*]] = kiln.constant dense<[1.000000e+00, -5.000000e-01, 7.500000e-01]> : tensor<3xf32>
// CHECK-NEXT: return %[[C]]
func.func @int32_bias() -> tensor<3xf32> {
  %b = kiln.constant dense<[4, -4, 3]> : tensor<3xi32>
  %s = quant.scast %b : tensor<3xi32> to tensor<3x!quant.uniform<i32:f32:0, {0.25, 0.125, 0.25}>>
  %d = kiln.dequantize %s : (tensor<3x!quant.uniform<i32:f32:0, {0.25, 0.125, 0.25}>>) -> tensor<3xf32>
  return %d : tensor<3xf32>
}

// -----

// 8-bit weights stay quantised: kiln-quantize-ops needs them.
// CHECK-LABEL: func.func @int8_weights_stay
// CHECK: quant.scast
// CHECK: kiln.dequantize
func.func @int8_weights_stay() -> tensor<2xf32> {
  %w = kiln.constant dense<[4, -4]> : tensor<2xi8>
  %s = quant.scast %w : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.5>>
  %d = kiln.dequantize %s : (tensor<2x!quant.uniform<i8:f32, 0.5>>) -> tensor<2xf32>
  return %d : tensor<2xf32>
}
