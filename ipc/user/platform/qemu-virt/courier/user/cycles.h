// user/cycles.h (QEMU virt and the sim SoC) — the platform clock from U-mode: the `time` CSR.
//
// One header per platform (ipc/user/platform/<platform>/, chosen by COURIER_PLATFORM), the
// same names in each, so the code that tells time has no #ifdef:
//   read_time()       the platform clock, in ticks since boot (monotonic, 64 bits)
//   kTimeTicksPerMs   its ticks per millisecond
// Here the clock is the `time` CSR (10 MHz; the kernel opens it to U-mode). rv32 reads its
// halves separately, so a carry between the reads could tear the value: read high, low, high
// again and retry if the high half moved. (Benchmarks count with their own counter:
// bench/target/counter/<platform>/.)
#pragma once

#include <stdint.h>

namespace courier {

inline uint64_t read_time() {
  uint32_t hi, lo, hi2;
  do {
    asm volatile("rdtimeh %0" : "=r"(hi));  // a CSR read: no memory, no side effect
    asm volatile("rdtime %0" : "=r"(lo));
    asm volatile("rdtimeh %0" : "=r"(hi2));
  } while (hi != hi2);
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

inline constexpr uint64_t kTimeTicksPerMs = 10'000;

}  // namespace courier
