// platform.cc — the QEMU virt board: console on the 16550 UART, exit through the test finisher.
#include "courier/core/platform.h"

#include "memory_map.h"

namespace courier::platform {
namespace {

// 16550 registers (byte offsets): transmit holding register and line status register.
constexpr uintptr_t kUartThr = 0;
constexpr uintptr_t kUartLsr = 5;
constexpr uint8_t kLsrThrEmpty = 1u << 5;

// Test finisher commands: 0x5555 = pass, (code << 16) | 0x3333 = fail with code.
constexpr uint32_t kFinisherPass = 0x5555;
constexpr uint32_t kFinisherFail = 0x3333;

// Why the casts are safe: these are the device's fixed MMIO addresses, identity-mapped for the
// kernel (bare mode in M and early S; a global kernel mapping once paging is on).
volatile uint8_t* uart_reg(uintptr_t off) { return reinterpret_cast<volatile uint8_t*>(kUart0 + off); }

}  // namespace

void console_putc(char c) {
  while ((*uart_reg(kUartLsr) & kLsrThrEmpty) == 0) {
  }
  *uart_reg(kUartThr) = static_cast<uint8_t>(c);
}

[[noreturn]] void exit(uint32_t code) {
  auto* finisher = reinterpret_cast<volatile uint32_t*>(kTestFinisher);  // MMIO, see above
  *finisher = code == 0 ? kFinisherPass : ((code << 16) | kFinisherFail);
  for (;;) asm volatile("wfi");
}

Ram ram() { return Ram{kRamBase, kRamSize}; }

const char* name() { return "qemu-virt"; }

}  // namespace courier::platform
