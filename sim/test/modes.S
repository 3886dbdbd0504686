// courier-sim's cycles per privilege mode (the statistics line's and --marks' cycles_u,
// cycles_s, cycles_m): a workload line ("@wl ") before and after a loop of 20,000 iterations run
// in U-mode, then one in S-mode; harness_modes.py checks the marks' differences. A mark follows
// the line's arrival on the console: on the betrusted SoC the line first waits out the UART's
// FIFO and PHY, so each line is let out completely before the program goes on.
#include "test.h"

.macro DRAIN
#ifdef COURIER_BETRUSTED
  li t0, UART_BASE
7:lw t1, UART_TXEMPTY(t0)
  beqz t1, 7b
  li t0, 100                    // the PHY's last byte: 64 cycles
8:addi t0, t0, -1
  bnez t0, 8b
#endif
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 12(sp)
  PRINT "@wl modes begin\n"
  DRAIN
  li a0, 0
  la a1, spin
  call run_mode
  PRINT "@wl modes after U\n"
  DRAIN
  li a0, 1
  la a1, spin
  call run_mode
  PRINT "@wl modes after S\n"
  DRAIN
  lw ra, 12(sp)
  addi sp, sp, 16
  li a0, 0
  ret

spin:
  li t0, 20000
1:addi t0, t0, -1
  bnez t0, 1b
  ret
