// Trap delegation: medeleg sends U-mode exceptions to the S handler (scause/stval/sepc, SPP,
// SPIE), undelegated causes still reach M, M-mode traps are never delegated, and sret returns
// to the right mode.
#include "test.h"

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  la s2, s_trap
  csrw stvec, s2
  li s2, (1 << 8) | (1 << 2) | (1 << 3)   // ecall from U, illegal, breakpoint
  csrw medeleg, s2
  PRINT "deleg: U exceptions go to S\n"
  la t5, strap_count
  sw zero, 0(t5)
  EXPECT_TRAP
  li a0, 0
  la a1, u_ecall
  call run_mode
  CHECK_STRAP 8, 1
  lw t5, trap_count
  CHECK t5, 0, 2
  la t5, strap_count
  sw zero, 0(t5)
  li a0, 0
  la a1, u_illegal
  call run_mode
  CHECK_STRAP 2, 3
  la t5, strap_count
  sw zero, 0(t5)
  li a0, 0
  la a1, u_ebreak
  call run_mode
  CHECK_STRAP 3, 4
  PRINT "deleg: S exceptions that are delegated stay in S\n"
  la t5, strap_count
  sw zero, 0(t5)
  li a0, 1
  la a1, u_illegal
  call run_mode
  CHECK_STRAP 2, 5
  PRINT "deleg: undelegated causes go to M\n"
  EXPECT_TRAP
  la t5, strap_count
  sw zero, 0(t5)
  li a0, 1
  la a1, s_ecall
  call run_mode
  CHECK_TRAP 9, 10
  lw t5, strap_count
  CHECK t5, 0, 11
  PRINT "deleg: M-mode traps are never delegated\n"
  EXPECT_TRAP
  .word 0
  CHECK_TRAP 2, 12
  PRINT "deleg: S state after a trap from U\n"
  li a0, 0
  la a1, u_then_check
  call run_mode
  csrr s4, sstatus              // SPP=0 and SPIE=0: the last S trap came from U with SIE=0
  SHOW "  sstatus now=", s4
  csrw medeleg, zero
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret

u_ecall:
  li a7, 0
  ecall
  ret
u_illegal:
  csrr a0, mstatus
  ret
u_ebreak:
  ebreak
  ret
s_ecall:
  li a7, 0
  ecall
  ret
  // U-mode: take a delegated trap; the S handler returns with sret, after which SPP=0, SPIE=1.
u_then_check:
  .word 0
  li a0, 0
  ret
