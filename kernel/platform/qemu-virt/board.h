// board.h — what the rv32 arch code needs to know about this board beyond core/platform.h:
// the device pages it maps for itself, the MMIO users may claim, and M-mode services.
#pragma once

#include <stdint.h>

#include "courier/arch/csr.h"
#include "courier/arch/shim.h"
#include "courier/kstd/span.h"
#include "memory_map.h"

namespace courier::platform {

// Switch the console between the device window (S-mode with paging) and physical (M-mode).
void use_kernel_window();
void use_physical_console();
// M-mode only: stop the machine / program the machine timer.
[[noreturn]] void m_exit(uint32_t code);
void m_set_timer(uint64_t deadline);

struct KernelDevice {
  uintptr_t va;
  uintptr_t pa;
};
inline constexpr KernelDevice kKernelDevices[] = {{kUartKernelVa, kUart0},
                                                  {kPlicPriorityVa, kPlicPriority},
                                                  {kPlicEnableVa, kPlicEnablePage},
                                                  {kPlicSContextVa, kPlicSContext}};

// The device ranges user drivers may claim with map_physical (memory_map.h's kUserMmio).
kstd::Span<const Window> user_mmio();

// The interrupt controller: every line at priority 1 and masked, threshold 0 (call once the
// kernel's device window is mapped).
void init_irq();

// The S context's claim register, inline for the trap entry's fast route (platform::irq_claim
// is the same read). Safe: the kernel's own global mapping of the PLIC page.
inline uint32_t plic_claim() { return reinterpret_cast<volatile uint32_t*>(kPlicSContextVa)[1]; }

// What the rv32 trap code asks of every board (kernel/arch/rv32/trap.cc), inline where the
// interrupt entry's fast route uses it:
//   irq_claim_fast()  the line to serve, claimed (0: none; kTickLine: the board's tick)
//   irq_mask_fast()   mask the lines a handler must not be interrupted by (the hart's SEIE)
//   now_low()         the clock's low word (the handler's budget start)
//   timer_start(), timer_next(now)  the tick: arm the first, acknowledge one and arm the next
// Here the tick is the supervisor timer (STIP, forwarded by the M-mode shim from the CLINT),
// never an external line, so kTickLine is never claimed.
inline constexpr uint32_t kTickLine = 32;
inline uint32_t irq_claim_fast() { return plic_claim(); }
inline void irq_mask_fast() { CSR_CLEAR(sie, 1u << 9); }
inline uint32_t now_low() { return CSR_READ(time); }
inline constexpr uint64_t kSliceTicks = kTimerHz / 100;  // 10 ms
inline void timer_start(uint64_t) { arch::set_timer(arch::read_time() + kSliceTicks); }
inline void timer_next(uint64_t now) { arch::set_timer(now + kSliceTicks); }

}  // namespace courier::platform
