// user/irq.h — claiming an interrupt line from userspace (abi/irq.h has the rules).
//
//   void on_rtc(uint32_t line, uint32_t arg) { ...quieten the device...; }
//   claim_interrupt(kRtcIrq, on_rtc, &state);
//
// The handler runs in this process, on the interrupt stack, with every other line masked, and
// returns by returning. It may make only non-blocking calls.
#pragma once

#include "courier/abi/irq.h"
#include "courier/user/syscall.h"

namespace courier {

using IrqHandler = void (*)(uint32_t line, uint32_t arg);

inline abi::Error claim_interrupt(uint32_t line, IrqHandler handler, uint32_t arg = 0) {
  return sys::claim_interrupt(line, static_cast<uint32_t>(reinterpret_cast<uintptr_t>(handler)),
                              arg)
      .error;
}
inline abi::Error free_interrupt(uint32_t line) { return sys::free_interrupt(line).error; }

// Maps `bytes` of device registers at physical `pa` (read/write); 0 on failure, with the error.
inline uint32_t map_device(uint32_t pa, uint32_t bytes, abi::Error* error = nullptr) {
  const auto r = sys::map_physical(pa, 0, bytes, abi::kMemRead | abi::kMemWrite);
  if (error != nullptr) *error = r.error;
  return r.error == abi::Error::Ok ? r.r[0] : 0;
}

}  // namespace courier
