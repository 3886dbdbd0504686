// The QEMU `virt` machine's memory map as Courier uses it (the sim SoC copies it, DESIGN.md §4).
#pragma once

#include <stdint.h>

namespace courier::platform {

inline constexpr uintptr_t kTestFinisher = 0x0010'0000;  // SiFive test device
inline constexpr uintptr_t kClint = 0x0200'0000;
inline constexpr uintptr_t kPlic = 0x0c00'0000;
inline constexpr uintptr_t kUart0 = 0x1000'0000;         // NS16550A
inline constexpr uintptr_t kRamBase = 0x8000'0000;
// Courier's whole system runs in 4 MiB of RAM (DESIGN.md §7); QEMU is given more (its device
// tree sits at the top), and the kernel uses only this much.
inline constexpr uint32_t kRamSize = 4u << 20;

}  // namespace courier::platform
