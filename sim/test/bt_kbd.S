// The betrusted SoC's KEYBOARD (0xF001_7000, line 13) with characters injected by courier-sim
// --rx. Run with `--rx bt_kbd.input --rx-pace "kbd: ready"` (bt_kbd.input: "xyz"). Checks: the
// reset state (rows: no key pressed; no event); EV_ENABLE read back; a character arrives only
// after a ready line; UART_CHAR = stb | char and a read pops it (the Xous driver reads until stb
// is 0); EV_STATUS.inject follows stb, EV_PENDING.inject holds until written 1; the next
// character waits until the event is cleared (it is never dropped); the interrupt through the
// array (line 13 = pending & enable) taken in M; nothing after the last character.
#include "test.h"

// Waits until EV_PENDING.inject is set. Clobbers t0.
.macro WAIT_INJECT
5:lw t0, KBD_EV_PENDING(s2)
  andi t0, t0, 2
  beqz t0, 5b
.endm

.macro DELAY n
  li t0, \n
6:addi t0, t0, -1
  bnez t0, 6b
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 12(sp)
  li s2, KEYBOARD
  PRINT "kbd: reset state\n"
  lw s3, KBD_UART_CHAR(s2)
  CHECK s3, 0, 1
  addi s4, s2, KBD_ROW0DAT      // ROW0DAT .. ROW8DAT: no key pressed
  addi s5, s2, KBD_ROW8DAT
1:lw s3, 0(s4)
  CHECK s3, 0, 2
  addi s4, s4, 4
  bleu s4, s5, 1b
  lw s3, KBD_EV_STATUS(s2)
  CHECK s3, 0, 3
  lw s3, KBD_EV_PENDING(s2)
  CHECK s3, 0, 4
  lw s3, KBD_EV_ENABLE(s2)
  CHECK s3, 0, 5
  li s3, 3
  sw s3, KBD_EV_ENABLE(s2)
  lw s3, KBD_EV_ENABLE(s2)
  CHECK s3, 3, 6
  sw zero, KBD_EV_ENABLE(s2)
  DELAY 2000                    // nothing before the first ready line
  lw s3, KBD_EV_PENDING(s2)
  CHECK s3, 0, 7

  PRINT "kbd: character 0, polled\n"
  PRINT "kbd: ready\n"
  WAIT_INJECT
  lw s3, KBD_EV_STATUS(s2)      // inject: a character is held
  CHECK s3, 2, 8
  lw s4, KBD_UART_CHAR(s2)      // stb | char, and the read pops it
  SHOW "  UART_CHAR=", s4
  CHECK s4, 0x100 + 'x', 9
  lw s3, KBD_UART_CHAR(s2)      // popped: stb 0, the char field keeps the last one
  CHECK s3, 'x', 10
  lw s3, KBD_EV_STATUS(s2)
  CHECK s3, 0, 11
  lw s3, KBD_EV_PENDING(s2)     // the event holds until cleared
  CHECK s3, 2, 12

  PRINT "kbd: character 1 waits for the event to be cleared\n"
  PRINT "kbd: ready\n"
  DELAY 2000
  lw s3, KBD_UART_CHAR(s2)      // released, but not taken while the event is pending
  CHECK s3, 'x', 13
  li s3, 1                      // clearing keypressed (not pending) changes nothing
  sw s3, KBD_EV_PENDING(s2)
  lw s3, KBD_EV_PENDING(s2)
  CHECK s3, 2, 14
  li s3, 2
  sw s3, KBD_EV_PENDING(s2)     // write 1 to clear: now the next character comes in
  WAIT_INJECT
  lw s4, KBD_UART_CHAR(s2)
  SHOW "  UART_CHAR=", s4
  CHECK s4, 0x100 + 'y', 15
  lw s3, KBD_UART_CHAR(s2)
  CHECK s3, 'y', 16
  li s3, 2
  sw s3, KBD_EV_PENDING(s2)
  lw s3, KBD_EV_PENDING(s2)
  CHECK s3, 0, 17

  PRINT "kbd: character 2, interrupt on line 13\n"
  la t5, irq_count
  sw zero, 0(t5)
  li s3, 1 << 13
  csrw CSR_MIM_MASK, s3
  li s3, 0x800
  csrw mie, s3
  li s3, 2                      // the inject event only
  sw s3, KBD_EV_ENABLE(s2)
  csrsi mstatus, 8
  PRINT "kbd: ready\n"
2:lw s4, irq_count
  beqz s4, 2b
  csrci mstatus, 8
  csrw mie, zero
  csrw CSR_MIM_MASK, zero
  lw s4, irq_count
  CHECK s4, 1, 18
  lw s4, irq_cause
  CHECK s4, 0x8000000b, 19
  lw s4, irq_claim              // the mip array: line 13 alone
  SHOW "  mip array=", s4
  CHECK s4, 1 << 13, 20
  lw s3, KBD_EV_ENABLE(s2)      // the handler quieted the device
  CHECK s3, 0, 21
  lw s4, KBD_UART_CHAR(s2)
  SHOW "  UART_CHAR=", s4
  CHECK s4, 0x100 + 'z', 22
  li s3, 3
  sw s3, KBD_EV_PENDING(s2)

  PRINT "kbd: no more input\n"
  PRINT "kbd: ready\n"
  DELAY 3000
  lw s3, KBD_EV_PENDING(s2)
  CHECK s3, 0, 23
  lw s3, KBD_UART_CHAR(s2)
  CHECK s3, 'z', 24
  lw ra, 12(sp)
  addi sp, sp, 16
  li a0, 0
  ret
