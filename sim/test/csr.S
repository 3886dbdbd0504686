// Zicsr and the CSRs the core implements: read/set/clear semantics and immediate forms, WARL
// masks (mstatus, mtvec, mepc, delegation, mie/mip), S-mode views (sstatus, sie, sip), satp,
// and the access rules: read-only CSRs, unknown CSRs, privilege, TVM/TSR/TW.
#include "test.h"

.macro SHOWCSR name
  csrr s4, \name
  SHOW "  \name=", s4
.endm

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  PRINT "csr: access forms\n"
  li s2, 0x1234
  csrw mscratch, s2
  li s3, 0xff00
  csrrw s4, mscratch, s3
  CHECK s4, 0x1234, 1
  csrrs s4, mscratch, s2
  CHECK s4, 0xff00, 2
  csrr s4, mscratch
  CHECK s4, 0xff34, 3
  li s3, 0xf0f0
  csrrc s4, mscratch, s3
  csrr s4, mscratch
  CHECK s4, 0x0f04, 4
  csrrwi s4, mscratch, 17
  CHECK s4, 0x0f04, 5
  csrrsi s4, mscratch, 8
  csrrci s4, mscratch, 1
  csrr s4, mscratch
  CHECK s4, 24, 6
  // csrrs with x0 reads without writing, so it is legal on a read-only CSR
  csrrs s4, mhartid, x0
  CHECK s4, 0, 7
  PRINT "csr: machine registers\n"
  SHOWCSR misa
  li s2, 0x1888
  csrw mstatus, s2
  SHOWCSR mstatus
  csrw mstatus, zero
  li s2, 0x80000101
  csrw mtvec, s2
  csrr s4, mtvec
  CHECK s4, 0x80000101, 10
  li s3, 0x80000202         // mode 2 is reserved: the write is ignored
  csrw mtvec, s3
  csrr s4, mtvec
  CHECK s4, 0x80000101, 11
  la s2, m_trap
  csrw mtvec, s2
  // (mepc[1:0] read as zero per the spec; QEMU 7.2 keeps them, so only aligned values here)
  li s2, 0x80001234
  csrw mepc, s2
  SHOWCSR mepc
  li s2, 0x222
  csrw mideleg, s2
  SHOWCSR mideleg
  li s2, 0xb1ff
  csrw medeleg, s2
  SHOWCSR medeleg
  csrw medeleg, zero
  li s2, 0xaaa
  csrw mie, s2
  SHOWCSR mie
  li s2, 0x222
  csrw mip, s2
  SHOWCSR mip
  PRINT "csr: supervisor views\n"
  SHOWCSR sie
  SHOWCSR sip
  csrw mip, zero
  csrw mie, zero
  csrw mideleg, zero
  SHOWCSR sie
  li s2, 0x000c0122
  csrw sstatus, s2
  SHOWCSR sstatus
  SHOWCSR mstatus
  csrw mstatus, zero
  li s2, 0x80012345
  csrw satp, s2
  csrr s4, satp
  CHECK s4, 0x80012345, 20
  csrw satp, zero
  csrw sscratch, s2
  csrr s4, sscratch
  CHECK s4, 0x80012345, 21
  li s2, 0x80002001
  csrw stvec, s2
  SHOWCSR stvec
  li s2, 0x7
  csrw scounteren, s2
  csrw mcounteren, s2
  SHOWCSR scounteren
  SHOWCSR mcounteren
  PRINT "csr: illegal accesses\n"
  EXPECT_TRAP
  csrw mvendorid, s2          // read-only
  CHECK_TRAP 2, 30
  EXPECT_TRAP
  csrr s4, 0x7c0              // not implemented
  CHECK_TRAP 2, 31
  EXPECT_TRAP
  csrrsi s4, mimpid, 1
  CHECK_TRAP 2, 32
  // S-mode may not touch M CSRs; U-mode may not touch S CSRs
  EXPECT_TRAP
  li a0, 1
  la a1, s_reads_mstatus
  call run_mode
  CHECK_TRAP 2, 33
  EXPECT_TRAP
  li a0, 0
  la a1, u_reads_sstatus
  call run_mode
  CHECK_TRAP 2, 34
  // TVM: satp and sfence.vma trap in S; TSR: sret traps in S; TW: wfi traps in S
  li s2, 0x700000
  csrs mstatus, s2
  EXPECT_TRAP
  li a0, 1
  la a1, s_satp
  call run_mode
  CHECK_TRAP 2, 35
  EXPECT_TRAP
  li a0, 1
  la a1, s_sfence
  call run_mode
  CHECK_TRAP 2, 36
  EXPECT_TRAP
  li a0, 1
  la a1, s_sret
  call run_mode
  CHECK_TRAP 2, 37
  EXPECT_TRAP
  li a0, 1
  la a1, s_wfi
  call run_mode
  CHECK_TRAP 2, 38
  li s2, 0x700000
  csrc mstatus, s2
  // without TVM, S may use satp; wfi in U is always illegal
  EXPECT_TRAP
  li a0, 1
  la a1, s_satp
  call run_mode
  lw t5, trap_count
  CHECK t5, 0, 39
  EXPECT_TRAP
  li a0, 0
  la a1, s_wfi
  call run_mode
  CHECK_TRAP 2, 40
  // mret from S is illegal
  EXPECT_TRAP
  li a0, 1
  la a1, s_mret
  call run_mode
  CHECK_TRAP 2, 41
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret

s_reads_mstatus:
  csrr a0, mstatus
  ret
u_reads_sstatus:
  csrr a0, sstatus
  ret
s_satp:
  csrr a0, satp
  ret
s_sfence:
  sfence.vma
  ret
s_sret:
  sret
  ret
s_wfi:
  wfi
  ret
s_mret:
  mret
  ret
