/* Kiln runner harness: clock and arena memory for hosted (Linux, qemu-user)
 * runners. */
#define _DEFAULT_SOURCE
#include "kiln_runner.h"

#include <stddef.h>
#include <sys/mman.h>
#include <time.h>

#if defined(__linux__)
/* Linux 5.14's values, for C libraries whose headers predate them; an older
 * kernel answers EINVAL and the pages fault in on first use as before. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* madvise over the whole pages that [begin, begin + size) touches (madvise
 * wants a page-aligned start; the static objects around the range lie in
 * the same mappings, so advice on their pages is harmless). */
static void advise_pages(const void *begin, size_t size, int advice) {
  if (begin == NULL || size == 0)
    return;
  const uintptr_t page = 4096u;
  const uintptr_t lo = (uintptr_t)begin & ~(page - 1u);
  const uintptr_t hi = ((uintptr_t)begin + size + page - 1u) & ~(page - 1u);
  (void)madvise((void *)lo, (size_t)(hi - lo), advice);
}
#endif

void kiln_runner_prepare_memory(const kiln_runner_model *m) {
#if defined(__linux__)
#if defined(MADV_HUGEPAGE)
  /* Only a block the binding laid out in whole 2 MiB pages (see
   * KILN_RUNNER_MEMORY_SIZE): advice past the object would cover the
   * neighbouring static buffers or fail. */
  const uintptr_t huge = KILN_RUNNER_HUGE_PAGE;
  if (((uintptr_t)m->memory & (huge - 1u)) == 0 && m->memory_size != 0 &&
      (m->memory_size & (huge - 1u)) == 0)
    (void)madvise(m->memory, m->memory_size, MADV_HUGEPAGE);
#endif
  /* The block holds the arena, the inputs and the outputs: read() of a
   * 224x224x3 input into untouched pages took 147 faults (about 2 ms)
   * inside the kernel's copy, more than the rest of the process start. */
  advise_pages(m->memory, m->memory_size, MADV_POPULATE_WRITE);
  advise_pages(m->weights, m->weights_size, MADV_POPULATE_READ);
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
