// core/cause.h — RISC-V trap causes (scause/mcause values), named once.
#pragma once

#include <stdint.h>

namespace courier {

inline constexpr uint32_t kCauseInterrupt = 1u << 31;
enum class Cause : uint32_t {
  InstrMisaligned = 0,
  InstrAccessFault = 1,
  IllegalInstr = 2,
  Breakpoint = 3,
  LoadMisaligned = 4,
  LoadAccessFault = 5,
  StoreMisaligned = 6,
  StoreAccessFault = 7,
  EcallU = 8,
  EcallS = 9,
  EcallM = 11,
  InstrPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
};
enum class Irq : uint32_t { SSoft = 1, MSoft = 3, STimer = 5, MTimer = 7, SExt = 9, MExt = 11 };

const char* cause_name(uint32_t cause);

}  // namespace courier
