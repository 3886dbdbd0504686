// The betrusted model's interrupt array (VexRiscv's custom CSRs): sim 0x9C0 and mim 0xBC0 are
// read/write masks, sip 0xDC0 and mip 0xFC0 read-only (= mask & lines); mip.SEIP/MEIP are the ORs;
// no MTIP/MSIP source exists. Interrupts from TIMER0 (line 0) and the TICKTIMER alarm (line 8)
// are taken through the array in M and, delegated, in S; a line masked out is not taken.
// Betrusted model only (COURIER_BETRUSTED).
#include "test.h"

#define MIP_SEIP 0x200
#define MIP_MEIP 0x800
#define MIE_MEIE 0x800
#define MIE_SEIE 0x200

// Starts TIMER0 from `load` ticks with its event enabled (pending cleared first).
.macro TIMER_START load
  li t0, TIMER0
  sw zero, TIMER_EN(t0)
  li t1, \load
  sw t1, TIMER_LOAD(t0)
  sw zero, TIMER_RELOAD(t0)
  li t1, 1
  sw t1, TIMER_EV_PENDING(t0)
  sw t1, TIMER_EV_ENABLE(t0)
  sw t1, TIMER_EN(t0)
.endm

// Spins until TIMER0's EV_PENDING reads 1 (bounded: check id on timeout).
.macro TIMER_WAIT_PENDING id
  li t2, 100000
  li t0, TIMER0
1:lw t1, TIMER_EV_PENDING(t0)
  bnez t1, 2f
  addi t2, t2, -1
  bnez t2, 1b
  li a0, \id
  li a1, 0
  j check_failed
2:
.endm

// Spins with M interrupts enabled until one is recorded (or a bound runs out).
.macro SPIN_FOR_IRQ bound
  li t2, \bound
  csrsi mstatus, 8
1:lw t1, irq_count
  bnez t1, 2f
  addi t2, t2, -1
  bnez t2, 1b
2:csrci mstatus, 8
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)

  PRINT "irq: masks are read/write, pending arrays read-only\n"
  li s2, -1
  csrw CSR_SIM_MASK, s2
  csrr s3, CSR_SIM_MASK
  CHECKR s3, s2, 1
  csrw CSR_SIM_MASK, zero
  csrr s3, CSR_SIM_MASK
  CHECK s3, 0, 2
  csrw CSR_MIM_MASK, s2
  csrr s3, CSR_MIM_MASK
  CHECKR s3, s2, 3
  csrw CSR_MIM_MASK, zero
  EXPECT_TRAP
  csrw CSR_SIP_ARRAY, s2
  CHECK_TRAP 2, 4
  EXPECT_TRAP
  csrw CSR_MIP_ARRAY, s2
  CHECK_TRAP 2, 5
  csrr s3, CSR_SIP_ARRAY
  CHECK s3, 0, 6
  csrr s3, CSR_MIP_ARRAY
  CHECK s3, 0, 7
  csrr s3, mip                // no CLINT: MTIP and MSIP never pend
  CHECK s3, 0, 8

  PRINT "irq: pending = mask & lines; SEIP and MEIP are their ORs\n"
  TIMER_START 20
  TIMER_WAIT_PENDING 10
  csrr s3, CSR_SIP_ARRAY      // line 0 is up, but masked everywhere
  CHECK s3, 0, 11
  csrr s3, mip
  CHECK s3, 0, 12
  li t0, 1
  csrw CSR_SIM_MASK, t0
  csrr s3, CSR_SIP_ARRAY
  CHECK s3, 1, 13
  csrr s3, mip
  CHECK s3, MIP_SEIP, 14
  csrr s3, CSR_MIP_ARRAY
  CHECK s3, 0, 15
  li t0, 0xfffffffe           // every line but 0
  csrw CSR_SIM_MASK, t0
  csrr s3, CSR_SIP_ARRAY
  CHECK s3, 0, 16
  csrr s3, mip
  CHECK s3, 0, 17
  csrw CSR_SIM_MASK, zero
  li t0, 1
  csrw CSR_MIM_MASK, t0
  csrr s3, CSR_MIP_ARRAY
  CHECK s3, 1, 18
  csrr s3, mip
  CHECK s3, MIP_MEIP, 19
  PRINT "irq: writing EV_PENDING acknowledges the line\n"
  li t0, TIMER0
  lw s3, TIMER_EV_STATUS(t0)  // the value stays at zero (RELOAD = 0)
  CHECK s3, 1, 20
  li t1, 1
  sw t1, TIMER_EV_PENDING(t0)
  lw s3, TIMER_EV_PENDING(t0)
  CHECK s3, 0, 21
  csrr s3, CSR_MIP_ARRAY
  CHECK s3, 0, 22
  csrr s3, mip
  CHECK s3, 0, 23
  csrw CSR_MIM_MASK, zero

  PRINT "irq: TIMER0 taken in M through the array\n"
  la t0, irq_count
  sw zero, 0(t0)
  li t0, 1
  csrw CSR_MIM_MASK, t0
  li t0, MIE_MEIE
  csrw mie, t0
  TIMER_START 50
  SPIN_FOR_IRQ 100000
  lw s3, irq_count
  CHECK s3, 1, 30
  lw s3, irq_cause
  SHOW "  mcause=", s3
  CHECK s3, 0x8000000b, 31
  lw s3, irq_claim            // the mip array the handler saw
  SHOW "  lines=", s3
  CHECK s3, 1, 32
  li t0, TIMER0               // the handler acknowledged it
  lw s3, TIMER_EV_PENDING(t0)
  CHECK s3, 0, 33

  PRINT "irq: a line masked in mim is held, and taken when unmasked\n"
  la t0, irq_count
  sw zero, 0(t0)
  li t0, 0xfffffffe
  csrw CSR_MIM_MASK, t0
  TIMER_START 50
  TIMER_WAIT_PENDING 40
  SPIN_FOR_IRQ 2000
  lw s3, irq_count
  CHECK s3, 0, 41
  li t0, 1
  csrw CSR_MIM_MASK, t0
  SPIN_FOR_IRQ 100
  lw s3, irq_count
  CHECK s3, 1, 42
  lw s3, irq_claim
  CHECK s3, 1, 43
  csrw CSR_MIM_MASK, zero

  PRINT "irq: TIMER0 delegated to S through sim; masked in sim, not taken\n"
  la t0, s_trap
  csrw stvec, t0
  li t0, MIE_SEIE
  csrw mideleg, t0
  csrw mie, t0
  li t0, 1
  csrw CSR_SIM_MASK, t0
  la t0, sirq_count
  sw zero, 0(t0)
  TIMER_START 50
  TIMER_WAIT_PENDING 50
  li a0, 1
  la a1, s_spin
  call run_mode
  lw s3, sirq_count
  CHECK s3, 1, 51
  lw s3, sirq_cause
  SHOW "  scause=", s3
  CHECK s3, 0x80000009, 52
  li t0, TIMER0               // the S handler only masked SEIE; acknowledge here
  li t1, 1
  sw t1, TIMER_EV_PENDING(t0)
  li t0, MIE_SEIE
  csrw mie, t0
  la t0, sirq_count
  sw zero, 0(t0)
  li t0, 0xfffffffe
  csrw CSR_SIM_MASK, t0
  TIMER_START 50
  TIMER_WAIT_PENDING 53
  li a0, 1
  la a1, s_spin
  call run_mode
  lw s3, sirq_count
  CHECK s3, 0, 54
  csrw CSR_SIM_MASK, zero
  csrw mideleg, zero
  li t0, TIMER0
  li t1, 1
  sw t1, TIMER_EV_PENDING(t0)
  sw zero, TIMER_EN(t0)

  PRINT "irq: TICKTIMER counts milliseconds; its alarm is a level\n"
  li s4, TICKTIMER
  li t0, 1
  sw t0, TICK_CONTROL(s4)     // time = 0
  lw s3, TICK_TIME0(s4)
  CHECK s3, 0, 60
  lw s3, TICK_TIME1(s4)
  CHECK s3, 0, 61
  sw zero, TICK_TARGET1(s4)   // target 0 <= time: the level holds
  sw zero, TICK_TARGET0(s4)
  lw s3, TICK_EV_STATUS(s4)
  CHECK s3, 1, 62
  lw s3, TICK_EV_PENDING(s4)
  CHECK s3, 1, 63
  sw t0, TICK_EV_PENDING(s4)  // writing does not clear a level
  lw s3, TICK_EV_PENDING(s4)
  CHECK s3, 1, 64
  li t0, 2
  sw t0, TICK_TARGET0(s4)     // target 2 ms: not yet
  lw s3, TICK_EV_STATUS(s4)
  CHECK s3, 0, 65

  PRINT "irq: the TICKTIMER alarm taken in M through the array\n"
  la t0, irq_count
  sw zero, 0(t0)
  li t0, 0x100
  csrw CSR_MIM_MASK, t0
  li t0, MIE_MEIE
  csrw mie, t0
  li t0, 1
  sw t0, TICK_EV_ENABLE(s4)
  SPIN_FOR_IRQ 1000000
  lw s3, irq_count
  CHECK s3, 1, 70
  lw s3, irq_cause
  SHOW "  mcause=", s3
  CHECK s3, 0x8000000b, 71
  lw s3, irq_claim
  SHOW "  lines=", s3
  CHECK s3, 0x100, 72
  lw s3, TICK_TIME0(s4)       // taken at 2 ms
  CHECK s3, 2, 73
  lw s3, TICK_EV_PENDING(s4)  // the handler moved the target away
  CHECK s3, 0, 74
  sw zero, TICK_EV_ENABLE(s4)
  csrw CSR_MIM_MASK, zero
  csrw mie, zero

  li a0, 0
  lw ra, 0(sp)
  addi sp, sp, 16
  ret

  // In S: a window with SIE set, long enough for a pending line to be taken.
s_spin:
  li t2, 2000
  csrsi sstatus, 2
1:lw t1, sirq_count
  bnez t1, 2f
  addi t2, t2, -1
  bnez t2, 1b
2:csrci sstatus, 2
  li a7, ECALL_TO_M
  ecall
