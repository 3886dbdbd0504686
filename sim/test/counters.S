// Counters: cycle/instret/time advance (values themselves differ by platform, so only their
// relations are printed), mcycle/minstret are writable, and mcounteren/scounteren gate the
// user-level counter CSRs in S and U, as the kernel relies on for rdcycle in U-mode.
#include "test.h"

.macro COUNTER_ACCESS mode, fn, expect_trap, id
  EXPECT_TRAP
  li a0, \mode
  la a1, \fn
  call run_mode
  lw t5, trap_count
  CHECK t5, \expect_trap, \id
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  PRINT "counters: advance\n"
  rdcycle s2
  rdinstret s3
  rdtime s5
  li s4, 100
1:addi s4, s4, -1
  bnez s4, 1b
  rdcycle s6
  rdinstret s7
  sub s6, s6, s2
  sub s7, s7, s3
  sltiu t5, s7, 200          // about 200 instructions retired in the loop
  CHECK t5, 0, 1
  sltiu t5, s7, 220
  CHECK t5, 1, 2
  sltu t5, s6, s7            // cycles >= instructions
  CHECK t5, 0, 3
  li s4, 2000
2:addi s4, s4, -1
  bnez s4, 2b
  rdtime s6
  sltu t5, s5, s6            // time moved on
  CHECK t5, 1, 4
  rdcycleh s4
  rdinstreth s4
  rdtimeh s4
  csrr s4, mcycleh
  csrr s4, minstreth
  PRINT "counters: writable machine counters\n"
  li s2, 1000000
  csrw minstret, s2
  csrr s3, minstret
  sub s3, s3, s2
  sltiu t5, s3, 4
  CHECK t5, 1, 10
  csrw mcycle, zero
  csrr s3, mcycle
  sltiu t5, s3, 100
  CHECK t5, 1, 11
  li s2, 7
  csrw mcycleh, s2
  csrr s3, mcycleh
  CHECK s3, 7, 12
  csrw mcycleh, zero
  PRINT "counters: mcounteren and scounteren\n"
  csrw mcounteren, zero
  csrw scounteren, zero
  COUNTER_ACCESS 1, read_cycle, 1, 20
  call show_trap
  COUNTER_ACCESS 0, read_time, 1, 21
  li s2, 1
  csrw mcounteren, s2
  COUNTER_ACCESS 1, read_cycle, 0, 22
  COUNTER_ACCESS 0, read_cycle, 1, 23
  COUNTER_ACCESS 1, read_instret, 1, 24
  li s2, 7
  csrw mcounteren, s2
  COUNTER_ACCESS 1, read_instret, 0, 25
  COUNTER_ACCESS 1, read_time, 0, 26
  COUNTER_ACCESS 1, read_cycleh, 0, 27
  csrw scounteren, s2
  COUNTER_ACCESS 0, read_cycle, 0, 28
  COUNTER_ACCESS 0, read_time, 0, 29
  COUNTER_ACCESS 0, read_instreth, 0, 30
  li s2, 5
  csrw scounteren, s2
  COUNTER_ACCESS 0, read_time, 1, 31
  COUNTER_ACCESS 0, read_cycle, 0, 32
  csrw mcounteren, zero
  csrw scounteren, zero
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret

read_cycle:
  rdcycle a0
  ret
read_cycleh:
  rdcycleh a0
  ret
read_time:
  rdtime a0
  ret
read_instret:
  rdinstret a0
  ret
read_instreth:
  rdinstreth a0
  ret
