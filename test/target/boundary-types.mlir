// Inputs and outputs of a type the generated API cannot carry are refused,
// each named, and no output directory is written.
// RUN: rm -rf %t && not kiln compile %s -o %t --name m 2>&1 | FileCheck %s
// RUN: not test -e %t
// CHECK: error: the generated API carries f32, int32, int64, int8, uint8 and bool tensors only: input 1 'input1' is f16, output 0 'output0' is f16
func.func @main(%x: tensor<4xf32>, %like: tensor<1xf16>) -> tensor<4xf16> {
  %y = kiln.cast %x : (tensor<4xf32>) -> tensor<4xf16>
  return %y : tensor<4xf16>
}
