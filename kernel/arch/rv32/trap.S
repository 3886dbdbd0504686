// trap.S — S-mode trap entry and exit.
//
// Invariant: while a user thread runs, sscratch holds the address of that thread's TrapFrame;
// while the kernel runs, sscratch is 0. The kernel is not preemptible (it runs with SIE clear)
// and has a single stack, so a trap taken with sscratch == 0 came from the kernel itself and is
// a kernel bug: it goes to kernel_fault, which panics with the cause.
//
// What is saved is what the situation needs (issue 18). Every entry from U-mode stores the
// registers the kernel's C code may change (ra, t0-t6, a0-a7), sp, gp and tp into the frame.
// The callee-saved registers (s0-s11) the C code keeps by the ABI, so an ecall or an interrupt
// leaves them in the hart, and they reach the frame only when the trap ends in another thread
// (switch_out): a syscall or interrupt that returns to the thread it came from never stores or
// reloads them. An exception stores the whole frame at once: the kernel may read or write any
// register of a faulting thread (the misaligned-access emulation, the fault report).
//
// Each C entry returns the frame of the thread to resume (the same one, or another after a
// switch), which the exit restores. That single return value is the whole context switch: the
// kernel keeps no per-thread kernel stack. Across the C call tp holds the entry frame (the
// compiler never allocates tp or gp; the kernel uses neither), which is how the exit tells a
// return to the same thread from a switch.
//
// So after the trap a frame always holds every register of a thread that is not running; while
// its own syscall or interrupt runs, the running thread's frame has valid caller-saved
// registers, sp, gp, tp and pc, and stale s0-s11 (nothing in the kernel reads them there).
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
  sw x10, 40(sp)
  sw x11, 44(sp)
  sw x12, 48(sp)
  sw x13, 52(sp)
  sw x14, 56(sp)
  sw x15, 60(sp)
  sw x16, 64(sp)
  sw x17, 68(sp)
  sw x28, 112(sp)
  sw x29, 116(sp)
  sw x30, 120(sp)
  sw x31, 124(sp)
  csrrw t0, sscratch, zero
  sw t0, 8(sp)
  csrr t0, sepc
  csrr t1, scause
  li t2, 8                  // ecall from U-mode
  bne t1, t2, 4f
  addi t0, t0, 4            // resume after the ecall
  sw t0, FRAME_PC(sp)
  mv a0, sp
  mv tp, sp
  la sp, kernel_stack_top
  // The two IPC calls with a fastpath go straight to it (syscall numbers: abi/syscalls.def,
  // checked against the enum in trap.cc); the call's falls through to the exit. a7 still
  // holds the caller's.
  li t1, SYS_REPLY_AND_RECEIVE_NEXT
  beq a7, t1, 2f
  li t1, SYS_CALL_SCALAR
  bne a7, t1, 3f
  call fast_call_entry
  // fall through with the frame to resume in a0

// After an ecall or an interrupt: a0 is the frame to resume, tp the frame the trap came from.
// A return to the same thread skips the callee-saved registers: s0-s11 are its own still (the
// C code kept them), and gp is too (the kernel never writes it).
lazy_return:
  beq a0, tp, caller_saved
switch_out:
  // Another thread runs: the one the trap came from keeps its callee-saved registers in its
  // frame, which is then whole. If that thread ended in this trap, its slot is free and the
  // stores are to nobody's frame: a slot is taken again only by create_thread or spawn, which
  // only a live caller makes (so never in the trap its own thread ended in), and new_thread
  // clears the whole frame then.
  sw x8, 32(tp)
  sw x9, 36(tp)
  sw x18, 72(tp)
  sw x19, 76(tp)
  sw x20, 80(tp)
  sw x21, 84(tp)
  sw x22, 88(tp)
  sw x23, 92(tp)
  sw x24, 96(tp)
  sw x25, 100(tp)
  sw x26, 104(tp)
  sw x27, 108(tp)
  // fall through to the whole frame of the thread to resume

// trap_return(TrapFrame* frame): resume a user thread from its whole frame (the callee-saved
// registers and gp here, the rest below). Also the first entry into U-mode.
  .globl trap_return
trap_return:
  lw x3, 12(a0)
  lw x8, 32(a0)
  lw x9, 36(a0)
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
caller_saved:
  // What the kernel may have changed or answered: pc, ra, sp, tp, t0-t6, a0-a7.
  lw t0, FRAME_PC(a0)
  csrw sepc, t0
  csrw sscratch, a0
  lw x1, 4(a0)
  lw x2, 8(a0)
  lw x4, 16(a0)
  lw x5, 20(a0)
  lw x6, 24(a0)
  lw x7, 28(a0)
  lw x11, 44(a0)
  lw x12, 48(a0)
  lw x13, 52(a0)
  lw x14, 56(a0)
  lw x15, 60(a0)
  lw x16, 64(a0)
  lw x17, 68(a0)
  lw x28, 112(a0)
  lw x29, 116(a0)
  lw x30, 120(a0)
  lw x31, 124(a0)
  lw x10, 40(a0)
  sret

2:
  call fast_reply_entry
  j lazy_return
3:
  call syscall_entry
  j lazy_return
4:
  bgez t1, full_entry       // an exception: the whole frame
  // An interrupt: an external one (scause = interrupt | 9) has its own entry; the timer goes
  // to trap_handler.
  sw t0, FRAME_PC(sp)
  mv a0, sp
  mv tp, sp
  la sp, kernel_stack_top
  li t2, 0x80000009
  bne t1, t2, 6f
  call irq_entry
  j lazy_return
6:
  call trap_handler
  j lazy_return

full_entry:
  sw t0, FRAME_PC(sp)
  sw x8, 32(sp)
  sw x9, 36(sp)
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
  mv a0, sp
  la sp, kernel_stack_top
  call trap_handler
  j trap_return

from_kernel:
  // Restore the kernel sp (and sscratch = 0) and report; kernel_fault does not return.
  csrrw sp, sscratch, sp
  csrr a0, scause
  csrr a1, sepc
  csrr a2, stval
  call kernel_fault
1:
  j 1b
