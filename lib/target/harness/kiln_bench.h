/* Kiln benchmark harness: what the bench main measures about the CPU itself. */
#ifndef KILN_BENCH_H
#define KILN_BENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The sustained clock and fp32 FMA throughput of the core the bench ran on. */
typedef struct {
  /* Clock in kHz, from a chain of dependent 1-cycle integer adds. */
  uint64_t clock_khz;
  /* fp32 multiply-accumulates per second that independent FMA chains reach. */
  uint64_t fma_macs_per_s;
  /* Vector lanes per FMA and FMA units per core assumed for the peak
   * (1 core x clock x units x lanes MAC/s). */
  int lanes;
  int fma_units;
} kiln_bench_peak;

/* Measures *out in about 0.3 s of busy work. Returns 0 on x86-64 built with
 * FMA (AVX2 or AVX-512), -1 elsewhere: the peak is then unknown. */
int kiln_bench_measure_peak(kiln_bench_peak *out);

#ifdef __cplusplus
}
#endif

#endif /* KILN_BENCH_H */
