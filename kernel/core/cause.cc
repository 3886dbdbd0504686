// cause.cc — names for RISC-V trap causes, for the messages that say why a process (or the
// kernel) died.
#include "courier/core/cause.h"

namespace courier {

const char* cause_name(uint32_t cause) {
  if (cause & kCauseInterrupt) return "interrupt";
  switch (static_cast<Cause>(cause)) {
    case Cause::InstrMisaligned: return "instruction address misaligned";
    case Cause::InstrAccessFault: return "instruction access fault";
    case Cause::IllegalInstr: return "illegal instruction";
    case Cause::Breakpoint: return "breakpoint";
    case Cause::LoadMisaligned: return "load address misaligned";
    case Cause::LoadAccessFault: return "load access fault";
    case Cause::StoreMisaligned: return "store address misaligned";
    case Cause::StoreAccessFault: return "store access fault";
    case Cause::EcallU: return "ecall from U-mode";
    case Cause::EcallS: return "ecall from S-mode";
    case Cause::EcallM: return "ecall from M-mode";
    case Cause::InstrPageFault: return "instruction page fault";
    case Cause::LoadPageFault: return "load page fault";
    case Cause::StorePageFault: return "store page fault";
  }
  return "reserved cause";
}

}  // namespace courier
