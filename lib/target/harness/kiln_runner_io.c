/* Kiln harness: raw tensor files in and out, for the runner and bench. */
#include "kiln_runner.h"

#include <stdio.h>

int kiln_runner_transfer(const char *dir, const char *kind, int index,
                         int sample, void *data, uint32_t size, int writing) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s%d_%d.bin", dir, kind, index, sample);
  FILE *f = fopen(path, writing ? "wb" : "rb");
  if (!f) {
    printf("kiln-runner: cannot open %s\n", path);
    return -1;
  }
  /* Unbuffered: one semihosting call per transfer and no stdio heap buffer. */
  setvbuf(f, NULL, _IONBF, 0);
  size_t done = writing ? fwrite(data, 1, size, f) : fread(data, 1, size, f);
  int extra = !writing && fgetc(f) != EOF;
  fclose(f);
  if (done != size || extra) {
    printf("kiln-runner: %s holds %s bytes than the expected %lu\n", path,
           extra || done > size ? "more" : "fewer", (unsigned long)size);
    return -1;
  }
  return 0;
}
