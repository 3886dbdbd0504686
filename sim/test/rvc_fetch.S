// RV32C fetch: 32-bit instructions at 2 mod 4 that straddle a 32-byte I-cache line, a 64-byte
// boundary and a 4 KiB page boundary (no translation here: rvc_vm.S has the page-fault case),
// each run cold (after fence.i) and warm; jumps into the middle of a block and straight onto a
// straddling instruction; a taken branch just before a straddler (whose second half must not
// run); a straddling instruction rewritten by stores, then fence.i. The straddlers carry
// distinct immediates in both halves, so halves glued from the wrong places give wrong sums.
// Built -march=rv32imac. Labels are named: the check macros use `1:`.
#include "test.h"

// n compressed instructions (2 bytes each), each counting in s2.
.macro PAD16 n
  .rept \n
  c.addi s2, 1
  .endr
.endm

  .option rvc
  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 12(sp)

  PRINT "rvc_fetch: straddling a line and a 64-byte boundary, cold then warm\n"
  fence.i
  li s2, 0
  li s3, 0
  call block_a
  CHECK s2, 29, 1
  li t1, 0x123 + 0x12345000
  CHECKR s3, t1, 2
  call block_a
  CHECK s2, 58, 3
  li t1, 2 * (0x123 + 0x12345000)
  CHECKR s3, t1, 4

  PRINT "rvc_fetch: entering at 2 mod 4 before a straddler, and onto it\n"
  fence.i
  li s2, 0
  li s3, 0
  call block_a_mid             // offset 28: one c.addi, then the straddler at 30
  CHECK s2, 15, 10
  li t1, 0x123 + 0x12345000
  CHECKR s3, t1, 11
  fence.i
  li s2, 0
  li s3, 0
  call block_a_s               // offset 30: the straddler is the jump's target, cold
  CHECK s2, 14, 12
  CHECKR s3, t1, 13
  call block_a_s               // and warm
  CHECK s2, 28, 14
  li t1, 2 * (0x123 + 0x12345000)
  CHECKR s3, t1, 15
  la t0, block_a_s
  andi t0, t0, 31
  CHECK t0, 30, 16             // the layout is what the test means

  PRINT "rvc_fetch: a taken branch just before a straddler\n"
  fence.i
  li s2, 0
  li s3, 0
  call block_b
  CHECK s2, 14, 20
  CHECK s3, 7, 21              // the straddler (+0x7ff) did not run
  call block_b
  CHECK s2, 28, 22
  CHECK s3, 14, 23

  PRINT "rvc_fetch: straddling a 4 KiB boundary, cold then warm\n"
  fence.i
  li s2, 0
  li s3, 0
  call block_c
  CHECK s2, 15, 30
  li t1, 0x7654321
  CHECKR s3, t1, 31
  call block_c
  CHECK s2, 30, 32
  li t1, 2 * 0x7654321
  CHECKR s3, t1, 33
  la t0, block_c_s
  li t1, 0xfff
  and t0, t0, t1
  CHECK t0, 0xffe, 34

  PRINT "rvc_fetch: a straddler rewritten, then fence.i\n"
  li s2, 0
  li s3, 0
  call block_d
  CHECK s3, 1, 40
  // addi s3, s3, 0x555 written as two halfwords (the straddler's two halves).
  la t0, block_d_s
  li t1, 0x55598993
  sh t1, 0(t0)
  srli t1, t1, 16
  sh t1, 2(t0)
  fence.i
  li s3, 0
  call block_d
  CHECK s3, 0x555, 41
  CHECK s2, 30, 42

  lw ra, 12(sp)
  addi sp, sp, 16
  li a0, 0
  ret

  // ---- the blocks: exact offsets from a 64-byte boundary ----
  .balign 64
block_a:
  PAD16 14                     // 0..27
block_a_mid:
  c.addi s2, 1                 // 28..29
  .option push
  .option norvc
block_a_s:
  addi s3, s3, 0x123           // 30..33: across the 32-byte line
  .option pop
  PAD16 14                     // 34..61
  .option push
  .option norvc
  lui t0, 0x12345              // 62..65: across the 64-byte boundary
  .option pop
  c.add s3, t0                 // 66..67
  c.jr ra

  .balign 64
block_b:
  PAD16 13                     // 0..25
  c.addi s3, 7                 // 26..27
  c.j block_b_out              // 28..29: taken
  .option push
  .option norvc
  addi s3, s3, 0x7ff           // 30..33: must not run
  .option pop
  PAD16 8
block_b_out:
  c.addi s2, 1
  c.jr ra

  .balign 64
block_d:
  PAD16 15                     // 0..29
  .option push
  .option norvc
block_d_s:
  addi s3, s3, 1               // 30..33, rewritten by the test
  .option pop
  c.jr ra

  // A page of never-run zeros, so that block_c's straddler crosses a 4 KiB boundary.
  .balign 4096
  .skip 4096 - 32
block_c:
  PAD16 15                     // 4064..4093
  .option push
  .option norvc
block_c_s:
  lui t0, 0x7654               // 4094..4097: across the page boundary
  .option pop
  c.nop                        // then the rest of the value
  .option push
  .option norvc
  addi t0, t0, 0x321
  .option pop
  c.add s3, t0
  c.jr ra
