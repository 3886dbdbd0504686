// trap.cc — decode a trap from U-mode and hand it to the composition root.
//
// This is the only place that reads scause for user traps: an ecall goes to the syscall
// dispatcher, everything else is a fault of the running process. Both return the frame of the
// thread to resume (trap.S restores it).
#include "courier/arch/csr.h"
#include "courier/arch/trap_frame.h"
#include "dispatch.h"

extern "C" courier::arch::TrapFrame* trap_handler(courier::arch::TrapFrame* frame) {
  using courier::arch::Cause;
  const uint32_t cause = CSR_READ(scause);
  if (cause == static_cast<uint32_t>(Cause::EcallU)) {
    frame->pc += 4;  // resume after the ecall
    return courier::dispatch::syscall(frame);
  }
  return courier::dispatch::user_fault(frame, cause, CSR_READ(stval));
}
