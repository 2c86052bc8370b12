/* Kiln Cortex-M harness: the Arm semihosting call (BKPT 0xAB on M-profile). */
#ifndef KILN_SEMIHOST_H
#define KILN_SEMIHOST_H

enum {
  KILN_SYS_WRITE0 = 0x04,
  KILN_SYS_CLOCK = 0x10,
  KILN_SYS_GET_CMDLINE = 0x15,
  KILN_SYS_EXIT = 0x18,
  KILN_SYS_ELAPSED = 0x30,
  KILN_SYS_TICKFREQ = 0x31
};

static inline int kiln_semihost(int op, void *arg) {
  register int r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

#endif /* KILN_SEMIHOST_H */
