// A 3-channel CNN (conv, pool, conv, global pool, flatten, gemm) for the
// kiln compile --layout test: its input needs one transpose into NHWC.
func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x4xf32> {
  %w1 = kiln.constant dense<0.5> : tensor<8x3x3x3xf32>
  %b1 = kiln.constant dense<0.1> : tensor<8xf32>
  %w2 = kiln.constant dense<0.25> : tensor<8x1x3x3xf32>
  %fc = kiln.constant dense<0.125> : tensor<4x8xf32>
  %c1 = kiln.conv2d %x, %w1 bias(%b1) {pads = array<i64: 1, 1, 1, 1>, activation = #kiln<activation relu>}
      : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %p = kiln.max_pool2d %c1 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
      : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  %c2 = kiln.conv2d %p, %w2 {group = 8 : i64, pads = array<i64: 1, 1, 1, 1>}
      : (tensor<1x8x4x4xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>
  %g = kiln.global_avg_pool %c2 : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32>
  %f = kiln.reshape %g : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
  %y = kiln.gemm %f, %fc {trans_b = true} : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
