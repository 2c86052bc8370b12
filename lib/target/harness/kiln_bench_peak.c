/* Kiln bench harness: this core's clock and fp32 FMA peak (x86-64). */
#define _POSIX_C_SOURCE 199309L /* clock_gettime, before any header */
#include "kiln_bench.h"
#include "kiln_runner.h"

#if defined(__x86_64__) && defined(__FMA__) &&                                 \
    (defined(__AVX2__) || defined(__AVX512F__))
#include <immintrin.h>
#include <time.h>

/* Many short trials, best kept: on a shared machine a 1 ms trial often runs
 * without being preempted, where a 25 ms one never does. */
enum { kTrials = 100 };

/* CPU time of this thread where the OS has it: time slices given to other
 * processes do not count, so the clock is not underestimated under load. */
static uint64_t cpu_ns(void) {
#ifdef CLOCK_THREAD_CPUTIME_ID
  struct timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
  return kiln_runner_now_ns();
}

/* 200 dependent `add`s per iteration: each waits for the previous one, and an
 * integer add has had a latency of exactly one cycle on every x86-64 core, so
 * the loop runs at one add per cycle whatever the core's FMA latency, boost
 * state or virtualisation; the loop counter runs beside it on another port. */
static uint64_t time_add_chain(uint64_t iterations) {
  uint64_t x = 0;
  uint64_t t0 = cpu_ns();
  for (uint64_t i = 0; i < iterations; ++i)
    __asm__ volatile(".rept 200\n\taddq $1, %0\n\t.endr" : "+r"(x));
  uint64_t t1 = cpu_ns();
  return t1 - t0;
}

#if defined(__AVX512F__)
typedef __m512 kiln_vec;
#define KILN_LANES 16
#define KILN_SET1 _mm512_set1_ps
#define KILN_FMA _mm512_fmadd_ps
#define KILN_ADD _mm512_add_ps
#define KILN_STORE _mm512_storeu_ps
#else
typedef __m256 kiln_vec;
#define KILN_LANES 8
#define KILN_SET1 _mm256_set1_ps
#define KILN_FMA _mm256_fmadd_ps
#define KILN_ADD _mm256_add_ps
#define KILN_STORE _mm256_storeu_ps
#endif

/* 12 independent accumulators: more than units x latency (2 x 4 on current
 * cores), so the FMA units, not the dependency chains, are the limit. Kept
 * apart from the clock calls, which would make the compiler spill the
 * accumulators to the stack around them. */
static __attribute__((noinline)) void fma_chains(uint64_t iterations,
                                                 float *sink) {
  kiln_vec m = KILN_SET1(0.999f), c = KILN_SET1(0.001f);
  kiln_vec a0 = KILN_SET1(1.0f), a1 = KILN_SET1(1.1f), a2 = KILN_SET1(1.2f),
           a3 = KILN_SET1(1.3f), a4 = KILN_SET1(1.4f), a5 = KILN_SET1(1.5f),
           a6 = KILN_SET1(1.6f), a7 = KILN_SET1(1.7f), a8 = KILN_SET1(1.8f),
           a9 = KILN_SET1(1.9f), a10 = KILN_SET1(2.0f), a11 = KILN_SET1(2.1f);
  for (uint64_t i = 0; i < iterations; ++i) {
    a0 = KILN_FMA(a0, m, c);
    a1 = KILN_FMA(a1, m, c);
    a2 = KILN_FMA(a2, m, c);
    a3 = KILN_FMA(a3, m, c);
    a4 = KILN_FMA(a4, m, c);
    a5 = KILN_FMA(a5, m, c);
    a6 = KILN_FMA(a6, m, c);
    a7 = KILN_FMA(a7, m, c);
    a8 = KILN_FMA(a8, m, c);
    a9 = KILN_FMA(a9, m, c);
    a10 = KILN_FMA(a10, m, c);
    a11 = KILN_FMA(a11, m, c);
  }
  /* Every chain feeds the result, so none is optimised away. */
  kiln_vec s = KILN_ADD(KILN_ADD(KILN_ADD(a0, a1), KILN_ADD(a2, a3)),
                        KILN_ADD(KILN_ADD(a4, a5), KILN_ADD(a6, a7)));
  s = KILN_ADD(s, KILN_ADD(KILN_ADD(a8, a9), KILN_ADD(a10, a11)));
  KILN_STORE(sink, s);
}

static uint64_t time_fma(uint64_t iterations) {
  float sink[KILN_LANES];
  uint64_t t0 = cpu_ns();
  fma_chains(iterations, sink);
  uint64_t t1 = cpu_ns();
  volatile float keep = sink[0];
  (void)keep;
  return t1 - t0;
}

/* Best of several trials: preemption only ever makes a trial slower. */
static uint64_t best_of(uint64_t (*timed)(uint64_t), uint64_t iterations) {
  uint64_t best = UINT64_MAX;
  for (int t = 0; t < kTrials; ++t) {
    uint64_t ns = timed(iterations);
    if (ns > 0 && ns < best)
      best = ns;
  }
  return best;
}

int kiln_bench_measure_peak(kiln_bench_peak *out) {
  /* About 1 ms per trial at 3-4 GHz: 4M dependent adds, 6M FMAs. */
  const uint64_t addIterations = 20000, fmaIterations = 500000;
  uint64_t addNs = best_of(time_add_chain, addIterations);
  uint64_t fmaNs = best_of(time_fma, fmaIterations);
  if (addNs == UINT64_MAX || fmaNs == UINT64_MAX)
    return -1;
  /* cycles / ns = GHz; x 1e6 for kHz. */
  out->clock_khz =
      (uint64_t)((double)addIterations * 200.0 * 1e6 / (double)addNs);
  out->fma_macs_per_s = (uint64_t)((double)fmaIterations * 12.0 * KILN_LANES *
                                   1e9 / (double)fmaNs);
  out->lanes = KILN_LANES;
  out->fma_units = 2;
  return 0;
}

#else

int kiln_bench_measure_peak(kiln_bench_peak *out) {
  (void)out;
  return -1;
}

#endif
