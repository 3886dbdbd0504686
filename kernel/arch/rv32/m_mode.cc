// m_mode.cc — the C++ half of the M-mode shim (boot.S has the rest).
//
// Everything the shim does not delegate lands here, on the M stack. Until the timer is
// forwarded, nothing is expected: an M-mode trap means the kernel did something the shim does
// not serve, so it is reported and the machine stops with the panic code.
#include "courier/arch/csr.h"
#include "courier/core/console.h"
#include "courier/core/platform.h"

extern "C" void m_trap_handler(uint32_t* /*saved_regs*/) {
  const uint32_t cause = CSR_READ(mcause);
  courier::kprintf("\nM-MODE TRAP: %s (mcause %08x) at %08x, mtval %08x\n",
                   courier::arch::cause_name(cause), cause, CSR_READ(mepc), CSR_READ(mtval));
  courier::platform::exit(courier::kPanicExitCode);
}
