/* Kiln runner harness: monotonic clock for hosted (Linux, qemu-user) runners.
 */
#define _POSIX_C_SOURCE 199309L
#include "kiln_runner.h"

#include <time.h>

uint64_t kiln_runner_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t kiln_runner_now_us(void) { return kiln_runner_now_ns() / 1000u; }
