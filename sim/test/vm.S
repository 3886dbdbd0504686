// Sv32: two-level walks and megapages, permission faults (R/W/X, U/S rules, SUM, MXR, reserved
// W-without-R, misaligned megapages, invalid entries) for fetch, load and store, hardware A/D
// updates, MPRV, sfence.vma after a remap, and ASID-tagged address spaces. Page tables are built in M-mode; accesses are
// made from S and U via run_mode; faults trap to M, which records them.
#include "test.h"

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80
#define VA_L0 0x40000000
#define VA_MEGA 0xC0000000

// pte(dst, physical address register, flags): ((pa >> 12) << 10) | flags
.macro MKPTE dst, pa, flags
  srli \dst, \pa, 12
  slli \dst, \dst, 10
  ori \dst, \dst, \flags
.endm

// Runs fn in mode with a2 = address (a3 = store value); result in a0.
.macro ACCESS mode, fn, addr
  li a2, \addr
  li a0, \mode
  la a1, \fn
  call run_mode
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  // ---- build the tables ----
  la s1, pt_root
  li s2, 0x200000CF | 0x20           // 0x80000000 megapage, RWX A D, global
  li t0, 0x200 * 4
  add t0, t0, s1
  sw s2, 0(t0)
  la s3, pt_l0
  MKPTE s2, s3, PTE_V
  sw s2, 0x100 * 4(s1)               // 0x40000000 -> pt_l0
  li s3, 0x80000000
  MKPTE s2, s3, PTE_V | PTE_R | PTE_A
  li t0, 0x300 * 4
  add t0, t0, s1
  sw s2, 0(t0)                       // 0xC0000000 megapage, read-only
  li s3, 0x80001000
  MKPTE s2, s3, PTE_V | PTE_R | PTE_A
  sw s2, 4(t0)                       // 0xC0400000: misaligned megapage
  la s1, pt_l0
  la s3, page_a
  MKPTE s2, s3, PTE_V | PTE_R | PTE_W
  sw s2, 0(s1)                       // 0x40000000: page_a RW, A and D clear
  la s3, page_b
  MKPTE s2, s3, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  sw s2, 4(s1)                       // 0x40001000: page_b, user RW
  la s3, page_a
  MKPTE s2, s3, PTE_V | PTE_R | PTE_A
  sw s2, 8(s1)                       // 0x40002000: page_a read-only
  la s3, ucode
  MKPTE s2, s3, PTE_V | PTE_X | PTE_U | PTE_A
  sw s2, 12(s1)                      // 0x40003000: user code, execute-only
  la s3, page_b
  MKPTE s2, s3, PTE_V | PTE_X | PTE_A
  sw s2, 16(s1)                      // 0x40004000: page_b execute-only (for MXR)
  sw zero, 20(s1)                    // 0x40005000: invalid
  la s3, page_a
  MKPTE s2, s3, PTE_V | PTE_W | PTE_A
  sw s2, 24(s1)                      // 0x40006000: W without R is reserved
  la s1, pt_root
  srli s2, s1, 12
  li s3, 0x80000000
  or s2, s2, s3
  csrw satp, s2
  sfence.vma

  PRINT "vm: S-mode loads and stores through 4 KiB pages\n"
  EXPECT_TRAP
  ACCESS 1, s_load, VA_L0
  CHECK a0, 0xaaaa0001, 1
  lw s4, pt_l0
  SHOW "  pte after load=", s4        // A set by hardware
  li a3, 0xaaaa0011
  ACCESS 1, s_store, VA_L0
  lw s4, pt_l0
  SHOW "  pte after store=", s4       // D set by hardware
  lw s4, page_a
  CHECK s4, 0xaaaa0011, 2
  ACCESS 1, s_load, VA_L0 + 0x2000
  CHECK a0, 0xaaaa0011, 3
  lw t5, trap_count
  CHECK t5, 0, 4
  PRINT "vm: S-mode permission faults\n"
  EXPECT_TRAP
  li a3, 5
  ACCESS 1, s_store, VA_L0 + 0x2000  // read-only
  CHECK_TRAP 15, 10
  EXPECT_TRAP
  ACCESS 1, s_load, VA_L0 + 0x5004   // invalid
  CHECK_TRAP 13, 11
  EXPECT_TRAP
  ACCESS 1, s_store, VA_L0 + 0x5008
  CHECK_TRAP 15, 12
  EXPECT_TRAP
  ACCESS 1, s_load, VA_L0 + 0x6000   // W without R
  CHECK_TRAP 13, 13
  EXPECT_TRAP
  ACCESS 1, s_load, VA_MEGA + 0x400000 // misaligned megapage
  CHECK_TRAP 13, 14
  EXPECT_TRAP
  RESUME_AT s_jump_back
  ACCESS 1, s_jump, VA_L0 + 0x5000   // fetch from an invalid page
  CHECK_TRAP 12, 15
  EXPECT_TRAP
  RESUME_AT s_jump_back
  ACCESS 1, s_jump, VA_L0 + 0x2000   // fetch from a non-executable page
  CHECK_TRAP 12, 16
  PRINT "vm: U pages from S: SUM\n"
  EXPECT_TRAP
  ACCESS 1, s_load, VA_L0 + 0x1000
  CHECK_TRAP 13, 20
  li s2, 1 << 18
  csrs mstatus, s2
  EXPECT_TRAP
  ACCESS 1, s_load, VA_L0 + 0x1000
  CHECK a0, 0xbbbb0002, 21
  lw t5, trap_count
  CHECK t5, 0, 22
  EXPECT_TRAP
  RESUME_AT s_jump_back
  ACCESS 1, s_jump, VA_L0 + 0x3000   // S never executes U pages, SUM or not
  CHECK_TRAP 12, 23
  li s2, 1 << 18
  csrc mstatus, s2
  PRINT "vm: MXR\n"
  EXPECT_TRAP
  ACCESS 1, s_load, VA_L0 + 0x4000
  CHECK_TRAP 13, 30
  li s2, 1 << 19
  csrs mstatus, s2
  EXPECT_TRAP
  ACCESS 1, s_load, VA_L0 + 0x4000
  CHECK a0, 0xbbbb0002, 31
  li s2, 1 << 19
  csrc mstatus, s2
  PRINT "vm: megapages\n"
  la s2, page_a
  li s3, 0x80000000
  sub s2, s2, s3
  li s3, VA_MEGA
  add a2, s2, s3
  li a0, 1
  la a1, s_load
  call run_mode
  CHECK a0, 0xaaaa0011, 40
  EXPECT_TRAP
  la s2, page_a
  li s3, 0x80000000
  sub s2, s2, s3
  li s3, VA_MEGA
  add a2, s2, s3
  li a0, 1
  la a1, s_store
  call run_mode
  CHECK_TRAP 15, 41
  PRINT "vm: U-mode\n"
  EXPECT_TRAP
  ACCESS 0, ucode_va_load, VA_L0 + 0x1000
  CHECK a0, 0xbbbb0002, 50
  lw t5, trap_count
  CHECK t5, 0, 51
  EXPECT_TRAP
  ACCESS 0, ucode_va_load, VA_L0     // supervisor page
  CHECK_TRAP 13, 52
  EXPECT_TRAP
  li a3, 1
  ACCESS 0, ucode_va_store, VA_L0 + 0x2000
  CHECK_TRAP 15, 53
  EXPECT_TRAP
  la t6, u_exit
  la t5, ucode
  sub t6, t6, t5
  li t5, VA_L0 + 0x3000
  add t6, t6, t5
  la t5, trap_resume
  sw t6, 0(t5)
  ACCESS 0, s_load, VA_L0            // U fetch from a supervisor page
  CHECK_TRAP 12, 54
  PRINT "vm: MPRV\n"
  li s2, (1 << 17) | (1 << 11)       // MPRV with MPP = S
  li s3, VA_L0
  csrs mstatus, s2
  lw s4, 0(s3)
  csrc mstatus, s2
  CHECK s4, 0xaaaa0011, 60
  PRINT "vm: sfence.vma after a remap\n"
  la s3, page_a
  MKPTE s2, s3, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  la s1, pt_l0
  sw s2, 4(s1)                       // 0x40001000 now maps page_a
  sfence.vma
  ACCESS 0, ucode_va_load, VA_L0 + 0x1000
  CHECK a0, 0xaaaa0011, 70
  li a3, 0x12345678
  ACCESS 0, ucode_va_store, VA_L0 + 0x1004
  lw s4, page_a + 4
  CHECK s4, 0x12345678, 71
  PRINT "vm: two address spaces told apart by ASID\n"
  // A second root (ASID 2) maps 0x40000000 to page_b; the first (ASID 1) to page_a. Switching
  // satp between them needs no sfence.vma when the tables are unchanged.
  la s1, pt_root
  la s3, pt_root2
  li t0, 0x200 * 4
  add t1, t0, s1
  lw s2, 0(t1)
  add t1, t0, s3
  sw s2, 0(t1)                       // same global kernel megapage
  la s4, pt_l0b
  MKPTE s2, s4, PTE_V
  sw s2, 0x100 * 4(s3)
  la s5, page_b
  MKPTE s2, s5, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  sw s2, 0(s4)
  sfence.vma
  srli s6, s1, 12
  li t0, 0x80000000 | (1 << 22)
  or s6, s6, t0                      // satp for ASID 1
  srli s7, s3, 12
  li t0, 0x80000000 | (2 << 22)
  or s7, s7, t0                      // satp for ASID 2
  csrw satp, s6
  ACCESS 1, s_load, VA_L0
  CHECK a0, 0xaaaa0011, 80
  csrw satp, s7
  ACCESS 1, s_load, VA_L0
  CHECK a0, 0xbbbb0002, 81
  csrw satp, s6
  ACCESS 1, s_load, VA_L0
  CHECK a0, 0xaaaa0011, 82
  csrr s4, satp
  SHOW "  satp=", s4
  csrw satp, zero
  sfence.vma
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret

s_load:
  lw a0, 0(a2)
  ret
s_store:
  sw a3, 0(a2)
  ret
s_jump:
  jr a2
s_jump_back:
  ret

  // The user code page, mapped at 0x40003000 and reached only through that mapping.
  .section .text.ucode, "ax"
  .align 12
ucode:
  lw a0, 0(a2)
  j u_exit
ucode_store:
  sw a3, 0(a2)
u_exit:
  li a7, ECALL_TO_M
  ecall
  .set ucode_va_load, VA_L0 + 0x3000
  .set ucode_va_store, VA_L0 + 0x3000 + (ucode_store - ucode)

  .data
  .align 12
page_a: .word 0xaaaa0001, 0
  .align 12
page_b: .word 0xbbbb0002, 0
  .bss
  .align 12
pt_root: .space 4096
pt_l0: .space 4096
pt_root2: .space 4096
pt_l0b: .space 4096
