// The betrusted model's UARTs and pins: UARTSEL (GPIO +0x14) routes one UART to the console;
// bytes the other UART sends are dropped (and counted by the harness). The TX FIFO holds 16
// bytes, fills and raises the tx event as it drains; RX never receives. The run ends through
// SIMEXIT with status 3. run_expect.py checks the exact console output, the status and the
// dropped-byte counts. Betrusted model only (COURIER_BETRUSTED).
#include "test.h"

// Sends the string at label through the UART at base (a2), waiting while its FIFO is full, then
// until it has sent everything. Clobbers t0, t1, a0.
.macro SEND base, text
  .pushsection .rodata
  3: .asciz "\text"
  .popsection
  li a2, \base
  la a0, 3b
1:lbu t0, 0(a0)
  beqz t0, 2f
4:lw t1, UART_TXFULL(a2)
  bnez t1, 4b
  sw t0, UART_RXTX(a2)
  addi a0, a0, 1
  j 1b
2:lw t1, UART_TXEMPTY(a2)
  beqz t1, 2b
.endm

.macro UARTSEL value
  li t0, GPIO_UARTSEL
  li t1, \value
  sw t1, 0(t0)
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  li t0, GPIO_UARTSEL
  lw s3, 0(t0)
  CHECK s3, 0, 1
  SEND UART_BASE, "uart: kernel UART, selected at reset\n"
  SEND CONSOLE_UART, "console: not selected (dropped)\n"
  UARTSEL 1
  li t0, GPIO_UARTSEL
  lw s3, 0(t0)
  CHECK s3, 1, 2
  SEND CONSOLE_UART, "console: selected\n"
  SEND UART_BASE, "kernel: not selected (dropped)\n"
  UARTSEL 2                   // the app UART: neither of ours reaches the pins
  SEND UART_BASE, "x\n"
  UARTSEL 0

  // RX: nothing arrives.
  li s4, UART_BASE
  lw s3, UART_RXEMPTY(s4)
  CHECK s3, 1, 10
  lw s3, 0x1c(s4)             // RXFULL
  CHECK s3, 0, 11

  // Fill the FIFO until TXFULL (the PHY takes bytes meanwhile, so the count depends on timing;
  // the app UART is selected so none of them reaches the console): at least 16 writes; the tx
  // event (clear before) fires when it drains below full (which may already have happened by
  // the time a load could look: the PHY keeps sending).
  UARTSEL 2
  li t1, 1
  sw t1, UART_EV_PENDING(s4)
  lw s3, UART_EV_PENDING(s4)
  CHECK s3, 0, 12
  lw s3, UART_TXFULL(s4)
  CHECK s3, 0, 13
  li t0, '.'
  li s5, 0
  li t2, 64
1:sw t0, UART_RXTX(s4)
  addi s5, s5, 1
  lw s3, UART_TXFULL(s4)
  bnez s3, 2f
  addi t2, t2, -1
  bnez t2, 1b
2:CHECK s3, 1, 14
  sltiu t5, s5, 16
  CHECK t5, 0, 15
  lw s3, UART_TXEMPTY(s4)
  CHECK s3, 0, 16
1:lw s3, UART_TXFULL(s4)
  bnez s3, 1b
  lw s3, UART_EV_PENDING(s4)
  CHECK s3, 1, 18
  li t1, 1
  sw t1, UART_EV_PENDING(s4)
  lw s3, UART_EV_PENDING(s4)
  CHECK s3, 0, 19
1:lw s3, UART_TXEMPTY(s4)
  beqz s3, 1b
  li t2, 400                  // and the PHY's last byte
1:addi t2, t2, -1
  bnez t2, 1b
  UARTSEL 0

  SEND UART_BASE, "uart: done\n"
  li t0, SIMEXIT
  li t1, 3
  sw t1, 0(t0)
1:j 1b
