// regs_probe.S — fill every register with this process's sentinels, cross a protection
// boundary, and record every register as the thread sees it afterwards (regs_common.h).
//
// Sentinel of register xN: REGS_SENTINEL_BASE | N << 8 | N (the build gives each program its
// own base). sp is a sentinel too: nothing in U-mode needs a stack across an ecall. tp holds the
// Probe's address instead (its own value as well), as the one base register the stores after
// the trap need.
//
//   void regs_probe_ecall(Probe*)  loads a0..a7 from in[], ecall, stores x1..x31 to out[]
//   void regs_probe_spin(Probe*)   the same, but instead of an ecall spins, counting a1 up
//                                  from in[1] until it reaches in[0] (a1 ends holding in[0]):
//                                  the timer preempts it, maybe for another process (a count,
//                                  not a clock: the Precursor has no time CSR to read here;
//                                  regs_common.h's spin_count calibrates it)
//   regs_thread_entry              a create_thread entry: stores every register as the kernel
//                                  started it into the 128 bytes below sp, sets the word below
//                                  those to 1, and exits the thread
#define S(n) (REGS_SENTINEL_BASE | ((n) << 8) | (n))

// Probe layout (regs_common.h): in[8] at 0, out[32] at 32, saved[16] at 160.
#define IN 0
#define OUT 32
#define SAVED 160

  .section .text, "ax"

.macro save_caller
  sw ra, SAVED+0(a0)
  sw sp, SAVED+4(a0)
  sw gp, SAVED+8(a0)
  sw tp, SAVED+12(a0)
  sw s0, SAVED+16(a0)
  sw s1, SAVED+20(a0)
  sw s2, SAVED+24(a0)
  sw s3, SAVED+28(a0)
  sw s4, SAVED+32(a0)
  sw s5, SAVED+36(a0)
  sw s6, SAVED+40(a0)
  sw s7, SAVED+44(a0)
  sw s8, SAVED+48(a0)
  sw s9, SAVED+52(a0)
  sw s10, SAVED+56(a0)
  sw s11, SAVED+60(a0)
  mv tp, a0
.endm

// Every register but tp (the probe) and a0..a7 (in[]) becomes its sentinel.
.macro fill_sentinels
  li x1, S(1)
  li x2, S(2)
  li x3, S(3)
  li x5, S(5)
  li x6, S(6)
  li x7, S(7)
  li x8, S(8)
  li x9, S(9)
  li x18, S(18)
  li x19, S(19)
  li x20, S(20)
  li x21, S(21)
  li x22, S(22)
  li x23, S(23)
  li x24, S(24)
  li x25, S(25)
  li x26, S(26)
  li x27, S(27)
  li x28, S(28)
  li x29, S(29)
  li x30, S(30)
  li x31, S(31)
  lw a0, IN+0(tp)
  lw a1, IN+4(tp)
  lw a2, IN+8(tp)
  lw a3, IN+12(tp)
  lw a4, IN+16(tp)
  lw a5, IN+20(tp)
  lw a6, IN+24(tp)
  lw a7, IN+28(tp)
.endm

.macro record_and_return
  sw x1, OUT+4(tp)
  sw x2, OUT+8(tp)
  sw x3, OUT+12(tp)
  sw x4, OUT+16(tp)
  sw x5, OUT+20(tp)
  sw x6, OUT+24(tp)
  sw x7, OUT+28(tp)
  sw x8, OUT+32(tp)
  sw x9, OUT+36(tp)
  sw x10, OUT+40(tp)
  sw x11, OUT+44(tp)
  sw x12, OUT+48(tp)
  sw x13, OUT+52(tp)
  sw x14, OUT+56(tp)
  sw x15, OUT+60(tp)
  sw x16, OUT+64(tp)
  sw x17, OUT+68(tp)
  sw x18, OUT+72(tp)
  sw x19, OUT+76(tp)
  sw x20, OUT+80(tp)
  sw x21, OUT+84(tp)
  sw x22, OUT+88(tp)
  sw x23, OUT+92(tp)
  sw x24, OUT+96(tp)
  sw x25, OUT+100(tp)
  sw x26, OUT+104(tp)
  sw x27, OUT+108(tp)
  sw x28, OUT+112(tp)
  sw x29, OUT+116(tp)
  sw x30, OUT+120(tp)
  sw x31, OUT+124(tp)
  mv a0, tp
  lw ra, SAVED+0(a0)
  lw sp, SAVED+4(a0)
  lw gp, SAVED+8(a0)
  lw tp, SAVED+12(a0)
  lw s0, SAVED+16(a0)
  lw s1, SAVED+20(a0)
  lw s2, SAVED+24(a0)
  lw s3, SAVED+28(a0)
  lw s4, SAVED+32(a0)
  lw s5, SAVED+36(a0)
  lw s6, SAVED+40(a0)
  lw s7, SAVED+44(a0)
  lw s8, SAVED+48(a0)
  lw s9, SAVED+52(a0)
  lw s10, SAVED+56(a0)
  lw s11, SAVED+60(a0)
  ret
.endm

  .globl regs_probe_ecall
  .balign 4
regs_probe_ecall:
  save_caller
  fill_sentinels
  ecall
  record_and_return

  .globl regs_probe_spin
  .balign 4
regs_probe_spin:
  save_caller
  fill_sentinels
1:
  addi a1, a1, 1
  bltu a1, a0, 1b
  record_and_return

  .globl regs_thread_entry
  .balign 4
regs_thread_entry:
  sw x1, -128+4(sp)
  sw x2, -128+8(sp)
  sw x3, -128+12(sp)
  sw x4, -128+16(sp)
  sw x5, -128+20(sp)
  sw x6, -128+24(sp)
  sw x7, -128+28(sp)
  sw x8, -128+32(sp)
  sw x9, -128+36(sp)
  sw x10, -128+40(sp)
  sw x11, -128+44(sp)
  sw x12, -128+48(sp)
  sw x13, -128+52(sp)
  sw x14, -128+56(sp)
  sw x15, -128+60(sp)
  sw x16, -128+64(sp)
  sw x17, -128+68(sp)
  sw x18, -128+72(sp)
  sw x19, -128+76(sp)
  sw x20, -128+80(sp)
  sw x21, -128+84(sp)
  sw x22, -128+88(sp)
  sw x23, -128+92(sp)
  sw x24, -128+96(sp)
  sw x25, -128+100(sp)
  sw x26, -128+104(sp)
  sw x27, -128+108(sp)
  sw x28, -128+112(sp)
  sw x29, -128+116(sp)
  sw x30, -128+120(sp)
  sw x31, -128+124(sp)
  li t0, 1
  sw t0, -132(sp)
  li a7, 9  // Syscall::exit_thread (abi/syscalls.def)
  ecall
1:
  j 1b
