// The Precursor's (Betrusted's) memory map as Courier uses it: ../../../DESIGN.md §4 and the
// project's PRECURSOR.md (facts from Xous's utralib/precursor/soc-pvt.svd, LiteX and
// VexRiscv). Courier's betrusted-sim SoC models exactly this map (sim/README.md).
#pragma once

#include <stdint.h>

namespace courier::platform {

// --- memory ---------------------------------------------------------------------------------
inline constexpr uintptr_t kBootRom = 0x8000'0000;  // 64 KiB, in the bitstream: jumps to the slot
inline constexpr uintptr_t kFlash = 0x2000'0000;    // SPI flash, execute in place, read-only
inline constexpr uintptr_t kLoaderSlot = kFlash + 0x50'0000;  // 4 KiB signature page, then code
inline constexpr uintptr_t kLoaderEntry = kLoaderSlot + 0x1000;  // 0x2050_1000, in M-mode
inline constexpr uintptr_t kRamBase = 0x4000'0000;  // external SRAM (16 MiB)
// Courier's whole system runs in 4 MiB of it (DESIGN.md §7).
inline constexpr uint32_t kRamSize = 4u << 20;
// The kernel's view of RAM: virtual = physical + this, so the kernel sits at 0x8000_0000 as on
// QEMU virt and user space ([0x10000, 0x8000_0000)) is the same on every platform.
inline constexpr uintptr_t kKernelVaOffset = 0x4000'0000;

// --- peripherals: one 4 KiB page each in the CSR space (uncached), and their lines ---------------
inline constexpr uintptr_t kTimer0 = 0xf000'1000;       // the kernel's tick (line 0)
inline constexpr uintptr_t kGpio = 0xf000'3000;         // UARTSEL at +0x14
inline constexpr uintptr_t kKernelUart = 0xf000'5000;   // line 2: the panic path's
inline constexpr uintptr_t kConsoleUart = 0xf000'7000;  // line 3: the log server's
inline constexpr uintptr_t kTicktimer = 0xf001'2000;    // line 8: ms since boot, the ticktimer's
inline constexpr uintptr_t kKeyboard = 0xf001'7000;     // line 13 (the workloads' later)
// Courier's simulator only (sim/README.md): pages the device's CSR space leaves unused. A
// cycle timestamp (the performance bitstream's PERFCOUNTER stands in for it on a device) and a
// register that ends the run with a status (the device has no finisher). The loader probes
// SIMTIME's ID register at boot; the kernel touches neither unless the probe found it.
inline constexpr uintptr_t kSimTime = 0xf003'e000;
// SIMTIME's registers again at 0xF003_A000 .. 0xF003_D000: a page each for up to five processes.
inline constexpr uintptr_t kSimTimeAliases = 0xf003'a000;
inline constexpr uintptr_t kSimExit = 0xf003'f000;
inline constexpr uint32_t kSimTimeId = 0x5349'4d54;  // at +0x08 of SIMTIME
inline constexpr uint32_t kSimIdOffset = 0x08;

inline constexpr uint32_t kTimer0Line = 0;
inline constexpr uint32_t kKernelUartLine = 2;
inline constexpr uint32_t kConsoleUartLine = 3;
inline constexpr uint32_t kTicktimerLine = 8;
// The interrupt array: 32 lines (VexRiscv's custom CSRs, irq_array.h).
inline constexpr uint32_t kIrqLines = 32;

// LiteX UART registers (32-bit words, byte offsets).
inline constexpr uint32_t kUartRxtx = 0x00, kUartTxfull = 0x04, kUartTxempty = 0x18;
// LiteX timer registers.
inline constexpr uint32_t kTimerLoad = 0x00, kTimerReload = 0x04, kTimerEn = 0x08,
                          kTimerEvPending = 0x10, kTimerEvEnable = 0x14;
// TICKTIMER registers: the 64-bit millisecond count, read as two words.
inline constexpr uint32_t kTicktimerTime1 = 0x04, kTicktimerTime0 = 0x08;
inline constexpr uint32_t kGpioUartsel = 0x14;
inline constexpr uint32_t kUartselKernel = 0, kUartselConsole = 1;

// The kernel's clock is the TICKTIMER (no time CSR here): 1 kHz.
inline constexpr uint32_t kTimerHz = 1000;
// TIMER0 counts in the always-on domain, 12 MHz (PRECURSOR.md): its reload for the 10 ms tick.
inline constexpr uint32_t kTimer0Hz = 12'000'000;

// The kernel's device window: the CSR space is mapped at its own address (kernel-only,
// global), so the device addresses above are valid before and after the kernel's own page
// tables replace the loader's.
inline constexpr uintptr_t kKernelDeviceWindow = 0xf000'0000;

struct Window {
  uint32_t base, size;
};

}  // namespace courier::platform
