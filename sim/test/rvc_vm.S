// RV32C and Sv32: a 32-bit instruction that straddles two virtual pages backed by physical
// pages that are not adjacent (the second half must come through the second page's own
// translation), run from S-mode; then with the second page invalid, not executable, and a user
// page: each an instruction page fault with mepc on the instruction and mtval on its second
// half (the privileged spec: "the portion of the instruction that caused the fault"); and the
// first page not executable: mtval on the instruction itself. Built -march=rv32imac.
#include "test.h"

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80
#define VA_CODE 0x40000000
#define VA_ENTRY (VA_CODE + 0xffc)    // c.li a0, 1 at 0xffc, the straddler at 0xffe

.macro MKPTE dst, pa, flags
  srli \dst, \pa, 12
  slli \dst, \dst, 10
  ori \dst, \dst, \flags
.endm

// Sets the leaf for VA_CODE + 0x1000 * idx to page `page` with `flags`, and flushes.
.macro MAP idx, page, flags
  la t0, \page
  MKPTE t1, t0, \flags
  la t0, pt_l0
  sw t1, 4 * \idx(t0)
  sfence.vma
.endm

  .option rvc
  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 12(sp)
  la s1, pt_root
  li s2, 0x200000CF                  // 0x80000000 megapage: RWX A D (S-mode code and data)
  li t0, 0x200 * 4
  add t0, t0, s1
  sw s2, 0(t0)
  la s3, pt_l0
  MKPTE s2, s3, PTE_V
  sw s2, 0x100 * 4(s1)               // 0x40000000 -> pt_l0
  MAP 0, code_p1, PTE_V | PTE_R | PTE_X | PTE_A
  MAP 1, code_p2, PTE_V | PTE_R | PTE_X | PTE_A
  srli s2, s1, 12
  li s3, 0x80000000
  or s2, s2, s3
  csrw satp, s2
  sfence.vma

  PRINT "rvc_vm: a straddler across two pages, not adjacent in memory\n"
  la t0, code_p2
  la t1, code_p1
  sub t0, t0, t1
  CHECK t0, 0x2000, 1                // a page between them
  EXPECT_TRAP
  li a0, 1
  li a1, VA_ENTRY
  call run_mode
  CHECK a0, 0x101, 2
  lw t5, trap_count
  CHECK t5, 0, 3

  PRINT "rvc_vm: second page invalid\n"
  la t0, pt_l0
  sw zero, 4(t0)
  sfence.vma
  call straddle_fault
  CHECK_TRAP 12, 10
  call check_second_half

  PRINT "rvc_vm: second page not executable\n"
  MAP 1, code_p2, PTE_V | PTE_R | PTE_A
  call straddle_fault
  CHECK_TRAP 12, 20
  call check_second_half

  PRINT "rvc_vm: second page a user page, fetched from S\n"
  MAP 1, code_p2, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A
  call straddle_fault
  CHECK_TRAP 12, 30
  call check_second_half

  PRINT "rvc_vm: first page not executable\n"
  MAP 0, code_p1, PTE_V | PTE_R | PTE_A
  MAP 1, code_p2, PTE_V | PTE_R | PTE_X | PTE_A
  EXPECT_TRAP
  RESUME_AT s_back
  li a0, 1
  li a1, VA_ENTRY + 2                // straight onto the straddler
  call run_mode
  CHECK_TRAP 12, 40
  lw t5, trap_epc
  CHECK t5, VA_ENTRY + 2, 41
  lw t5, trap_tval
  CHECK t5, VA_ENTRY + 2, 42

  PRINT "rvc_vm: both executable again\n"
  MAP 0, code_p1, PTE_V | PTE_R | PTE_X | PTE_A
  EXPECT_TRAP
  li a0, 1
  li a1, VA_ENTRY
  call run_mode
  CHECK a0, 0x101, 50
  lw t5, trap_count
  CHECK t5, 0, 51

  csrw satp, zero
  sfence.vma
  lw ra, 12(sp)
  addi sp, sp, 16
  li a0, 0
  ret

// Runs the block from S-mode expecting a fetch fault on the straddler's second half.
straddle_fault:
  mv s10, ra
  EXPECT_TRAP
  RESUME_AT s_back
  li a0, 1
  li a1, VA_ENTRY
  call run_mode
  mv ra, s10
  ret

// mepc on the straddler, mtval on its second half (the next page's first byte).
check_second_half:
  lw t5, trap_epc
  li t4, VA_ENTRY + 2
  CHECKR t5, t4, 90
  lw t5, trap_tval
  li t4, VA_CODE + 0x1000
  CHECKR t5, t4, 91
  ret

// Where S resumes after a fetch fault: back to M through run_mode's return address.
s_back:
  ret

  // The code pages: reached only through VA_CODE. The straddler is addi a0, a0, 0x100
  // (0x10050513): its low half ends code_p1, its high half starts code_p2.
  .section .text.rvcvm, "ax"
  .balign 4096
code_p1:
  .skip 0xffc
  c.li a0, 1
  .half 0x0513
  .balign 4096
gap_page:
  .skip 4096
code_p2:
  .half 0x1005
  c.jr ra

  .bss
  .balign 4096
pt_root: .space 4096
pt_l0: .space 4096
