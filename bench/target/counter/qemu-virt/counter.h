// counter.h (QEMU virt, the sim SoC) — the counter the benchmarks time with: the cycle CSR.
//
// One header per platform (bench/target/counter/<platform>/, chosen by COURIER_PLATFORM), the
// same names in each (harness.h says how they are used):
//   start()            makes the counter readable (false: no counter; the suite says absent)
//   unit()             "cycles", or "ms" for a coarse counter (then ticks_per_ms() of them)
//   coarse()           true if one read's resolution is too coarse for a single operation
//   read()             64 bits, safe against a carry between the halves
//   read32()           the low word
//   read_then_store(p) the low word, then one store of zero to *p, back to back (irq/latency)
//   overhead_sequence(p)   read, store, read: the cost of the two above
//   COURIER_COUNTER_T0 the assembly that puts the low word in t0 (a handler's first
//                      instruction), touching no other register
// On QEMU with -icount shift=0 the cycle CSR counts retired instructions; on the sim core it
// counts clock cycles. The kernel opens it to U-mode.
#pragma once

#include <stdint.h>

namespace courier::bench::counter {

inline bool start() { return true; }
inline const char* unit() { return "cycles"; }
inline bool coarse() { return false; }
inline uint64_t ticks_per_ms() { return 0; }  // not a clock

inline uint64_t read() {
  uint32_t hi, lo, hi2;
  do {
    asm volatile("rdcycleh %0" : "=r"(hi));  // CSR reads: no memory, no side effect
    asm volatile("rdcycle %0" : "=r"(lo));
    asm volatile("rdcycleh %0" : "=r"(hi2));
  } while (hi != hi2);
  return (static_cast<uint64_t>(hi) << 32) | lo;
}
inline uint32_t read32() { return static_cast<uint32_t>(read()); }

// The counter, then the store: nothing between them.
inline uint32_t read_then_store(volatile uint32_t* p) {
  uint32_t t0;
  asm volatile("rdcycle %0\n\tsw zero, 0(%1)" : "=&r"(t0) : "r"(p) : "memory");
  return t0;
}
inline uint32_t overhead_sequence(volatile uint32_t* p) {
  uint32_t t0, t1;
  asm volatile("rdcycle %0\n\tsw zero, 0(%2)\n\trdcycle %1" : "=&r"(t0), "=&r"(t1) : "r"(p) : "memory");
  return t1 - t0;
}

}  // namespace courier::bench::counter

#define COURIER_COUNTER_T0 "rdcycle t0\n"
