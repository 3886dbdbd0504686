// The betrusted model's memory map: flash is readable (cached) and read-only, erased flash reads
// all ones, the boot ROM holds the stub that jumps to the loader slot, SRAM ends at 16 MiB, and
// an unmapped address gives an access fault for loads, stores and fetches.
// Betrusted model only (COURIER_BETRUSTED).
#include "test.h"

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)

  PRINT "mem: flash reads what the image holds, and is read-only\n"
  la s4, flash_word
  lw s3, 0(s4)
  CHECK s3, 0x12345678, 1
  EXPECT_TRAP
  sw zero, 0(s4)
  CHECK_TRAP 7, 2
  lw t5, trap_tval
  CHECKR t5, s4, 3
  lw s3, 0(s4)                // neither flash nor its cached copy changed
  CHECK s3, 0x12345678, 4
  EXPECT_TRAP
  sb zero, 1(s4)
  CHECK_TRAP 7, 5
  EXPECT_TRAP
  amoadd.w t0, t0, (s4)
  CHECK_TRAP 7, 6
  lw s3, 0(s4)
  CHECK s3, 0x12345678, 7
  li s4, 0x27fffff0           // the window's last line: never loaded, erased
  lw s3, 0(s4)
  CHECK s3, 0xffffffff, 8

  PRINT "mem: the boot ROM stub\n"
  li s4, 0x80000000
  lw s3, 0(s4)
  SHOW "  rom[0]=", s3
  CHECK s3, 0x00000513, 10
  lw s3, 4(s4)
  CHECK s3, 0x205012b7, 11
  lw s3, 8(s4)
  CHECK s3, 0x00028067, 12
  EXPECT_TRAP
  sw zero, 0(s4)
  CHECK_TRAP 7, 13

  PRINT "mem: SRAM is 16 MiB\n"
  li s4, 0x40fffffc
  li t0, 0xa5a5a5a5
  sw t0, 0(s4)
  lw s3, 0(s4)
  CHECKR s3, t0, 20
  li s4, 0x41000000
  EXPECT_TRAP
  lw s3, 0(s4)
  CHECK_TRAP 5, 21

  PRINT "mem: unmapped addresses are access faults\n"
  li s4, 0x10000000           // virt's UART: nothing here
  EXPECT_TRAP
  lw s3, 0(s4)
  CHECK_TRAP 5, 30
  EXPECT_TRAP
  sw zero, 0(s4)
  CHECK_TRAP 7, 31
  li s4, 0xf0030000           // an unused CSR page
  EXPECT_TRAP
  lw s3, 0(s4)
  CHECK_TRAP 5, 32
  li s4, 0x80010000           // past the boot ROM
  EXPECT_TRAP
  lw s3, 0(s4)
  CHECK_TRAP 5, 33
  li s4, 0xb0000000           // the LCD framebuffer: not modelled
  EXPECT_TRAP
  lw s3, 0(s4)
  CHECK_TRAP 5, 34
  RESUME_AT 1f
  EXPECT_TRAP
  li t0, 0x10000000
  jr t0
1:CHECK_TRAP 1, 35
  RESUME_AT 1f
  EXPECT_TRAP
  li t0, 0xf0005000           // devices are not executable either
  jr t0
1:CHECK_TRAP 1, 36

  li a0, 0
  lw ra, 0(sp)
  addi sp, sp, 16
  ret

  .section .rodata
  .align 4
flash_word: .word 0x12345678
