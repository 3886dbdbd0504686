// courier-sim --rx on the virt SoC's 16550 receiver. Run with `--rx rx.input --rx-pace
// "rx: ready" --rx-gap 300` (rx.input: "abc"): each "rx: ready" line releases the next byte 300
// cycles later. Checks: nothing arrives before the first ready line; LSR.DR, and that reads of
// LSR (+5), IIR (+2) and DLL (DLAB=1) do not pop while a read of RBR (lbu +0 or lw +0) does;
// IIR 0xC1 / 0xC4 (received data, above THR-empty) with IER bit 0; the received-data interrupt
// through PLIC source 10 to M; the gap; and that a ready line after the last byte brings nothing.
#include "test.h"

#define RBR 0
#define IER 1
#define IIR 2
#define LCR 3
#define LSR 5

// Waits until LSR.DR is set. Clobbers t0.
.macro WAIT_DR
5:lbu t0, LSR(s2)
  andi t0, t0, 1
  beqz t0, 5b
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 12(sp)
  li s2, UART_BASE
  PRINT "rx: before any input\n"
  lbu s3, LSR(s2)
  CHECK s3, 0x60, 1
  lbu s3, IIR(s2)
  CHECK s3, 0xc1, 2
  lbu s3, RBR(s2)               // nothing held: reads 0
  CHECK s3, 0, 3
  li s3, 1
  sb s3, IER(s2)
  lbu s3, IIR(s2)               // ERBFI with nothing held: no interrupt
  CHECK s3, 0xc1, 4
  sb zero, IER(s2)

  PRINT "rx: byte 0, polled\n"
  csrr s5, mcycle
  PRINT "rx: ready\n"
  WAIT_DR
  csrr s6, mcycle
  sub s6, s6, s5
  li t0, 300                    // --rx-gap 300: not before 300 cycles after the line
  bgeu s6, t0, 1f
  mv a1, s6
  li a0, 5
  j check_failed
1:lbu s3, LSR(s2)               // LSR reads do not pop
  CHECK s3, 0x61, 6
  lbu s3, IIR(s2)               // IER bit 0 clear: no interrupt indicated
  CHECK s3, 0xc1, 7
  li s3, 1
  sb s3, IER(s2)
  lbu s3, IIR(s2)               // received data available
  CHECK s3, 0xc4, 8
  li s3, 3
  sb s3, IER(s2)
  lbu s3, IIR(s2)               // above THR empty
  CHECK s3, 0xc4, 9
  sb zero, IER(s2)
  lbu s3, LSR(s2)               // IIR reads did not pop either
  CHECK s3, 0x61, 10
  lbu s4, RBR(s2)
  SHOW "  byte 0=", s4
  CHECK s4, 'a', 11
  lbu s3, LSR(s2)
  CHECK s3, 0x60, 12

  PRINT "rx: byte 1, interrupt\n"
  li s7, PLIC_BASE
  li s3, 1
  sw s3, 40(s7)                 // priority[10] = 1
  li s3, 1 << 10
  li s8, PLIC_BASE + 0x2000
  sw s3, 0(s8)                  // context 0 (M) enables source 10
  li s8, PLIC_BASE + 0x200000
  sw zero, 0(s8)                // threshold 0
  la t5, irq_count
  sw zero, 0(t5)
  li s3, 0x800
  csrw mie, s3
  li s3, 1
  sb s3, IER(s2)                // ERBFI only
  csrsi mstatus, 8
  PRINT "rx: ready\n"
2:lw s4, irq_count
  beqz s4, 2b
  csrci mstatus, 8
  csrw mie, zero
  lw s4, irq_cause
  CHECK s4, 0x8000000b, 13
  lw s4, irq_claim
  CHECK s4, 10, 14
  SHOW "  claimed source=", s4
  lbu s3, LSR(s2)               // the handler cleared IER; the byte is still held
  CHECK s3, 0x61, 15
  lw s4, RBR(s2)                // a word read covering RBR pops too: RBR, IER, IIR, LCR
  CHECK s4, 0x00c10062, 16
  andi s4, s4, 0xff
  SHOW "  byte 1=", s4
  lbu s3, LSR(s2)
  CHECK s3, 0x60, 17

  PRINT "rx: byte 2, DLAB\n"
  PRINT "rx: ready\n"
  WAIT_DR
  li s3, 0x80
  sb s3, LCR(s2)                // DLAB: offset 0 is DLL, which does not pop
  lbu s3, RBR(s2)
  CHECK s3, 0, 18
  sb zero, LCR(s2)
  lbu s3, LSR(s2)
  CHECK s3, 0x61, 19
  lbu s4, RBR(s2)
  SHOW "  byte 2=", s4
  CHECK s4, 'c', 20

  PRINT "rx: no more input\n"
  PRINT "rx: ready\n"
  li s3, 3000
3:addi s3, s3, -1
  bnez s3, 3b
  lbu s3, LSR(s2)
  CHECK s3, 0x60, 21
  lw ra, 12(sp)
  addi sp, sp, 16
  li a0, 0
  ret
