/* Kiln bench harness: cold and warm timing of a model for `kiln bench`. */
#include "kiln_bench.h"
#include "kiln_runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Protocol with `kiln bench` (lib/driver/Bench.cpp). Two modes, one process
 * each, reading IODIR/in<i>_0.bin as the runner does:
 *
 *   bench IODIR cold SPAWN_NS
 *     one inference in a fresh process; SPAWN_NS is the CLOCK_MONOTONIC time
 *     at which the driver started this process (0 when unknown, e.g. under an
 *     emulator). Writes IODIR/out<j>_0.bin and prints
 *       kiln-bench: cold status <rc> start_ns <n|-> first_output_ns <n|->
 *                   first_inference_ns <n>
 *   bench IODIR profile WARMUP RUNS
 *     for a model compiled with --profile-ops (kiln bench --per-layer): WARMUP
 *     untimed inferences, then RUNS with the time between the model's
 *     kiln_profile_op calls summed per op. Writes IODIR/ops0_0.bin (uint64 ns
 *     per op index, the last one the output copies after the last op) and
 *     prints
 *       kiln-bench: profile status <rc> runs <n> elapsed_ns <n> ops <k>
 *   bench IODIR warm WARMUP RUNS MIN_MS
 *     WARMUP untimed inferences, then at least RUNS timed ones and at least
 *     MIN_MS milliseconds of them (bounded by the sample buffer). Writes each
 *     latency in order to IODIR/samples_0.bin (uint64 ns) and prints
 *       kiln-bench: warm status <rc> runs <n> elapsed_ns <n>
 *       kiln-bench: peak clock_khz <n> fma_macs_per_s <n> lanes <n> units <n>
 *     (the peak line only where kiln_bench_measure_peak knows the CPU).
 * Both end with "kiln-bench: done <failures>". */

#ifndef KILN_BENCH_MAX_SAMPLES
#if defined(__ARM_ARCH) && !defined(__linux__)
/* Bare-metal boards have a few MiB of RAM, and emulated runs are slow anyway.
 */
#define KILN_BENCH_MAX_SAMPLES 1024
#else
/* 8 MiB of bss, only touched as far as it is used. */
#define KILN_BENCH_MAX_SAMPLES (1 << 20)
#endif
#endif

static uint64_t kiln_bench_samples[KILN_BENCH_MAX_SAMPLES];

/* Per-op time of a model compiled with --profile-ops: it calls
 * kiln_profile_op(i) before op i (and with the op count before its output
 * copies), so the time from one call to the next, or to the end of the run,
 * is op i's. Indices past the table share its last slot. */
#define KILN_BENCH_MAX_OPS 4096
static uint64_t kiln_bench_op_ns[KILN_BENCH_MAX_OPS];
static int kiln_bench_op = -1; /* the op running, or -1 between runs */
static int kiln_bench_ops;     /* 1 + the largest index seen */
static uint64_t kiln_bench_op_t0;

static void kiln_bench_op_switch(int next) {
  const uint64_t t = kiln_runner_now_ns();
  if (kiln_bench_op >= 0)
    kiln_bench_op_ns[kiln_bench_op] += t - kiln_bench_op_t0;
  if (next >= KILN_BENCH_MAX_OPS)
    next = KILN_BENCH_MAX_OPS - 1;
  if (next + 1 > kiln_bench_ops)
    kiln_bench_ops = next + 1;
  kiln_bench_op = next;
  kiln_bench_op_t0 = t;
}

void kiln_profile_op(int op) { kiln_bench_op_switch(op < 0 ? 0 : op); }

static int read_inputs(const kiln_runner_model *m, const char *dir) {
  for (int i = 0; i < m->num_inputs; ++i)
    if (kiln_runner_transfer(dir, "in", i, 0, m->inputs[i], m->input_sizes[i],
                             0))
      return -1;
  return 0;
}

static int run_once(const kiln_runner_model *m) {
  return m->run((const void *const *)m->inputs, m->outputs, m->arena);
}

/* Prints `name value` or `name -` when the value is unknown. */
static void print_ns(const char *name, int known, uint64_t ns) {
  if (known)
    printf(" %s %llu", name, (unsigned long long)ns);
  else
    printf(" %s -", name);
}

static int cold(const kiln_runner_model *m, const char *dir,
                uint64_t spawn_ns) {
  uint64_t entered = kiln_runner_now_ns();
  kiln_runner_prepare_memory(m);
  if (read_inputs(m, dir))
    return 3;
  uint64_t t0 = kiln_runner_now_ns();
  int rc = run_once(m);
  uint64_t t1 = kiln_runner_now_ns();
  int known = spawn_ns != 0 && spawn_ns <= entered;
  printf("kiln-bench: cold status %d", rc);
  print_ns("start_ns", known, entered - spawn_ns);
  print_ns("first_output_ns", known, t1 - spawn_ns);
  print_ns("first_inference_ns", 1, t1 - t0);
  printf("\n");
  if (rc != 0) {
    printf("kiln-bench: done 1\n");
    return 1;
  }
  for (int j = 0; j < m->num_outputs; ++j)
    if (kiln_runner_transfer(dir, "out", j, 0, m->outputs[j],
                             m->output_sizes[j], 1))
      return 3;
  printf("kiln-bench: done 0\n");
  return 0;
}

static int warm(const kiln_runner_model *m, const char *dir, long warmup,
                long runs, uint64_t min_ns) {
  kiln_runner_prepare_memory(m);
  if (read_inputs(m, dir))
    return 3;
  for (long i = 0; i < warmup; ++i) {
    int rc = run_once(m);
    if (rc != 0) {
      printf("kiln-bench: warm status %d runs 0 elapsed_ns 0\nkiln-bench: done "
             "1\n",
             rc);
      return 1;
    }
  }
  uint64_t start = kiln_runner_now_ns(), now = start;
  long n = 0;
  int rc = 0;
  while (n < KILN_BENCH_MAX_SAMPLES && (n < runs || now - start < min_ns)) {
    uint64_t t0 = kiln_runner_now_ns();
    rc = run_once(m);
    now = kiln_runner_now_ns();
    if (rc != 0)
      break;
    kiln_bench_samples[n++] = now - t0;
  }
  printf("kiln-bench: warm status %d runs %ld elapsed_ns %llu\n", rc, n,
         (unsigned long long)(now - start));
  if (rc != 0) {
    printf("kiln-bench: done 1\n");
    return 1;
  }
  if (kiln_runner_transfer(dir, "samples", 0, 0, kiln_bench_samples,
                           (uint32_t)(n * sizeof(uint64_t)), 1))
    return 3;
  /* After the timed loop, so the clock is the one the model ran at. */
  kiln_bench_peak peak;
  if (kiln_bench_measure_peak(&peak) == 0)
    printf("kiln-bench: peak clock_khz %llu fma_macs_per_s %llu lanes %d units "
           "%d\n",
           (unsigned long long)peak.clock_khz,
           (unsigned long long)peak.fma_macs_per_s, peak.lanes, peak.fma_units);
  printf("kiln-bench: done 0\n");
  return 0;
}

static int profile(const kiln_runner_model *m, const char *dir, long warmup,
                   long runs) {
  kiln_runner_prepare_memory(m);
  if (read_inputs(m, dir))
    return 3;
  int rc = 0;
  for (long i = 0; i < warmup && rc == 0; ++i)
    rc = run_once(m);
  memset(kiln_bench_op_ns, 0, sizeof kiln_bench_op_ns);
  uint64_t start = kiln_runner_now_ns();
  long n = 0;
  for (; n < runs && rc == 0; ++n) {
    kiln_bench_op = -1;
    rc = run_once(m);
    kiln_bench_op_switch(-1);
    kiln_bench_op = -1;
  }
  uint64_t elapsed = kiln_runner_now_ns() - start;
  printf("kiln-bench: profile status %d runs %ld elapsed_ns %llu ops %d\n", rc,
         n, (unsigned long long)elapsed, kiln_bench_ops);
  if (rc != 0) {
    printf("kiln-bench: done 1\n");
    return 1;
  }
  if (kiln_runner_transfer(dir, "ops", 0, 0, kiln_bench_op_ns,
                           (uint32_t)(kiln_bench_ops * sizeof(uint64_t)), 1))
    return 3;
  printf("kiln-bench: done 0\n");
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const kiln_runner_model *m = &kiln_runner_the_model;
  if (argc == 4 && strcmp(argv[2], "cold") == 0)
    return cold(m, argv[1], strtoull(argv[3], NULL, 10));
  if (argc == 6 && strcmp(argv[2], "warm") == 0)
    return warm(m, argv[1], strtol(argv[3], NULL, 10),
                strtol(argv[4], NULL, 10),
                strtoull(argv[5], NULL, 10) * 1000000u);
  if (argc == 5 && strcmp(argv[2], "profile") == 0)
    return profile(m, argv[1], strtol(argv[3], NULL, 10),
                   strtol(argv[4], NULL, 10));
  printf("usage: %s IODIR cold SPAWN_NS | IODIR warm WARMUP RUNS MIN_MS | "
         "IODIR profile WARMUP RUNS\n",
         argc > 0 ? argv[0] : "bench");
  return 2;
}
