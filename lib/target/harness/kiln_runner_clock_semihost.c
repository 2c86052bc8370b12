/* Kiln Cortex-M harness: wall clock of the emulator through semihosting. */
#include "kiln_runner.h"
#include "kiln_semihost.h"

uint64_t kiln_runner_now_ns(void) {
  /* SYS_ELAPSED gives host ticks at SYS_TICKFREQ; SYS_CLOCK (centiseconds) is
   * the fallback for debuggers that lack the newer calls. */
  uint32_t ticks[2];
  int freq = kiln_semihost(KILN_SYS_TICKFREQ, 0);
  if (freq > 0 && kiln_semihost(KILN_SYS_ELAPSED, ticks) == 0) {
    uint64_t t = ((uint64_t)ticks[1] << 32) | ticks[0];
    return t / (uint64_t)freq * 1000000000u +
           t % (uint64_t)freq * 1000000000u / (uint64_t)freq;
  }
  return (uint64_t)kiln_semihost(KILN_SYS_CLOCK, 0) * 10000000u;
}

uint64_t kiln_runner_now_us(void) { return kiln_runner_now_ns() / 1000u; }

/* Bare metal: the arena is plain RAM, nothing to prepare. */
void kiln_runner_prepare_memory(const kiln_runner_model *m) { (void)m; }
