// arch/shim.h — the M-mode shim's interface to the S-mode kernel: two ecalls.
//
// a7 selects the function; the shim preserves every register but the ones it documents.
//   kShimSetTimer: a0/a1 = low/high word of the next timer deadline (mtime ticks); clears a
//                  pending supervisor timer interrupt and arms the machine timer.
//   kShimShutdown: a0 = exit code; stops the machine through the platform's finisher.
#pragma once

#include <stdint.h>

namespace courier::arch {

inline constexpr uint32_t kShimSetTimer = 0;
inline constexpr uint32_t kShimShutdown = 1;

inline void shim_call(uint32_t fn, uint32_t a0, uint32_t a1) {
  register uint32_t r0 asm("a0") = a0;
  register uint32_t r1 asm("a1") = a1;
  register uint32_t r7 asm("a7") = fn;
  asm volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r7) : "memory");
}

inline void set_timer(uint64_t deadline) {
  shim_call(kShimSetTimer, static_cast<uint32_t>(deadline), static_cast<uint32_t>(deadline >> 32));
}

// The time CSR (mtime, readable from S thanks to mcounteren.TM), read without tearing.
inline uint64_t read_time() {
  uint32_t hi, lo, hi2;
  do {
    asm volatile("rdtimeh %0" : "=r"(hi));
    asm volatile("rdtime %0" : "=r"(lo));
    asm volatile("rdtimeh %0" : "=r"(hi2));
  } while (hi != hi2);
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

}  // namespace courier::arch
