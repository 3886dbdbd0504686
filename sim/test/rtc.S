// The Goldfish RTC at QEMU virt's 0x0010_1000, PLIC source 11: register reset values and access
// faults, TIME counting and the TIME_HIGH latch, writes to TIME, an alarm in the past (fires at
// once; the line is pending && IRQ_ENABLED; the S context claims it and SEIP is taken in S),
// CLEAR_INTERRUPT dropping the line, an alarm re-armed while claimed requesting again after
// completion, CLEAR_ALARM, and an alarm in the future waking wfi through the M context. Only
// facts are printed, never times: QEMU's RTC starts at the host's Unix time and, without
// `-rtc clock=vm`, follows the host's clock.
#include "test.h"

#define TIME_LOW 0x00
#define TIME_HIGH 0x04
#define ALARM_LOW 0x08
#define ALARM_HIGH 0x0c
#define IRQ_ENABLED 0x10
#define CLEAR_ALARM 0x14
#define ALARM_STATUS 0x18
#define CLEAR_INTERRUPT 0x1c
#define PLIC_PENDING (PLIC_BASE + 0x1000)
#define PLIC_ENABLE0 (PLIC_BASE + 0x2000)
#define PLIC_ENABLE1 (PLIC_BASE + 0x2080)
#define PLIC_CTX0 (PLIC_BASE + 0x200000)   // threshold; +4 claim/complete
#define PLIC_CTX1 (PLIC_BASE + 0x201000)
#define SRC 11

// \hi:\lo = the current time (TIME_LOW first: reading it latches TIME_HIGH). s1 = RTC_BASE.
.macro NOW hi, lo
  lw \lo, TIME_LOW(s1)
  lw \hi, TIME_HIGH(s1)
.endm

// t0 = (\ahi:\alo >= \bhi:\blo), unsigned 64-bit.
.macro GE64 ahi, alo, bhi, blo
  sltu t0, \alo, \blo
  xori t0, t0, 1
  beq \ahi, \bhi, 8f
  sltu t0, \bhi, \ahi
8:
.endm

// \hi:\lo += \ns (a 32-bit constant).
.macro ADD64 hi, lo, ns
  li t0, \ns
  add t0, \lo, t0
  sltu t1, t0, \lo
  add \hi, \hi, t1
  mv \lo, t0
.endm

// s4 = PLIC pending bit of the RTC's source.
.macro PENDING
  li t0, PLIC_PENDING
  lw s4, 0(t0)
  srli s4, s4, SRC
  andi s4, s4, 1
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  li s1, RTC_BASE

  PRINT "rtc: reset values\n"
  lw s4, TIME_HIGH(s1)          // nothing latched before the first TIME_LOW read
  CHECK s4, 0, 1
  lw s4, ALARM_LOW(s1)
  CHECK s4, 0, 2
  lw s4, ALARM_HIGH(s1)
  CHECK s4, 0, 3
  lw s4, IRQ_ENABLED(s1)
  CHECK s4, 0, 4
  lw s4, ALARM_STATUS(s1)
  CHECK s4, 0, 5
  lw s4, CLEAR_ALARM(s1)        // the command registers and 0x20 read as zero
  CHECK s4, 0, 6
  lw s4, CLEAR_INTERRUPT(s1)
  CHECK s4, 0, 7
  lw s4, 0x20(s1)
  CHECK s4, 0, 8

  PRINT "rtc: only the registers answer, as whole words\n"
  EXPECT_TRAP
  lw s4, 0x24(s1)
  CHECK_TRAP 5, 10
  EXPECT_TRAP
  li s2, RTC_BASE + 0xffc
  lw s4, 0(s2)
  CHECK_TRAP 5, 11
  EXPECT_TRAP
  sw zero, 0x24(s1)
  CHECK_TRAP 7, 12
  EXPECT_TRAP
  li s3, 1
  sb s3, IRQ_ENABLED(s1)
  CHECK_TRAP 7, 13
  lw s4, IRQ_ENABLED(s1)        // the refused store changed nothing
  CHECK s4, 0, 14
  li s3, 3
  sw s3, IRQ_ENABLED(s1)        // bit 0 only
  lw s4, IRQ_ENABLED(s1)
  CHECK s4, 1, 15
  sw zero, IRQ_ENABLED(s1)

  PRINT "rtc: TIME counts\n"
  NOW s3, s2
  or s4, s2, s3
  snez s4, s4
  CHECK s4, 1, 20               // nonzero
  li t0, 2000
1:addi t0, t0, -1
  bnez t0, 1b
  NOW s5, s4
  GE64 s3, s2, s5, s4           // strictly later: not (earlier >= later)
  CHECK t0, 0, 21

  PRINT "rtc: TIME writes and the TIME_HIGH latch\n"
  sw zero, TIME_LOW(s1)
  li s3, 1
  sw s3, TIME_HIGH(s1)          // TIME = 2^32 ns and a little
  NOW s5, s4
  CHECK s5, 1, 22
  li s3, 5
  sw s3, TIME_HIGH(s1)
  lw s5, TIME_HIGH(s1)          // still the half latched by the last TIME_LOW read
  CHECK s5, 1, 23
  NOW s5, s4
  CHECK s5, 5, 24
  li s3, 1
  sw s3, TIME_HIGH(s1)
  NOW s5, s4
  CHECK s5, 1, 25

  PRINT "rtc: an alarm in the past fires at once; no line while IRQ_ENABLED is clear\n"
  li t0, PLIC_BASE + 4 * SRC
  li t1, 1
  sw t1, 0(t0)                  // priority[11] = 1
  li t0, PLIC_ENABLE1
  li t1, 1 << SRC
  sw t1, 0(t0)                  // S context: source 11 only
  li t0, PLIC_CTX1
  sw zero, 0(t0)                // threshold 0
  sw zero, ALARM_HIGH(s1)
  li s3, 5
  sw s3, ALARM_LOW(s1)          // 5 ns: long past
  lw s4, ALARM_STATUS(s1)
  CHECK s4, 0, 30
  lw s4, ALARM_LOW(s1)
  CHECK s4, 5, 31
  lw s4, ALARM_HIGH(s1)
  CHECK s4, 0, 32
  PENDING
  CHECK s4, 0, 33
  csrr s4, mip
  andi s4, s4, 0x200
  CHECK s4, 0, 34

  PRINT "rtc: IRQ_ENABLED raises the line: source 11 pending, mip.SEIP\n"
  li s3, 1
  sw s3, IRQ_ENABLED(s1)
  lw s4, IRQ_ENABLED(s1)
  CHECK s4, 1, 40
  PENDING
  CHECK s4, 1, 41
  csrr s4, mip
  andi s4, s4, 0x200
  CHECK s4, 0x200, 42
  SHOW "  mip.SEIP=", s4

  PRINT "rtc: SEIP taken in S\n"
  la t0, s_trap
  csrw stvec, t0
  li t0, 0x200
  csrw mideleg, t0
  csrw mie, t0                  // SEIE
  la t5, sirq_count
  sw zero, 0(t5)
  li a0, 1
  la a1, s_enable_and_spin
  call run_mode
  lw s4, sirq_count
  CHECK s4, 1, 43
  lw s4, sirq_cause
  CHECK s4, 0x80000009, 44
  SHOW "  S irq cause=", s4
  csrw mie, zero
  csrw mideleg, zero

  PRINT "rtc: the S context claims it; CLEAR_INTERRUPT drops the line\n"
  li s2, PLIC_CTX1 + 4
  lw s4, 0(s2)
  CHECK s4, SRC, 50
  SHOW "  claimed source=", s4
  PENDING
  CHECK s4, 0, 51
  sw zero, CLEAR_INTERRUPT(s1)
  li s3, SRC
  sw s3, 0(s2)                  // complete: a line still high would be pending again
  lw s4, IRQ_ENABLED(s1)
  CHECK s4, 1, 52
  PENDING
  CHECK s4, 0, 53
  csrr s4, mip
  andi s4, s4, 0x200
  CHECK s4, 0, 54
  lw s4, 0(s2)                  // nothing to claim
  CHECK s4, 0, 55

  // The kernel's interrupt-storm test does this from its handler.
  PRINT "rtc: re-armed in the past while claimed, it asks again after completion\n"
  li s3, 5
  sw s3, ALARM_LOW(s1)          // fires at once
  lw s4, 0(s2)
  CHECK s4, SRC, 56
  sw zero, CLEAR_INTERRUPT(s1)
  sw s3, ALARM_LOW(s1)          // and again, while claimed
  li s4, SRC
  sw s4, 0(s2)                  // complete
  li t1, 100                    // SEIP rises with no further access to the PLIC
3:csrr s4, mip
  andi s4, s4, 0x200
  bnez s4, 4f
  addi t1, t1, -1
  bnez t1, 3b
4:CHECK s4, 0x200, 57
  PENDING
  CHECK s4, 1, 58
  lw s4, 0(s2)
  CHECK s4, SRC, 59
  SHOW "  claimed source=", s4
  sw zero, CLEAR_INTERRUPT(s1)
  sw s4, 0(s2)
  PENDING
  CHECK s4, 0, 63
  lw s4, 0(s2)
  CHECK s4, 0, 64

  PRINT "rtc: CLEAR_ALARM disarms an alarm in the future\n"
  NOW s3, s2
  ADD64 s3, s2, 5000000         // 5 ms
  sw s3, ALARM_HIGH(s1)
  sw s2, ALARM_LOW(s1)
  lw s4, ALARM_STATUS(s1)
  CHECK s4, 1, 60
  sw zero, CLEAR_ALARM(s1)
  lw s4, ALARM_STATUS(s1)
  CHECK s4, 0, 61
  lw s4, ALARM_LOW(s1)          // the alarm time stays
  CHECKR s4, s2, 62

  PRINT "rtc: an alarm in the future wakes wfi through the M context\n"
  li t0, PLIC_ENABLE1
  sw zero, 0(t0)
  li t0, PLIC_ENABLE0
  li t1, 1 << SRC
  sw t1, 0(t0)                  // M context: source 11
  li t0, PLIC_CTX0
  sw zero, 0(t0)
  NOW s7, s6
  ADD64 s7, s6, 10000000        // 10 ms, after the cleared alarm's time
  sw s7, ALARM_HIGH(s1)
  sw s6, ALARM_LOW(s1)
  lw s4, ALARM_STATUS(s1)
  CHECK s4, 1, 70
  PENDING
  CHECK s4, 0, 71
  li t0, 0x800
  csrw mie, t0                  // MEIE; mstatus.MIE is clear, so wfi wakes without a trap
2:wfi
  csrr t0, mip
  srli t0, t0, 11               // MEIP
  andi t0, t0, 1
  beqz t0, 2b
  NOW s5, s4
  GE64 s5, s4, s7, s6           // not before its time
  CHECK t0, 1, 72
  lw s4, ALARM_STATUS(s1)
  CHECK s4, 0, 73
  li s2, PLIC_CTX0 + 4
  lw s4, 0(s2)
  CHECK s4, SRC, 74
  SHOW "  M context claimed source=", s4
  sw zero, CLEAR_INTERRUPT(s1)
  sw s4, 0(s2)
  lw s4, IRQ_ENABLED(s1)
  csrr s4, mip
  srli s4, s4, 11
  andi s4, s4, 1
  CHECK s4, 0, 75
  csrw mie, zero

  // The privileged spec: a CSRRS/CSRRC of mip modifies only the software-writable SEIP, never
  // the controller's, which a read ORs in. (The M-mode shim sets STIP with `csrs mip` while the
  // PLIC may assert SEIP; latching SEIP there left the hart taking S external interrupts forever.)
  PRINT "rtc: csrs mip while the PLIC asserts SEIP\n"
  li t1, 1
  sw t1, IRQ_ENABLED(s1)
  li t0, PLIC_ENABLE1
  li t1, 1 << SRC
  sw t1, 0(t0)
  li t0, PLIC_ENABLE0
  sw zero, 0(t0)
  sw zero, ALARM_HIGH(s1)
  sw zero, ALARM_LOW(s1)        // in the past: the line rises
  li t0, 50
1:
  addi t0, t0, -1
  bnez t0, 1b
  csrr s4, mip
  srli s4, s4, 9
  andi s4, s4, 1
  CHECK s4, 1, 80               // SEIP, from the PLIC
  li t0, 1 << 5
  csrs mip, t0                  // STIP, as the shim forwards the timer
  li s2, PLIC_CTX1 + 4
  lw s4, 0(s2)                  // claim, quieten the RTC, complete: the PLIC drops SEIP
  CHECK s4, SRC, 81
  sw zero, CLEAR_INTERRUPT(s1)
  sw s4, 0(s2)
  li t0, 50
1:
  addi t0, t0, -1
  bnez t0, 1b
  csrr s4, mip
  andi s4, s4, 0x220
  SHOW "  mip SEIP|STIP after the PLIC dropped SEIP: ", s4
  CHECK s4, 0x20, 82            // STIP set by software; SEIP gone
  li t0, 1 << 5
  csrc mip, t0
  csrr s4, mip
  andi s4, s4, 0x220
  CHECK s4, 0, 83

  sw zero, IRQ_ENABLED(s1)
  li t0, PLIC_ENABLE0
  sw zero, 0(t0)
  li t0, PLIC_ENABLE1
  sw zero, 0(t0)
  li t0, PLIC_BASE + 4 * SRC
  sw zero, 0(t0)
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret
