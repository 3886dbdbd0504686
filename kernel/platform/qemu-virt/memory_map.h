// The QEMU `virt` machine's memory map as Courier uses it (the sim SoC copies it, DESIGN.md §4).
#pragma once

#include <stdint.h>

namespace courier::platform {

inline constexpr uintptr_t kTestFinisher = 0x0010'0000;  // SiFive test device
inline constexpr uintptr_t kClint = 0x0200'0000;
inline constexpr uintptr_t kClintMtimecmp = kClint + 0x4000;
inline constexpr uintptr_t kClintMtime = kClint + 0xbff8;
inline constexpr uintptr_t kPlic = 0x0c00'0000;
inline constexpr uintptr_t kUart0 = 0x1000'0000;   // NS16550A
inline constexpr uintptr_t kVirtio = 0x1000'1000;  // first of eight virtio-mmio slots
inline constexpr uintptr_t kRamBase = 0x8000'0000;
// Courier's whole system runs in 4 MiB of RAM (DESIGN.md §7); QEMU is given more (its device
// tree sits at the top), and the kernel uses only this much.
inline constexpr uint32_t kRamSize = 4u << 20;
inline constexpr uint32_t kTimerHz = 10'000'000;

// Where the kernel sees its console once paging is on: the device window (kernel-only, global)
// starts here, one 4 KiB page per device.
inline constexpr uintptr_t kKernelDeviceWindow = 0xf000'0000;
inline constexpr uintptr_t kUartKernelVa = kKernelDeviceWindow;

// Physical ranges a userspace driver may claim with map_physical (never RAM, never the
// kernel's console UART).
struct Window {
  uint32_t base, size;
};
inline constexpr Window kUserMmio[] = {
    {0x1000'1000, 0x8000},       // virtio-mmio slots
    {0x0c00'0000, 0x0040'0000},  // PLIC (until the kernel routes interrupts itself)
};

}  // namespace courier::platform
