// core/platform.h — what the portable kernel needs from a board, and nothing more.
//
// Each folder under kernel/platform/ implements these for its memory map; the host build
// implements them for tests. Portable code calls only these, never a device register.
#pragma once

#include <stdint.h>

namespace courier {
// The exit code of a kernel panic, distinct from any process's own failure codes in tests.
inline constexpr uint32_t kPanicExitCode = 99;
}  // namespace courier

namespace courier::platform {

// Blocking write of one byte to the kernel console (the panic path relies on it).
void console_putc(char c);

// Stop the machine. Code 0 means success; anything else is a failure the test harness sees.
[[noreturn]] void exit(uint32_t code);

// The log server has become the kernel log's reader: the console is its from now on (on the
// Precursor the pins move to the console UART; the kernel takes them back for a panic or the
// final halt). A no-op where the two share one UART.
void console_to_log();

// The RAM the kernel manages: [base, base + size).
struct Ram {
  uintptr_t base;
  uint32_t size;
};
Ram ram();

// The platform timer, in ticks since boot.
uint64_t now();

// A short name for the banner and reports, e.g. "qemu-virt".
const char* name();

// The interrupt controller (a PLIC on qemu-virt and the sim SoC), as the kernel routes it to
// userspace (abi/irq.h). Lines are 1 .. irq_lines() - 1.
uint32_t irq_lines();
void irq_enable(uint32_t line, bool on);
uint32_t irq_claim();  // the highest-priority pending enabled line, now claimed; 0 if none
void irq_complete(uint32_t line);
// Masks (or unmasks) every external interrupt at the hart while a handler runs.
void irq_mask_all(bool masked);
// True if an interrupt is pending that the hart would take as soon as it leaves the kernel
// (the timer, or an unmasked external line): the kernel's preemption points ask this
// (core/preempt.h). Cheap: a couple of CSR reads on rv32.
bool irq_pending();

}  // namespace courier::platform
