// arch/asm.h — constants shared by the assembly files (plain #defines: the assembler reads them).
#pragma once

// PMP entry 0: NAPOT over everything, R|W|X (A=NAPOT is 3 << 3).
#define PMP_NAPOT_RWX 0x1f

// Exceptions delegated to S: all synchronous causes except ecall from S (9, the shim's own
// interface) and from M (11). Bits 0-8, 12, 13, 15.
#define MEDELEG_MASK 0xb1ff
// Interrupts delegated to S: supervisor software, timer and external.
#define MIDELEG_MASK 0x222

#define MSTATUS_MPP_MASK (3 << 11)
#define MSTATUS_MPP_S (1 << 11)

// TrapFrame layout (arch/trap_frame.h): x_i at 4*i, pc at 128, 132 bytes.
#define FRAME_PC 128
#define FRAME_A7 68

// Syscall numbers trap.S dispatches on (abi/syscalls.def; static_assert in trap.cc).
#define SYS_CALL_SCALAR 18
#define SYS_REPLY_AND_RECEIVE_NEXT 22
