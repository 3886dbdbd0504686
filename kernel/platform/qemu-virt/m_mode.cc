// m_mode.cc — the C++ half of the M-mode shim (boot.S has the rest).
//
// What stays in M after delegation: the machine timer, which is forwarded to S as a
// supervisor timer interrupt (S cannot program the CLINT's comparator itself), and the shim's
// two ecalls (arch/shim.h). Anything else means the kernel did something the shim does not
// serve: it is reported and the machine stops with the panic code.
#include "board.h"
#include "courier/arch/csr.h"
#include "courier/arch/shim.h"
#include "courier/core/console.h"
#include "courier/core/platform.h"

namespace {
constexpr uint32_t kMieMtie = 1u << 7;
constexpr uint32_t kMipStip = 1u << 5;
// Offsets (in words) of saved registers in m_trap_entry's frame.
constexpr int kSavedA0 = 4, kSavedA1 = 5, kSavedA7 = 11;
}  // namespace

extern "C" void m_trap_handler(uint32_t* saved) {
  using namespace courier;
  const uint32_t cause = CSR_READ(mcause);
  if (cause == (kCauseInterrupt | static_cast<uint32_t>(Irq::MTimer))) {
    // Forward: mask the machine timer until S asks for the next deadline, raise S's.
    CSR_CLEAR(mie, kMieMtie);
    CSR_SET(mip, kMipStip);
    return;
  }
  if (cause == static_cast<uint32_t>(Cause::EcallS)) {
    CSR_WRITE(mepc, CSR_READ(mepc) + 4);
    switch (saved[kSavedA7]) {
      case arch::kShimSetTimer:
        platform::m_set_timer((static_cast<uint64_t>(saved[kSavedA1]) << 32) | saved[kSavedA0]);
        CSR_CLEAR(mip, kMipStip);
        CSR_SET(mie, kMieMtie);
        return;
      case arch::kShimShutdown: platform::m_exit(saved[kSavedA0]);
      default: break;
    }
  }
  platform::use_physical_console();
  kprintf("\nM-MODE TRAP: %s (mcause %08x) at %08x, mtval %08x\n", cause_name(cause), cause,
          CSR_READ(mepc), CSR_READ(mtval));
  platform::m_exit(kPanicExitCode);
}
