// The QEMU `virt` machine's memory map as Courier uses it (the sim SoC copies it, DESIGN.md §4).
#pragma once

#include <stdint.h>

namespace courier::platform {

inline constexpr uintptr_t kTestFinisher = 0x0010'0000;  // SiFive test device
inline constexpr uintptr_t kRtc = 0x0010'1000;           // Goldfish RTC (line 11)
inline constexpr uintptr_t kClint = 0x0200'0000;
inline constexpr uintptr_t kClintMtimecmp = kClint + 0x4000;
inline constexpr uintptr_t kClintMtime = kClint + 0xbff8;
inline constexpr uintptr_t kPlic = 0x0c00'0000;
// The PLIC pages the kernel uses: source priorities, the S-mode context's enables, and its
// threshold and claim/complete registers (hart 0's S context is context 1).
inline constexpr uintptr_t kPlicPriority = kPlic;
inline constexpr uintptr_t kPlicEnablePage = kPlic + 0x2000;
inline constexpr uintptr_t kPlicSEnableOffset = 0x80;
inline constexpr uintptr_t kPlicSContext = kPlic + 0x20'1000;
// Interrupt lines the kernel routes: 1 .. 31 (virtio 1-8, UART 10, RTC 11).
inline constexpr uint32_t kIrqLines = 32;
inline constexpr uint32_t kUartIrq = 10;
inline constexpr uint32_t kRtcIrq = 11;
inline constexpr uintptr_t kUart0 = 0x1000'0000;   // NS16550A
inline constexpr uintptr_t kVirtio = 0x1000'1000;  // first of eight virtio-mmio slots
inline constexpr uintptr_t kRamBase = 0x8000'0000;
// Courier's whole system runs in 4 MiB of RAM (DESIGN.md §7); QEMU is given more (its device
// tree sits at the top), and the kernel uses only this much.
inline constexpr uint32_t kRamSize = 4u << 20;
inline constexpr uint32_t kTimerHz = 10'000'000;
// The kernel's view of RAM: virtual = physical + this (identity here).
inline constexpr uintptr_t kKernelVaOffset = 0;

// Where the kernel sees its console once paging is on: the device window (kernel-only, global)
// starts here, one 4 KiB page per device.
inline constexpr uintptr_t kKernelDeviceWindow = 0xf000'0000;
inline constexpr uintptr_t kUartKernelVa = kKernelDeviceWindow;  // the panic path only
inline constexpr uintptr_t kPlicPriorityVa = kKernelDeviceWindow + 0x1000;
inline constexpr uintptr_t kPlicEnableVa = kKernelDeviceWindow + 0x2000;
inline constexpr uintptr_t kPlicSContextVa = kKernelDeviceWindow + 0x3000;

// Physical ranges a userspace driver may claim with map_physical: the devices, never RAM and
// never the interrupt controller (the kernel's). The UART belongs to the log server; the
// kernel keeps its own mapping of it only to print a panic or the final halt.
struct Window {
  uint32_t base, size;
};
inline constexpr Window kUserMmio[] = {
    {0x1000'0000, 0x1000},  // UART0 (16550)
    {0x1000'1000, 0x8000},  // virtio-mmio slots
    {0x0010'1000, 0x1000},  // Goldfish RTC
};

}  // namespace courier::platform
