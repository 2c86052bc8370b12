/* Kiln runner harness: the model binding the driver generates for one library. */
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

#ifdef __cplusplus
}
#endif

#endif /* KILN_RUNNER_H */
