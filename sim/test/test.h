// Macros for Courier's ISA self-tests (assembly). Each test defines test_main, which runs in
// M-mode and returns 0 in a0 for a pass; rt.S provides the entry, the console, the trap
// handlers that record causes, and the privilege helpers. Tests print what they observe (trap
// causes, values), so the same log on QEMU and on the simulator is itself a check.
#pragma once

#ifdef COURIER_BETRUSTED
// The Precursor's map (the betrusted sim model; sim/rtl/betrusted_bus.sv). The console is the
// kernel UART, which UARTSEL routes to the pins at reset; tests exit through SIMEXIT.
#define UART_BASE 0xF0005000
#define CONSOLE_UART 0xF0007000
#define TIMER0 0xF0001000
#define GPIO_UARTSEL 0xF0003014
#define TICKTIMER 0xF0012000
#define SIMTIME 0xF003E000
#define SIMEXIT 0xF003F000
#define KEYBOARD 0xF0017000
// LiteX register offsets
#define UART_RXTX 0x00
#define UART_TXFULL 0x04
#define UART_RXEMPTY 0x08
#define UART_EV_STATUS 0x0c
#define UART_EV_PENDING 0x10
#define UART_EV_ENABLE 0x14
#define UART_TXEMPTY 0x18
#define TIMER_LOAD 0x00
#define TIMER_RELOAD 0x04
#define TIMER_EN 0x08
#define TIMER_EV_STATUS 0x0c
#define TIMER_EV_PENDING 0x10
#define TIMER_EV_ENABLE 0x14
#define TICK_CONTROL 0x00
#define TICK_TIME1 0x04
#define TICK_TIME0 0x08
#define TICK_TARGET1 0x0c
#define TICK_TARGET0 0x10
#define TICK_EV_STATUS 0x14
#define TICK_EV_PENDING 0x18
#define TICK_EV_ENABLE 0x1c
// KEYBOARD (xous-core utralib/src/generated/precursor_pvt.rs, mod keyboard)
#define KBD_UART_CHAR 0x00
#define KBD_ROW0DAT 0x04
#define KBD_ROW8DAT 0x24
#define KBD_EV_STATUS 0x28
#define KBD_EV_PENDING 0x2c
#define KBD_EV_ENABLE 0x30
// VexRiscv's interrupt array CSRs
#define CSR_SIM_MASK 0x9c0
#define CSR_SIP_ARRAY 0xdc0
#define CSR_MIM_MASK 0xbc0
#define CSR_MIP_ARRAY 0xfc0
#else
#define UART_BASE 0x10000000
#define FINISHER 0x00100000
#define CLINT_MSIP 0x02000000
#define CLINT_MTIMECMP 0x02004000
#define CLINT_MTIME 0x0200bff8
#define PLIC_BASE 0x0c000000
#define RTC_BASE 0x00101000
#endif

// a7 value for "ecall: return to the M-mode code that called run_mode".
#define ECALL_TO_M 0x4d

// Scratch register for the check macros; tests must not keep live values in t6.
.macro CHECK reg, expected, id
  li t6, \expected
  beq \reg, t6, 1f
  mv a1, \reg
  li a0, \id
  j check_failed
1:
.endm

.macro CHECKR reg, expreg, id
  beq \reg, \expreg, 1f
  mv a1, \reg
  li a0, \id
  j check_failed
1:
.endm

.macro PRINT text
  .pushsection .rodata
  2: .asciz "\text"
  .popsection
  la a0, 2b
  call puts
.endm

// Prints "<text><hex of reg>\n".
.macro SHOW text, reg
  mv a0, \reg
  .pushsection .rodata
  2: .asciz "\text"
  .popsection
  la a1, 2b
  call show
.endm

// Arms the next expected trap and resets the record.
.macro EXPECT_TRAP
  la t6, trap_count
  sw zero, 0(t6)
.endm

// After an instruction that should have trapped to M: checks the cause and prints it.
.macro CHECK_TRAP cause, id
  lw t5, trap_count
  CHECK t5, 1, \id
  lw t5, trap_cause
  CHECK t5, \cause, \id
  call show_trap
.endm

// The same for traps taken by the S-mode handler.
.macro CHECK_STRAP cause, id
  lw t5, strap_count
  CHECK t5, 1, \id
  lw t5, strap_cause
  CHECK t5, \cause, \id
  call show_strap
.endm

// Where the M handler resumes after a trap on a fetch (when mepc+4 makes no sense).
.macro RESUME_AT label
  la t6, \label
  la t5, trap_resume
  sw t6, 0(t5)
.endm
