// services/console_uart.h (QEMU virt, the sim SoC) — the console UART as the log server drives
// it: an NS16550A, written by polling. Its receive side is the virt platforms' keyboard device:
// the log server, which owns the UART, takes received bytes on the UART's interrupt and hands
// them to the process that asked for console input (abi/log.h: kLogListenInput). The same
// class on every board (services/board/<platform>/).
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

  // Console input (kConsoleInput): a received byte waits; take it; the received-data interrupt
  // on (IER bit 0) or off. Transmit stays polled: the THR-empty interrupt is never enabled.
  static constexpr bool kConsoleInput = true;
  bool rx_ready() const { return (r_[kLsr] & kLsrDataReady) != 0; }
  uint8_t get() const { return r_[kRbr]; }
  void rx_interrupt(bool on) const { r_[kIer] = on ? kIerRxData : 0; }
  // The time of an input event: the cycle CSR (retired instructions on QEMU with -icount,
  // cycles on the sim core), the counter the benchmarks use (bench/target/counter/qemu-virt).
  static uint32_t stamp() {
    uint32_t t;
    asm volatile("rdcycle %0" : "=r"(t));
    return t;
  }

 private:
  static constexpr uint32_t kThr = 0;  // transmit holding register (write)
  static constexpr uint32_t kRbr = 0;  // receive buffer register (read: takes the byte)
  static constexpr uint32_t kIer = 1;  // interrupt enable
  static constexpr uint32_t kLsr = 5;  // line status register
  static constexpr uint8_t kLsrThrEmpty = 1u << 5;
  static constexpr uint8_t kLsrDataReady = 1u << 0;
  static constexpr uint8_t kIerRxData = 1u << 0;
  volatile uint8_t* r_ = nullptr;  // the device page: byte registers
};

}  // namespace courier::board
