// courier-sim --marks: two benchmark-looking records (`@bench v1 `) and two other lines; the
// harness prints one counters line after each of the two records, and none after the others.
#include "test.h"

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 12(sp)
  PRINT "marks: an ordinary line\n"
  PRINT "@bench v1 begin suite=marks\n"
  li t0, 200
marks_loop:
  addi t0, t0, -1
  bnez t0, marks_loop
  PRINT "@bench v1 name=marks/loop\n"
  PRINT "@bench v0 is not a record the marks follow\n"
  lw ra, 12(sp)
  addi sp, sp, 16
  li a0, 0
  ret
