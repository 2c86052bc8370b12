// RUN: kiln-opt %s -split-input-file -verify-diagnostics
// Every verifier and shape-inference error of the kiln dialect, one per case.

func.func @case0(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{must be statically shaped tensor}}
  %0 = kiln.relu %x : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return
}

// -----

func.func @case1(%x: tensor<1x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{inferred type(s)}}
  %0 = kiln.relu %x : (tensor<1x3xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @case2(%x: tensor<1x3x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects rank-4 input (NCHW) and filter}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case3(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'strides' must have 2 values, got 1}}
  %0 = kiln.conv2d %x, %w {strides = array<i64: 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case4(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'strides' values must be positive}}
  %0 = kiln.conv2d %x, %w {strides = array<i64: 0, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case5(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'dilations' values must be positive}}
  %0 = kiln.conv2d %x, %w {dilations = array<i64: 1, -1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case6(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'pads' must have 4 values, got 2}}
  %0 = kiln.conv2d %x, %w {pads = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case7(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'pads' values must not be negative}}
  %0 = kiln.conv2d %x, %w {pads = array<i64: -1, 0, 0, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case8(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{window of 3 does not fit the padded height of 2}}
  %0 = kiln.conv2d %x, %w : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @case9(%x: tensor<1x6x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{group 4 must be positive and divide both the 6 input channels and the 4 filters}}
  %0 = kiln.conv2d %x, %w {group = 4 : i64} : (tensor<1x6x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case10(%x: tensor<1x6x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{filter has 2 channels per group but the input has 6 channels in 1 groups}}
  %0 = kiln.conv2d %x, %w : (tensor<1x6x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case11(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{bias must have shape [4]}}
  %0 = kiln.conv2d %x, %w bias(%b) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case12(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %r: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{residual of type}}
  %0 = kiln.conv2d %x, %w residual(%r) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @case13(%x: tensor<1x8x4xf32>, %w: tensor<8x4x2x2xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects rank-4 input (NCHW) and filter (CMkHkW)}}
  %0 = kiln.conv_transpose2d %x, %w : (tensor<1x8x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x5x5xf32>
  return
}

// -----

func.func @case14(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'output_padding' must be 2 non-negative values}}
  %0 = kiln.conv_transpose2d %x, %w {output_padding = array<i64: -1, 0>} : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x5x5xf32>
  return
}

// -----

func.func @case15(%x: tensor<1x8x4x4xf32>, %w: tensor<6x4x2x2xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{filter's first dimension 6 must equal the input channels 8}}
  %0 = kiln.conv_transpose2d %x, %w : (tensor<1x8x4x4xf32>, tensor<6x4x2x2xf32>) -> tensor<1x4x5x5xf32>
  return
}

// -----

func.func @case16(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>, %b: tensor<8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{bias must have shape [4]}}
  %0 = kiln.conv_transpose2d %x, %w bias(%b) : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>, tensor<8xf32>) -> tensor<1x4x5x5xf32>
  return
}

// -----

func.func @case17(%x: tensor<1x8x1x1xf32>, %w: tensor<8x4x1x1xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{output height would be 0}}
  %0 = kiln.conv_transpose2d %x, %w {pads = array<i64: 1, 0, 0, 0>} : (tensor<1x8x1x1xf32>, tensor<8x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @case18(%a: tensor<f32>, %b: tensor<4x2xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{matmul operands must have rank >= 1}}
  %0 = kiln.matmul %a, %b : (tensor<f32>, tensor<4x2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @case19(%a: tensor<2x3xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{contraction dimensions differ: lhs has 3, rhs has 4}}
  %0 = kiln.matmul %a, %b : (tensor<2x3xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @case20(%a: tensor<2x2x3xf32>, %b: tensor<3x3x2xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{batch dimensions are not broadcast-compatible}}
  %0 = kiln.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x3x2xf32>) -> tensor<2x2x2xf32>
  return
}

// -----

func.func @case21(%a: tensor<2x3x1xf32>, %b: tensor<3x2xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{gemm operands A and B must be rank 2}}
  %0 = kiln.gemm %a, %b : (tensor<2x3x1xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @case22(%a: tensor<2x3xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{contraction dimensions differ: A has 3, B has 4}}
  %0 = kiln.gemm %a, %b : (tensor<2x3xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @case23(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>, %c: tensor<3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{does not broadcast to [2, 2]}}
  %0 = kiln.gemm %a, %b, %c : (tensor<2x3xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @case24(%x: tensor<8xf32>, %p: tensor<8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{input must have rank >= 2}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %p : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @case25(%x: tensor<1x8x2x2xf32>, %p: tensor<8xf32>, %q: tensor<4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{parameters must have shape [8]}}
  %0 = kiln.batch_norm %x, %p, %p, %p, %q : (tensor<1x8x2x2xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x8x2x2xf32>
  return
}

// -----

func.func @case26(%x: tensor<2x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{operand shapes are not broadcast-compatible}}
  %0 = kiln.add %x, %y : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case27(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<4xi64>) {
  // expected-error @+1 {{both value operands must share an element type}}
  %0 = kiln.where %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @case28(%x: tensor<4xf32>) {
  // expected-error @+1 {{min 6.000000e+00 is greater than max 0.000000e+00}}
  %0 = kiln.clip %x {min = 6.0 : f32, max = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @case29(%x: tensor<1x10xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = kiln.softmax %x {axis = 2 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return
}

// -----

func.func @case30(%x: tensor<1x16x64xf32>, %g: tensor<32xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{scale and bias must broadcast to the normalised shape}}
  %0 = kiln.layer_norm %x, %g : (tensor<1x16x64xf32>, tensor<32xf32>) -> tensor<1x16x64xf32>
  return
}

// -----

func.func @case31(%x: tensor<1x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis -1 is listed twice}}
  %0 = kiln.reduce_sum %x {axes = array<i64: 1, -1>} : (tensor<1x8xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @case32(%x: tensor<1x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis 3 is out of range for rank 2}}
  %0 = kiln.reduce_max %x {axes = array<i64: 3>} : (tensor<1x8xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @case33(%x: tensor<1x8x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects an NCHW input of rank 4, got rank 3}}
  %0 = kiln.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<1x8x8xf32>) -> tensor<1x8x4xf32>
  return
}

// -----

func.func @case34(%x: tensor<1x8x8x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'kernel' must have 2 values, got 1}}
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @case35(%x: tensor<1x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects an input of rank >= 3}}
  %0 = kiln.global_avg_pool %x : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @case36(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{element count changes from 6 to 7}}
  %0 = kiln.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  return
}

// -----

func.func @case37(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot change the element type}}
  %0 = kiln.reshape %x : (tensor<2x3xf32>) -> tensor<6xi32>
  return
}

// -----

func.func @case38(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'perm' has 1 entries for rank 2}}
  %0 = kiln.transpose %x {perm = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case39(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'perm' is not a permutation of 0..1}}
  %0 = kiln.transpose %x {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @case40() {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{concat needs at least one input}}
  %0 = kiln.concat {axis = 0 : i64} : () -> tensor<1xf32>
  return
}

// -----

func.func @case41(%x: tensor<2x3xf32>, %y: tensor<2x3xi32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{inputs must share rank and element type}}
  %0 = kiln.concat %x, %y {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @case42(%x: tensor<2x3xf32>, %y: tensor<2x4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{inputs differ in dimension 1 which is not the concat axis}}
  %0 = kiln.concat %x, %y {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @case43(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis -3 is out of range for rank 2}}
  %0 = kiln.concat %x {axis = -3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @case44(%x: tensor<8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'offsets', 'sizes' and 'strides' need 1 entries each}}
  %0 = kiln.slice %x {offsets = array<i64: 0>, sizes = array<i64: 2, 2>, strides = array<i64: 1>} : (tensor<8xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @case45(%x: tensor<8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{stride must be non-zero and size >= 0}}
  %0 = kiln.slice %x {offsets = array<i64: 0>, sizes = array<i64: 2>, strides = array<i64: 0>} : (tensor<8xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @case46(%x: tensor<8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{window [6, 8] is outside [0, 8)}}
  %0 = kiln.slice %x {offsets = array<i64: 6>, sizes = array<i64: 2>, strides = array<i64: 2>} : (tensor<8xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @case47(%x: tensor<8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{split sizes add up to 9 but dimension 0 is 8}}
  %0:2 = kiln.split %x {axis = 0 : i64, sizes = array<i64: 4, 5>} : (tensor<8xf32>) -> (tensor<4xf32>, tensor<5xf32>)
  return
}

// -----

func.func @case48(%x: tensor<8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{split sizes must not be negative}}
  %0:2 = kiln.split %x {axis = 0 : i64, sizes = array<i64: 9, -1>} : (tensor<8xf32>) -> (tensor<9xf32>, tensor<1xf32>)
  return
}

// -----

func.func @case49(%x: tensor<8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis 1 is out of range for rank 1}}
  %0:2 = kiln.split %x {axis = 1 : i64, sizes = array<i64: 4, 4>} : (tensor<8xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @case50(%x: tensor<4x4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{'pads' needs 4 entries, got 2}}
  %0 = kiln.pad %x {pads = array<i64: 1, 1>} : (tensor<4x4xf32>) -> tensor<5x5xf32>
  return
}

// -----

func.func @case51(%x: tensor<4x4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{padding makes dimension 1 negative}}
  %0 = kiln.pad %x {pads = array<i64: 0, -3, 0, -3>} : (tensor<4x4xf32>) -> tensor<4x1xf32>
  return
}

// -----

func.func @case52(%x: tensor<4x4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{reflect padding of dimension 1 must be smaller than its size 4}}
  %0 = kiln.pad %x {pads = array<i64: 0, 4, 0, 0>, mode = #kiln<pad_mode reflect>} : (tensor<4x4xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @case53(%x: tensor<f32>, %i: tensor<2xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{data must have rank >= 1}}
  %0 = kiln.gather %x, %i : (tensor<f32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @case54(%x: tensor<4x4xf32>, %i: tensor<2xi64>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = kiln.gather %x, %i {axis = 2 : i64} : (tensor<4x4xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return
}

// -----

func.func @case55(%x: tensor<4x4xf32>, %i: tensor<2xf32>) {
  // expected-error @+1 {{must be statically shaped tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = kiln.gather %x, %i : (tensor<4x4xf32>, tensor<2xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @case56(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{cannot broadcast}}
  %0 = kiln.expand %x : (tensor<3x4xf32>) -> tensor<2x6x4xf32>
  return
}

// -----

func.func @case57(%x: tensor<8x4x4xf32>) {
  // expected-error @+1 {{expects rank-4 NCHW input and result}}
  %0 = kiln.resize %x : (tensor<8x4x4xf32>) -> tensor<8x8x8xf32>
  return
}

// -----

func.func @case58(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{may resize only the spatial dimensions, not N or C}}
  %0 = kiln.resize %x : (tensor<1x8x4x4xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @case59(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{cannot change the element type}}
  %0 = kiln.resize %x : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf16>
  return
}

// -----

func.func @case60(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{'scales' must be two positive values (height, width)}}
  %0 = kiln.resize %x {scales = array<f32: 2.0, 0.0>} : (tensor<1x8x4x4xf32>) -> tensor<1x8x8x8xf32>
  return
}

// -----

func.func @case61(%x: tensor<4xf32>) {
  // expected-error @+1 {{cannot change the shape}}
  %0 = kiln.cast %x : (tensor<4xf32>) -> tensor<2x2xi32>
  return
}

// -----

func.func @case62(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{cannot cast quantised types}}
  %0 = kiln.cast %x : (tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xi8>
  return
}

// -----

func.func @case63(%x: tensor<4xf32>) {
  // expected-error @+1 {{cannot change the shape}}
  %0 = kiln.quantize %x : (tensor<4xf32>) -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @case64(%x: tensor<4xf32>) {
  // expected-error @+1 {{quantised type expresses 'f16' but the float side is 'f32'}}
  %0 = kiln.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f16, 0.5>>
  return
}

// -----

func.func @case65(%x: tensor<4xf32>) {
  // expected-error @+1 {{quantised axis 1 is out of range}}
  %0 = kiln.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return
}

// -----

func.func @case66(%x: tensor<4x2xf32>) {
  // expected-error @+1 {{has 2 scales for dimension 0 of size 4}}
  %0 = kiln.quantize %x : (tensor<4x2xf32>) -> tensor<4x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @case67(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{quantised type expresses 'f32' but the float side is 'f16'}}
  %0 = kiln.dequantize %x : (tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xf16>
  return
}

// -----

func.func @case68(%x: tensor<4xi8>) {
  // expected-error @+1 {{must be statically shaped tensor of quantized type values}}
  %0 = kiln.dequantize %x : (tensor<4xi8>) -> tensor<4xf32>
  return
}

// -----

func.func @fused_body_not_elementwise(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = kiln.fused_elementwise %x : (tensor<2x8xf32>) -> tensor<2x8xf32> {
  ^bb0(%a: tensor<f32>):
    // expected-error @+1 {{cannot appear in a kiln.fused_elementwise body}}
    %0 = kiln.reshape %a : (tensor<f32>) -> tensor<f32>
    kiln.yield %0 : tensor<f32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @fused_result_not_broadcast(%x: tensor<2x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{must be the broadcast of the inputs' shapes}}
  %y = kiln.fused_elementwise %x : (tensor<2x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<f32>):
    %0 = kiln.exp %a : (tensor<f32>) -> tensor<f32>
    kiln.yield %0 : tensor<f32>
  }
  return %y : tensor<4x8xf32>
}

// -----

func.func @fused_argument_not_scalar(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{body argument of type 'tensor<8xf32>' must be 'tensor<f32>'}}
  %y = kiln.fused_elementwise %x : (tensor<2x8xf32>) -> tensor<2x8xf32> {
  ^bb0(%a: tensor<8xf32>):
    %0 = kiln.exp %a : (tensor<8xf32>) -> tensor<8xf32>
    kiln.yield %0 : tensor<8xf32>
  }
  return %y : tensor<2x8xf32>
}

// -----

func.func @int8_conv_float_weights(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, %w: tensor<2x1x1x1xf32>) {
  // expected-error @+1 {{integer form needs i8 quantised weights}}
  %0 = kiln.conv2d %x, %w : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @int8_conv_asymmetric_weights(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5:3>>) {
  // expected-error @+1 {{integer form needs symmetric weights (zero point 0), per tensor or per output channel (axis 0)}}
  %0 = kiln.conv2d %x, %w : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @int8_conv_float_bias(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5>>, %b: tensor<2xf32>) {
  // expected-error @+1 {{integer form needs an i32 bias of shape [2] with zero point 0}}
  %0 = kiln.conv2d %x, %w bias(%b) : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5>>, tensor<2xf32>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @int8_conv_sigmoid(%x: tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{integer form supports only none, relu and clip epilogues, not sigmoid}}
  %0 = kiln.conv2d %x, %w {activation = #kiln<activation sigmoid>} : (tensor<1x1x4x4x!quant.uniform<i8:f32, 0.5>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x4x4x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @int8_gemm_not_trans_b(%a: tensor<1x4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<4x3x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{integer form needs trans_b, no trans_a and alpha = beta = 1}}
  %0 = kiln.gemm %a, %b : (tensor<1x4x!quant.uniform<i8:f32, 0.5>>, tensor<4x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x3x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @requantize_per_axis(%x: tensor<2x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) {
  // expected-error @+1 {{expects per-tensor i8 quantised input and result}}
  %0 = kiln.requantize %x : (tensor<2x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) -> tensor<2x4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @nhwc_conv_quantised(%x: tensor<1x4x4x1x!quant.uniform<i8:f32, 0.5>>, %w: tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{layout nhwc has no integer form: quantised operands and results must stay nchw}}
  %0 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x4x4x1x!quant.uniform<i8:f32, 0.5>>, tensor<1x1x1x2x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @nhwc_max_pool_quantised(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'kiln.max_pool2d' op layout nhwc has no integer form}}
  %0 = kiln.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, layout = #kiln<layout nhwc>} : (tensor<1x4x4x8x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x2x8x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @nhwc_global_avg_pool_quantised(%x: tensor<1x4x4x8x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{'kiln.global_avg_pool' op layout nhwc has no integer form}}
  %0 = kiln.global_avg_pool %x {layout = #kiln<layout nhwc>} : (tensor<1x4x4x8x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x1x8x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @nhwc_global_pool_rank3(%x: tensor<1x16x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{layout nhwc expects a rank-4 [N, H, W, C] input, got rank 3}}
  %0 = kiln.global_max_pool %x {layout = #kiln<layout nhwc>} : (tensor<1x16x8xf32>) -> tensor<1x1x8xf32>
  return
}

// -----

func.func @nhwc_pool_rank3(%x: tensor<1x8x8xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects an NHWC input of rank 4, got rank 3}}
  %0 = kiln.avg_pool2d %x {kernel = array<i64: 2, 2>, layout = #kiln<layout nhwc>} : (tensor<1x8x8xf32>) -> tensor<1x4x4xf32>
  return
}

// -----

func.func @nhwc_conv_rank3(%x: tensor<1x8x8xf32>, %w: tensor<3x3x8x4xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{expects rank-4 input (NHWC) and filter (HWIO), got ranks 3 and 4}}
  %0 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x8x8xf32>, tensor<3x3x8x4xf32>) -> tensor<1x6x6x4xf32>
  return
}

// -----

// An OIHW filter given to an NHWC conv: dimension 2 (I) is 3, not the 8 channels.
func.func @nhwc_conv_filter_channels(%x: tensor<1x8x8x8xf32>, %w: tensor<4x8x3x3xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{HWIO filter has 3 input channels per group (dimension 2) but the NHWC input has 8 channels (dimension 3) in 1 groups}}
  %0 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x8x8x8xf32>, tensor<4x8x3x3xf32>) -> tensor<1x6x6x3xf32>
  return
}

// -----

func.func @nhwc_conv_result_shape(%x: tensor<1x8x8x3xf32>, %w: tensor<3x3x3x4xf32>) {
  // expected-error @+2 {{'kiln.conv2d' op inferred type(s) 'tensor<1x6x6x4xf32>' are incompatible with return type(s) of operation 'tensor<1x4x6x6xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @unknown_layout(%x: tensor<1x8x8x8xf32>) {
  // expected-error @+2 {{expected ::kiln::ImageLayout to be one of: nchw, nhwc}}
  // expected-error @+1 {{failed to parse Kiln_ImageLayoutAttr parameter 'value'}}
  %0 = kiln.global_max_pool %x {layout = #kiln<layout nwhc>} : (tensor<1x8x8x8xf32>) -> tensor<1x1x1x8xf32>
  return
}

// -----

// Pre-packed NHWC filters [G, P, kH, kW, C/G, NR].
func.func @packed_filter_nchw(%x: tensor<1x16x8x8xf32>, %w: tensor<1x1x3x3x16x32xf32>) {
  // expected-error @+1 {{'kiln.conv2d' op a rank-6 packed filter [G, P, kH, kW, C/G, NR] needs layout nhwc}}
  %0 = kiln.conv2d %x, %w : (tensor<1x16x8x8xf32>, tensor<1x1x3x3x16x32xf32>) -> tensor<1x20x6x6xf32>
  return
}

// -----

func.func @packed_filter_quantised(%x: tensor<1x8x8x16x!quant.uniform<i8:f32, 0.5>>, %w: tensor<1x1x3x3x16x32x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{a packed filter [G, P, kH, kW, C/G, NR] is f32 only}}
  %0 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x8x8x16x!quant.uniform<i8:f32, 0.5>>, tensor<1x1x3x3x16x32x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x6x6x20x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @packed_filter_groups(%x: tensor<1x8x8x16xf32>, %w: tensor<1x1x3x3x8x32xf32>) {
  // expected-error @+1 {{packed filter has G = 1 groups (dimension 0) but the op has group 2}}
  %0 = kiln.conv2d %x, %w {group = 2 : i64, layout = #kiln<layout nhwc>} : (tensor<1x8x8x16xf32>, tensor<1x1x3x3x8x32xf32>) -> tensor<1x6x6x20xf32>
  return
}

// -----

func.func @packed_filter_channels(%x: tensor<1x8x8x16xf32>, %w: tensor<1x1x3x3x8x32xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{packed filter has C/G = 8 input channels per group (dimension 4) but the NHWC input has 16 channels (dimension 3) in 1 groups}}
  %0 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x8x8x16xf32>, tensor<1x1x3x3x8x32xf32>) -> tensor<1x6x6x20xf32>
  return
}

// -----

// 40 output channels in panels of 32 need 2 panels, not 1.
func.func @packed_filter_panels(%x: tensor<1x8x8x16xf32>, %w: tensor<1x1x3x3x16x32xf32>) {
  // expected-error @+1 {{packed filter has P = 1 panels (dimension 1) but M/G = 40 output channels per group in panels of NR = 32 need ceil(40 / 32) = 2}}
  %0 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x8x8x16xf32>, tensor<1x1x3x3x16x32xf32>) -> tensor<1x6x6x40xf32>
  return
}

// -----

// With a bias, inference takes M from it and the result must agree.
func.func @packed_filter_bias(%x: tensor<1x8x8x16xf32>, %w: tensor<1x1x3x3x16x32xf32>, %b: tensor<20xf32>) {
  // expected-error @+2 {{'kiln.conv2d' op inferred type(s) 'tensor<1x6x6x20xf32>' are incompatible with return type(s) of operation 'tensor<1x6x6x24xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d %x, %w bias(%b) {layout = #kiln<layout nhwc>} : (tensor<1x8x8x16xf32>, tensor<1x1x3x3x16x32xf32>, tensor<20xf32>) -> tensor<1x6x6x24xf32>
  return
}

// -----

func.func @packed_filter_depthwise(%x: tensor<1x8x8x16xf32>, %w: tensor<16x1x3x3x1x32xf32>) {
  // expected-error @+1 {{depthwise conv (C/G = 1, M/G = 1) takes its HWIO filter [kH, kW, 1, M], not a packed one}}
  %0 = kiln.conv2d %x, %w {group = 16 : i64, layout = #kiln<layout nhwc>} : (tensor<1x8x8x16xf32>, tensor<16x1x3x3x1x32xf32>) -> tensor<1x6x6x16xf32>
  return
}

// -----

func.func @packed_filter_width(%x: tensor<1x8x8x16xf32>, %w: tensor<1x1x3x3x16x128xf32>) {
  // expected-error @+2 {{failed to infer returned types}}
  // expected-error @+1 {{packed filter has NR = 128 columns per panel (dimension 5); the runtime takes 1 to 64}}
  %0 = kiln.conv2d %x, %w {layout = #kiln<layout nhwc>} : (tensor<1x8x8x16xf32>, tensor<1x1x3x3x16x128xf32>) -> tensor<1x6x6x100xf32>
  return
}

// -----

// Winograd F(4x4, 3x3) filters [P, 6, 6, C, NR].
func.func @winograd_points(%x: tensor<1x8x8x16xf32>, %u: tensor<2x4x4x16x32xf32>) {
  // expected-error @+1 {{Winograd filter [P, 6, 6, C, NR] has 4x4 points (dimensions 1 and 2), not 6x6}}
  %0 = kiln.conv2d_winograd %x, %u {out_channels = 40 : i64} : (tensor<1x8x8x16xf32>, tensor<2x4x4x16x32xf32>) -> tensor<1x6x6x40xf32>
  return
}

// -----

func.func @winograd_channels(%x: tensor<1x8x8x16xf32>, %u: tensor<2x6x6x8x32xf32>) {
  // expected-error @+1 {{Winograd filter has C = 8 (dimension 3) but the NHWC input has 16 channels}}
  %0 = kiln.conv2d_winograd %x, %u {out_channels = 40 : i64} : (tensor<1x8x8x16xf32>, tensor<2x6x6x8x32xf32>) -> tensor<1x6x6x40xf32>
  return
}

// -----

func.func @winograd_panels(%x: tensor<1x8x8x16xf32>, %u: tensor<1x6x6x16x32xf32>) {
  // expected-error @+1 {{Winograd filter has P = 1 panels (dimension 0) but out_channels = 40 in panels of NR = 32 need 2}}
  %0 = kiln.conv2d_winograd %x, %u {out_channels = 40 : i64} : (tensor<1x8x8x16xf32>, tensor<1x6x6x16x32xf32>) -> tensor<1x6x6x40xf32>
  return
}

// -----

func.func @winograd_bias(%x: tensor<1x8x8x16xf32>, %u: tensor<2x6x6x16x32xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{bias of type 'tensor<32xf32>' must be tensor<40xf32>}}
  %0 = kiln.conv2d_winograd %x, %u bias(%b) {out_channels = 40 : i64} : (tensor<1x8x8x16xf32>, tensor<2x6x6x16x32xf32>, tensor<32xf32>) -> tensor<1x6x6x40xf32>
  return
}

// -----

func.func @winograd_rank(%x: tensor<1x8x8x16xf32>, %u: tensor<3x3x16x40xf32>) {
  // expected-error @+1 {{'kiln.conv2d_winograd' op expects a rank-4 NHWC input and a rank-5 Winograd filter [P, 6, 6, C, NR], got ranks 4 and 4}}
  %0 = kiln.conv2d_winograd %x, %u {out_channels = 40 : i64} : (tensor<1x8x8x16xf32>, tensor<3x3x16x40xf32>) -> tensor<1x6x6x40xf32>
  return
}

// -----

// The result's size follows from a 3x3 stride-1 window and the pads.
func.func @winograd_result(%x: tensor<1x8x8x16xf32>, %u: tensor<2x6x6x16x32xf32>) {
  // expected-error @+2 {{'kiln.conv2d_winograd' op inferred type(s) 'tensor<1x6x6x40xf32>' are incompatible with return type(s) of operation 'tensor<1x8x8x40xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = kiln.conv2d_winograd %x, %u {out_channels = 40 : i64} : (tensor<1x8x8x16xf32>, tensor<2x6x6x16x32xf32>) -> tensor<1x8x8x40xf32>
  return
}
