// A simple loop for measuring CPI and simulation speed (label sim-slow): 2 million iterations
// of four ALU/branch instructions, then the instruction and cycle deltas are checked only for
// being sane, as the counts differ by platform (on the betrusted model, which has no instret,
// only the loop's result).
#include "test.h"

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  PRINT "loop: 2M iterations\n"
#ifndef COURIER_BETRUSTED
  rdinstret s5
#endif
  li t0, 2000000
  li t1, 0
1:addi t1, t1, 3
  xor t2, t1, t0
  addi t0, t0, -1
  bnez t0, 1b
#ifndef COURIER_BETRUSTED
  rdinstret s6
  sub s6, s6, s5
  li t5, 8000000
  sltu t5, s6, t5
  CHECK t5, 0, 1
#endif
  li t5, 6000000
  CHECK t1, 6000000, 2
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret
