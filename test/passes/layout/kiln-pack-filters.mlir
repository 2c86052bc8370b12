// RUN: kiln-opt %s --split-input-file --kiln-pack-filters | FileCheck %s
// RUN: kiln-opt %s --split-input-file --kiln-pack-filters="width=4" | FileCheck %s --check-prefix=NR4
// RUN: kiln-opt %s --split-input-file --kiln-pack-filters="width=16" | FileCheck %s --check-prefix=NR16
// RUN: not kiln-opt %s --split-input-file --kiln-pack-filters="width=65" 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: kiln-opt %s --split-input-file --kiln-pack-filters="width=4" --kiln-fold-constants | FileCheck %s --check-prefix=FOLD

// Groups 1, M = 3 not a multiple of NR: one panel, zero past M. With NR = 4
// the panel rows are the HWIO rows [c][0..3) followed by a zero.
// CHECK-LABEL: func.func @groups1
// CHECK: %[[P:.*]] = kiln.constant dense<{{.*}}> : tensor<1x1x1x1x2x32xf32>
// CHECK-NOT: tensor<1x1x2x3xf32>
// CHECK: kiln.conv2d %arg0, %[[P]] bias(%arg1) {layout = #kiln<layout nhwc>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x1x2x32xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
// NR4-LABEL: func.func @groups1
// NR4: %[[P:.*]] = kiln.constant dense<{{\[\[\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 0.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00, 0.000000e+00]]]]]]> : tensor<1x1x1x1x2x4xf32>
// NR4: kiln.conv2d %arg0, %[[P]] bias(%arg1)
// BAD: error: kiln-pack-filters: width 65 is outside the runtime's 1 to 64
func.func @groups1(%x: tensor<1x4x4x2xf32>, %b: tensor<3xf32>) -> tensor<1x4x4x3xf32> {
  %w = kiln.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]]> : tensor<1x1x2x3xf32>
  %y = kiln.conv2d %x, %w bias(%b) {layout = #kiln<layout nhwc>}
      : (tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}

// -----

// M/G = 6 in panels of 4: P = 2, the second panel holds channels 4 and 5 and
// two zero columns. No bias: M comes from the result type.
// CHECK-LABEL: func.func @two_panels
// CHECK: kiln.conv2d %arg0, %{{.*}} {layout = #kiln<layout nhwc>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x1x1x32xf32>) -> tensor<1x4x4x6xf32>
// NR4-LABEL: func.func @two_panels
// NR4: %[[P:.*]] = kiln.constant dense<{{\[\[\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]]]], {{\[\[\[\[}}5.000000e+00, 6.000000e+00, 0.000000e+00, 0.000000e+00]]]]]]> : tensor<1x2x1x1x1x4xf32>
// NR4: kiln.conv2d %arg0, %[[P]] {layout = #kiln<layout nhwc>} : (tensor<1x4x4x1xf32>, tensor<1x2x1x1x1x4xf32>) -> tensor<1x4x4x6xf32>
func.func @two_panels(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x6xf32> {
  %w = kiln.constant dense<[[[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]]]> : tensor<1x1x1x6xf32>
  %y = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>}
      : (tensor<1x4x4x1xf32>, tensor<1x1x1x6xf32>) -> tensor<1x4x4x6xf32>
  return %y : tensor<1x4x4x6xf32>
}

// -----

// Grouped (2 groups of 2 input and 3 output channels): one panel per group,
// group g holding HWIO columns g*3 .. g*3+2.
// CHECK-LABEL: func.func @grouped
// CHECK: kiln.conv2d %arg0, %{{.*}} {group = 2 : i64, layout = #kiln<layout nhwc>} : (tensor<1x4x4x4xf32>, tensor<2x1x1x1x2x32xf32>) -> tensor<1x4x4x6xf32>
// NR4-LABEL: func.func @grouped
// NR4: %[[P:.*]] = kiln.constant dense<{{\[\[\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 0.000000e+00], [7.000000e+00, 8.000000e+00, 9.000000e+00, 0.000000e+00]]]]], {{\[\[\[\[\[}}4.000000e+00, 5.000000e+00, 6.000000e+00, 0.000000e+00], [1.000000e+01, 1.100000e+01, 1.200000e+01, 0.000000e+00]]]]]]> : tensor<2x1x1x1x2x4xf32>
// NR16-LABEL: func.func @grouped
// NR16: kiln.conv2d %arg0, %{{.*}} {group = 2 : i64, layout = #kiln<layout nhwc>} : (tensor<1x4x4x4xf32>, tensor<2x1x1x1x2x16xf32>) -> tensor<1x4x4x6xf32>
func.func @grouped(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x4x6xf32> {
  %w = kiln.constant dense<[[[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                              [7.0, 8.0, 9.0, 10.0, 11.0, 12.0]]]]> : tensor<1x1x2x6xf32>
  %y = kiln.conv2d %x, %w {group = 2 : i64, layout = #kiln<layout nhwc>}
      : (tensor<1x4x4x4xf32>, tensor<1x1x2x6xf32>) -> tensor<1x4x4x6xf32>
  return %y : tensor<1x4x4x6xf32>
}

// -----

// A dense_resource filter (how the importer stores weights) stays a blob.
// CHECK-LABEL: func.func @resource
// CHECK: %[[P:.*]] = kiln.constant dense_resource<w_packed> : tensor<1x1x1x1x2x32xf32>
// CHECK: kiln.conv2d %arg0, %[[P]]
// CHECK: w_packed: "0x04000000
// NR16-LABEL: func.func @resource
// NR16: kiln.constant dense_resource<w_packed> : tensor<1x1x1x1x2x16xf32>
func.func @resource(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = kiln.constant dense_resource<w> : tensor<1x1x2x3xf32>
  %y = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>}
      : (tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// Two convs sharing a filter share one packed constant; the HWIO constant is
// kept while another op still reads it.
// CHECK-LABEL: func.func @shared
// CHECK: %[[W:.*]] = kiln.constant dense<{{.*}}> : tensor<1x1x2x3xf32>
// CHECK: %[[P:.*]] = kiln.constant dense<{{.*}}> : tensor<1x1x1x1x2x32xf32>
// CHECK-NOT: kiln.constant
// CHECK: kiln.conv2d %arg0, %[[P]]
// CHECK: kiln.conv2d %arg1, %[[P]]
// CHECK: kiln.relu %[[W]]
func.func @shared(%x: tensor<1x4x4x2xf32>, %z: tensor<1x2x2x2xf32>)
    -> (tensor<1x4x4x3xf32>, tensor<1x2x2x3xf32>, tensor<1x1x2x3xf32>) {
  %w = kiln.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]]> : tensor<1x1x2x3xf32>
  %a = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>}
      : (tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>) -> tensor<1x4x4x3xf32>
  %b = kiln.conv2d %z, %w {layout = #kiln<layout nhwc>}
      : (tensor<1x2x2x2xf32>, tensor<1x1x2x3xf32>) -> tensor<1x2x2x3xf32>
  %r = kiln.relu %w : (tensor<1x1x2x3xf32>) -> tensor<1x1x2x3xf32>
  return %a, %b, %r : tensor<1x4x4x3xf32>, tensor<1x2x2x3xf32>, tensor<1x1x2x3xf32>
}

// -----

// Not packed: an NCHW conv (its kernel reads OIHW).
// CHECK-LABEL: func.func @nchw
// CHECK: kiln.conv2d %arg0, %{{.*}} : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
func.func @nchw(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %w = kiln.constant dense<1.0> : tensor<3x2x1x1xf32>
  %y = kiln.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %y : tensor<1x3x4x4xf32>
}

// -----

// Not packed: a depthwise conv (C/G = M/G = 1), whose kernel reads HWIO taps.
// CHECK-LABEL: func.func @depthwise
// CHECK: kiln.conv2d %arg0, %{{.*}} {group = 4 : i64, layout = #kiln<layout nhwc>} : (tensor<1x4x4x4xf32>, tensor<3x3x1x4xf32>) -> tensor<1x2x2x4xf32>
func.func @depthwise(%x: tensor<1x4x4x4xf32>) -> tensor<1x2x2x4xf32> {
  %w = kiln.constant dense<0.5> : tensor<3x3x1x4xf32>
  %y = kiln.conv2d %x, %w {group = 4 : i64, layout = #kiln<layout nhwc>}
      : (tensor<1x4x4x4xf32>, tensor<3x3x1x4xf32>) -> tensor<1x2x2x4xf32>
  return %y : tensor<1x2x2x4xf32>
}

// -----

// Not packed: a filter computed at run time.
// CHECK-LABEL: func.func @runtime_filter
// CHECK: kiln.conv2d %arg0, %arg1 {layout = #kiln<layout nhwc>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>) -> tensor<1x4x4x3xf32>
func.func @runtime_filter(%x: tensor<1x4x4x2xf32>, %w: tensor<1x1x2x3xf32>) -> tensor<1x4x4x3xf32> {
  %y = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>}
      : (tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}

// -----

// Not packed: an int8 conv (the int8 kernels are NCHW and read OIHW).
// CHECK-LABEL: func.func @quantised
// CHECK: kiln.conv2d %arg0, %arg1 : (tensor<1x1x4x4x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 2.500000e-01>>
func.func @quantised(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>,
                     %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5>>)
    -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25>> {
  %y = kiln.conv2d %x, %w : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25>>
  return %y : tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25>>
}

// -----

// The evaluator runs a packed conv through kiln_conv2d_nhwc_f32 like an HWIO
// one: [1, 10] x [[1, 2, 3], [4, 5, 6]] + [0.5, 0, 0] = [41.5, 52, 63].
// CHECK-LABEL: func.func @folds_packed
// CHECK: kiln.conv2d {{.*}} : (tensor<1x1x1x2xf32>, tensor<1x1x1x1x2x32xf32>, tensor<3xf32>) -> tensor<1x1x1x3xf32>
// FOLD-LABEL: func.func @folds_packed
// FOLD-NOT: kiln.conv2d
// FOLD: kiln.constant dense<{{\[\[\[}}[4.150000e+01, 5.200000e+01, 6.300000e+01]]]]> : tensor<1x1x1x3xf32>
func.func @folds_packed() -> tensor<1x1x1x3xf32> {
  %x = kiln.constant dense<[[[[1.0, 10.0]]]]> : tensor<1x1x1x2xf32>
  %w = kiln.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]]> : tensor<1x1x2x3xf32>
  %b = kiln.constant dense<[0.5, 0.0, 0.0]> : tensor<3xf32>
  %y = kiln.conv2d %x, %w bias(%b) {layout = #kiln<layout nhwc>}
      : (tensor<1x1x1x2xf32>, tensor<1x1x2x3xf32>, tensor<3xf32>) -> tensor<1x1x1x3xf32>
  return %y : tensor<1x1x1x3xf32>
}
