// services/console_uart.h (QEMU virt, the sim SoC) — the console UART as the log server drives
// it: an NS16550A, written by polling (no interrupt). The same class on every board
// (services/board/<platform>/).
#pragma once

#include <stdint.h>

namespace courier::board {

class ConsoleUart {
 public:
  // `va`: where the caller mapped board::kUart0 (map_physical).
  explicit ConsoleUart(uint32_t va)
      : r_(reinterpret_cast<volatile uint8_t*>(static_cast<uintptr_t>(va))) {}
  ConsoleUart() = default;

  // Waits until the transmitter has room, then sends `c`.
  void put(uint8_t c) const {
    while ((r_[kLsr] & kLsrThrEmpty) == 0) {
    }
    r_[kThr] = c;
  }

 private:
  static constexpr uint32_t kThr = 0;  // transmit holding register
  static constexpr uint32_t kLsr = 5;  // line status register
  static constexpr uint8_t kLsrThrEmpty = 1u << 5;
  volatile uint8_t* r_ = nullptr;  // the device page: byte registers
};

}  // namespace courier::board
