/* Kiln runner harness: runs a model on raw input files, writes raw outputs. */
#include "kiln_runner.h"

#include <stdio.h>
#include <stdlib.h>

/* Protocol with `kiln run` (lib/target/targets/TargetRun.cpp):
 *   runner IODIR NSAMPLES
 * reads IODIR/in<i>_<s>.bin (exactly the input's byte size), calls the model,
 * writes IODIR/out<j>_<s>.bin, and prints one line per sample:
 *   kiln-runner: sample <s> status <rc> us <elapsed>
 * then "kiln-runner: done <failures>". The exit code is 0 only if every run
 * returned 0, but the driver relies on the printed lines because semihosting
 * exits do not always carry the code. */

/* `kiln run` on a library built with --profile-ops: nothing to time. */
void kiln_profile_op(int op) { (void)op; }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc != 3) {
    printf("usage: %s IODIR NSAMPLES\n", argc > 0 ? argv[0] : "runner");
    return 2;
  }
  const kiln_runner_model *m = &kiln_runner_the_model;
  const char *dir = argv[1];
  int samples = atoi(argv[2]);
  int failures = 0;
  kiln_runner_prepare_memory(m);
  for (int s = 0; s < samples; ++s) {
    for (int i = 0; i < m->num_inputs; ++i)
      if (kiln_runner_transfer(dir, "in", i, s, m->inputs[i], m->input_sizes[i],
                               0))
        return 3;
    uint64_t t0 = kiln_runner_now_us();
    int rc = m->run((const void *const *)m->inputs, m->outputs, m->arena);
    uint64_t t1 = kiln_runner_now_us();
    printf("kiln-runner: sample %d status %d us %lu\n", s, rc,
           (unsigned long)(t1 - t0));
    if (rc != 0) {
      ++failures;
      continue;
    }
    for (int j = 0; j < m->num_outputs; ++j)
      if (kiln_runner_transfer(dir, "out", j, s, m->outputs[j],
                               m->output_sizes[j], 1))
        return 3;
  }
  printf("kiln-runner: done %d\n", failures);
  return failures ? 1 : 0;
}
