/* Kiln Cortex-M harness: vector table, reset handler and newlib glue for MPS2/MPS3. */
#include "kiln_semihost.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern uint32_t __stack_top__;
extern uint32_t __data_load__, __data_start__, __data_end__;
extern uint32_t __bss_start__, __bss_end__;

extern void initialise_monitor_handles(void);
extern void __libc_init_array(void);
int main(int argc, char **argv);

/* crti/crtn are not linked (-nostartfiles); __libc_init_array still calls these. */
void _init(void) {}
void _fini(void) {}

enum { kMaxArgs = 8, kCmdlineBytes = 1024 };

/* Splits the semihosting command line (qemu: -semihosting-config arg=...). */
static int read_cmdline(char *buf, char **argv) {
  struct {
    char *buf;
    int len;
  } block = {buf, kCmdlineBytes - 1};
  if (kiln_semihost(KILN_SYS_GET_CMDLINE, &block) != 0)
    return 0;
  buf[block.len] = '\0';
  int argc = 0;
  for (char *p = buf; *p && argc < kMaxArgs;) {
    while (*p == ' ')
      *p++ = '\0';
    if (!*p)
      break;
    argv[argc++] = p;
    while (*p && *p != ' ')
      ++p;
  }
  return argc;
}

void Reset_Handler(void) {
  /* The hard-float ABI needs CP10/CP11 enabled before any FP instruction. */
  volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
  *cpacr |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  memcpy(&__data_start__, &__data_load__,
         (size_t)((char *)&__data_end__ - (char *)&__data_start__));
  memset(&__bss_start__, 0,
         (size_t)((char *)&__bss_end__ - (char *)&__bss_start__));
  initialise_monitor_handles();
  __libc_init_array();
  static char cmdline[kCmdlineBytes];
  static char *argv[kMaxArgs + 1];
  int argc = read_cmdline(cmdline, argv);
  exit(main(argc, argv));
}

/* Faults end the emulation with a message instead of hanging until timeout. */
static void Fault_Handler(void) {
  kiln_semihost(KILN_SYS_WRITE0, (void *)"kiln-runner: fault (HardFault/"
                                         "MemManage/BusFault/UsageFault)\n");
  kiln_semihost(KILN_SYS_EXIT, (void *)0x20024); /* ADP_Stopped_InternalError */
  for (;;) {
  }
}

static void Default_Handler(void) {
  for (;;) {
  }
}

typedef void (*kiln_vector)(void);

__attribute__((section(".isr_vector"), used)) static const kiln_vector
    kiln_vectors[16] = {
        (kiln_vector)&__stack_top__,
        Reset_Handler,
        Default_Handler, /* NMI */
        Fault_Handler,   /* HardFault */
        Fault_Handler,   /* MemManage */
        Fault_Handler,   /* BusFault */
        Fault_Handler,   /* UsageFault */
        0, 0, 0, 0,
        Default_Handler, /* SVCall */
        Default_Handler, /* DebugMonitor */
        0,
        Default_Handler, /* PendSV */
        Default_Handler, /* SysTick */
};
