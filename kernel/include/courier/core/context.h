// core/context.h — a user thread's register state, saved on every trap.
//
// Courier is a RISC-V kernel on every build: the rv32 kernel's trap.S stores x1..x31 and sepc
// here on entry from U-mode and reloads them on the way out, and the host build drives the
// same structure directly in tests. The offsets below are the contract with trap.S (checked
// by static_assert, and mirrored in arch/asm.h). x[0] is the zero register; its slot is unused.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace courier::arch {

struct TrapFrame {
  uint32_t x[32];
  uint32_t pc;

  // ABI register names for the syscall convention (abi/syscall.h).
  uint32_t& a(unsigned i) { return x[10 + i]; }
  uint32_t a(unsigned i) const { return x[10 + i]; }
  uint32_t& sp() { return x[2]; }
};

inline constexpr unsigned kFramePcOffset = 128;
static_assert(offsetof(TrapFrame, pc) == kFramePcOffset);
static_assert(sizeof(TrapFrame) == 132);

}  // namespace courier::arch
