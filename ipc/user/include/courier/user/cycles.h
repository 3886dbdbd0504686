// user/cycles.h — reading the 64-bit cycle counter from U-mode.
//
// rv32 reads the halves separately, so a carry between the reads could tear the value: read
// high, low, high again and retry if the high half moved. On QEMU with -icount shift=0 the
// cycle CSR counts retired instructions; on the sim core it counts clock cycles.
#pragma once

#include <stdint.h>

namespace courier {

inline uint64_t read_cycles() {
  uint32_t hi, lo, hi2;
  do {
    asm volatile("rdcycleh %0" : "=r"(hi));
    asm volatile("rdcycle %0" : "=r"(lo));
    asm volatile("rdcycleh %0" : "=r"(hi2));
  } while (hi != hi2);
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

// The platform timer (the `time` CSR: 10 MHz on QEMU virt and the sim SoC), read the same way.
inline uint64_t read_time() {
  uint32_t hi, lo, hi2;
  do {
    asm volatile("rdtimeh %0" : "=r"(hi));
    asm volatile("rdtime %0" : "=r"(lo));
    asm volatile("rdtimeh %0" : "=r"(hi2));
  } while (hi != hi2);
  return (static_cast<uint64_t>(hi) << 32) | lo;
}
inline constexpr uint64_t kTimeTicksPerMs = 10'000;

}  // namespace courier
