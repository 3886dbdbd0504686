// boot.S — QEMU virt's reset entry and the M-mode shim (the kernel's entry is arch/rv32/entry.S).
//
// QEMU virt with -bios none (and the sim SoC) start every hart in M-mode at 0x8000_0000. This
// shim is all the M-mode code Courier has on this board. It:
//   - parks every hart but hart 0 (Courier is single-core);
//   - opens PMP entry 0 over the whole physical address space, so S and U may access memory at
//     all (without any PMP entry, S/U accesses fault); isolation is Sv32's job, not PMP's;
//   - delegates every exception except ecalls from S/M, and the supervisor interrupts, to S;
//   - lets S and U read cycle/time/instret (mcounteren and scounteren);
//   - installs m_trap_entry for what stays in M (see m_mode.cc) and mrets into kernel_entry.
#include "courier/arch/asm.h"

  .section .text.boot, "ax"
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, park

  // Zero .bss (it holds both stacks) before anything uses it: QEMU zeroes RAM, a real
  // board or the simulator need not.
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:
  la sp, m_stack_top
  csrw mscratch, sp

  li t0, -1
  csrw pmpaddr0, t0
  li t0, PMP_NAPOT_RWX
  csrw pmpcfg0, t0

  li t0, MEDELEG_MASK
  csrw medeleg, t0
  li t0, MIDELEG_MASK
  csrw mideleg, t0
  li t0, 7
  csrw mcounteren, t0
  csrw scounteren, t0
  csrw mie, zero

  la t0, m_trap_entry
  csrw mtvec, t0

  li t0, MSTATUS_MPP_MASK
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S
  csrs mstatus, t0
  la t0, kernel_entry
  csrw mepc, t0
  csrw satp, zero
  mret

park:
  wfi
  j park

// M-mode trap entry: save the caller-saved registers on the M stack (mscratch) and hand the
// trap to C++. Everything that reaches M is either the timer (forwarded to S) or fatal.
  .section .text, "ax"
  .balign 4
m_trap_entry:
  csrrw sp, mscratch, sp
  addi sp, sp, -64
  sw ra, 0(sp)
  sw t0, 4(sp)
  sw t1, 8(sp)
  sw t2, 12(sp)
  sw a0, 16(sp)
  sw a1, 20(sp)
  sw a2, 24(sp)
  sw a3, 28(sp)
  sw a4, 32(sp)
  sw a5, 36(sp)
  sw a6, 40(sp)
  sw a7, 44(sp)
  sw t3, 48(sp)
  sw t4, 52(sp)
  sw t5, 56(sp)
  sw t6, 60(sp)
  mv a0, sp
  call m_trap_handler
  lw ra, 0(sp)
  lw t0, 4(sp)
  lw t1, 8(sp)
  lw t2, 12(sp)
  lw a0, 16(sp)
  lw a1, 20(sp)
  lw a2, 24(sp)
  lw a3, 28(sp)
  lw a4, 32(sp)
  lw a5, 36(sp)
  lw a6, 40(sp)
  lw a7, 44(sp)
  lw t3, 48(sp)
  lw t4, 52(sp)
  lw t5, 56(sp)
  lw t6, 60(sp)
  addi sp, sp, 64
  csrrw sp, mscratch, sp
  mret
