/* Kiln runner harness: clock and arena memory for hosted (Linux, qemu-user)
 * runners. */
#define _DEFAULT_SOURCE
#include "kiln_runner.h"

#include <stddef.h>
#include <sys/mman.h>
#include <time.h>

void kiln_runner_prepare_arena(const kiln_runner_model *m) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  /* Only the 2 MiB pages wholly inside the arena: advice past the object
   * would cover the neighbouring static buffers or fail. */
  const uintptr_t huge = (uintptr_t)2u << 20;
  const uintptr_t begin = ((uintptr_t)m->arena + huge - 1u) & ~(huge - 1u);
  const uintptr_t end = ((uintptr_t)m->arena + m->arena_size) & ~(huge - 1u);
  if (end > begin)
    (void)madvise((void *)begin, (size_t)(end - begin), MADV_HUGEPAGE);
#else
  (void)m;
#endif
}

uint64_t kiln_runner_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t kiln_runner_now_us(void) { return kiln_runner_now_ns() / 1000u; }
