// services/board.h (QEMU virt and the sim SoC, which copies virt's map) — the devices Courier's
// userspace drivers and tests use: physical addresses for map_physical and interrupt lines for
// claim_interrupt. The kernel knows none of this beyond which ranges are devices.
//
// One header per board (services/board/<platform>/, chosen by COURIER_PLATFORM), the same
// names in each, so the servers and the target tests have no #ifdef on the platform. The
// build reads kUartIrq and kRtcIrq from it (cmake/courier.cmake: COURIER_UART_IRQ,
// COURIER_RTC_IRQ), so an image grants exactly the lines its drivers claim.
#pragma once

#include <stdint.h>

namespace courier::board {

inline constexpr uint32_t kDevicePage = 0x1000;
// The console UART (NS16550A, console_uart.h), owned by the log server (which polls it and
// claims no line), and its line.
inline constexpr uint32_t kUart0 = 0x1000'0000;
inline constexpr uint32_t kUartIrq = 10;
// No keyboard device of its own: the workloads' keyboard takes the console UART's receive side
// through the log server (abi/log.h kLogListenInput). 0: none.
inline constexpr uint32_t kKeyboard = 0;
inline constexpr uint32_t kKeyboardIrq = 0;
// The clock with an alarm (the Goldfish RTC, alarm_clock.h), owned by the ticktimer server;
// tests and benchmarks use it as their interrupt source. Its line:
inline constexpr uint32_t kRtc = 0x0010'1000;
inline constexpr uint32_t kRtcIrq = 11;
// A device of the kernel's (the PLIC): map_physical of it answers AccessDenied.
inline constexpr uint32_t kKernelDevice = 0x0c00'0000;
// Where RAM starts, physically (the kernel image is loaded there).
inline constexpr uint32_t kRamBase = 0x8000'0000;

// For the fuzzer: pages map_physical may give out that no server owns (the virtio-mmio slots)
// and the lines an image may grant that no driver claims (virtio 1..8), and ranges it must
// never give out (the PLIC, the CLINT, the test finisher).
inline constexpr uint32_t kSpareDevice = 0x1000'1000;
inline constexpr uint32_t kSpareDevicePages = 8;
inline constexpr uint32_t kSpareIrqFirst = 1;
inline constexpr uint32_t kSpareIrqCount = 8;
struct Range {
  uint32_t base, pages;
};
inline constexpr Range kKernelDevices[] = {
    {0x0c00'0000, 4},   // PLIC
    {0x0200'0000, 12},  // CLINT
    {0x0010'0000, 1},   // SiFive test finisher
};

}  // namespace courier::board
