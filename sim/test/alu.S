// Integer instruction group: register and immediate ALU ops, shifts, compares, LUI/AUIPC,
// branches (taken and not, both directions), JAL/JALR with link values.
#include "test.h"

.macro RR op, a, b, exp, id
  li s2, \a
  li s3, \b
  \op s4, s2, s3
  CHECK s4, \exp, \id
.endm
.macro RI op, a, imm, exp, id
  li s2, \a
  \op s4, s2, \imm
  CHECK s4, \exp, \id
.endm
.macro BR op, a, b, taken, id
  li s2, \a
  li s3, \b
  li s4, 0
  \op s2, s3, 1f
  li s4, 1
1:CHECK s4, (1 - \taken), \id
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  PRINT "alu: register ops\n"
  RR add, 5, 7, 12, 1
  RR add, 0x7fffffff, 1, 0x80000000, 2
  RR sub, 5, 7, -2, 3
  RR sll, 1, 31, 0x80000000, 4
  RR sll, 3, 33, 6, 5
  RR slt, -1, 1, 1, 6
  RR slt, 1, -1, 0, 7
  RR sltu, -1, 1, 0, 8
  RR sltu, 1, -1, 1, 9
  RR xor, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0, 10
  RR srl, 0x80000000, 31, 1, 11
  RR sra, 0x80000000, 31, -1, 12
  RR sra, 0x40000000, 30, 1, 13
  RR or, 0xf0, 0x0f, 0xff, 14
  RR and, 0xf0f0, 0xff00, 0xf000, 15
  PRINT "alu: immediate ops\n"
  RI addi, 5, -7, -2, 20
  RI slti, -5, -4, 1, 21
  RI sltiu, 5, -1, 1, 22
  RI xori, 0xff, -1, 0xffffff00, 23
  RI ori, 0x100, 0x0ff, 0x1ff, 24
  RI andi, 0x1234, 0x0f0, 0x030, 25
  RI slli, 7, 4, 0x70, 26
  RI srli, -1, 28, 15, 27
  RI srai, -256, 4, -16, 28
  lui s4, 0xabcde
  CHECK s4, 0xabcde000, 29
  // x0 stays zero whatever is written to it
  addi x0, x0, 5
  CHECK x0, 0, 30
1:auipc s4, 0
  la s5, 1b
  CHECKR s4, s5, 31
  PRINT "alu: branches\n"
  BR beq, 3, 3, 1, 40
  BR beq, 3, 4, 0, 41
  BR bne, 3, 4, 1, 42
  BR bne, 3, 3, 0, 43
  BR blt, -1, 0, 1, 44
  BR blt, 0, -1, 0, 45
  BR bge, 0, -1, 1, 46
  BR bge, -1, -1, 1, 47
  BR bge, -2, -1, 0, 48
  BR bltu, 0, -1, 1, 49
  BR bltu, -1, 0, 0, 50
  BR bgeu, -1, 0, 1, 51
  BR bgeu, 0, -1, 0, 52
  // a backward taken branch: count down a loop
  li s2, 10
  li s3, 0
2:addi s3, s3, 1
  addi s2, s2, -1
  bnez s2, 2b
  CHECK s3, 10, 53
  PRINT "alu: jumps\n"
  jal s4, 3f
4:j 5f
3:la s5, 4b
  CHECKR s4, s5, 60
  la s2, 6f
  jalr s4, 1(s2)            // bit 0 of the target is cleared
6:j 7f
7:la s5, 6b
  CHECKR s4, s5, 61
5:
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret
