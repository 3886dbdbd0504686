// platform.cc — the QEMU virt board: console on the 16550 UART, exit through the test finisher
// (reached via the M-mode shim once the kernel runs with paging on), timer from the CLINT.
#include "courier/core/platform.h"

#include "board.h"
#include "courier/arch/csr.h"
#include "courier/arch/shim.h"
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

// The console's address: physical until the kernel's device window is mapped, then the window.
constinit uintptr_t uart_base = kUart0;

}  // namespace

void console_putc(char c) {
  // Safe: uart_base is the 16550's MMIO, identity (bare mode) or through the kernel's window.
  volatile auto* uart = reinterpret_cast<volatile uint8_t*>(uart_base);
  while ((uart[kUartLsr] & kLsrThrEmpty) == 0) {
  }
  uart[kUartThr] = static_cast<uint8_t>(c);
}

void use_kernel_window() { uart_base = kUartKernelVa; }
void use_physical_console() { uart_base = kUart0; }

[[noreturn]] void exit(uint32_t code) {
  arch::shim_call(arch::kShimShutdown, code, 0);
  for (;;) {
  }
}

[[noreturn]] void m_exit(uint32_t code) {
  auto* finisher = reinterpret_cast<volatile uint32_t*>(kTestFinisher);  // M-mode: physical MMIO
  *finisher = code == 0 ? kFinisherPass : ((code << 16) | kFinisherFail);
  for (;;) asm volatile("wfi");
}

void m_set_timer(uint64_t deadline) {
  // Safe: M-mode, physical CLINT registers. Write high first with low all-ones so the
  // comparator never sees a too-early value while the halves change.
  auto* cmp = reinterpret_cast<volatile uint32_t*>(kClintMtimecmp);
  cmp[0] = 0xffffffffu;
  cmp[1] = static_cast<uint32_t>(deadline >> 32);
  cmp[0] = static_cast<uint32_t>(deadline);
}

uint64_t now() { return arch::read_time(); }


void console_to_log() {}

// --- PLIC, through the kernel's device window -----------------------------------------------
namespace {
// Safe: the kernel's own global mappings of the PLIC pages (board.h), present once paging is on.
volatile uint32_t* plic_word(uintptr_t va) { return reinterpret_cast<volatile uint32_t*>(va); }
constinit uint32_t enabled_lines = 0;  // the S context's enable word, mirrored
constexpr uint32_t kSieSeie = 1u << 9;
}  // namespace

void init_irq() {
  for (uint32_t line = 1; line < kIrqLines; ++line) plic_word(kPlicPriorityVa)[line] = 1;
  enabled_lines = 0;
  *plic_word(kPlicEnableVa + kPlicSEnableOffset) = 0;
  plic_word(kPlicSContextVa)[0] = 0;  // threshold: every priority above 0 interrupts
}

uint32_t irq_lines() { return kIrqLines; }

void irq_enable(uint32_t line, bool on) {
  if (on) {
    enabled_lines |= 1u << line;
  } else {
    enabled_lines &= ~(1u << line);
  }
  *plic_word(kPlicEnableVa + kPlicSEnableOffset) = enabled_lines;
}

uint32_t irq_claim() { return plic_claim(); }
void irq_complete(uint32_t line) { plic_word(kPlicSContextVa)[1] = line; }

void irq_mask_all(bool masked) {
  if (masked) {
    CSR_CLEAR(sie, kSieSeie);
  } else {
    CSR_SET(sie, kSieSeie);
  }
}

bool irq_pending() {
  // sip's STIP (the M-mode shim forwards the machine timer there) and SEIP (the PLIC), counted
  // only where sie enables them: exactly what the hart takes once back in U-mode.
  constexpr uint32_t kTimerAndExternal = (1u << 5) | kSieSeie;
  return (CSR_READ(sip) & CSR_READ(sie) & kTimerAndExternal) != 0;
}

Ram ram() { return Ram{kRamBase, kRamSize}; }

kstd::Span<const Window> user_mmio() { return kUserMmio; }

const char* name() { return "qemu-virt"; }

}  // namespace courier::platform
