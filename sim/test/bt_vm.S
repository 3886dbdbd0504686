// The betrusted model's TLBs have no ASID tags: any satp write flushes both TLBs (even one that
// changes nothing), and sfence.vma flushes everything. A page's PTE is changed behind the TLB's
// back; S-mode still sees the old frame until satp is written or sfence.vma runs. And the page
// walker, as VexRiscv's, never sets A or D: they fault instead.
// Betrusted model only (COURIER_BETRUSTED).
#include "test.h"

#define ROOT 0x40100000         // first-level table
#define L0 0x40101000           // second-level table for VA 0x0000_0000..0x003F_FFFF
#define PAGE_A 0x40200000
#define PAGE_B 0x40201000
#define VA 0x00001000
#define PTE_VRWX_AD 0xcf        // V R W X A D, supervisor
#define PTE_VRW_AD 0xc7
#define SATP (0x80000000 | (ROOT >> 12))

.macro IN_S fn
  li a0, 1
  la a1, \fn
  call run_mode
.endm

.macro READ_IN_S expect, id
  IN_S s_read
  CHECK a0, \expect, \id
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  PRINT "vm: identity megapages for flash and SRAM, one 4 KiB page at 0x1000\n"
  li t0, ROOT
  li t1, ((0x20400000 >> 12) << 10) | PTE_VRWX_AD   // the loader slot's 4 MiB
  sw t1, (0x081 * 4)(t0)
  li t1, ((0x40000000 >> 12) << 10) | PTE_VRW_AD    // SRAM's first 4 MiB
  sw t1, (0x100 * 4)(t0)
  li t1, ((L0 >> 12) << 10) | 1                      // a pointer to L0
  sw t1, 0(t0)
  li t0, L0
  li t1, ((PAGE_A >> 12) << 10) | PTE_VRW_AD
  sw t1, 4(t0)
  li t0, PAGE_A
  li t1, 0xaaaa
  sw t1, 0(t0)
  li t0, PAGE_B
  li t1, 0xbbbb
  sw t1, 0(t0)
  li t0, SATP
  csrw satp, t0
  READ_IN_S 0xaaaa, 1

  PRINT "vm: a changed PTE is not seen while the TLB holds the old one\n"
  li t0, L0
  li t1, ((PAGE_B >> 12) << 10) | PTE_VRW_AD
  sw t1, 4(t0)
  READ_IN_S 0xaaaa, 2

  PRINT "vm: writing satp (the same value) flushes\n"
  li t0, SATP
  csrw satp, t0
  READ_IN_S 0xbbbb, 3

  PRINT "vm: so does writing satp with another ASID (the field reads 0)\n"
  li t0, L0
  li t1, ((PAGE_A >> 12) << 10) | PTE_VRW_AD
  sw t1, 4(t0)
  li t0, SATP | (5 << 22)
  csrw satp, t0
  csrr s3, satp
  li t0, SATP
  CHECKR s3, t0, 4
  READ_IN_S 0xaaaa, 5

  PRINT "vm: sfence.vma with an address flushes every entry\n"
  li t0, L0
  li t1, ((PAGE_B >> 12) << 10) | PTE_VRW_AD
  sw t1, 4(t0)
  li t0, 0x12345000           // some other address: the whole TLB goes anyway
  sfence.vma t0, zero
  READ_IN_S 0xbbbb, 6

  PRINT "vm: the walker sets neither A nor D: they fault\n"
  li s4, L0
  li t1, ((PAGE_A >> 12) << 10) | 0x07   // V R W, A and D clear
  sw t1, 4(s4)
  sfence.vma
  EXPECT_TRAP
  IN_S s_read
  CHECK_TRAP 13, 7
  li t1, ((PAGE_A >> 12) << 10) | 0x47   // A set, D clear: loads work, stores fault
  sw t1, 4(s4)
  sfence.vma
  READ_IN_S 0xaaaa, 8
  EXPECT_TRAP
  IN_S s_write
  CHECK_TRAP 15, 9
  lw s3, 4(s4)                // the PTE is as software left it
  CHECK s3, ((PAGE_A >> 12) << 10) | 0x47, 10
  li t0, PAGE_A
  lw s3, 0(t0)
  CHECK s3, 0xaaaa, 11

  csrw satp, zero
  li a0, 0
  lw ra, 0(sp)
  addi sp, sp, 16
  ret

  // In S with translation on: a0 = the word at VA.
s_read:
  li t0, VA
  lw a0, 0(t0)
  li a7, ECALL_TO_M
  ecall

  // In S: a store to VA.
s_write:
  li t0, VA
  sw t0, 0(t0)
  li a7, ECALL_TO_M
  ecall
