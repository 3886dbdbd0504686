// boot.S — the Precursor's loader and M-mode trap: all the M-mode code Courier has here.
//
// The boot ROM checks the loader slot's signature and jumps here, 0x2050_1000 in flash, in
// M-mode (PRECURSOR.md). This code runs from flash, at its link address, before anything else:
//   - parks every hart but hart 0 and gives the pins (GPIO UARTSEL) to the kernel UART;
//   - copies the kernel (text, rodata, data) and the boot archive from flash into SRAM at
//     0x4000_0000 and zeroes .bss (kernel.ld gives every range's flash and SRAM addresses);
//   - probes the simulator's SIMTIME page (memory_map.h): a device answers with something else
//     or faults, which is skipped; the kernel reads the result in g_sim_present;
//   - delegates every exception except ecalls from S/M, and the supervisor interrupts, to S
//     (there is no PMP to open, no counter to enable: the core has neither);
//   - builds a two-entry page table (4 MiB of SRAM at 0x8000_0000, the CSR space at its own
//     address) in the first free page past the kernel, turns paging on and mrets into
//     kernel_entry in S-mode. The kernel builds its own tables at once (arch/rv32/mmu.cc); the
//     page is free RAM after that.
// Anything that traps into M-mode afterwards is fatal: m_trap prints it on the kernel UART and
// ends the run (the simulator) or halts (a device).
#include "courier/arch/asm.h"

// An absolute address (the kernel's physical ones are link-time constants, kernel.ld).
.macro ABS reg, sym
  lui \reg, %hi(\sym)
  addi \reg, \reg, %lo(\sym)
.endm

#define GPIO_UARTSEL 0xf0003014
#define KERNEL_UART 0xf0005000
#define SIMTIME_ID 0xf003e008
#define SIMEXIT 0xf003f000
#define SIMTIME_ID_VALUE 0x53494d54
// Sv32 leaf bits: V R W X G A D (no U): kernel-only, global.
#define PTE_KERNEL_RWX 0xef
#define PTE_KERNEL_RW 0xe7

  .section .text.loader, "ax"
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, park
  li t0, GPIO_UARTSEL
  sw zero, 0(t0)

  ABS a0, __load_lma
  ABS a1, __kernel_start_pa
  ABS a2, __data_end_pa
  jal t6, copy
  ABS a0, __archive_lma
  ABS a1, __boot_archive_start_pa
  ABS a2, __boot_archive_end_pa
  jal t6, copy
  ABS a1, __bss_start_pa
  ABS a2, __bss_end_pa
  jal t6, zero_range

  // Probe SIMTIME: a fault leaves t3 = 0 (probe_fault skips the load).
  la t0, probe_fault
  csrw mtvec, t0
  li t3, 0
  li t1, SIMTIME_ID
  lw t3, 0(t1)
  li t1, SIMTIME_ID_VALUE
  sub t3, t3, t1
  seqz t3, t3
  ABS t1, g_sim_present_pa
  sw t3, 0(t1)

  la t0, m_trap
  csrw mtvec, t0
  li t0, MEDELEG_MASK
  csrw medeleg, t0
  li t0, MIDELEG_MASK
  csrw mideleg, t0
  csrw mie, zero

  // The loader's page table: the page at __kernel_end (free RAM once the kernel has its own).
  ABS a1, __kernel_end_pa
  li t0, 4096
  add a2, a1, t0
  jal t6, zero_range
  ABS a1, __kernel_end_pa
  li t0, ((0x40000000 >> 12) << 10) | PTE_KERNEL_RWX  // VA 0x8000_0000 -> SRAM
  li t1, 0x200 * 4
  add t1, a1, t1
  sw t0, 0(t1)
  li t0, ((0xf0000000 >> 12) << 10) | PTE_KERNEL_RW   // VA 0xf000_0000 -> the CSR space
  li t1, 0x3c0 * 4
  add t1, a1, t1
  sw t0, 0(t1)
  srli t0, a1, 12
  li t1, 0x80000000                                   // Sv32
  or t0, t0, t1
  csrw satp, t0
  sfence.vma

  li t0, MSTATUS_MPP_MASK
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S
  csrs mstatus, t0
  ABS t0, kernel_entry
  csrw mepc, t0
  mret

park:
  wfi
  j park

// copy words [a0, ...) to [a1, a2); returns through t6.
copy:
  bgeu a1, a2, 2f
  lw t0, 0(a0)
  sw t0, 0(a1)
  addi a0, a0, 4
  addi a1, a1, 4
  j copy
2:
  jr t6

// zero words [a1, a2); returns through t6.
zero_range:
  bgeu a1, a2, 2f
  sw zero, 0(a1)
  addi a1, a1, 4
  j zero_range
2:
  jr t6

  .balign 4
probe_fault:
  csrr t6, mepc
  addi t6, t6, 4
  csrw mepc, t6
  mret

// A trap in M-mode after boot: "M-MODE TRAP: mcause XXXXXXXX at XXXXXXXX, mtval XXXXXXXX" on
// the kernel UART (the pins taken back), then the end of the run or a halt. Registers are not
// saved: nothing returns from here.
  .balign 4
m_trap:
  li t0, GPIO_UARTSEL
  sw zero, 0(t0)
  la a0, msg_trap
  jal t4, puts
  csrr a0, mcause
  jal t4, puthex
  la a0, msg_at
  jal t4, puts
  csrr a0, mepc
  jal t4, puthex
  la a0, msg_tval
  jal t4, puts
  csrr a0, mtval
  jal t4, puthex
  li a0, '\n'
  jal t5, putc
  ABS t0, g_sim_present_pa
  lw t0, 0(t0)
  beqz t0, 1f
  li t0, SIMEXIT
  li t1, 99           // kPanicExitCode (core/platform.h)
  sw t1, 0(t0)
1:
  wfi
  j 1b

// putc a0 (returns through t5); puts a0 = NUL-terminated string, puthex a0 (through t4).
putc:
  li t0, KERNEL_UART
1:
  lw t1, 4(t0)        // TXFULL
  bnez t1, 1b
  sw a0, 0(t0)        // RXTX
  jr t5
puts:
  mv t2, a0
1:
  lbu a0, 0(t2)
  beqz a0, 2f
  jal t5, putc
  addi t2, t2, 1
  j 1b
2:
  jr t4
puthex:
  mv t2, a0
  li t3, 28
1:
  srl a0, t2, t3
  andi a0, a0, 15
  addi a0, a0, '0'
  li t1, '9'
  ble a0, t1, 2f
  addi a0, a0, 'a' - '9' - 1
2:
  jal t5, putc
  addi t3, t3, -4
  bgez t3, 1b
  jr t4

msg_trap: .asciz "\nM-MODE TRAP: mcause "
msg_at: .asciz " at "
msg_tval: .asciz ", mtval "
