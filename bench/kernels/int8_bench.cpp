// GOPS of the int8 kernels, C reference vs AVX2 (2 ops per multiply-add).
#include "internal/kiln_ref_s8.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

namespace {

std::vector<int8_t> random_s8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-128, 127);
  std::vector<int8_t> v(n);
  for (int8_t &x : v)
    x = static_cast<int8_t>(dist(rng));
  return v;
}

// Nearest-rank percentiles of the repetitions (--benchmark_repetitions=N):
// the time distribution on a shared machine matters more than its mean.
template <int Pct> double percentile(const std::vector<double> &v) {
  std::vector<double> s(v);
  std::sort(s.begin(), s.end());
  const size_t rank = (s.size() * Pct + 99) / 100;
  return s[rank == 0 ? 0 : rank - 1];
}

void with_percentiles(benchmark::internal::Benchmark *b) {
  b->ComputeStatistics("p90", percentile<90>)
      ->ComputeStatistics("p99", percentile<99>);
}

void report_ops(benchmark::State &state, double macs) {
  state.counters["GOPS"] = benchmark::Counter(
      2.0 * macs / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

using ConvFn = kiln_status (*)(const kiln_conv_s8_params *,
                               const kiln_requant *, const kiln_shape *,
                               const int8_t *, const kiln_shape *,
                               const int8_t *, const int32_t *,
                               const kiln_shape *, int8_t *, void *);

// NCHW conv, "same" padding, per-channel requant; the scratch is sized for
// the AVX2 variant (the reference ignores it).
template <ConvFn Fn>
void run_conv(benchmark::State &state, int32_t c, int32_t m, int32_t hw,
              int32_t k, int32_t stride, int32_t groups) {
  kiln_conv_s8_params p{};
  p.stride[0] = p.stride[1] = stride;
  p.dilation[0] = p.dilation[1] = 1;
  for (int32_t &pad : p.pad)
    pad = k / 2;
  p.groups = groups;
  p.input_offset = 7, p.output_offset = -128;
  p.act_min = -128, p.act_max = 127;
  const int32_t ohw = (hw + 2 * (k / 2) - k) / stride + 1;
  const kiln_shape in_s = {4, {1, c, hw, hw, 0, 0}};
  const kiln_shape f_s = {4, {m, c / groups, k, k, 0, 0}};
  const kiln_shape out_s = {4, {1, m, ohw, ohw, 0, 0}};
  auto in = random_s8(size_t(c) * hw * hw, 1);
  auto w = random_s8(size_t(m) * (c / groups) * k * k, 2);
  std::vector<int32_t> bias(size_t(m), 1000);
  std::vector<kiln_requant> rq(size_t(m), kiln_requant{1 << 30, -10});
  std::vector<int8_t> out(size_t(m) * ohw * ohw);
  std::vector<uint8_t> scratch(
      size_t(kiln_conv2d_s8_scratch_size(&p, &in_s, &f_s, &out_s)) + 1);
  for (auto _ : state) {
    Fn(&p, rq.data(), &in_s, in.data(), &f_s, w.data(), bias.data(), &out_s,
       out.data(), scratch.data());
    benchmark::DoNotOptimize(out.data());
  }
  report_ops(state, double(m) * (c / groups) * k * k * ohw * ohw);
}

// ResNet-18 layer1 (64 -> 64, 3x3, 56x56) and layer4 (512 -> 512, 3x3, 7x7).
template <ConvFn Fn> void BM_Conv3x3(benchmark::State &state) {
  const int32_t c = static_cast<int32_t>(state.range(0));
  run_conv<Fn>(state, c, c, static_cast<int32_t>(state.range(1)), 3, 1, 1);
}
// ResNet-50-style bottleneck expansion: 64 -> 256, 1x1, 56x56.
template <ConvFn Fn> void BM_Conv1x1(benchmark::State &state) {
  run_conv<Fn>(state, 64, 256, 56, 1, 1, 1);
}
// MobileNetV2 depthwise: 144 channels, 3x3, 56x56.
template <ConvFn Fn> void BM_Depthwise3x3(benchmark::State &state) {
  run_conv<Fn>(state, 144, 144, 56, 3, static_cast<int32_t>(state.range(0)),
               144);
}

BENCHMARK(BM_Conv3x3<kiln_conv2d_s8_ref>)
    ->Name("s8_conv3x3/ref")
    ->Args({64, 56})
    ->Unit(benchmark::kMillisecond)
    ->Apply(with_percentiles);
BENCHMARK(BM_Conv3x3<kiln_conv2d_s8>)
    ->Name("s8_conv3x3/avx2")
    ->Args({64, 56})
    ->Args({512, 7})
    ->Unit(benchmark::kMillisecond)
    ->Apply(with_percentiles);
BENCHMARK(BM_Conv1x1<kiln_conv2d_s8_ref>)
    ->Name("s8_conv1x1_64to256_56/ref")
    ->Unit(benchmark::kMillisecond)
    ->Apply(with_percentiles);
BENCHMARK(BM_Conv1x1<kiln_conv2d_s8>)
    ->Name("s8_conv1x1_64to256_56/avx2")
    ->Unit(benchmark::kMillisecond)
    ->Apply(with_percentiles);
BENCHMARK(BM_Depthwise3x3<kiln_conv2d_s8_ref>)
    ->Name("s8_dw3x3_144c_56/ref")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->Apply(with_percentiles);
BENCHMARK(BM_Depthwise3x3<kiln_conv2d_s8>)
    ->Name("s8_dw3x3_144c_56/avx2")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->Apply(with_percentiles);

using FcFn = kiln_status (*)(const kiln_fc_s8_params *, const kiln_requant *,
                             const int8_t *, const int8_t *, const int32_t *,
                             int8_t *);

// A ResNet classifier head: 512 -> 1000, batch from the argument.
template <FcFn Fn> void BM_FullyConnected(benchmark::State &state) {
  const int32_t batch = static_cast<int32_t>(state.range(0));
  const kiln_fc_s8_params p{batch, 1000, 512, 3, -5, -128, 127};
  auto x = random_s8(size_t(batch) * 512, 1);
  auto w = random_s8(size_t(1000) * 512, 2);
  std::vector<int32_t> bias(1000, 100);
  std::vector<kiln_requant> rq(1000, kiln_requant{1 << 30, -12});
  std::vector<int8_t> y(size_t(batch) * 1000);
  for (auto _ : state) {
    Fn(&p, rq.data(), x.data(), w.data(), bias.data(), y.data());
    benchmark::DoNotOptimize(y.data());
  }
  report_ops(state, double(batch) * 1000 * 512);
}
BENCHMARK(BM_FullyConnected<kiln_fully_connected_s8_ref>)
    ->Name("s8_fc_512to1000/ref")
    ->Arg(1)
    ->Arg(8)
    ->Apply(with_percentiles);
BENCHMARK(BM_FullyConnected<kiln_fully_connected_s8>)
    ->Name("s8_fc_512to1000/avx2")
    ->Arg(1)
    ->Arg(8)
    ->Apply(with_percentiles);

} // namespace

BENCHMARK_MAIN();
