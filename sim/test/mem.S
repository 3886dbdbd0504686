// Loads and stores of every width, sign and zero extension, byte lanes, and fence.i making a
// store to code visible to fetch (self-modifying code).
#include "test.h"

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  PRINT "mem: stores and loads\n"
  la s1, buf
  li s2, 0x8badf00d
  sw s2, 0(s1)
  lw s4, 0(s1)
  CHECK s4, 0x8badf00d, 1
  lb s4, 0(s1)
  CHECK s4, 0x0d, 2
  lb s4, 3(s1)
  CHECK s4, 0xffffff8b, 3
  lbu s4, 3(s1)
  CHECK s4, 0x8b, 4
  lh s4, 2(s1)
  CHECK s4, 0xffff8bad, 5
  lhu s4, 2(s1)
  CHECK s4, 0x8bad, 6
  lh s4, 0(s1)
  CHECK s4, 0xfffff00d, 7
  li s2, 0x11
  sb s2, 1(s1)
  lw s4, 0(s1)
  CHECK s4, 0x8bad110d, 8
  li s2, 0x7722
  sh s2, 2(s1)
  lw s4, 0(s1)
  CHECK s4, 0x7722110d, 9
  li s2, -1
  sw s2, 4(s1)
  sb zero, 6(s1)
  lw s4, 4(s1)
  CHECK s4, 0xff00ffff, 10
  // negative offsets and a load-use chain
  addi s3, s1, 8
  lw s4, -8(s3)
  lw s5, -4(s3)
  add s4, s4, s5
  CHECK s4, 0x7623110c, 11
  // a store sequence walking a buffer, then a sum
  li s2, 0
  li s3, 16
1:slli s5, s2, 2
  add s5, s5, s1
  sw s2, 0(s5)
  addi s2, s2, 1
  bne s2, s3, 1b
  li s2, 0
  li s4, 0
2:slli s5, s2, 2
  add s5, s5, s1
  lw s5, 0(s5)
  add s4, s4, s5
  addi s2, s2, 1
  bne s2, s3, 2b
  CHECK s4, 120, 12
  PRINT "mem: fence.i after patching code\n"
  call patched          // returns 1 before patching
  CHECK a0, 1, 20
  la s1, patched
  li s2, 0x00200513     // addi a0, x0, 2
  sw s2, 0(s1)
  fence.i
  call patched
  CHECK a0, 2, 21
  fence
  fence rw, rw
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret

  .data
  .align 4
patched:
  addi a0, x0, 1
  ret
buf: .space 64
