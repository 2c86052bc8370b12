// NHWC vs NCHW, per layer of real models: the same conv / pool through
// kiln_conv2d_nhwc_f32 and kiln_conv2d_f32 (and the pools), interleaved.
//
//   build/bench/kernels/kiln_nhwc_bench_avx512 [--seconds S] [--filter TEXT]
//                                              [--packed] [--winograd]
//
// --packed compares, instead, the NHWC conv with its HWIO filter and with the
// same filter pre-packed at this build's panel width (32 AVX-512, 16 AVX2;
// kiln_conv2d_nhwc_pack_filter_f32, 64-byte aligned as the compiler's weight
// blob is), interleaved the same way; depthwise layers and pools are skipped
// (the compiler packs neither).
//
// --winograd compares, on the 3x3 stride-1 layers of ResNet-18, SqueezeNet
// 1.1 (expand3x3) and ResNet-8, the direct conv with its filter pre-packed
// at this build's panel width with kiln_conv2d_nhwc_winograd_f32 on the same
// filter transformed at that width (kiln_conv2d_nhwc_winograd_filter_f32),
// both 64-byte aligned, bias and ReLU fused; the last column is
// Winograd/direct.
//
// Each sample is one call (or, for layers under ~50 us, the mean of enough
// back-to-back calls to reach it), on thread CPU time; NCHW and NHWC samples
// alternate so both see the same machine load. Prints median / p90 / p99 per
// call, GFLOP/s at the median and the NHWC/NCHW ratio of medians.
#include "kiln/runtime.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#if KILN_BENCH_AVX512
#define KILN_BENCH_ISA "avx512"
#define KILN_BENCH_NR 32
#else
#define KILN_BENCH_ISA "avx2"
#define KILN_BENCH_NR 16
#endif

namespace {

double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

enum class Kind { Conv, MaxPool, GlobalAvg };

struct Layer {
  const char *name;
  Kind kind;
  int32_t c, h, w, m, k, stride, pad, groups;
  // The fused activation: ReLU (ResNet, MobileNetV2's ReLU6 costs the same)
  // or SiLU (EfficientNet-B0, whose epilogue is a sigmoid per output).
  kiln_act_kind act = KILN_ACT_RELU;
};

// ResNet-18, MobileNetV2 (224x224 input), ResNet-8 (MLPerf Tiny, 32x32
// input), MobileNetV3-small and DS-CNN (KWS, 49x10 MFCC -> 25x5 after the
// stem) layer shapes. The M = 16 layers and the 16-column tails (M = 48,
// 144) exercise the AVX-512 16-column tile.
const Layer kLayers[] = {
    {"resnet18 conv1 7x7 s2 3->64 @224", Kind::Conv, 3, 224, 224, 64, 7, 2, 3,
     1},
    {"resnet18 maxpool 3x3 s2 64 @112", Kind::MaxPool, 64, 112, 112, 64, 3, 2,
     1, 1},
    {"resnet18 3x3 64->64 @56", Kind::Conv, 64, 56, 56, 64, 3, 1, 1, 1},
    {"resnet18 3x3 s2 64->128 @56", Kind::Conv, 64, 56, 56, 128, 3, 2, 1, 1},
    {"resnet18 3x3 128->128 @28", Kind::Conv, 128, 28, 28, 128, 3, 1, 1, 1},
    {"resnet18 3x3 256->256 @14", Kind::Conv, 256, 14, 14, 256, 3, 1, 1, 1},
    {"resnet18 3x3 s2 128->256 @28", Kind::Conv, 128, 28, 28, 256, 3, 2, 1, 1},
    {"resnet18 3x3 s2 256->512 @14", Kind::Conv, 256, 14, 14, 512, 3, 2, 1, 1},
    {"resnet18 3x3 512->512 @7", Kind::Conv, 512, 7, 7, 512, 3, 1, 1, 1},
    {"resnet18 1x1 s2 64->128 @56", Kind::Conv, 64, 56, 56, 128, 1, 2, 0, 1},
    {"resnet18 1x1 s2 256->512 @14", Kind::Conv, 256, 14, 14, 512, 1, 2, 0, 1},
    {"resnet18 global avg 512 @7", Kind::GlobalAvg, 512, 7, 7, 512, 7, 1, 0, 1},
    {"mbv2 stem 3x3 s2 3->32 @224", Kind::Conv, 3, 224, 224, 32, 3, 2, 1, 1},
    {"mbv2 1x1 16->96 @112", Kind::Conv, 16, 112, 112, 96, 1, 1, 0, 1},
    {"mbv2 1x1 32->16 @112", Kind::Conv, 32, 112, 112, 16, 1, 1, 0, 1},
    {"mbv2 1x1 24->144 @56", Kind::Conv, 24, 56, 56, 144, 1, 1, 0, 1},
    {"mbv2 1x1 144->24 @56", Kind::Conv, 144, 56, 56, 24, 1, 1, 0, 1},
    {"mbv2 1x1 32->192 @28", Kind::Conv, 32, 28, 28, 192, 1, 1, 0, 1},
    {"mbv2 1x1 64->384 @14", Kind::Conv, 64, 14, 14, 384, 1, 1, 0, 1},
    {"mbv2 1x1 384->64 @14", Kind::Conv, 384, 14, 14, 64, 1, 1, 0, 1},
    {"mbv2 1x1 96->576 @14", Kind::Conv, 96, 14, 14, 576, 1, 1, 0, 1},
    {"mbv2 1x1 576->96 @14", Kind::Conv, 576, 14, 14, 96, 1, 1, 0, 1},
    {"mbv2 1x1 160->960 @7", Kind::Conv, 160, 7, 7, 960, 1, 1, 0, 1},
    {"mbv2 1x1 960->160 @7", Kind::Conv, 960, 7, 7, 160, 1, 1, 0, 1},
    {"mbv2 1x1 320->1280 @7", Kind::Conv, 320, 7, 7, 1280, 1, 1, 0, 1},
    {"mbv2 dw 3x3 32 @112", Kind::Conv, 32, 112, 112, 32, 3, 1, 1, 32},
    {"mbv2 dw 3x3 s2 96 @112", Kind::Conv, 96, 112, 112, 96, 3, 2, 1, 96},
    {"mbv2 dw 3x3 144 @56", Kind::Conv, 144, 56, 56, 144, 3, 1, 1, 144},
    {"mbv2 dw 3x3 576 @14", Kind::Conv, 576, 14, 14, 576, 3, 1, 1, 576},
    {"mbv2 dw 3x3 960 @7", Kind::Conv, 960, 7, 7, 960, 3, 1, 1, 960},
    {"mbv2 global avg 1280 @7", Kind::GlobalAvg, 1280, 7, 7, 1280, 7, 1, 0, 1},
    {"resnet8 conv1 3x3 3->16 @32", Kind::Conv, 3, 32, 32, 16, 3, 1, 1, 1},
    {"resnet8 3x3 16->16 @32", Kind::Conv, 16, 32, 32, 16, 3, 1, 1, 1},
    {"resnet8 3x3 32->32 @16", Kind::Conv, 32, 16, 16, 32, 3, 1, 1, 1},
    {"mbv3s 1x1 96->48 @7", Kind::Conv, 96, 7, 7, 48, 1, 1, 0, 1},
    {"mbv3s dw 5x5 288 @7", Kind::Conv, 288, 7, 7, 288, 5, 1, 2, 288},
    {"mbv3s dw 5x5 240 @14", Kind::Conv, 240, 14, 14, 240, 5, 1, 2, 240},
    {"ds-cnn dw 3x3 64 @25x5", Kind::Conv, 64, 25, 5, 64, 3, 1, 1, 64},
    {"ds-cnn 1x1 64->64 @25x5", Kind::Conv, 64, 25, 5, 64, 1, 1, 0, 1},
    // EfficientNet-B0 depthwise layers (SiLU epilogue).
    {"effb0 dw 3x3 32 @112 silu", Kind::Conv, 32, 112, 112, 32, 3, 1, 1, 32,
     KILN_ACT_SILU},
    {"effb0 dw 3x3 s2 96 @112 silu", Kind::Conv, 96, 112, 112, 96, 3, 2, 1, 96,
     KILN_ACT_SILU},
    {"effb0 dw 5x5 s2 144 @56 silu", Kind::Conv, 144, 56, 56, 144, 5, 2, 2, 144,
     KILN_ACT_SILU},
    {"effb0 dw 3x3 144 @56 silu", Kind::Conv, 144, 56, 56, 144, 3, 1, 1, 144,
     KILN_ACT_SILU},
    {"effb0 dw 5x5 240 @28 silu", Kind::Conv, 240, 28, 28, 240, 5, 1, 2, 240,
     KILN_ACT_SILU},
    {"effb0 dw 5x5 480 @14 silu", Kind::Conv, 480, 14, 14, 480, 5, 1, 2, 480,
     KILN_ACT_SILU},
    {"effb0 dw 5x5 1152 @7 silu", Kind::Conv, 1152, 7, 7, 1152, 5, 1, 2, 1152,
     KILN_ACT_SILU},
};

// 3x3, stride 1, pad 1 layers for --winograd: ResNet-18 (224x224 input),
// SqueezeNet 1.1 expand3x3 (pad 1, 224x224 input: 55, 27, 13) and ResNet-8.
const Layer kWinoLayers[] = {
    {"resnet18 3x3 64->64 @56", Kind::Conv, 64, 56, 56, 64, 3, 1, 1, 1},
    {"resnet18 3x3 128->128 @28", Kind::Conv, 128, 28, 28, 128, 3, 1, 1, 1},
    {"resnet18 3x3 256->256 @14", Kind::Conv, 256, 14, 14, 256, 3, 1, 1, 1},
    {"resnet18 3x3 512->512 @7", Kind::Conv, 512, 7, 7, 512, 3, 1, 1, 1},
    {"squeezenet expand3x3 16->64 @55", Kind::Conv, 16, 55, 55, 64, 3, 1, 1,
     1},
    {"squeezenet expand3x3 32->128 @27", Kind::Conv, 32, 27, 27, 128, 3, 1, 1,
     1},
    {"squeezenet expand3x3 48->192 @13", Kind::Conv, 48, 13, 13, 192, 3, 1, 1,
     1},
    {"squeezenet expand3x3 64->256 @13", Kind::Conv, 64, 13, 13, 256, 3, 1, 1,
     1},
    {"resnet8 3x3 16->16 @32", Kind::Conv, 16, 32, 32, 16, 3, 1, 1, 1},
    {"resnet8 3x3 32->32 @16", Kind::Conv, 32, 16, 16, 32, 3, 1, 1, 1},
    {"resnet8 3x3 64->64 @8", Kind::Conv, 64, 8, 8, 64, 3, 1, 1, 1},
};

struct Stats {
  double p50, p90, p99;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto q = [&](double f) {
    return v[std::min(v.size() - 1, size_t(f * double(v.size() - 1) + 0.5))];
  };
  return {q(0.5), q(0.9), q(0.99)};
}

struct Case {
  kiln_conv_params cp{};
  kiln_pool_params pp{};
  kiln_shape in_c{}, f_c{}, out_c{}, in_h{}, f_h{}, out_h{};
  std::vector<float> x, w, bias, y, scratch;
  kiln_shape f_p{};          // the packed filter's shape (--packed)
  std::vector<float> w_buf;  // holds the packed filter, 64-byte aligned
  float *w_packed = nullptr; //   at this pointer
  double flops = 0;
  // The output starts 1 KB + 64 B into its buffer: an input and an output
  // that are both fresh page-aligned allocations would otherwise sit at the
  // same offsets modulo 4 KB, and loads of one would falsely wait on stores
  // to the other (4K aliasing), which a real arena does not reproduce.
  float *out() { return y.data() + 272; }
};

void run_nchw(const Layer &l, Case &cs) {
  kiln_status st = KILN_OK;
  if (l.kind == Kind::Conv)
    st = kiln_conv2d_f32(&cs.cp, &cs.in_c, cs.x.data(), &cs.f_c, cs.w.data(),
                         cs.bias.data(), nullptr, &cs.out_c, cs.out(),
                         cs.scratch.data());
  else if (l.kind == Kind::MaxPool)
    st =
        kiln_max_pool2d_f32(&cs.pp, &cs.in_c, cs.x.data(), &cs.out_c, cs.out());
  else
    st = kiln_global_avg_pool_f32(&cs.in_c, cs.x.data(), cs.out());
  if (st != KILN_OK)
    std::abort();
}

void run_nhwc(const Layer &l, Case &cs) {
  kiln_status st = KILN_OK;
  if (l.kind == Kind::Conv)
    st = kiln_conv2d_nhwc_f32(&cs.cp, &cs.in_h, cs.x.data(), &cs.f_h,
                              cs.w.data(), cs.bias.data(), nullptr, &cs.out_h,
                              cs.out(), cs.scratch.data());
  else if (l.kind == Kind::MaxPool)
    st = kiln_max_pool2d_nhwc_f32(&cs.pp, &cs.in_h, cs.x.data(), &cs.out_h,
                                  cs.out());
  else
    st = kiln_global_avg_pool_nhwc_f32(&cs.in_h, cs.x.data(), cs.out());
  if (st != KILN_OK)
    std::abort();
}

void run_nhwc_packed(Case &cs) {
  if (kiln_conv2d_nhwc_f32(&cs.cp, &cs.in_h, cs.x.data(), &cs.f_p, cs.w_packed,
                           cs.bias.data(), nullptr, &cs.out_h, cs.out(),
                           cs.scratch.data()) != KILN_OK)
    std::abort();
}

// The HWIO filter pre-packed at this build's panel width, as kiln-pack-filters
// does at compile time.
void pack_filter(Case &cs, int32_t groups) {
  if (kiln_conv2d_nhwc_packed_shape(&cs.f_h, groups, KILN_BENCH_NR, &cs.f_p) !=
      KILN_OK)
    std::abort();
  size_t n = 1;
  for (int i = 0; i < cs.f_p.rank; ++i)
    n *= size_t(cs.f_p.dims[i]);
  cs.w_buf.resize(n + 16);
  const uintptr_t a = reinterpret_cast<uintptr_t>(cs.w_buf.data());
  cs.w_packed = cs.w_buf.data() + ((64 - a % 64) % 64) / sizeof(float);
  if (kiln_conv2d_nhwc_pack_filter_f32(&cs.f_h, cs.w.data(), &cs.f_p,
                                       cs.w_packed) != KILN_OK)
    std::abort();
}

kiln_shape shape4(int32_t a, int32_t b, int32_t c, int32_t d) {
  kiln_shape s{};
  s.rank = 4, s.dims[0] = a, s.dims[1] = b, s.dims[2] = c, s.dims[3] = d;
  return s;
}

Case make_case(const Layer &l) {
  Case cs;
  const int32_t oh = (l.h + 2 * l.pad - l.k) / l.stride + 1;
  const int32_t ow = (l.w + 2 * l.pad - l.k) / l.stride + 1;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> d(-1, 1);
  cs.x.resize(size_t(l.c) * l.h * l.w);
  for (float &v : cs.x)
    v = d(rng);
  cs.in_c = shape4(1, l.c, l.h, l.w), cs.in_h = shape4(1, l.h, l.w, l.c);
  if (l.kind == Kind::Conv) {
    cs.cp.stride[0] = cs.cp.stride[1] = l.stride;
    cs.cp.dilation[0] = cs.cp.dilation[1] = 1;
    for (int i = 0; i < 4; ++i)
      cs.cp.pad[i] = l.pad;
    cs.cp.groups = l.groups;
    cs.cp.act.kind = l.act;
    const int32_t cg = l.c / l.groups;
    cs.w.resize(size_t(l.m) * cg * l.k * l.k);
    for (float &v : cs.w)
      v = d(rng) * 0.1f;
    cs.bias.assign(size_t(l.m), 0.01f);
    cs.f_c = shape4(l.m, cg, l.k, l.k), cs.f_h = shape4(l.k, l.k, cg, l.m);
    cs.out_c = shape4(1, l.m, oh, ow), cs.out_h = shape4(1, oh, ow, l.m);
    cs.y.resize(size_t(l.m) * oh * ow + 272);
    const int32_t s =
        std::max(std::max(kiln_conv2d_f32_scratch_size(&cs.cp, &cs.in_c,
                                                       &cs.f_c, &cs.out_c),
                          kiln_conv2d_nhwc_f32_scratch_size(
                              &cs.cp, &cs.in_h, &cs.f_h, &cs.out_h)),
                 4);
    cs.scratch.resize(size_t(s) / 4 + 1);
    cs.flops = 2.0 * oh * ow * l.m * cg * l.k * l.k;
  } else if (l.kind == Kind::MaxPool) {
    cs.pp.kernel[0] = cs.pp.kernel[1] = l.k;
    cs.pp.stride[0] = cs.pp.stride[1] = l.stride;
    cs.pp.dilation[0] = cs.pp.dilation[1] = 1;
    for (int i = 0; i < 4; ++i)
      cs.pp.pad[i] = l.pad;
    cs.out_c = shape4(1, l.c, oh, ow), cs.out_h = shape4(1, oh, ow, l.c);
    cs.y.resize(size_t(l.c) * oh * ow + 272);
    cs.flops = double(l.c) * oh * ow * l.k * l.k; // one compare per tap
  } else {
    cs.y.resize(size_t(l.c) + 272);
    cs.flops = double(l.c) * l.h * l.w; // one add per element
  }
  return cs;
}

// One table row: a and b alternate, each sample one call or, for layers
// under ~50 us, the mean of a batch of calls reaching it; median / p90 / p99
// per call, GFLOP/s at the median and the b/a ratio of medians.
template <typename A, typename B>
void compare_row(const char *name, double flops, double seconds, A run_a,
                 B run_b) {
  // Warm up both and size the batch so one sample is >= 50 us.
  run_a(), run_b();
  double t0 = cpu_seconds();
  run_a();
  const double one = std::max(cpu_seconds() - t0, 1e-7);
  const int batch = std::max(1, int(50e-6 / one));
  std::vector<double> a, b;
  const double start = cpu_seconds();
  while (cpu_seconds() - start < seconds || a.size() < 20) {
    t0 = cpu_seconds();
    for (int i = 0; i < batch; ++i)
      run_a();
    const double t1 = cpu_seconds();
    for (int i = 0; i < batch; ++i)
      run_b();
    const double t2 = cpu_seconds();
    a.push_back((t1 - t0) / batch * 1e6);
    b.push_back((t2 - t1) / batch * 1e6);
  }
  const Stats sa = stats(a), sb = stats(b);
  const double ga = flops / sa.p50 * 1e-3, gb = flops / sb.p50 * 1e-3;
  std::printf("| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f "
              "| %.2f |\n",
              name, sa.p50, sa.p90, sa.p99, ga, sb.p50, sb.p90, sb.p99, gb,
              sb.p50 / sa.p50);
  std::fflush(stdout);
}

// --packed: HWIO vs pre-packed filter, both through kiln_conv2d_nhwc_f32.
int run_packed(double seconds, const char *filter) {
  std::printf("NHWC conv, HWIO vs pre-packed (NR %d) filter, kiln_runtime_%s, "
              "1 thread, thread CPU time per call (us); samples interleaved; "
              "%.1f s per layer\n\n",
              KILN_BENCH_NR, KILN_BENCH_ISA, seconds);
  std::printf("| layer | HWIO p50 | p90 | p99 | GFLOP/s | packed p50 | p90 | "
              "p99 | GFLOP/s | packed/HWIO |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Layer &l : kLayers) {
    if (!std::strstr(l.name, filter) || l.kind != Kind::Conv ||
        (l.groups == l.c && l.groups == l.m))
      continue;
    Case cs = make_case(l);
    pack_filter(cs, l.groups);
    compare_row(
        l.name, cs.flops, seconds, [&] { run_nhwc(l, cs); },
        [&] { run_nhwc_packed(cs); });
  }
  return 0;
}

// --winograd: direct (pre-packed) vs Winograd F(4x4, 3x3), both through
// their public kernels. GFLOP/s counts the direct conv's 2 * 9 * C * M per
// output for both, so the Winograd column is an effective rate.
int run_winograd(double seconds, const char *filter) {
  std::printf("NHWC 3x3 conv, direct (pre-packed, NR %d) vs Winograd F(4x4, "
              "3x3), kiln_runtime_%s, 1 thread, thread CPU time per call "
              "(us); samples interleaved; %.1f s per layer\n\n",
              KILN_BENCH_NR, KILN_BENCH_ISA, seconds);
  std::printf("| layer | direct p50 | p90 | p99 | GFLOP/s | winograd p50 | "
              "p90 | p99 | GFLOP/s | winograd/direct |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Layer &l : kWinoLayers) {
    if (!std::strstr(l.name, filter))
      continue;
    Case cs = make_case(l);
    pack_filter(cs, 1);
    kiln_shape f_w{};
    if (kiln_conv2d_nhwc_winograd_shape(&cs.f_h, KILN_BENCH_NR, &f_w) !=
        KILN_OK)
      std::abort();
    size_t n = 1;
    for (int i = 0; i < f_w.rank; ++i)
      n *= size_t(f_w.dims[i]);
    std::vector<float> w_buf(n + 16);
    const uintptr_t a = reinterpret_cast<uintptr_t>(w_buf.data());
    float *wino = w_buf.data() + ((64 - a % 64) % 64) / sizeof(float);
    if (kiln_conv2d_nhwc_winograd_filter_f32(&cs.f_h, cs.w.data(), &f_w,
                                             wino) != KILN_OK)
      std::abort();
    const int32_t bytes = kiln_conv2d_nhwc_winograd_f32_scratch_size(
        &cs.cp, &cs.in_h, &f_w, &cs.out_h);
    if (bytes <= 0)
      std::abort();
    std::vector<float> s_buf(size_t(bytes) / 4 + 16);
    const uintptr_t sa = reinterpret_cast<uintptr_t>(s_buf.data());
    float *scratch = s_buf.data() + ((64 - sa % 64) % 64) / sizeof(float);
    compare_row(
        l.name, cs.flops, seconds, [&] { run_nhwc_packed(cs); },
        [&] {
          if (kiln_conv2d_nhwc_winograd_f32(&cs.cp, &cs.in_h, cs.x.data(), &f_w,
                                            wino, cs.bias.data(), nullptr,
                                            &cs.out_h, cs.out(),
                                            scratch) != KILN_OK)
            std::abort();
        });
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  double seconds = 1.0;
  const char *filter = "";
  bool packed = false, winograd = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc)
      seconds = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--filter") && i + 1 < argc)
      filter = argv[++i];
    else if (!std::strcmp(argv[i], "--packed"))
      packed = true;
    else if (!std::strcmp(argv[i], "--winograd"))
      winograd = true;
  }
  if (packed)
    return run_packed(seconds, filter);
  if (winograd)
    return run_winograd(seconds, filter);
  std::printf("NHWC vs NCHW, kiln_runtime_%s, 1 thread, thread CPU time per "
              "call (us); NCHW and NHWC samples interleaved; %.1f s per "
              "layer\n\n",
              KILN_BENCH_ISA, seconds);
  std::printf("| layer | NCHW p50 | p90 | p99 | GFLOP/s | NHWC p50 | p90 | p99 "
              "| GFLOP/s | NHWC/NCHW |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Layer &l : kLayers) {
    if (!std::strstr(l.name, filter))
      continue;
    Case cs = make_case(l);
    compare_row(
        l.name, cs.flops, seconds, [&] { run_nchw(l, cs); },
        [&] { run_nhwc(l, cs); });
  }
  return 0;
}
