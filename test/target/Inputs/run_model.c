/* Runs a generated single-input, single-output model on raw f32 input bytes
 * from argv[1] and prints every output element; KILN_NAME / KILN_UPPER name
 * the model (e.g. -DKILN_NAME=tiny -DKILN_UPPER=TINY). */
#include <stdio.h>
#include <string.h>

#define KILN_CAT2(a, b) a##b
#define KILN_CAT(a, b) KILN_CAT2(a, b)
#define KILN_STR2(a) #a
#define KILN_STR(a) KILN_STR2(a)
#include KILN_STR(KILN_NAME.h)

#define M(suffix) KILN_CAT(KILN_UPPER, suffix)

static unsigned char arena[M(_ARENA_SIZE)]
    __attribute__((aligned(M(_ARENA_ALIGN))));
static float input[M(_IN0_SIZE) / sizeof(float)];
static float output[M(_OUT0_SIZE) / sizeof(float)];

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f || fread(input, 1, sizeof(input), f) != sizeof(input))
    return 3;
  fclose(f);
  /* Poison the arena and the output so stale data cannot pass as a result. */
  memset(arena, 0x7f, sizeof(arena));
  memset(output, 0x7f, sizeof(output));
  const void *const inputs[] = {input};
  void *const outputs[] = {output};
  int rc = KILN_CAT(KILN_NAME, _run)(inputs, outputs, arena);
  if (rc != 0) {
    printf("status %d\n", rc);
    return 1;
  }
  for (size_t i = 0; i < sizeof(output) / sizeof(float); ++i)
    printf("%.9g\n", output[i]);
  return 0;
}
