// fault.cc — a trap taken while the kernel itself was running (trap.S routes it here).
//
// The kernel runs with interrupts off and reaches user memory only through the page tables
// (phys_ptr), so any exception in S-mode is a kernel bug: panic, naming the cause.
#include "courier/arch/csr.h"
#include "courier/core/console.h"
#include "courier/kstd/assert.h"

extern "C" [[noreturn]] void kernel_fault(uint32_t cause, uint32_t pc, uint32_t tval) {
  courier::kprintf("\nkernel trap: %s at pc %08x, tval %08x\n", courier::cause_name(cause), pc,
                   tval);
  KPANIC("exception in S-mode");
}
