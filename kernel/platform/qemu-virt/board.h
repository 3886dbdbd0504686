// board.h — what the rv32 arch code needs to know about this board beyond core/platform.h:
// the device pages it maps for itself, the MMIO users may claim, and M-mode services.
#pragma once

#include <stdint.h>

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

// The interrupt controller: every line at priority 1 and masked, threshold 0 (call once the
// kernel's device window is mapped).
void init_irq();

// The S context's claim register, inline for the trap entry's fast route (platform::irq_claim
// is the same read). Safe: the kernel's own global mapping of the PLIC page.
inline uint32_t plic_claim() { return reinterpret_cast<volatile uint32_t*>(kPlicSContextVa)[1]; }

}  // namespace courier::platform
