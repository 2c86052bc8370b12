// GFLOP/s and % of one core's FMA peak for the hot kernels, reference vs AVX2.
#include "internal/kiln_ref.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

namespace {

// Measured fp32 FMA peak of one Zen 3 core of the project's build machine
// (docs/runtime.md); pass another with --peak_gflops... is not worth a flag:
// the percentage is only read on that machine.
constexpr double kPeakGflops = 100.0;

std::vector<float> random_floats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

void report_flops(benchmark::State &state, double flops) {
  state.counters["GFLOPs"] = benchmark::Counter(
      flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["pct_peak"] =
      benchmark::Counter(flops / 1e9 / kPeakGflops * 100.0,
                         benchmark::Counter::kIsIterationInvariantRate);
}

using GemmFn = kiln_status (*)(const kiln_gemm_params *, const float *,
                               const float *, const kiln_shape *, const float *,
                               float *);

template <GemmFn Fn> void BM_Gemm(benchmark::State &state) {
  const int32_t s = static_cast<int32_t>(state.range(0));
  kiln_gemm_params p{};
  p.m = p.n = p.k = s, p.alpha = 1.0f, p.beta = 1.0f;
  auto a = random_floats(size_t(s) * s, 1), b = random_floats(size_t(s) * s, 2);
  auto bias = random_floats(size_t(s), 3);
  const kiln_shape bias_shape = {1, {s, 0, 0, 0, 0, 0}};
  std::vector<float> y(size_t(s) * s);
  for (auto _ : state) {
    Fn(&p, a.data(), b.data(), &bias_shape, bias.data(), y.data());
    benchmark::DoNotOptimize(y.data());
  }
  report_flops(state, 2.0 * s * s * s);
}
BENCHMARK(BM_Gemm<kiln_gemm_f32_ref>)->Name("gemm/ref")->Arg(256);
BENCHMARK(BM_Gemm<kiln_gemm_f32>)
    ->Name("gemm/avx2")
    ->Arg(64)
    ->Arg(256)
    ->Arg(512);

using ConvFn = kiln_status (*)(const kiln_conv_params *, const kiln_shape *,
                               const float *, const kiln_shape *, const float *,
                               const float *, const float *, const kiln_shape *,
                               float *, void *);

// NCHW conv with "same" padding and a ReLU epilogue; groups == c is depthwise.
template <ConvFn Fn>
void run_conv(benchmark::State &state, int32_t c, int32_t m, int32_t hw,
              int32_t k, int32_t stride, int32_t groups) {
  kiln_conv_params p{};
  p.stride[0] = p.stride[1] = stride;
  p.dilation[0] = p.dilation[1] = 1;
  for (int32_t &pad : p.pad)
    pad = k / 2;
  p.groups = groups;
  p.act.kind = KILN_ACT_RELU;
  const int32_t ohw = (hw + 2 * (k / 2) - k) / stride + 1;
  const kiln_shape in_s = {4, {1, c, hw, hw, 0, 0}};
  const kiln_shape f_s = {4, {m, c / groups, k, k, 0, 0}};
  const kiln_shape out_s = {4, {1, m, ohw, ohw, 0, 0}};
  auto in = random_floats(size_t(c) * hw * hw, 1);
  auto w = random_floats(size_t(m) * (c / groups) * k * k, 2);
  auto bias = random_floats(size_t(m), 3);
  std::vector<float> out(size_t(m) * ohw * ohw);
  for (auto _ : state) {
    Fn(&p, &in_s, in.data(), &f_s, w.data(), bias.data(), nullptr, &out_s,
       out.data(), nullptr);
    benchmark::DoNotOptimize(out.data());
  }
  report_flops(state, 2.0 * m * (c / groups) * k * k * ohw * ohw);
}

// ResNet-18 layer1: 64 -> 64 channels, 3x3, 56x56.
template <ConvFn Fn> void BM_Conv3x3(benchmark::State &state) {
  run_conv<Fn>(state, 64, 64, 56, 3, 1, 1);
}
// ResNet-50-style bottleneck expansion: 64 -> 256, 1x1, 56x56.
template <ConvFn Fn> void BM_Conv1x1(benchmark::State &state) {
  run_conv<Fn>(state, 64, 256, 56, 1, 1, 1);
}
// MobileNetV2 depthwise: 144 channels, 3x3, 56x56, stride from the argument.
template <ConvFn Fn> void BM_Depthwise3x3(benchmark::State &state) {
  run_conv<Fn>(state, 144, 144, 56, 3, static_cast<int32_t>(state.range(0)),
               144);
}
BENCHMARK(BM_Conv3x3<kiln_conv2d_f32_ref>)->Name("conv3x3_64c_56/ref");
BENCHMARK(BM_Conv3x3<kiln_conv2d_f32>)->Name("conv3x3_64c_56/avx2");
BENCHMARK(BM_Conv1x1<kiln_conv2d_f32_ref>)->Name("conv1x1_64to256_56/ref");
BENCHMARK(BM_Conv1x1<kiln_conv2d_f32>)->Name("conv1x1_64to256_56/avx2");
BENCHMARK(BM_Depthwise3x3<kiln_conv2d_f32_ref>)
    ->Name("dw3x3_144c_56/ref")
    ->Arg(1)
    ->Arg(2);
BENCHMARK(BM_Depthwise3x3<kiln_conv2d_f32>)
    ->Name("dw3x3_144c_56/avx2")
    ->Arg(1)
    ->Arg(2);

} // namespace

BENCHMARK_MAIN();
