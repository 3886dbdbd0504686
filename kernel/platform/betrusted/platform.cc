// platform.cc — the Precursor: the console on the kernel UART (LiteX), the tick from TIMER0 as
// an ordinary line of the interrupt array, the clock from the TICKTIMER, and the run's end
// through the simulator's SIMEXIT page (a device has no finisher: it halts).
#include "courier/core/platform.h"

#include "board.h"
#include "courier/arch/csr.h"
#include "memory_map.h"

namespace courier::platform {

constinit IrqArray g_irq;

namespace {

// Which UART the pins (UARTSEL) carry: the kernel's at reset and for a panic or the halt, the
// console's once the log server prints the kernel log.
constinit bool pins_on_console = false;

void take_pins() {
  if (!pins_on_console) return;
  // What the log server already queued leaves first, or it would go to unconnected pins.
  while ((*reg(kConsoleUart, kUartTxempty) & 1u) == 0) {
  }
  *reg(kGpio, kGpioUartsel) = kUartselKernel;
  pins_on_console = false;
}

constexpr Window kMmioDevice[] = {
    {kConsoleUart, 0x1000}, {kTicktimer, 0x1000}, {kKeyboard, 0x1000},
    {kSimTimeAliases, kSimTime + 0x1000 - kSimTimeAliases}};

constinit uint64_t last_raw = 0;

}  // namespace

constinit uint64_t g_clock_offset = 0;

// The loader (boot.S) writes it before the kernel runs (in .data so .bss zeroing cannot undo it).
extern "C" {
__attribute__((section(".data"))) constinit uint32_t g_sim_present = 0;
}

void console_putc(char c) {
  take_pins();
  while (*reg(kKernelUart, kUartTxfull) & 1u) {
  }
  *reg(kKernelUart, kUartRxtx) = static_cast<uint8_t>(c);
}

void use_kernel_window() {}
void use_physical_console() {}

void console_to_log() {
  if (pins_on_console) return;
  // The kernel UART's last bytes first (the banner), then the pins change hands.
  while ((*reg(kKernelUart, kUartTxempty) & 1u) == 0) {
  }
  *reg(kGpio, kGpioUartsel) = kUartselConsole;
  pins_on_console = true;
}

[[noreturn]] void exit(uint32_t code) {
  take_pins();
  while ((*reg(kKernelUart, kUartTxempty) & 1u) == 0) {
  }
  if (g_sim_present) *reg(kSimExit, 0) = code;
  // A device has nothing to stop: it stays here, the console's last line says why.
  for (;;) asm volatile("wfi");
}

uint64_t now() {
  // TIME1/TIME0 are separate CSR words: high, low, high again until the high word held.
  uint32_t hi, lo;
  do {
    hi = *reg(kTicktimer, kTicktimerTime1);
    lo = *reg(kTicktimer, kTicktimerTime0);
  } while (*reg(kTicktimer, kTicktimerTime1) != hi);
  // The ticktimer server owns the TICKTIMER and can reset its count (CONTROL): the kernel's
  // clock never goes back, and keeps going from where it was (g_clock_offset absorbs the jump).
  const uint64_t raw = (static_cast<uint64_t>(hi) << 32) | lo;
  if (raw < last_raw) g_clock_offset += last_raw - raw;
  last_raw = raw;
  return raw + g_clock_offset;
}

void timer_start(uint64_t slice_ticks) {
  // A LiteX timer counts RELOAD+1 ticks per period (down to zero, then reloads).
  const uint32_t counts = static_cast<uint32_t>(slice_ticks * (kTimer0Hz / kTimerHz)) - 1;
  *reg(kTimer0, kTimerEn) = 0;
  *reg(kTimer0, kTimerLoad) = counts;
  *reg(kTimer0, kTimerReload) = counts;  // periodic: the count reloads at zero
  *reg(kTimer0, kTimerEvPending) = 1;
  *reg(kTimer0, kTimerEvEnable) = 1;
  *reg(kTimer0, kTimerEn) = 1;
  write_irq_mask();  // the tick's line is always in the mask
}

void timer_next(uint64_t) { *reg(kTimer0, kTimerEvPending) = 1; }

// --- the interrupt array ----------------------------------------------------------------------
void init_irq() {
  g_irq = IrqArray{};
  write_irq_mask();
}

uint32_t irq_lines() { return kIrqLines; }

void irq_enable(uint32_t line, bool on) {
  g_irq.enable(line, on);
  write_irq_mask();
}

uint32_t irq_claim() { return irq_claim_fast(); }

void irq_complete(uint32_t line) {
  g_irq.complete(line);
  write_irq_mask();
}

void irq_mask_all(bool masked) {
  g_irq.hold(masked);
  write_irq_mask();
}

bool irq_pending() {
  // The array's lines under the mask the kernel last wrote (the tick among them), counted only
  // while sie.SEIE lets the hart take them: exactly what it takes once back in U-mode.
  constexpr uint32_t kSieSeie = 1u << 9;
  return (CSR_READ(sie) & kSieSeie) != 0 && (read_irq_pending() & g_irq.mask()) != 0;
}

kstd::Span<const Window> user_mmio() {
  return kstd::Span<const Window>(kMmioDevice, g_sim_present ? 4 : 3);
}

Ram ram() { return Ram{kRamBase, kRamSize}; }

const char* name() { return "betrusted"; }

}  // namespace courier::platform
