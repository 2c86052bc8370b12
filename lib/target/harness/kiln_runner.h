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
} kiln_runner_model;

extern const kiln_runner_model kiln_runner_the_model;

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
