// int8 vs fp32 conv per layer of ResNet-18 and MobileNetV2, in one runtime
// build: kiln_conv2d_s8 and kiln_conv2d_f32 on the same shapes, interleaved.
//
//   build/bench/kernels/kiln_int8_layers_bench_avx512vnni [--seconds S]
//
// Built against kiln_runtime_avx2, _avx512 (AVX-512BW int8 products) and
// _avx512vnni (vpdpbusd), so the three int8 variants can be compared with
// one another and with the fp32 kernels of their build. Each sample is one
// call (or, under ~50 us, the mean of enough back-to-back calls), thread
// CPU time; int8 and fp32 samples alternate so both see the same load.
#include "kiln/runtime.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <vector>

namespace {

double cpu_seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

struct Layer {
  const char *name;
  int32_t c, h, w, m, k, stride, pad, groups;
};

const Layer kLayers[] = {
    {"resnet18 conv1 7x7 s2 3->64 @224", 3, 224, 224, 64, 7, 2, 3, 1},
    {"resnet18 3x3 64->64 @56", 64, 56, 56, 64, 3, 1, 1, 1},
    {"resnet18 3x3 s2 64->128 @56", 64, 56, 56, 128, 3, 2, 1, 1},
    {"resnet18 3x3 128->128 @28", 128, 28, 28, 128, 3, 1, 1, 1},
    {"resnet18 3x3 256->256 @14", 256, 14, 14, 256, 3, 1, 1, 1},
    {"resnet18 3x3 512->512 @7", 512, 7, 7, 512, 3, 1, 1, 1},
    {"resnet18 1x1 s2 64->128 @56", 64, 56, 56, 128, 1, 2, 0, 1},
    {"mbv2 3x3 s2 3->32 @224", 3, 224, 224, 32, 3, 2, 1, 1},
    {"mbv2 1x1 16->96 @112", 16, 112, 112, 96, 1, 1, 0, 1},
    {"mbv2 1x1 144->24 @56", 144, 56, 56, 24, 1, 1, 0, 1},
    {"mbv2 1x1 32->192 @28", 32, 28, 28, 192, 1, 1, 0, 1},
    {"mbv2 1x1 960->160 @7", 960, 7, 7, 160, 1, 1, 0, 1},
    {"mbv2 1x1 320->1280 @7", 320, 7, 7, 1280, 1, 1, 0, 1},
    {"mbv2 dw 3x3 32 @112", 32, 112, 112, 32, 3, 1, 1, 32},
    {"mbv2 dw 3x3 s2 96 @112", 96, 112, 112, 96, 3, 2, 1, 96},
    {"mbv2 dw 3x3 144 @56", 144, 56, 56, 144, 3, 1, 1, 144},
    {"mbv2 dw 3x3 576 @14", 576, 14, 14, 576, 3, 1, 1, 576},
    {"mbv2 dw 3x3 960 @7", 960, 7, 7, 960, 3, 1, 1, 960},
};

kiln_shape shape4(int32_t a, int32_t b, int32_t c, int32_t d) {
  kiln_shape s{};
  s.rank = 4, s.dims[0] = a, s.dims[1] = b, s.dims[2] = c, s.dims[3] = d;
  return s;
}

struct Case {
  kiln_conv_params cp{};
  kiln_conv_s8_params qp{};
  kiln_shape in{}, f{}, out{};
  std::vector<float> x, w, bias, y;
  std::vector<int8_t> qx, qw, qy;
  std::vector<int32_t> qbias;
  std::vector<kiln_requant> rq;
  std::vector<unsigned char> scratch;
  double macs = 0;
};

Case make_case(const Layer &l) {
  Case cs;
  const int32_t oh = (l.h + 2 * l.pad - l.k) / l.stride + 1;
  const int32_t ow = (l.w + 2 * l.pad - l.k) / l.stride + 1;
  const int32_t cg = l.c / l.groups;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> d(-1, 1);
  std::uniform_int_distribution<int> q(-128, 127);
  cs.in = shape4(1, l.c, l.h, l.w), cs.f = shape4(l.m, cg, l.k, l.k);
  cs.out = shape4(1, l.m, oh, ow);
  const size_t nx = size_t(l.c) * l.h * l.w, nw = size_t(l.m) * cg * l.k * l.k,
               ny = size_t(l.m) * oh * ow;
  cs.x.resize(nx), cs.qx.resize(nx), cs.w.resize(nw), cs.qw.resize(nw);
  for (size_t i = 0; i < nx; ++i)
    cs.x[i] = d(rng), cs.qx[i] = int8_t(q(rng));
  for (size_t i = 0; i < nw; ++i)
    cs.w[i] = d(rng) * 0.1f, cs.qw[i] = int8_t(q(rng));
  cs.bias.assign(size_t(l.m), 0.01f), cs.qbias.assign(size_t(l.m), 100);
  cs.rq.assign(size_t(l.m), kiln_requant{1518500250, -9});
  cs.y.resize(ny + 272), cs.qy.resize(ny + 1088);
  for (kiln_conv_params *p : {&cs.cp}) {
    p->stride[0] = p->stride[1] = l.stride;
    p->dilation[0] = p->dilation[1] = 1;
    for (int i = 0; i < 4; ++i)
      p->pad[i] = l.pad;
    p->groups = l.groups;
    p->act.kind = KILN_ACT_RELU;
  }
  kiln_conv_s8_params &qp = cs.qp;
  qp.stride[0] = qp.stride[1] = l.stride;
  qp.dilation[0] = qp.dilation[1] = 1;
  for (int i = 0; i < 4; ++i)
    qp.pad[i] = l.pad;
  qp.groups = l.groups, qp.input_offset = 5, qp.output_offset = -128;
  qp.act_min = -128, qp.act_max = 127; // Relu folds into the clamp
  const int32_t s =
      std::max(kiln_conv2d_f32_scratch_size(&cs.cp, &cs.in, &cs.f, &cs.out),
               kiln_conv2d_s8_scratch_size(&qp, &cs.in, &cs.f, &cs.out));
  cs.scratch.resize(size_t(s) + 64);
  cs.macs = double(oh) * ow * l.m * cg * l.k * l.k;
  return cs;
}

void run_f32(Case &cs) {
  if (kiln_conv2d_f32(&cs.cp, &cs.in, cs.x.data(), &cs.f, cs.w.data(),
                      cs.bias.data(), nullptr, &cs.out, cs.y.data() + 272,
                      cs.scratch.data()) != KILN_OK)
    std::abort();
}

void run_s8(Case &cs) {
  if (kiln_conv2d_s8(&cs.qp, cs.rq.data(), &cs.in, cs.qx.data(), &cs.f,
                     cs.qw.data(), cs.qbias.data(), &cs.out,
                     cs.qy.data() + 1088, cs.scratch.data()) != KILN_OK)
    std::abort();
}

template <class F> double sample(F f, int reps) {
  const double t0 = cpu_seconds();
  for (int i = 0; i < reps; ++i)
    f();
  return (cpu_seconds() - t0) / reps;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
double p90(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(0.9 * double(v.size() - 1) + 0.5))];
}

} // namespace

int main(int argc, char **argv) {
  double seconds = 1.0;
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc)
      seconds = std::atof(argv[++i]);
#if defined(KILN_BENCH_NEEDS_AVX512)
  if (!__builtin_cpu_supports("avx512bw") ||
      (KILN_BENCH_NEEDS_AVX512 > 1 && !__builtin_cpu_supports("avx512vnni"))) {
    std::printf("skip: this CPU lacks the features of %s\n", KILN_BENCH_ISA);
    return 0;
  }
#endif
  std::printf("int8 vs fp32 conv, kiln_runtime_%s, 1 thread, thread CPU time "
              "per call (us), samples interleaved, %.1f s per layer\n\n",
              KILN_BENCH_ISA, seconds);
  std::printf("| layer | MMAC | int8 p50 | p90 | int8 GMAC/s | fp32 p50 | p90 "
              "| fp32 GMAC/s | int8/fp32 |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Layer &l : kLayers) {
    Case cs = make_case(l);
    run_s8(cs), run_f32(cs); // warm
    const double one = sample([&] { run_s8(cs); }, 1);
    const int reps = std::max(1, int(50e-6 / std::max(one, 1e-7)));
    std::vector<double> a, b;
    const double t0 = cpu_seconds();
    while (cpu_seconds() - t0 < seconds || a.size() < 5) {
      a.push_back(sample([&] { run_s8(cs); }, reps));
      b.push_back(sample([&] { run_f32(cs); }, reps));
    }
    const double ma = median(a), mb = median(b);
    std::printf("| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | "
                "%.2f |\n",
                l.name, cs.macs * 1e-6, ma * 1e6, p90(a) * 1e6,
                cs.macs / ma * 1e-9, mb * 1e6, p90(b) * 1e6,
                cs.macs / mb * 1e-9, ma / mb);
  }
  return 0;
}
