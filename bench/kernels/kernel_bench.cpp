// GFLOP/s and % of one core's FMA peak for the hot kernels, reference vs ISA.
#include "internal/kiln_movement.h"
#include "internal/kiln_ref.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>
#include <vector>

// Built twice (bench/kernels/CMakeLists.txt): against kiln_runtime_avx2 and
// against kiln_runtime_avx512; KILN_BENCH_AVX512 names the second.
#if KILN_BENCH_AVX512
#define KILN_BENCH_ISA "avx512"
#else
#define KILN_BENCH_ISA "avx2"
#endif

namespace {

// 12 independent FMA chains (> latency x throughput) on registers only, in
// the vector width this binary's kernels use: the core's fp32 FMA peak.
// Thread CPU time, as Google Benchmark's rates use: on a shared machine the
// peak and the kernels are then measured on the same clock.
double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

double measure_fma_peak_gflops() {
  const long iters = 20000000;
  const double t0 = cpu_seconds();
  long it = iters;
#if KILN_BENCH_AVX512
#define KILN_FMA(i) "vfmadd231ps %%zmm14, %%zmm15, %%zmm" #i "\n\t"
  constexpr double flops_per_fma = 32;
#else
#define KILN_FMA(i) "vfmadd231ps %%ymm14, %%ymm15, %%ymm" #i "\n\t"
  constexpr double flops_per_fma = 16;
#endif
  __asm__ volatile(
      "vxorps %%xmm14, %%xmm14, %%xmm14\n\t"
      "vxorps %%xmm15, %%xmm15, %%xmm15\n\t"
      "1:\n\t" KILN_FMA(0) KILN_FMA(1) KILN_FMA(2) KILN_FMA(3) KILN_FMA(4)
          KILN_FMA(5) KILN_FMA(6) KILN_FMA(7) KILN_FMA(8) KILN_FMA(9)
              KILN_FMA(10) KILN_FMA(11) "dec %0\n\tjnz 1b\n\tvzeroupper"
      : "+r"(it)
      :
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
        "xmm9", "xmm10", "xmm11", "xmm14", "xmm15", "cc");
#undef KILN_FMA
  const double s = cpu_seconds() - t0;
  return double(iters) * 12 * flops_per_fma / s / 1e9;
}

// Best of five, measured when the binary starts: the % of peak columns are
// relative to what this core reached in this run, with this vector width.
double peak_gflops() {
  static const double peak = [] {
    double best = 0;
    for (int i = 0; i < 5; ++i)
      best = std::max(best, measure_fma_peak_gflops());
    std::fprintf(stderr, "measured %s FMA peak: %.1f GFLOP/s\n", KILN_BENCH_ISA,
                 best);
    return best;
  }();
  return peak;
}

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
      benchmark::Counter(flops / 1e9 / peak_gflops() * 100.0,
                         benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Peak(benchmark::State &state) {
  for (auto _ : state)
    state.counters["GFLOPs"] = measure_fma_peak_gflops();
}
BENCHMARK(BM_Peak)->Name("peak/fma_" KILN_BENCH_ISA)->Iterations(3);

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
    ->Name("gemm/" KILN_BENCH_ISA)
    ->Arg(64)
    ->Arg(256)
    ->Arg(512);

// A classifier head as torch exports it: Gemm(x[1 x k], W[n x k]^T) + bias.
template <GemmFn Fn> void BM_GemmFc(benchmark::State &state) {
  const int32_t k = 512, n = 1000;
  kiln_gemm_params p{};
  p.m = 1, p.n = n, p.k = k, p.trans_b = 1, p.alpha = 1.0f, p.beta = 1.0f;
  auto a = random_floats(size_t(k), 1), b = random_floats(size_t(n) * k, 2);
  auto bias = random_floats(size_t(n), 3);
  const kiln_shape bias_shape = {1, {n, 0, 0, 0, 0, 0}};
  std::vector<float> y(static_cast<size_t>(n));
  for (auto _ : state) {
    Fn(&p, a.data(), b.data(), &bias_shape, bias.data(), y.data());
    benchmark::DoNotOptimize(y.data());
  }
  report_flops(state, 2.0 * n * k);
}
BENCHMARK(BM_GemmFc<kiln_gemm_f32_ref>)->Name("fc_512to1000/ref");
BENCHMARK(BM_GemmFc<kiln_gemm_f32>)->Name("fc_512to1000/" KILN_BENCH_ISA);

using ConvFn = kiln_status (*)(const kiln_conv_params *, const kiln_shape *,
                               const float *, const kiln_shape *, const float *,
                               const float *, const float *, const kiln_shape *,
                               float *, void *);

// NCHW conv with "same" padding and a ReLU epilogue; groups == c is depthwise.
// Arguments: c, m, hw, k, stride, groups.
template <ConvFn Fn> void BM_Conv(benchmark::State &state) {
  const int32_t c = int32_t(state.range(0)), m = int32_t(state.range(1));
  const int32_t hw = int32_t(state.range(2)), k = int32_t(state.range(3));
  const int32_t stride = int32_t(state.range(4));
  const int32_t groups = int32_t(state.range(5));
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

#define KILN_CONV_BENCH(name, ...)                                             \
  BENCHMARK(BM_Conv<kiln_conv2d_f32>)                                          \
      ->Name(name "/" KILN_BENCH_ISA)                                          \
      ->Args({__VA_ARGS__})

// ResNet-18: the stem and one 3x3 of each stage.
KILN_CONV_BENCH("conv7x7s2_3to64_224", 3, 64, 224, 7, 2, 1);
KILN_CONV_BENCH("conv3x3_64c_56", 64, 64, 56, 3, 1, 1);
KILN_CONV_BENCH("conv3x3s2_64to128_56", 64, 128, 56, 3, 2, 1);
KILN_CONV_BENCH("conv3x3_128c_28", 128, 128, 28, 3, 1, 1);
KILN_CONV_BENCH("conv3x3_256c_14", 256, 256, 14, 3, 1, 1);
KILN_CONV_BENCH("conv3x3_512c_7", 512, 512, 7, 3, 1, 1);
// 1x1: ResNet-50 expansion, MobileNetV2 expansion and projection.
KILN_CONV_BENCH("conv1x1_64to256_56", 64, 256, 56, 1, 1, 1);
KILN_CONV_BENCH("conv1x1_24to144_56", 24, 144, 56, 1, 1, 1);
KILN_CONV_BENCH("conv1x1_144to24_56", 144, 24, 56, 1, 1, 1);
KILN_CONV_BENCH("conv1x1_576to96_14", 576, 96, 14, 1, 1, 1);
// Depthwise: MobileNetV2 (3x3 s1/s2), EfficientNet-B0 (5x5).
KILN_CONV_BENCH("dw3x3_32c_112", 32, 32, 112, 3, 1, 32);
KILN_CONV_BENCH("dw3x3_144c_56", 144, 144, 56, 3, 1, 144);
KILN_CONV_BENCH("dw3x3s2_144c_56", 144, 144, 56, 3, 2, 144);
KILN_CONV_BENCH("dw3x3_576c_14", 576, 576, 14, 3, 1, 576);
KILN_CONV_BENCH("dw5x5_240c_28", 240, 240, 28, 5, 1, 240);
// The reference on two of them, for the speed-up column.
BENCHMARK(BM_Conv<kiln_conv2d_f32_ref>)
    ->Name("conv3x3_64c_56/ref")
    ->Args({64, 64, 56, 3, 1, 1});
BENCHMARK(BM_Conv<kiln_conv2d_f32_ref>)
    ->Name("dw3x3_144c_56/ref")
    ->Args({144, 144, 56, 3, 1, 144});

// ResNet's 3x3 s2 max pool over the stem's 64 x 112 x 112 output.
using PoolFn = kiln_status (*)(int, const kiln_pool_params *,
                               const kiln_shape *, const float *,
                               const kiln_shape *, float *);
template <PoolFn Fn> void BM_MaxPool(benchmark::State &state) {
  kiln_pool_params p{};
  p.kernel[0] = p.kernel[1] = 3;
  p.stride[0] = p.stride[1] = 2;
  p.dilation[0] = p.dilation[1] = 1;
  for (int32_t &pad : p.pad)
    pad = 1;
  const kiln_shape in_s = {4, {1, 64, 112, 112, 0, 0}};
  const kiln_shape out_s = {4, {1, 64, 56, 56, 0, 0}};
  auto in = random_floats(size_t(64) * 112 * 112, 1);
  std::vector<float> out(size_t(64) * 56 * 56);
  for (auto _ : state) {
    Fn(1, &p, &in_s, in.data(), &out_s, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["Mout_per_s"] = benchmark::Counter(
      64.0 * 56 * 56 / 1e6, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MaxPool<kiln_internal_pool2d_f32_ref>)
    ->Name("maxpool3x3s2_64c_112/ref");
BENCHMARK(BM_MaxPool<kiln_internal_pool2d_f32>)
    ->Name("maxpool3x3s2_64c_112/" KILN_BENCH_ISA);

// The NHWC layout's small-axis transposes through kiln_internal_strided_copy:
// "runs" is the one-run-per-line copy every transpose took before the
// interleave paths (kiln_internal_strided_copy_runs), "c" the plain-C
// interleave the reference build uses, then this binary's ISA variant.
// dims/perm describe the transpose; each is [blocks, m, n] -> interleaved (or
// its inverse) with contiguous blocks of m * n elements.
enum class CopyPath { Runs, PlainC, Isa };

struct SmallAxisCase {
  std::vector<int32_t> dims, perm;
  int32_t blocks, m, n; // interleave: out[j*n+i] = in[i*m+j] per block
  bool inverse;         // de-interleave: out[i*m+j] = in[j*n+i]
};

const SmallAxisCase &small_axis_case(int64_t id) {
  static const std::vector<SmallAxisCase> cases = {
      // ShuffleNetV2 x1.0 channel shuffles in NHWC (C = 116, 232, 464).
      {{1, 28, 28, 2, 58}, {0, 1, 2, 4, 3}, 28 * 28, 58, 2, false},
      {{1, 14, 14, 2, 116}, {0, 1, 2, 4, 3}, 14 * 14, 116, 2, false},
      {{1, 7, 7, 2, 232}, {0, 1, 2, 4, 3}, 7 * 7, 232, 2, false},
      // The model input NCHW -> NHWC, its inverse, and 4 / 8 channels.
      {{1, 3, 224, 224}, {0, 2, 3, 1}, 1, 224 * 224, 3, false},
      {{1, 224, 224, 3}, {0, 3, 1, 2}, 1, 224 * 224, 3, true},
      {{1, 4, 112, 112}, {0, 2, 3, 1}, 1, 112 * 112, 4, false},
      {{1, 8, 56, 56}, {0, 2, 3, 1}, 1, 56 * 56, 8, false},
  };
  return cases[size_t(id)];
}

double percentile(const std::vector<double> &v, double q) {
  std::vector<double> s(v);
  std::sort(s.begin(), s.end());
  return s[std::min(s.size() - 1, size_t(q * double(s.size())))];
}

template <CopyPath Path> void BM_SmallAxis(benchmark::State &state) {
  const SmallAxisCase &c = small_axis_case(state.range(0));
  const int32_t rank = int32_t(c.dims.size());
  kiln_shape out_s;
  out_s.rank = rank;
  int32_t in_st[KILN_MAX_RANK], st[KILN_MAX_RANK], acc = 1;
  for (int32_t d = rank - 1; d >= 0; --d) {
    in_st[d] = acc;
    acc *= c.dims[size_t(d)];
  }
  for (int32_t d = 0; d < rank; ++d) {
    out_s.dims[d] = c.dims[size_t(c.perm[size_t(d)])];
    st[d] = in_st[c.perm[size_t(d)]];
  }
  const auto in = random_floats(size_t(acc), 3);
  std::vector<float> out(static_cast<size_t>(acc));
  const ptrdiff_t block = ptrdiff_t(c.m) * c.n;
  for (auto _ : state) {
    if (Path == CopyPath::Runs) {
      kiln_internal_strided_copy_runs(&out_s, st, 0, in.data(), out.data(), 4);
    } else if (Path == CopyPath::Isa) {
      kiln_internal_strided_copy(&out_s, st, 0, in.data(), out.data(), 4);
    } else {
      if (c.inverse)
        kiln_internal_deinterleave_u32_ref(out.data(), in.data(), c.n, c.m, c.n,
                                           c.blocks, block);
      else
        kiln_internal_interleave_u32_ref(out.data(), in.data(), c.n, c.m, c.m,
                                         c.blocks, block);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * acc * 4);
}

void small_axis_args(benchmark::internal::Benchmark *b) {
  for (int64_t id = 0; id < 7; ++id)
    b->Arg(id);
  b->ComputeStatistics("p90", [](const std::vector<double> &v) {
     return percentile(v, 0.9);
   })->ComputeStatistics("max", [](const std::vector<double> &v) {
    return *std::max_element(v.begin(), v.end());
  });
}
// Arg: 0-2 shuffle 28x28x116, 14x14x232, 7x7x464; 3 NCHW->NHWC 3x224x224;
// 4 its inverse; 5 4x112x112; 6 8x56x56.
BENCHMARK(BM_SmallAxis<CopyPath::Runs>)
    ->Name("small_axis_transpose/runs")
    ->Apply(small_axis_args);
BENCHMARK(BM_SmallAxis<CopyPath::PlainC>)
    ->Name("small_axis_transpose/c")
    ->Apply(small_axis_args);
BENCHMARK(BM_SmallAxis<CopyPath::Isa>)
    ->Name("small_axis_transpose/" KILN_BENCH_ISA)
    ->Apply(small_axis_args);

} // namespace

int main(int argc, char **argv) {
#if KILN_BENCH_AVX512
  if (!__builtin_cpu_supports("avx512f") ||
      !__builtin_cpu_supports("avx512bw") ||
      !__builtin_cpu_supports("avx512dq") ||
      !__builtin_cpu_supports("avx512vl")) {
    std::fprintf(stderr, "this CPU lacks AVX-512 F/BW/DQ/VL: nothing to run\n");
    return 0;
  }
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  peak_gflops();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
