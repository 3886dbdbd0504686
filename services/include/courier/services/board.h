// services/board.h — the devices Courier's userspace drivers own on QEMU virt and the sim SoC
// (which copies virt's map): physical addresses for map_physical and interrupt lines for
// claim_interrupt. The kernel knows none of this beyond which ranges are devices.
#pragma once

#include <stdint.h>

namespace courier::board {

inline constexpr uint32_t kUart0 = 0x1000'0000;  // NS16550A, line 10; owned by the log server
inline constexpr uint32_t kUartIrq = 10;
inline constexpr uint32_t kRtc = 0x0010'1000;  // Goldfish RTC, line 11; owned by ticktimer
inline constexpr uint32_t kRtcIrq = 11;
inline constexpr uint32_t kPlic = 0x0c00'0000;  // the kernel's: never mappable
inline constexpr uint32_t kDevicePage = 0x1000;

}  // namespace courier::board
