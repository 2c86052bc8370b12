/* Kiln runner harness: the model binding the driver generates for one library.
 */
#ifndef KILN_RUNNER_H
#define KILN_RUNNER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything the harness main needs about one generated model; all buffers are
 * static arrays in the generated binding, so no heap is used for the model. */
typedef struct {
  const char *name;
  int32_t num_inputs;
  int32_t num_outputs;
  void *const *inputs;
  const uint32_t *input_sizes;
  void *const *outputs;
  const uint32_t *output_sizes;
  void *arena;
  int (*run)(const void *const *inputs, void *const *outputs, void *arena);
  uint32_t arena_size;
  const void *weights; /* the model's weights blob (<name>_weights) */
  uint32_t weights_size;
} kiln_runner_model;

extern const kiln_runner_model kiln_runner_the_model;

/* Alignment of the binding's static arena. On x86-64 Linux an arena of
 * 2 MiB or more starts on a 2 MiB boundary, so that
 * kiln_runner_prepare_arena can back it with transparent huge pages; other
 * hosts and bare metal keep the model's own alignment (a 2 MiB-aligned
 * object would waste a microcontroller's RAM). */
#if defined(__linux__) && defined(__x86_64__)
#define KILN_RUNNER_ARENA_ALIGN(size, align)                                   \
  ((size) >= (2u << 20) ? (2u << 20) : (align))
#else
#define KILN_RUNNER_ARENA_ALIGN(size, align) (align)
#endif

/* Maps the model's memory before the first inference, so that it does not
 * take a page fault per page. On Linux: asks for transparent huge pages over
 * the arena's whole 2 MiB pages (otherwise a fault, and later a TLB miss,
 * per 4 KiB of arena: ResNet-18's 4 MB arena cost about 25 ms on the 2-vCPU
 * VM of docs/performance.md), then populates the arena, the input and output
 * buffers (writable) and the weights blob (read-only, from the page cache)
 * with one madvise each (MADV_POPULATE_*, Linux 5.14+). On that VM every page fault is a trap to
 * the hypervisor of about 20 us, and the weights fault in 64 KiB at a time:
 * MobileNetV2's 14 MB blob took 723 faults and 16 ms of system time in the
 * first inference. Does nothing where that is not available (bare metal,
 * older kernels); the results never depend on it. */
void kiln_runner_prepare_memory(const kiln_runner_model *m);

/* Microseconds from an arbitrary origin; coarse on bare metal. */
uint64_t kiln_runner_now_us(void);

/* Nanoseconds from an arbitrary origin. Hosted, this is CLOCK_MONOTONIC, the
 * clock `kiln bench` also reads before it starts the program, so the two can
 * be subtracted for the cold-start time. Bare metal: the emulator's clock. */
uint64_t kiln_runner_now_ns(void);

/* Reads (writing == 0) or writes DIR/<kind><index>_<sample>.bin holding
 * exactly `size` bytes; prints the problem and returns -1 on any mismatch. */
int kiln_runner_transfer(const char *dir, const char *kind, int index,
                         int sample, void *data, uint32_t size, int writing);

#ifdef __cplusplus
}
#endif

#endif /* KILN_RUNNER_H */
