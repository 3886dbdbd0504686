// trap.S — S-mode trap entry and exit.
//
// Invariant: while a user thread runs, sscratch holds the address of that thread's TrapFrame;
// while the kernel runs, sscratch is 0. The kernel is not preemptible (it runs with SIE clear)
// and has a single stack, so a trap taken with sscratch == 0 came from the kernel itself and is
// a kernel bug: it goes to kernel_fault, which panics with the cause.
//
// On entry from U-mode every user register is saved into the frame, the kernel stack is loaded
// and syscall_entry(frame) (for an ecall) or trap_handler(frame) runs; each returns the frame of the thread to resume (the same one, or
// another after a switch), which trap_return restores. That single return value is the whole
// context switch: the kernel keeps no per-thread kernel stack.
#include "courier/arch/asm.h"

  .section .text.hot, "ax"  // beside the fast routes (kernel.ld)
  .globl trap_entry
  .balign 4
trap_entry:
  csrrw sp, sscratch, sp
  beqz sp, from_kernel
  sw x1, 4(sp)
  sw x3, 12(sp)
  sw x4, 16(sp)
  sw x5, 20(sp)
  sw x6, 24(sp)
  sw x7, 28(sp)
  sw x8, 32(sp)
  sw x9, 36(sp)
  sw x10, 40(sp)
  sw x11, 44(sp)
  sw x12, 48(sp)
  sw x13, 52(sp)
  sw x14, 56(sp)
  sw x15, 60(sp)
  sw x16, 64(sp)
  sw x17, 68(sp)
  sw x18, 72(sp)
  sw x19, 76(sp)
  sw x20, 80(sp)
  sw x21, 84(sp)
  sw x22, 88(sp)
  sw x23, 92(sp)
  sw x24, 96(sp)
  sw x25, 100(sp)
  sw x26, 104(sp)
  sw x27, 108(sp)
  sw x28, 112(sp)
  sw x29, 116(sp)
  sw x30, 120(sp)
  sw x31, 124(sp)
  csrrw t0, sscratch, zero
  sw t0, 8(sp)
  csrr t0, sepc
  sw t0, FRAME_PC(sp)
  mv a0, sp
  la sp, kernel_stack_top
  csrr t0, scause
  li t1, 8                  // ecall from U-mode
  bne t0, t1, 3f
  lw t0, FRAME_PC(a0)       // resume after the ecall
  addi t0, t0, 4
  sw t0, FRAME_PC(a0)
  // The two IPC calls with a fastpath go straight to it (syscall numbers: abi/syscalls.def,
  // checked against the enum in trap.cc).
  lw t0, FRAME_A7(a0)
  li t1, SYS_CALL_SCALAR
  beq t0, t1, 1f
  li t1, SYS_REPLY_AND_RECEIVE_NEXT
  beq t0, t1, 2f
  call syscall_entry
  j trap_return
1:
  call fast_call_entry
  j trap_return
2:
  call fast_reply_entry
  j trap_return
3:
  // An external interrupt (scause = interrupt | 9) has its own entry; the rest, trap_handler.
  li t1, 0x80000009
  bne t0, t1, 4f
  call irq_entry
  j trap_return
4:
  call trap_handler
  // fall through with the frame to resume in a0

// trap_return(TrapFrame* frame): resume a user thread. Also the first entry into U-mode.
  .globl trap_return
trap_return:
  lw t0, FRAME_PC(a0)
  csrw sepc, t0
  csrw sscratch, a0
  lw x1, 4(a0)
  lw x2, 8(a0)
  lw x3, 12(a0)
  lw x4, 16(a0)
  lw x5, 20(a0)
  lw x6, 24(a0)
  lw x7, 28(a0)
  lw x8, 32(a0)
  lw x9, 36(a0)
  lw x11, 44(a0)
  lw x12, 48(a0)
  lw x13, 52(a0)
  lw x14, 56(a0)
  lw x15, 60(a0)
  lw x16, 64(a0)
  lw x17, 68(a0)
  lw x18, 72(a0)
  lw x19, 76(a0)
  lw x20, 80(a0)
  lw x21, 84(a0)
  lw x22, 88(a0)
  lw x23, 92(a0)
  lw x24, 96(a0)
  lw x25, 100(a0)
  lw x26, 104(a0)
  lw x27, 108(a0)
  lw x28, 112(a0)
  lw x29, 116(a0)
  lw x30, 120(a0)
  lw x31, 124(a0)
  lw x10, 40(a0)
  sret

from_kernel:
  // Restore the kernel sp (and sscratch = 0) and report; kernel_fault does not return.
  csrrw sp, sscratch, sp
  csrr a0, scause
  csrr a1, sepc
  csrr a2, stval
  call kernel_fault
1:
  j 1b
