/* Kiln runner harness: the model binding the driver generates for one library.
 */
#ifndef KILN_RUNNER_H
#define KILN_RUNNER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything the harness main needs about one generated model; all buffers lie
 * in one static block of the generated binding (`memory`: the arena, then the
 * inputs, then the outputs), so no heap is used for the model. */
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
  void *memory; /* the block holding the arena, inputs and outputs */
  uint32_t memory_size;
} kiln_runner_model;

extern const kiln_runner_model kiln_runner_the_model;

/* Size and alignment of the binding's static block for `used` bytes of
 * arena, inputs and outputs. On x86-64 Linux a block of
 * KILN_RUNNER_HUGE_MIN bytes or more starts on a 2 MiB boundary and is padded
 * to whole 2 MiB pages (bss: the padding costs no file bytes and is never
 * touched unbacked), so that kiln_runner_prepare_memory can back all of it
 * with transparent huge pages. On the PVM guest of docs/performance.md a
 * 4 KiB anonymous page costs about 4 us on its first touch even after
 * MADV_POPULATE_WRITE, a 2 MiB page about 65 us to populate and nothing
 * after: SqueezeNet's 3.9 MB arena and 602 KB input paid about 2.5 ms of a
 * 8 ms cold start in 4 KiB pages. Below the threshold a huge page would
 * cost more to clear than the few 4 KiB pages it replaces. Other hosts and
 * bare metal keep the model's own alignment and no padding (a 2 MiB-aligned
 * object would waste a microcontroller's RAM). */
#define KILN_RUNNER_HUGE_PAGE (2u << 20)
#define KILN_RUNNER_HUGE_MIN (256u << 10)
#if defined(__linux__) && defined(__x86_64__)
#define KILN_RUNNER_MEMORY_HUGE(used) ((used) >= KILN_RUNNER_HUGE_MIN)
#else
#define KILN_RUNNER_MEMORY_HUGE(used) 0
#endif
#define KILN_RUNNER_MEMORY_SIZE(used)                                          \
  (KILN_RUNNER_MEMORY_HUGE(used)                                               \
       ? ((used) + KILN_RUNNER_HUGE_PAGE - 1u) & ~(KILN_RUNNER_HUGE_PAGE - 1u) \
       : (used))
#define KILN_RUNNER_MEMORY_ALIGN(used, align)                                  \
  (KILN_RUNNER_MEMORY_HUGE(used) ? KILN_RUNNER_HUGE_PAGE : (align))

/* Maps the model's memory before the first inference, so that it does not
 * take a page fault per page. On Linux: asks for transparent huge pages over
 * the static block when it is made of whole 2 MiB pages (otherwise a fault,
 * and later a TLB miss, per 4 KiB of arena: ResNet-18's 4 MB arena cost
 * about 25 ms on the 2-vCPU VM of docs/performance.md), then populates the
 * block (writable) and the weights blob (read-only, from the page cache)
 * with one madvise each (MADV_POPULATE_*, Linux 5.14+). On that VM every page fault is a trap to
 * the hypervisor of about 20 us, and the weights fault in 64 KiB at a time:
 * MobileNetV2's 14 MB blob took 723 faults and 16 ms of system time in the
 * first inference. Does nothing where that is not available (bare metal,
 * older kernels); the results never depend on it. */
void kiln_runner_prepare_memory(const kiln_runner_model *m);

/* Called by a model compiled with `kiln compile --profile-ops` before its
 * op `op` (NAME.report.json's index) and, with the op count, before its
 * output copies. The bench harness times the ops with it (kiln bench
 * --per-layer); the runner harness ignores it. */
void kiln_profile_op(int op);

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
