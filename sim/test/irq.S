// Interrupts: the CLINT timer (MTI) and software interrupt (MSI), their priority, global
// enables per privilege, wfi wake-up with interrupts masked, vectored mtvec, the M-to-S timer
// forwarding the kernel uses (M sets mip.STIP, S takes STI), S software interrupts, and an
// external interrupt through the PLIC (UART transmitter-empty, source 10).
#include "test.h"

  .text
  .globl test_main
test_main:
  addi sp, sp, -16
  sw ra, 0(sp)
  li s2, CLINT_MTIMECMP
  li s3, -1
  sw s3, 4(s2)
  sw s3, 0(s2)
  PRINT "irq: machine timer\n"
  la t5, irq_count
  sw zero, 0(t5)
  li s2, CLINT_MTIME
  lw s3, 0(s2)
  addi s3, s3, 30
  li s2, CLINT_MTIMECMP
  sw s3, 0(s2)
  sw zero, 4(s2)
  li s2, 0x80
  csrw mie, s2
  csrsi mstatus, 8
1:wfi
  lw s4, irq_count
  beqz s4, 1b
  csrci mstatus, 8
  lw s4, irq_cause
  CHECK s4, 0x80000007, 1
  SHOW "  irq cause=", s4
  PRINT "irq: machine software\n"
  la t5, irq_count
  sw zero, 0(t5)
  li s2, 0x8
  csrw mie, s2
  li s2, CLINT_MSIP
  li s3, 1
  sw s3, 0(s2)
  csrsi mstatus, 8
  nop
  nop
  csrci mstatus, 8
  lw s4, irq_count
  CHECK s4, 1, 2
  lw s4, irq_cause
  CHECK s4, 0x80000003, 3
  SHOW "  irq cause=", s4
  PRINT "irq: priority MSI before MTI\n"
  la t5, irq_count
  sw zero, 0(t5)
  li s2, CLINT_MTIMECMP
  sw zero, 4(s2)
  sw zero, 0(s2)
  li s2, CLINT_MSIP
  li s3, 1
  sw s3, 0(s2)
  li s2, 0x88
  csrw mie, s2
  csrsi mstatus, 8
  nop
  csrci mstatus, 8
  lw s4, irq_count
  CHECK s4, 2, 4
  lw s4, irq_cause              // the last one taken
  CHECK s4, 0x80000007, 5
  PRINT "irq: M interrupts are taken in U even with MIE clear\n"
  la t5, irq_count
  sw zero, 0(t5)
  li s2, 0x8
  csrw mie, s2
  li s2, CLINT_MSIP
  li s3, 1
  sw s3, 0(s2)
  lw s4, irq_count
  CHECK s4, 0, 6
  li a0, 0
  la a1, u_spin
  call run_mode
  lw s4, irq_count
  CHECK s4, 1, 7
  PRINT "irq: wfi wakes with interrupts masked\n"
  csrw mie, zero
  li s2, CLINT_MTIME
  lw s3, 0(s2)
  addi s3, s3, 20
  li s2, CLINT_MTIMECMP
  sw s3, 0(s2)
  sw zero, 4(s2)
  li s2, 0x80
  csrw mie, s2
2:wfi
  csrr s4, mip
  andi s4, s4, 0x80
  beqz s4, 2b
  SHOW "  mip.MTIP=", s4
  li s2, CLINT_MTIMECMP
  li s3, -1
  sw s3, 4(s2)
  sw s3, 0(s2)
  csrw mie, zero
  PRINT "irq: vectored mtvec\n"
  la s2, vectors
  ori s2, s2, 1
  csrw mtvec, s2
  la t5, irq_count
  sw zero, 0(t5)
  li s2, 0x8
  csrw mie, s2
  li s2, CLINT_MSIP
  li s3, 1
  sw s3, 0(s2)
  csrsi mstatus, 8
  nop
  csrci mstatus, 8
  lw s4, vec_hit
  CHECK s4, 3, 8
  lw s4, irq_count
  CHECK s4, 1, 9
  la s2, m_trap
  csrw mtvec, s2
  PRINT "irq: timer forwarded from M to S\n"
  la s2, s_trap
  csrw stvec, s2
  li s2, 0x222
  csrw mideleg, s2
  li s2, 0x20
  csrw mie, s2                  // STIE
  csrs mip, s2                  // STIP, as M's timer handler would set it
  la t5, sirq_count
  sw zero, 0(t5)
  li a0, 1
  la a1, s_enable_and_spin
  call run_mode
  lw s4, sirq_count
  CHECK s4, 1, 10
  lw s4, sirq_cause
  CHECK s4, 0x80000005, 11
  SHOW "  S irq cause=", s4
  csrw mip, zero
  PRINT "irq: S software interrupt\n"
  li s2, 0x2
  csrw mie, s2
  la t5, sirq_count
  sw zero, 0(t5)
  li a0, 1
  la a1, s_self_ipi
  call run_mode
  lw s4, sirq_count
  CHECK s4, 1, 12
  lw s4, sirq_cause
  SHOW "  S irq cause=", s4
  csrw mie, zero
  csrw mideleg, zero
  PRINT "irq: PLIC external interrupt\n"
  li s2, PLIC_BASE
  li s3, 1
  sw s3, 40(s2)                 // priority[10] = 1
  li s3, 1 << 10
  li s4, PLIC_BASE + 0x2000
  sw s3, 0(s4)                  // context 0 enables source 10
  li s4, PLIC_BASE + 0x200000
  sw zero, 0(s4)                // threshold 0
  la t5, irq_count
  sw zero, 0(t5)
  li s2, 0x800
  csrw mie, s2
  csrsi mstatus, 8
  li s2, UART_BASE
  li s3, 2
  sb s3, 1(s2)                  // IER: transmitter-empty interrupt
3:lw s4, irq_count
  beqz s4, 3b
  csrci mstatus, 8
  lw s4, irq_cause
  CHECK s4, 0x8000000b, 13
  lw s4, irq_claim
  CHECK s4, 10, 14
  SHOW "  claimed source=", s4
  csrw mie, zero
  lw ra, 0(sp)
  addi sp, sp, 16
  li a0, 0
  ret

u_spin:
  nop
  nop
  ret
s_self_ipi:
  csrsi sstatus, 2
  csrsi sip, 2
  nop
  nop
  csrci sstatus, 2
  ret

  .align 6
vectors:
  j m_trap
  j m_trap
  j m_trap
  j vec_msi
  j m_trap
  j m_trap
  j m_trap
  j m_trap
  j m_trap
  j m_trap
  j m_trap
  j m_trap
vec_msi:
  csrw mscratch, t0
  la t0, vec_hit
  sw zero, 0(t0)
  addi t0, zero, 3
  sw t0, vec_hit, t6
  csrr t0, mscratch
  j m_trap

  .data
vec_hit: .word 0
