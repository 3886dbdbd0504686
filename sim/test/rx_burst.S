// courier-sim --rx without pacing, on the virt SoC's 16550 receiver. Run with `--rx
// rx_burst.input --rx-gap 0` (rx_burst.input: the 20 bytes "0123456789ABCDEFGHIJ"): the bytes
// are offered back to back from reset and the 16-byte receive FIFO fills; the harness holds the
// rest (never drops one). An FCR write with RFR (bit 1) empties the FIFO, dropping the 16 it
// held; the last 4 bytes then arrive, in order, as the FIFO has room again.
#include "test.h"

#define RBR 0
#define IER 1
#define IIR 2
#define FCR 2
#define LSR 5

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 12(sp)
  li s2, UART_BASE
  PRINT "rx_burst: waiting for the FIFO to fill\n"
  li s3, 2000
1:addi s3, s3, -1
  bnez s3, 1b
  lbu s3, LSR(s2)
  CHECK s3, 0x61, 1
  li s3, 1
  sb s3, IER(s2)
  lbu s3, IIR(s2)
  CHECK s3, 0xc4, 2
  sb zero, IER(s2)
  li s3, 0x07                   // FCR: FIFOs on, clear receive and transmit FIFOs
  sb s3, FCR(s2)
  PRINT "rx_burst: FIFO cleared; draining\n"
  li s3, 2000
1:addi s3, s3, -1
  bnez s3, 1b
  li s5, 0                      // bytes read
2:lbu t0, LSR(s2)
  andi t0, t0, 1
  beqz t0, 3f
  lbu a0, RBR(s2)
  call putc
  addi s5, s5, 1
  j 2b
3:li a0, '\n'
  call putc
  SHOW "rx_burst: bytes after the clear=", s5
  CHECK s5, 4, 3
  lw ra, 12(sp)
  addi sp, sp, 16
  li a0, 0
  ret
