// arch/trap_frame.h — the user register state saved on every trap.
//
// trap.S stores x1..x31 and sepc here on entry from U-mode and reloads them on the way out; the
// offsets below are the contract between that assembly and C++ (checked by static_assert).
// x[0] is never saved (it is the zero register); its slot is unused.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace courier::arch {

struct TrapFrame {
  uint32_t x[32];
  uint32_t pc;

  // ABI register names for the syscall convention (abi/syscall.h).
  uint32_t& a(unsigned i) { return x[10 + i]; }
  uint32_t& sp() { return x[2]; }
};

inline constexpr unsigned kFramePcOffset = 128;
static_assert(offsetof(TrapFrame, pc) == kFramePcOffset);
static_assert(sizeof(TrapFrame) == 132);

}  // namespace courier::arch
