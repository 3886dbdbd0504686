// services/board.h (the Precursor: PRECURSOR.md, and the betrusted SoC model) — the devices
// Courier's userspace drivers and tests use: physical addresses for map_physical and interrupt
// lines for claim_interrupt. The kernel knows none of this beyond which ranges are devices.
//
// The same names as every board's header (services/board/qemu-virt/.../board.h has the
// contract); the build reads kUartIrq and kRtcIrq from here on this platform.
#pragma once

#include <stdint.h>

namespace courier::board {

inline constexpr uint32_t kDevicePage = 0x1000;
// The console UART (LiteX, console_uart.h), owned by the log server (which polls it and claims
// no line), and its line. (The kernel UART, 0xF000_5000, is the kernel's.)
inline constexpr uint32_t kUart0 = 0xf000'7000;
inline constexpr uint32_t kUartIrq = 3;
// The clock with an alarm (the TICKTIMER, alarm_clock.h: milliseconds, a level alarm), owned by
// the ticktimer server; tests and benchmarks use it as their interrupt source. Its line:
inline constexpr uint32_t kRtc = 0xf001'2000;
inline constexpr uint32_t kRtcIrq = 8;
// A device of the kernel's (TIMER0, its tick): map_physical of it answers AccessDenied.
inline constexpr uint32_t kKernelDevice = 0xf000'1000;
// Where RAM (the external SRAM) starts, physically. The kernel is loaded there and runs at
// virtual 0x8000_0000, as on every platform.
inline constexpr uint32_t kRamBase = 0x4000'0000;

// The keyboard (KEYBOARD, sim/README.md has its registers, after Xous's utralib) and its line:
// the workloads' keyboard server drives it (workloads/betrusted/keyboard.cc).
inline constexpr uint32_t kKeyboard = 0xf001'7000;
inline constexpr uint32_t kKeyboardIrq = 13;
// For the fuzzer: a page map_physical may give out that no server owns in its image (the
// KEYBOARD) and its line, which an image may grant and no driver claims here, and ranges it must never give out.
inline constexpr uint32_t kSpareDevice = 0xf001'7000;
inline constexpr uint32_t kSpareDevicePages = 1;
inline constexpr uint32_t kSpareIrqFirst = 13;
inline constexpr uint32_t kSpareIrqCount = 1;
struct Range {
  uint32_t base, pages;
};
inline constexpr Range kKernelDevices[] = {
    {0xf000'1000, 1},  // TIMER0: the kernel's tick
    {0xf000'3000, 1},  // GPIO: UARTSEL, the kernel's choice of UART
    {0xf000'5000, 1},  // kernel UART
    {0xf003'f000, 1},  // SIMEXIT (sim only; a bus error on the device)
};

}  // namespace courier::board
