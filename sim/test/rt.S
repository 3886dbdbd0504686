// Runtime shared by the ISA self-tests: entry, console output through the 16550 UART, exit
// through the test finisher (with COURIER_BETRUSTED: the kernel LiteX UART and SIMEXIT, for the
// betrusted sim model), and M/S trap handlers that record (cause, epc, tval) and resume, so
// a test can provoke a trap and then check what was recorded.
//
// Handler conventions: an exception resumes at trap_resume if a test set it (for faults on
// fetch), else at epc + 4. `ecall` with a7 = ECALL_TO_M returns to M-mode at the point
// run_mode saved. Interrupts are recorded and their source silenced, so the handler never loops.
#include "test.h"

  .section .text.init
  .globl _start
_start:
  la sp, stack_top
  la t0, m_trap
  csrw mtvec, t0
#ifndef COURIER_BETRUSTED
  // QEMU denies S/U memory access until PMP grants it; the simulator has no PMP checker.
  // (Betrusted's core has no PMP: the CSRs do not exist there.)
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
#endif
  call test_main
  // fall through with a0 = status
  .globl exit
exit:
  mv s0, a0
  bnez s0, 1f
  PRINT "PASS\n"
#ifdef COURIER_BETRUSTED
  li t0, SIMEXIT
  sw zero, 0(t0)
#else
  li t0, FINISHER
  li t1, 0x5555
  sw t1, 0(t0)
#endif
  j .
1:
  PRINT "FAIL\n"
#ifdef COURIER_BETRUSTED
  li t0, SIMEXIT
  sw s0, 0(t0)
#else
  li t0, FINISHER
  slli t1, s0, 16
  li t2, 0x3333
  or t1, t1, t2
  sw t1, 0(t0)
#endif
  j .

  // a0 = check id, a1 = value seen
  .globl check_failed
check_failed:
  mv s0, a0
  mv s1, a1
  PRINT "check failed: id="
  mv a0, s0
  call puthex
  PRINT " got="
  mv a0, s1
  call puthex
  PRINT "\n"
  mv a0, s0
  j exit

  .text
#ifdef COURIER_BETRUSTED
  // putc(a0): waits while the TX FIFO is full, then queues the byte. Clobbers t3, t4.
  .globl putc
putc:
  li t3, UART_BASE
1:lw t4, UART_TXFULL(t3)
  bnez t4, 1b
  sw a0, UART_RXTX(t3)
  ret
#else
  // putc(a0): waits for THR empty (LSR bit 5), then writes. Clobbers t3, t4.
  .globl putc
putc:
  li t3, UART_BASE
1:lbu t4, 5(t3)
  andi t4, t4, 0x20
  beqz t4, 1b
  sb a0, 0(t3)
  ret
#endif

  // puts(a0 = string). Clobbers a0, t3-t5.
  .globl puts
puts:
  mv t5, a0
  mv a3, ra
1:lbu a0, 0(t5)
  beqz a0, 2f
  call putc
  addi t5, t5, 1
  j 1b
2:mv ra, a3
  ret

  // puthex(a0): eight hex digits. Clobbers a0-a3, t3-t5.
  .globl puthex
puthex:
  mv a2, a0
  mv a3, ra
  li t5, 28
1:srl a0, a2, t5
  andi a0, a0, 15
  addi a0, a0, '0'
  li t4, '9'
  ble a0, t4, 2f
  addi a0, a0, 'a' - '9' - 1
2:call putc
  addi t5, t5, -4
  bgez t5, 1b
  mv ra, a3
  ret

  // show(a0 = value, a1 = label): prints "label value\n". Clobbers a0-a5, t3-t5.
  .globl show
show:
  mv a4, a0
  mv a5, ra
  mv a0, a1
  call puts
  mv a0, a4
  call puthex
  li a0, '\n'
  call putc
  mv ra, a5
  ret

  // show_trap: prints the last M trap record as "  trap cause=.. tval=..".
  .globl show_trap
show_trap:
  mv s11, ra
  PRINT "  M trap cause="
  lw a0, trap_cause
  call puthex
  PRINT " tval="
  lw a0, trap_tval
  call puthex
  PRINT "\n"
  mv ra, s11
  ret

  .globl show_strap
show_strap:
  mv s11, ra
  PRINT "  S trap cause="
  lw a0, strap_cause
  call puthex
  PRINT " tval="
  lw a0, strap_tval
  call puthex
  PRINT "\n"
  mv ra, s11
  ret

  // run_mode(a0 = 0 for U / 1 for S, a1 = function): runs the function in that mode; it
  // comes back with `li a7, ECALL_TO_M; ecall` (the return address it is given does that).
  // Callee-saved registers and sp survive; a0-a1 carry results back.
  .globl run_mode
run_mode:
  la t0, m_resume_ra
  sw ra, 0(t0)
  la t0, m_resume_sp
  sw sp, 0(t0)
  la t0, 1f
  la t1, m_resume
  sw t0, 0(t1)
  li t0, 0x1800
  csrc mstatus, t0
  slli t0, a0, 11
  csrs mstatus, t0
  csrw mepc, a1
  la ra, back_to_m
  mret
1:lw ra, m_resume_ra
  lw sp, m_resume_sp
  ret

  .globl back_to_m
back_to_m:
  li a7, ECALL_TO_M
  ecall

  // For run_mode in S: opens an interrupt window of two instructions (sstatus.SIE set), so a
  // pending supervisor interrupt is taken there, and returns.
  .globl s_enable_and_spin
s_enable_and_spin:
  csrsi sstatus, 2
  nop
  nop
  csrci sstatus, 2
  ret

  // ---- M-mode trap handler ----
  .align 6
  .globl m_trap
m_trap:
  csrw mscratch, t0
  la t0, save_t1
  sw t1, 0(t0)
  csrr t0, mcause
  bltz t0, m_irq
  // ecall (from U, S or M) asking to return to M-mode? Not recorded as a trap.
  addi t0, t0, -8
  li t1, 3
  bgtu t0, t1, 1f
  li t1, ECALL_TO_M
  bne a7, t1, 1f
  li a7, 0
  li t0, 0x1800
  csrs mstatus, t0
  li t0, 0x80                  // back in M with MIE clear, whatever MPIE held
  csrc mstatus, t0
  lw t0, m_resume
  csrw mepc, t0
  j m_out
1:csrr t0, mcause
  la t1, trap_cause
  sw t0, 0(t1)
  csrr t1, mtval
  la t0, trap_tval
  sw t1, 0(t0)
  csrr t1, mepc
  la t0, trap_epc
  sw t1, 0(t0)
  la t0, trap_count
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  lw t0, trap_resume
  beqz t0, 3f
  csrw mepc, t0
  la t0, trap_resume
  sw zero, 0(t0)
  j m_out
3:csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
m_out:
  lw t1, save_t1
  csrr t0, mscratch
  mret

  // Interrupt: record it and silence its source.
m_irq:
  la t1, irq_cause
  sw t0, 0(t1)
  la t1, irq_count
  lw t0, 0(t1)
  addi t0, t0, 1
  sw t0, 0(t1)
  csrr t0, mcause
  slli t0, t0, 1
  srli t0, t0, 1
#ifdef COURIER_BETRUSTED
  // MEI from the interrupt array: record the pending lines (mip array), acknowledge TIMER0
  // (EV_PENDING) and stop it; quiet the KEYBOARD (EV_ENABLE = 0: its injected character and
  // event stay for the test to see); the TICKTIMER alarm is a level that writing EV_PENDING
  // does not clear: move its target to the end of time.
  li t1, 11
  bne t0, t1, 1f
  csrr t1, CSR_MIP_ARRAY
  la t0, irq_claim
  sw t1, 0(t0)
  andi t0, t1, 1
  beqz t0, 2f
  li t0, TIMER0
  sw zero, TIMER_EN(t0)
  li t1, 1
  sw t1, TIMER_EV_PENDING(t0)
  lw t1, irq_claim
2:srli t0, t1, 13
  andi t0, t0, 1
  beqz t0, 2f
  li t0, KEYBOARD
  sw zero, KBD_EV_ENABLE(t0)
2:srli t1, t1, 8
  andi t1, t1, 1
  beqz t1, m_out
  li t0, TICKTIMER
  li t1, 1
  sw t1, TICK_EV_PENDING(t0)
  li t1, -1
  sw t1, TICK_TARGET1(t0)
  sw t1, TICK_TARGET0(t0)
  j m_out
#else
  li t1, 7
  bne t0, t1, 1f
  li t0, CLINT_MTIMECMP        // MTI: push mtimecmp to the end of time
  li t1, -1
  sw t1, 4(t0)
  sw t1, 0(t0)
  j m_out
1:li t1, 3
  bne t0, t1, 1f
  li t0, CLINT_MSIP            // MSI: clear msip
  sw zero, 0(t0)
  j m_out
1:li t1, 11
  bne t0, t1, 1f
  li t0, PLIC_BASE + 0x200004  // MEI: claim, quiet the UART, complete
  lw t1, 0(t0)
  sw t1, 0(t0)
  la t0, irq_claim
  sw t1, 0(t0)
  li t0, UART_BASE
  sb zero, 1(t0)
  j m_out
#endif
1:li t0, 0x222                 // S-level interrupts taken in M: clear their pending bits
  csrc mip, t0
  csrc mie, t0
  j m_out

  // ---- S-mode trap handler (used when a test delegates) ----
  .align 6
  .globl s_trap
s_trap:
  csrw sscratch, t0
  la t0, ssave_t1
  sw t1, 0(t0)
  csrr t0, scause
  bltz t0, s_irq
  // A delegated ECALL_TO_M from U is passed on to M with an ecall of our own.
  addi t0, t0, -8
  bnez t0, 1f
  li t0, ECALL_TO_M
  bne a7, t0, 1f
  ecall
1:csrr t0, scause
  la t1, strap_cause
  sw t0, 0(t1)
  csrr t1, stval
  la t0, strap_tval
  sw t1, 0(t0)
  la t0, strap_count
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
s_out:
  lw t1, ssave_t1
  csrr t0, sscratch
  sret
s_irq:
  la t1, sirq_cause
  sw t0, 0(t1)
  la t1, sirq_count
  lw t0, 0(t1)
  addi t0, t0, 1
  sw t0, 0(t1)
  li t0, 0x222                 // SSIP is ours to clear; STIP/SEIP belong to M: mask them
  csrc sip, t0
  csrc sie, t0
  j s_out

  .data
  .align 4
  .globl trap_cause, trap_tval, trap_epc, trap_count, trap_resume, irq_cause, irq_count
  .globl strap_cause, strap_tval, strap_count, sirq_cause, sirq_count, irq_claim
trap_cause: .word 0
trap_tval: .word 0
trap_epc: .word 0
trap_count: .word 0
trap_resume: .word 0
irq_cause: .word 0
irq_count: .word 0
irq_claim: .word 0
strap_cause: .word 0
strap_tval: .word 0
strap_count: .word 0
sirq_cause: .word 0
sirq_count: .word 0
save_t1: .word 0
ssave_t1: .word 0
m_resume: .word 0
m_resume_ra: .word 0
m_resume_sp: .word 0

  .bss
  .align 4
  .space 8192
stack_top:
