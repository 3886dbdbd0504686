// board.h — what the rv32 arch code needs to know about the Precursor beyond core/platform.h:
// the device pages the kernel maps for itself, the MMIO users may claim, the interrupt array,
// the tick and the clock. The same interface as kernel/platform/qemu-virt/board.h.
#pragma once

#include <stdint.h>

#include "courier/arch/csr.h"
#include "courier/kstd/span.h"
#include "irq_array.h"
#include "memory_map.h"

// VexRiscv's interrupt array CSRs (the assembler knows them only by number).
#define COURIER_CSR_SIM 0x9c0  // supervisor interrupt mask
#define COURIER_CSR_SIP 0xdc0  // supervisor interrupt pending (mask & lines), read-only

namespace courier::platform {

// Console switching: a no-op here (the device window is at the devices' own addresses, valid
// with paging off and on).
void use_kernel_window();
void use_physical_console();

struct KernelDevice {
  uintptr_t va;
  uintptr_t pa;
};
// The kernel's own device pages, at their physical addresses (memory_map.h). The console UART
// is here only so the kernel can wait for it to drain before taking the pins back; TICKTIMER
// only for reading the clock (the ticktimer server owns its alarm).
inline constexpr KernelDevice kKernelDevices[] = {
    {kTimer0, kTimer0},         {kGpio, kGpio},     {kKernelUart, kKernelUart},
    {kConsoleUart, kConsoleUart}, {kTicktimer, kTicktimer}, {kSimTime, kSimTime},
    {kSimExit, kSimExit}};

// The device ranges user drivers may claim with map_physical: the console UART (the log
// server's), TICKTIMER (the ticktimer server's), the keyboard, and the simulator's timestamp
// page when the loader found it.
kstd::Span<const Window> user_mmio();

void init_irq();

// Set by the loader (boot.S) before the kernel runs: 1 if SIMTIME answered with its ID.
extern "C" uint32_t g_sim_present;

extern IrqArray g_irq;

inline volatile uint32_t* reg(uintptr_t page, uint32_t offset) {
  return reinterpret_cast<volatile uint32_t*>(page + offset);
}

inline void write_irq_mask() {
  asm volatile("csrw %0, %1" ::"i"(COURIER_CSR_SIM), "r"(g_irq.mask()) : "memory");
}

inline uint32_t read_irq_pending() {
  uint32_t v;
  asm volatile("csrr %0, %1" : "=r"(v) : "i"(COURIER_CSR_SIP) : "memory");
  return v;
}

// What the rv32 trap code asks of every board (kernel/arch/rv32/trap.cc):
//   irq_claim_fast()  the line to serve, claimed (0: none; kTickLine: TIMER0, the tick)
//   irq_mask_fast()   mask the lines a handler must not be interrupted by: all but the tick
//   now_low()         the clock's low word (a handler's budget start)
//   timer_start(), timer_next(now)  the tick: TIMER0 periodic; acknowledge one
inline constexpr uint32_t kTickLine = IrqArray::kTickClaimed;
inline uint32_t irq_claim_fast() {
  const uint32_t line = g_irq.claim(read_irq_pending());
  if (line != 0 && line != kTickLine) write_irq_mask();
  return line;
}
inline void irq_mask_fast() {
  g_irq.hold(true);
  write_irq_mask();
}
// The kernel's clock is the TICKTIMER's count plus what resets of it took away (platform.cc).
extern uint64_t g_clock_offset;
inline uint32_t now_low() {
  return *reg(kTicktimer, kTicktimerTime0) + static_cast<uint32_t>(g_clock_offset);
}
void timer_start(uint64_t slice_ticks);
void timer_next(uint64_t now);

}  // namespace courier::platform
