// Pipeline hazards, written so that each result depends on correct forwarding, stalls or
// flushes: back-to-back ALU dependencies at distance 1, 2 and 3, load-use, a load feeding a
// store and a branch, mispredicted branches and jalr with live values on the wrong path,
// mul/div chains, CSR read-after-write, store-to-load through the cache, and an AMO followed by
// a load of the same word.
#include "test.h"

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  PRINT "hazards: forwarding distances\n"
  li s2, 1
  addi s3, s2, 1          // distance 1
  addi s4, s3, 1
  add s5, s4, s3          // 3 + 2
  CHECK s5, 5, 1
  li s2, 10
  nop
  addi s3, s2, 1          // distance 2
  nop
  nop
  addi s4, s3, 1          // distance 3
  CHECK s4, 12, 2
  li s2, 7
  add s2, s2, s2          // rd == rs, repeatedly
  add s2, s2, s2
  add s2, s2, s2
  CHECK s2, 56, 3
  PRINT "hazards: load-use\n"
  la s1, data
  li s2, 0x55
  sw s2, 0(s1)
  lw s3, 0(s1)            // store then load, same word
  addi s3, s3, 1          // load-use
  CHECK s3, 0x56, 10
  lw s3, 0(s1)
  sw s3, 4(s1)            // load feeding a store's data
  lw s4, 4(s1)
  CHECK s4, 0x55, 11
  lw s3, 0(s1)
  beq s3, s2, 1f          // load feeding a branch
  li a0, 12
  j check_failed
1:la s5, data
  addi s6, s5, 4
  lw s7, 0(s5)
  lw s6, 0(s6)            // back-to-back loads, then both used at once
  add s7, s7, s6
  CHECK s7, 0xaa, 13
  PRINT "hazards: wrong-path instructions have no effect\n"
  li s2, 0
  li s3, 1
  bnez s3, 3f             // forward taken branch: predicted not taken
  li s2, 99               // wrong path
  sw s2, 0(s1)
3:CHECK s2, 0, 20
  lw s4, 0(s1)
  CHECK s4, 0x55, 21
  la s5, 4f
  jalr s6, s5             // indirect jump, wrong-path successor
  li s2, 98
4:CHECK s2, 0, 22
  li s7, 5
5:addi s7, s7, -1         // backward branch: predicted taken, falls through at the end
  bnez s7, 5b
  CHECK s7, 0, 23
  PRINT "hazards: mul/div chains\n"
  li s2, 7
  mul s3, s2, s2
  mul s3, s3, s2
  addi s3, s3, 1
  li s4, 5
  divu s5, s3, s4
  remu s6, s3, s4
  CHECK s5, 68, 30
  CHECK s6, 4, 31
  PRINT "hazards: CSR read after write\n"
  li s2, 0x1234
  csrw mscratch, s2
  csrr s3, mscratch
  addi s3, s3, 1
  CHECK s3, 0x1235, 40
  csrrw s4, mscratch, s3
  csrr s5, mscratch
  sub s5, s5, s4
  CHECK s5, 1, 41
  PRINT "hazards: AMO then load\n"
  li s2, 3
  amoadd.w s3, s2, (s1)
  lw s4, 0(s1)
  add s4, s4, s3
  CHECK s4, 0x55 + 0x58, 50
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret

  .data
  .align 4
data: .word 0, 0, 0, 0
