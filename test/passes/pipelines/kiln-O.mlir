// RUN: kiln-opt %s --kiln-O0 | FileCheck %s --check-prefix=O0
// RUN: kiln-opt %s --kiln-O1 | FileCheck %s --check-prefix=O1
// RUN: kiln-opt %s --kiln-O2 | FileCheck %s --check-prefix=O2
// RUN: kiln-opt %s --kiln-O3 | FileCheck %s --check-prefix=O3
// RUN: kiln-opt %s --pass-pipeline='builtin.module(kiln-O3)' | FileCheck %s --check-prefix=O3
// RUN: kiln-opt %s --kiln-O3="layout=nhwc" | FileCheck %s --check-prefix=NHWC
// RUN: kiln-opt %s --kiln-O2="layout=nhwc" | FileCheck %s --check-prefix=O2
// RUN: kiln-opt %s --kiln-O3="layout=nhwc packed-filter-width=32" | FileCheck %s --check-prefix=PACK
// RUN: kiln-opt %s --kiln-O3="packed-filter-width=32" | FileCheck %s --check-prefix=O3 --implicit-check-not=1x1x1x1x1x32xf32
// RUN: kiln-opt %s --kiln-O2="layout=nhwc packed-filter-width=32" | FileCheck %s --check-prefix=O2 --implicit-check-not=1x1x1x1x1x32xf32

// O0 leaves the imported graph alone.
// O0: kiln.pad
// O0: kiln.batch_norm
// O0: kiln.relu
// O0: kiln.transpose

// O1 folds the constant shape and drops identities, nothing more.
// O1-NOT: kiln.pad
// O1: kiln.conv2d
// O1: kiln.batch_norm
// O1: kiln.relu
// O1: kiln.reshape %{{.*}} : (tensor<1x2x4x4xf32>) -> tensor<1x32xf32>

// O2 folds the BN and fuses the relu; the transposes stay.
// O2: kiln.conv2d %arg0, %{{.*}} bias(%{{.*}}) {activation = #kiln<activation relu>}
// O2-NOT: kiln.batch_norm
// O2: kiln.transpose
// O2: kiln.transpose

// O3 also cancels the transposes around the sigmoid.
// O3: %[[C:.*]] = kiln.conv2d %arg0, %{{.*}} bias(%{{.*}}) {activation = #kiln<activation relu>}
// O3: %[[S:.*]] = kiln.sigmoid %[[C]]
// O3-NOT: kiln.transpose
// O3: kiln.reshape %[[S]]
// O3 with layout=nhwc converts the conv after fusion: the single-channel
// input needs only a reshape, the sigmoid runs NHWC, and one transpose is left
// where the result is flattened in NCHW order. Below -O3 the layout is kept.
// NHWC: %[[X:.*]] = kiln.reshape %arg0 : (tensor<1x1x4x4xf32>) -> tensor<1x4x4x1xf32>
// NHWC: %[[C:.*]] = kiln.conv2d %[[X]], %{{.*}} bias(%{{.*}}) {activation = #kiln<activation relu>, layout = #kiln<layout nhwc>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
// NHWC: %[[S:.*]] = kiln.sigmoid %[[C]] : (tensor<1x4x4x2xf32>)
// NHWC: %[[T:.*]] = kiln.transpose %[[S]] {perm = array<i64: 0, 3, 1, 2>}
// NHWC: kiln.reshape %[[T]] : (tensor<1x2x4x4xf32>) -> tensor<1x32xf32>
// With a packing width, kiln-pack-filters runs last at -O3 in NHWC, so the conv
// reads its filter as one zero-padded panel of 32 columns, and the HWIO
// constant is gone. NCHW (-O3 without layout) and -O2 do not pack.
// PACK-NOT: tensor<1x1x1x2xf32>
// PACK: %[[X:.*]] = kiln.reshape %arg0 : (tensor<1x1x4x4xf32>) -> tensor<1x4x4x1xf32>
// PACK: %[[C:.*]] = kiln.conv2d %[[X]], %{{.*}} bias(%{{.*}}) {activation = #kiln<activation relu>, layout = #kiln<layout nhwc>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x1x1x32xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
// PACK-NOT: tensor<1x1x1x2xf32>
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x32xf32> {
  %zero = kiln.constant dense<0> : tensor<1xi64>
  %shape = kiln.constant dense<[1, 2, 4, 4]> : tensor<4xi64>
  %w = kiln.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %p = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %padded = kiln.pad %x {pads = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %c = kiln.conv2d %padded, %w : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %bn = kiln.batch_norm %c, %p, %p, %p, %p : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = kiln.relu %bn : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %t = kiln.transpose %r {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %s = kiln.sigmoid %t : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %back = kiln.transpose %s {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %n = kiln.gather %shape, %zero {axis = 0 : i64} : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
  %y = kiln.reshape %back : (tensor<1x2x4x4xf32>) -> tensor<1x32xf32>
  return %y : tensor<1x32xf32>
}
