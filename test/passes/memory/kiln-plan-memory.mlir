// RUN: kiln-opt %s --split-input-file --kiln-plan-memory | FileCheck %s

// A chain: each intermediate dies when the next one is born, so the planner
// ping-pongs between two buffers, and the arena equals the lower bound.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: kiln.arena_align = 16 : i64, kiln.arena_lower_bound = 8192 : i64, kiln.arena_size = 8192 : i64
// CHECK: kiln.conv2d {{.*}}kiln.offset = array<i64: 0>
// CHECK: kiln.max_pool2d {{.*}}kiln.offset = array<i64: 4096>
// CHECK: kiln.conv2d {{.*}}kiln.offset = array<i64: 0>
// CHECK: kiln.global_avg_pool {{.*}}kiln.offset = array<i64: -1>, kiln.output = array<i64: 0>
func.func @chain(%x: tensor<1x4x16x16xf32>) -> tensor<1x4x1x1xf32> {
  %w = kiln.constant dense<0.5> : tensor<4x4x1x1xf32>
  %a = kiln.conv2d %x, %w : (tensor<1x4x16x16xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x16x16xf32>
  %b = kiln.max_pool2d %a {kernel = array<i64: 1, 1>} : (tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
  %c = kiln.conv2d %b, %w : (tensor<1x4x16x16xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x16x16xf32>
  %d = kiln.global_avg_pool %c : (tensor<1x4x16x16xf32>) -> tensor<1x4x1x1xf32>
  return %d : tensor<1x4x1x1xf32>
}

// -----

// Elementwise ops write over an operand that dies at them: one buffer serves
// the whole chain. The caller's input is never overwritten.
// CHECK-LABEL: func.func @in_place
// CHECK-SAME: kiln.arena_lower_bound = 256 : i64, kiln.arena_size = 256 : i64
// CHECK: kiln.sigmoid {{.*}}kiln.offset = array<i64: 0>
// CHECK-NOT: kiln.in_place
// CHECK: kiln.tanh {{.*}}kiln.in_place, kiln.offset = array<i64: 0>
// CHECK: kiln.add {{.*}}kiln.in_place, kiln.offset = array<i64: 0>
// CHECK: kiln.softmax {{.*}}kiln.output = array<i64: 0>
func.func @in_place(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %b = kiln.constant dense<1.0> : tensor<64xf32>
  %s = kiln.sigmoid %x : (tensor<1x64xf32>) -> tensor<1x64xf32>
  %t = kiln.tanh %s : (tensor<1x64xf32>) -> tensor<1x64xf32>
  %u = kiln.add %t, %b : (tensor<1x64xf32>, tensor<64xf32>) -> tensor<1x64xf32>
  %y = kiln.softmax %u : (tensor<1x64xf32>) -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

// -----

// A reshape aliases its input: same offset, no new buffer.
// CHECK-LABEL: func.func @reshape_alias
// CHECK-SAME: kiln.arena_lower_bound = 256 : i64, kiln.arena_size = 256 : i64
// CHECK: kiln.relu {{.*}}kiln.offset = array<i64: [[OFF:[0-9]+]]>
// CHECK: kiln.reshape {{.*}}kiln.alias, kiln.offset = array<i64: [[OFF]]>
// CHECK: kiln.gemm
func.func @reshape_alias(%x: tensor<1x4x4x4xf32>) -> tensor<1x10xf32> {
  %w = kiln.constant dense<0.5> : tensor<64x10xf32>
  %r = kiln.relu %x : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %f = kiln.reshape %r : (tensor<1x4x4x4xf32>) -> tensor<1x64xf32>
  %y = kiln.gemm %f, %w : (tensor<1x64xf32>, tensor<64x10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// -----

// A residual: %a is read again by the add, so it must stay alive (no
// in-place over it at the relu) and the block needs two buffers.
// CHECK-LABEL: func.func @diamond
// CHECK-SAME: kiln.arena_lower_bound = 512 : i64, kiln.arena_size = 512 : i64
// CHECK: kiln.sigmoid {{.*}}kiln.offset = array<i64: [[A:[0-9]+]]>
// CHECK-NEXT: kiln.relu %{{.*}} {kiln.offset = array<i64: [[B:[0-9]+]]>}
// CHECK: kiln.add {{.*}}kiln.in_place, kiln.offset = array<i64: [[A]]>
func.func @diamond(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %a = kiln.sigmoid %x : (tensor<1x64xf32>) -> tensor<1x64xf32>
  %b = kiln.relu %a : (tensor<1x64xf32>) -> tensor<1x64xf32>
  %c = kiln.add %a, %b : (tensor<1x64xf32>, tensor<1x64xf32>) -> tensor<1x64xf32>
  %y = kiln.softmax %c : (tensor<1x64xf32>) -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

// -----

// The producer of a returned value writes into the caller's output buffer; an
// in-place op before it pulls its operand there too, so the arena is empty.
// CHECK-LABEL: func.func @output_in_place
// CHECK-SAME: kiln.arena_lower_bound = 0 : i64, kiln.arena_size = 0 : i64
// CHECK: kiln.sigmoid {{.*}}kiln.offset = array<i64: -1>, kiln.output = array<i64: 0>
// CHECK: kiln.relu {{.*}}kiln.in_place, kiln.offset = array<i64: -1>, kiln.output = array<i64: 0>
func.func @output_in_place(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %a = kiln.sigmoid %x : (tensor<1x64xf32>) -> tensor<1x64xf32>
  %y = kiln.relu %a : (tensor<1x64xf32>) -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

// -----

// Returning a reshape of a caller input cannot alias (it would make the input
// the output); the reshape stays a copy into the output buffer.
// CHECK-LABEL: func.func @reshape_of_input_output
// CHECK: kiln.reshape %{{.*}} {kiln.offset = array<i64: -1>, kiln.output = array<i64: 0>}
func.func @reshape_of_input_output(%x: tensor<1x4x4xf32>) -> tensor<1x16xf32> {
  %y = kiln.reshape %x : (tensor<1x4x4xf32>) -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// -----

// Mixed sizes and lifetimes, with in-place adds: the small slice lives
// across both large buffers, and the plan still meets the lower bound
// (256 + 128 at step 3, 128 + 384 at step 4).
// CHECK-LABEL: func.func @fragmentation
// CHECK-SAME: kiln.arena_lower_bound = 512 : i64, kiln.arena_size = 512 : i64
func.func @fragmentation(%x: tensor<64xf32>) -> tensor<24xf32> {
  %a = kiln.sigmoid %x : (tensor<64xf32>) -> tensor<64xf32>
  %b = kiln.exp %a : (tensor<64xf32>) -> tensor<64xf32>
  %b2 = kiln.add %a, %b : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
  %c = kiln.slice %b2 {offsets = array<i64: 0>, sizes = array<i64: 32>, strides = array<i64: 1>} : (tensor<64xf32>) -> tensor<32xf32>
  %d = kiln.pad %c {pads = array<i64: 0, 64>} : (tensor<32xf32>) -> tensor<96xf32>
  %d2 = kiln.add %d, %d : (tensor<96xf32>, tensor<96xf32>) -> tensor<96xf32>
  %e = kiln.slice %d2 {offsets = array<i64: 0>, sizes = array<i64: 24>, strides = array<i64: 1>} : (tensor<96xf32>) -> tensor<24xf32>
  return %e : tensor<24xf32>
}
