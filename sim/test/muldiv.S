// M extension: mul/mulh/mulhsu/mulhu and div/divu/rem/remu with the spec's corner cases
// (division by zero, signed overflow), plus a dependent chain through the multiplier.
#include "test.h"

.macro RR op, a, b, exp, id
  li s2, \a
  li s3, \b
  \op s4, s2, s3
  CHECK s4, \exp, \id
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  PRINT "muldiv: multiply\n"
  RR mul, 7, 6, 42, 1
  RR mul, -7, 6, -42, 2
  RR mul, 0x12345678, 0x9abcdef0, 0x242d2080, 3
  RR mulh, -1, -1, 0, 4
  RR mulh, 0x80000000, 0x80000000, 0x40000000, 5
  RR mulh, 0x12345678, 0x9abcdef0, 0xf8cc93d6, 6
  RR mulhu, -1, -1, 0xfffffffe, 7
  RR mulhu, 0x12345678, 0x9abcdef0, 0x0b00ea4e, 8
  RR mulhsu, -1, -1, 0xffffffff, 9
  RR mulhsu, 0x12345678, 0x9abcdef0, 0x0b00ea4e, 10
  RR mulhsu, -2, 3, 0xffffffff, 11
  PRINT "muldiv: divide\n"
  RR div, 20, 6, 3, 20
  RR div, -20, 6, -3, 21
  RR div, 20, -6, -3, 22
  RR div, 0x80000000, -1, 0x80000000, 23
  RR div, 5, 0, -1, 24
  RR divu, 20, 6, 3, 25
  RR divu, -1, 2, 0x7fffffff, 26
  RR divu, 5, 0, -1, 27
  RR rem, 20, 6, 2, 28
  RR rem, -20, 6, -2, 29
  RR rem, 20, -6, 2, 30
  RR rem, 0x80000000, -1, 0, 31
  RR rem, 5, 0, 5, 32
  RR remu, 20, 6, 2, 33
  RR remu, -1, 10, 5, 34
  RR remu, 5, 0, 5, 35
  // factorial 10 through a dependent chain
  li s2, 1
  li s3, 1
  li s5, 11
1:mul s2, s2, s3
  addi s3, s3, 1
  bne s3, s5, 1b
  CHECK s2, 3628800, 36
  li s3, 3628800
  li s4, 7
  divu s2, s3, s4
  remu s5, s3, s4
  mul s2, s2, s4
  add s2, s2, s5
  CHECK s2, 3628800, 37
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret
