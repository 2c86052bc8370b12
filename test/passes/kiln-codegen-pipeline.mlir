// RUN: kiln-opt %s --kiln-codegen-pipeline=alignment=64 | FileCheck %s

// The pipeline cleans up (the dead sigmoid goes) and then plans memory with
// the requested alignment: 100 bytes round up to 128.
// CHECK-LABEL: func.func @f
// CHECK-SAME: kiln.arena_align = 64 : i64, kiln.arena_lower_bound = 100 : i64, kiln.arena_size = 128 : i64
// CHECK-NOT: kiln.sigmoid
// CHECK: kiln.relu {{.*}}kiln.offset = array<i64: 0>
// CHECK: kiln.softmax {{.*}}kiln.output = array<i64: 0>
func.func @f(%x: tensor<1x25xf32>) -> tensor<1x25xf32> {
  %dead = kiln.sigmoid %x : (tensor<1x25xf32>) -> tensor<1x25xf32>
  %r = kiln.relu %x : (tensor<1x25xf32>) -> tensor<1x25xf32>
  %y = kiln.softmax %r : (tensor<1x25xf32>) -> tensor<1x25xf32>
  return %y : tensor<1x25xf32>
}
