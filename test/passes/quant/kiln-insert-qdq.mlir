// RUN: kiln-opt %s --split-input-file --verify-diagnostics --kiln-insert-qdq | FileCheck %s
// RUN: kiln-opt %s --split-input-file --verify-diagnostics --kiln-insert-qdq="kiln-per-tensor" | FileCheck %s --check-prefix=TENSOR
// RUN: kiln-opt %s --split-input-file --verify-diagnostics --kiln-insert-qdq="kiln-exclude=fc" | FileCheck %s --check-prefix=EXCL
// RUN: kiln-opt %s --split-input-file --verify-diagnostics --kiln-insert-qdq="kiln-mode=int8-weights" | FileCheck %s --check-prefix=WONLY

// Conv (relu fused, range [0, 6]) -> max pool -> reshape -> gemm. The input
// range [-1, 1] gives scale 2/255 and zero point round(-128 + 1/scale) = -1
// (1/scale is a hair above 127.5 in f32);
// [0, 6] gives scale 6/255 and zero point -128. Max pool and reshape keep the
// conv's parameters. Conv weights are per output channel (axis 0), the
// transposed gemm's too; the biases stay f32.

// CHECK-LABEL: func @cnn
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// CHECK-NOT: kiln.range
// CHECK: %[[QX:.*]] = kiln.quantize %[[X]] : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>
// CHECK: %[[DX:.*]] = kiln.dequantize %[[QX]]
// CHECK: %[[WI:.*]] = kiln.constant dense<{{\[\[\[\[}}127, -127], [0, 64]]], {{\[\[\[}}-127, 0], [0, 0]]]]> : tensor<2x1x2x2xi8>
// CHECK: %[[WS:.*]] = quant.scast %[[WI]] : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32:0, {0.015748031437397003,0.00787401571869850{{[0-9]+}}}>>
// CHECK: %[[DW:.*]] = kiln.dequantize %[[WS]] : {{.*}} -> tensor<2x1x2x2xf32>
// CHECK: %[[C:.*]] = kiln.conv2d %[[DX]], %[[DW]] bias(%{{.*}})
// CHECK: %[[QC:.*]] = kiln.quantize %[[C]] : {{.*}} -> tensor<1x2x3x3x!quant.uniform<i8:f32, 0.023529412224888802:-128>>
// CHECK: %[[DC:.*]] = kiln.dequantize %[[QC]]
// CHECK: %[[P:.*]] = kiln.max_pool2d %[[DC]]
// CHECK: kiln.quantize %[[P]] : {{.*}} -> tensor<1x2x1x1x!quant.uniform<i8:f32, 0.023529412224888802:-128>>
// CHECK: %[[R:.*]] = kiln.reshape
// CHECK: kiln.quantize %[[R]] : {{.*}} -> tensor<1x2x!quant.uniform<i8:f32, 0.023529412224888802:-128>>
// CHECK: quant.scast {{.*}} to tensor<3x2x!quant.uniform<i8<-127:127>:f32:0, {0.0039370078593492508,0.00787401571869850{{[0-9]+}},0.011811023578047752}>>
// CHECK: %[[G:.*]] = kiln.gemm
// CHECK: %[[QG:.*]] = kiln.quantize %[[G]] : {{.*}} -> tensor<1x3x!quant.uniform<i8:f32, 0.015686275437474251:-1>>
// CHECK: %[[DG:.*]] = kiln.dequantize %[[QG]]
// CHECK: return %[[DG]]

// TENSOR-LABEL: func @cnn
// TENSOR: quant.scast {{.*}} to tensor<2x1x2x2x!quant.uniform<i8<-127:127>:f32, 0.015748031437397003>>
// TENSOR: kiln.constant dense<{{\[\[}}42, 0], [0, 85], [127, 127]]> : tensor<3x2xi8>
// TENSOR: quant.scast {{.*}} to tensor<3x2x!quant.uniform<i8<-127:127>:f32, 0.011811023578047752>>

// With the gemm excluded (its ONNX node name is "fc"), its weights, input
// and output stay f32; the reshape reads the max pool's dequantised value.
// EXCL-LABEL: func @cnn
// EXCL: kiln.max_pool2d
// EXCL-NEXT: kiln.quantize
// EXCL-NEXT: %[[D:.*]] = kiln.dequantize
// EXCL-NEXT: %[[R:.*]] = kiln.reshape %[[D]]
// EXCL-NEXT: %[[W:.*]] = kiln.constant {{.*}} : tensor<3x2xf32>
// EXCL-NEXT: %[[B:.*]] = kiln.constant
// EXCL-NEXT: %[[G:.*]] = kiln.gemm %[[R]], %[[W]], %[[B]] {trans_b = true} : (tensor<1x2xf32>, tensor<3x2xf32>, tensor<3xf32>)
// EXCL-NEXT: return %[[G]]

// Weight-only: only the gemm's weights, no activation quantisation.
// WONLY-LABEL: func @cnn
// WONLY-NOT: kiln.quantize
// WONLY: kiln.conv2d %{{.*}}, %{{.*}} bias
// WONLY-SAME: tensor<2x1x2x2xf32>
// WONLY: quant.scast {{.*}} to tensor<3x2x!quant.uniform<i8<-127:127>:f32:0, {{.*}}>>
// WONLY: kiln.dequantize
// WONLY: kiln.gemm
// WONLY-NOT: kiln.quantize
// WONLY: return
func.func @cnn(%x: tensor<1x1x4x4xf32> {kiln.range = array<f32: -1.0, 1.0>}) -> tensor<1x3xf32> {
  %w = kiln.constant dense<[[[[2.0, -2.0], [0.0, 1.0]]], [[[-1.0, 0.0], [0.0, 0.0]]]]> : tensor<2x1x2x2xf32>
  %b = kiln.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %c = kiln.conv2d %x, %w bias(%b) {activation = #kiln<activation relu>, kiln.range = array<f32: 0.0, 6.0>} : (tensor<1x1x4x4xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %p = kiln.max_pool2d %c {kernel = array<i64: 3, 3>, strides = array<i64: 3, 3>, kiln.range = array<f32: 0.0, 5.0>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32>
  %r = kiln.reshape %p {kiln.range = array<f32: 0.0, 5.0>} : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  %fw = kiln.constant dense<[[0.5, 0.0], [0.0, 1.0], [1.5, 1.5]]> : tensor<3x2xf32>
  %fb = kiln.constant dense<[0.0, 0.1, 0.2]> : tensor<3xf32>
  %g = kiln.gemm %r, %fw, %fb {trans_b = true, kiln.range = array<f32: -2.0, 2.0>} : (tensor<1x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<1x3xf32> loc("fc")
  return %g : tensor<1x3xf32>
}

// -----

// Sigmoid has no int8 kernel: it computes in float between a dequantised
// input and, since the add reads it, a quantised output. The matmul's
// operands have no range (not calibrated) and stay float. A constant addend
// is quantised with its own extremes.

// CHECK-LABEL: func @partial
// CHECK-NEXT: %[[M:.*]] = kiln.matmul %arg0, %arg1
// CHECK-NEXT: kiln.quantize %[[M]] {{.*}}0.0039215688593685627:-128
// CHECK-NEXT: %[[DM:.*]] = kiln.dequantize
// CHECK-NEXT: %[[S:.*]] = kiln.sigmoid %[[DM]]
// CHECK-NEXT: kiln.quantize %[[S]]
// CHECK-NEXT: %[[DS:.*]] = kiln.dequantize
// CHECK-NEXT: %[[K:.*]] = kiln.constant dense<[-1.000000e+00, 3.000000e+00]>
// CHECK-NEXT: kiln.quantize %[[K]] {{.*}}0.015686275437474251:-64
// CHECK: kiln.add %[[DS]], %{{.*}}
func.func @partial(%a: tensor<2x2xf32>, %b: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %m = kiln.matmul %a, %b {kiln.range = array<f32: 0.0, 1.0>} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %s = kiln.sigmoid %m {kiln.range = array<f32: 0.0, 1.0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %k = kiln.constant dense<[-1.0, 3.0]> : tensor<2xf32>
  %y = kiln.add %s, %k {kiln.range = array<f32: -1.0, 4.0>} : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

func.func @bad_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.range' must be array<f32: lo, hi> with one pair per result}}
  %y = kiln.add %x, %x {kiln.range = array<f32: 0.0>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @inverted_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.range' of result 0 is not a finite range lo <= hi}}
  %y = kiln.add %x, %x {kiln.range = array<f32: 2.0, 1.0>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
