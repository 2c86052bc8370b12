/* Runs a generated model (up to 3 inputs and 3 outputs, f32) on the raw
 * bytes of every input concatenated in argv[1], and prints every output
 * element, outputs in order. KILN_NAME / KILN_UPPER name the model
 * (e.g. -DKILN_NAME=tiny -DKILN_UPPER=TINY). */
#include <stdio.h>
#include <string.h>

#define KILN_CAT2(a, b) a##b
#define KILN_CAT(a, b) KILN_CAT2(a, b)
#define KILN_STR2(a) #a
#define KILN_STR(a) KILN_STR2(a)
#include KILN_STR(KILN_NAME.h)

#define M(suffix) KILN_CAT(KILN_UPPER, suffix)

static const size_t in_sizes[] = {
    M(_IN0_SIZE),
#if M(_NUM_INPUTS) > 1
    M(_IN1_SIZE),
#endif
#if M(_NUM_INPUTS) > 2
    M(_IN2_SIZE),
#endif
};
static const size_t out_sizes[] = {
    M(_OUT0_SIZE),
#if M(_NUM_OUTPUTS) > 1
    M(_OUT1_SIZE),
#endif
#if M(_NUM_OUTPUTS) > 2
    M(_OUT2_SIZE),
#endif
};
#define N_IN (sizeof(in_sizes) / sizeof(in_sizes[0]))
#define N_OUT (sizeof(out_sizes) / sizeof(out_sizes[0]))

static unsigned char arena[M(_ARENA_SIZE)]
    __attribute__((aligned(M(_ARENA_ALIGN))));
static float inputs_data[N_IN][1 << 18];
static float outputs_data[N_OUT][1 << 18];

int main(int argc, char **argv) {
  if (argc != 2 || M(_NUM_INPUTS) != N_IN || M(_NUM_OUTPUTS) != N_OUT)
    return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f)
    return 3;
  const void *inputs[N_IN];
  void *outputs[N_OUT];
  for (size_t i = 0; i < N_IN; ++i) {
    if (in_sizes[i] > sizeof(inputs_data[i]) ||
        fread(inputs_data[i], 1, in_sizes[i], f) != in_sizes[i])
      return 3;
    inputs[i] = inputs_data[i];
  }
  fclose(f);
  /* Poison the arena and the outputs so stale data cannot pass as a result. */
  memset(arena, 0x7f, sizeof(arena));
  memset(outputs_data, 0x7f, sizeof(outputs_data));
  for (size_t i = 0; i < N_OUT; ++i)
    outputs[i] = outputs_data[i];
  int rc = KILN_CAT(KILN_NAME, _run)(inputs, outputs, arena);
  if (rc != 0) {
    printf("status %d\n", rc);
    return 1;
  }
  for (size_t i = 0; i < N_OUT; ++i)
    for (size_t j = 0; j < out_sizes[i] / sizeof(float); ++j)
      printf("%.9g\n", outputs_data[i][j]);
  return 0;
}
