// counter.h (the Precursor) — the counter the benchmarks time with. The core has no cycle CSR
// (reading one is an illegal instruction), so start() maps one (same names as every platform:
// bench/target/counter/qemu-virt/counter.h has the contract):
//   - SIMTIME (0xF003_E000, sim only, read-only: +0x00 cycles low, +0x04 high, +0x08 ID
//     0x53494D54): cycles since reset at the core clock, in the spirit of the performance
//     bitstream's PERFCOUNTER. unit() "cycles". A page goes to one process: when another has it,
//     the same registers at 0xF003_D000, C000, B000, A000 (sim/README.md).
//   - else (a real device: the map fails, or the ID is wrong) the TICKTIMER (0xF001_2000: +0x04
//     TIME1 high, +0x08 TIME0 low), milliseconds: unit() "ms", coarse(); the harness then times
//     so many operations per sample that one sample spans >= 100 ms (resolution <= 1%).
// Either page is mapped at kVa, so a read is one load from a fixed address (the handler stub's
// first instruction forms the address, its second reads: the lui costs one cycle, included
// in irq/latency).
#pragma once

#include <stdint.h>

#include "courier/user/irq.h"

namespace courier::bench::counter {

inline constexpr uint32_t kSimTime = 0xf003'e000;
inline constexpr uint32_t kSimTimePages = 5;  // kSimTime and the four pages below it
inline constexpr uint32_t kSimTimeId = 0x5349'4d54;  // "SIMT"
inline constexpr uint32_t kTickTimer = 0xf001'2000;
inline constexpr uint32_t kVa = 0x7f00'0000;  // free in every benchmark process
// Word indices: the high word is word 1 in both devices; the low word 0 (SIMTIME) or 2 (TIME0).
inline uint32_t g_low = 0;
inline bool g_coarse = false;
inline bool g_started = false;

inline volatile uint32_t* regs() { return reinterpret_cast<volatile uint32_t*>(uintptr_t{kVa}); }

// Maps the counter once per process; later calls answer the first one's outcome.
inline bool start() {
  if (g_started) return true;
  for (uint32_t page = 0; page < kSimTimePages; ++page) {
    const auto r = sys::map_physical(kSimTime - page * 0x1000, kVa, 0x1000, abi::kMemRead);
    if (r.error == abi::Error::AlreadyExists) continue;  // another process has this one
    if (r.error == abi::Error::Ok && regs()[2] == kSimTimeId) return g_started = true;
    if (r.error == abi::Error::Ok) (void)sys::unmap_memory(kVa, 0x1000);
    break;
  }
  // A device: the TICKTIMER's milliseconds (the ticktimer server is not in benchmark images).
  if (sys::map_physical(kTickTimer, kVa, 0x1000, abi::kMemRead).error != abi::Error::Ok)
    return false;
  g_low = 2;
  g_coarse = true;
  return g_started = true;
}
inline const char* unit() { return g_coarse ? "ms" : "cycles"; }
inline bool coarse() { return g_coarse; }
inline uint64_t ticks_per_ms() { return g_coarse ? 1 : 0; }

inline uint64_t read() {
  volatile uint32_t* r = regs();
  uint32_t hi, lo;
  do {
    hi = r[1];
    lo = r[g_low];
  } while (r[1] != hi);
  return (static_cast<uint64_t>(hi) << 32) | lo;
}
inline uint32_t read32() { return regs()[g_low]; }

// (SIMTIME only: irq/latency is absent with a millisecond counter.)
inline uint32_t read_then_store(volatile uint32_t* p) {
  uint32_t t0;
  asm volatile("lw %0, 0(%1)\n\tsw zero, 0(%2)" : "=&r"(t0) : "r"(kVa), "r"(p) : "memory");
  return t0;
}
inline uint32_t overhead_sequence(volatile uint32_t* p) {
  uint32_t t0, t1;
  asm volatile("lw %0, 0(%2)\n\tsw zero, 0(%3)\n\tlw %1, 0(%2)"
               : "=&r"(t0), "=&r"(t1)
               : "r"(kVa), "r"(p)
               : "memory");
  return t1 - t0;
}

}  // namespace courier::bench::counter

#define COURIER_COUNTER_T0 "lui t0, 0x7f000\n\tlw t0, 0(t0)\n"
