// services/console_uart.h (the Precursor) — the console UART as the log server drives it: a
// LiteX UART (PRECURSOR.md), written by polling (no interrupt). The same class on every board
// (services/board/qemu-virt/.../console_uart.h).
//
// The pins are muxed (GPIO UARTSEL): the kernel hands them to the console UART when the log
// server becomes the kernel log's reader, and takes them back for a panic or the final halt.
#pragma once

#include <stdint.h>

namespace courier::board {

class ConsoleUart {
 public:
  // `va`: where the caller mapped board::kUart0 (map_physical).
  explicit ConsoleUart(uint32_t va)
      : r_(reinterpret_cast<volatile uint32_t*>(static_cast<uintptr_t>(va))) {}
  ConsoleUart() = default;

  // Waits until the 16-deep TX FIFO has room, then sends `c`.
  void put(uint8_t c) const {
    while (r_[kTxFull] != 0) {
    }
    r_[kRxTx] = c;
  }

  // No console input here: the Precursor's keyboard is its own device (KEYBOARD, 0xF001_7000,
  // line 13), driven by the workload's keyboard server. (The names exist so the log server
  // has no #ifdef on the board.)
  static constexpr bool kConsoleInput = false;
  bool rx_ready() const { return false; }
  uint8_t get() const { return 0; }
  void rx_interrupt(bool) const {}
  static uint32_t stamp() { return 0; }

 private:
  static constexpr uint32_t kRxTx = 0x00 / 4;    // bits 7:0: a write sends
  static constexpr uint32_t kTxFull = 0x04 / 4;  // 1 while the TX FIFO is full
  volatile uint32_t* r_ = nullptr;  // the device page: 32-bit CSR words
};

}  // namespace courier::board
