// user/cycles.h — reading the 64-bit cycle counter from U-mode.
//
// rv32 reads the halves separately, so a carry between the reads could tear the value: read
// high, low, high again and retry if the high half moved. On QEMU with -icount shift=0 the
// cycle CSR counts retired instructions; on the sim core it counts clock cycles.
#pragma once

#include <stdint.h>

namespace courier {

// One 64-bit counter read as above; `name` is the counter's read pseudo-instruction.
#define COURIER_READ_COUNTER64(name)                   \
  uint32_t hi, lo, hi2;                                \
  do {                                                 \
    asm volatile("rd" #name "h %0" : "=r"(hi));        \
    asm volatile("rd" #name " %0" : "=r"(lo));         \
    asm volatile("rd" #name "h %0" : "=r"(hi2));       \
  } while (hi != hi2);                                 \
  return (static_cast<uint64_t>(hi) << 32) | lo

inline uint64_t read_cycles() { COURIER_READ_COUNTER64(cycle); }

// The platform timer (the `time` CSR: 10 MHz on QEMU virt and the sim SoC), read the same way.
inline uint64_t read_time() { COURIER_READ_COUNTER64(time); }

#undef COURIER_READ_COUNTER64
inline constexpr uint64_t kTimeTicksPerMs = 10'000;

}  // namespace courier
