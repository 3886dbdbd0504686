// irq_array.h — the bookkeeping behind VexRiscv's interrupt array, as the kernel routes it.
//
// The Precursor has no PLIC: 32 level-triggered lines reach the core through custom CSRs,
// `sim` (0x9C0, the supervisor mask) and `sip` (0xDC0, read-only: mask & lines); SEIP is the OR
// of sip. A line stays asserted until its device is acknowledged (EV_PENDING), so the kernel
// gives it PLIC-like claim/complete semantics itself: a claimed line is masked until its
// handler completes it, and a handler's process sees no other line meanwhile — but the tick
// (TIMER0, line 0) is an external line here too, so it is never masked: it is what ends an
// overrunning handler. Pure logic (host-tested: kernel/test/host/irq_array_test.cc); board.h
// writes mask() to the CSR after every change.
#pragma once

#include <stdint.h>

#include "courier/kstd/bits.h"

namespace courier::platform {

class IrqArray {
 public:
  static constexpr uint32_t kTick = 0;          // TIMER0's line: the kernel's, always enabled
  static constexpr uint32_t kTickClaimed = 32;  // what claim() answers for it (kTickLine)

  // The mask the `sim` CSR must hold.
  uint32_t mask() const {
    const uint32_t lines = enabled_ & ~claimed_;
    return held_ ? (lines & tick_bit()) : lines;
  }

  // `pending` is the sip CSR (already mask & lines). The tick first, then the lowest line, as
  // a PLIC breaks ties. A claimed line is masked until complete(); 0 means nothing was pending
  // (a spurious entry), which is counted.
  uint32_t claim(uint32_t pending) {
    pending &= mask();  // what the CSR would show under the mask the kernel last wrote
    if (pending & tick_bit()) return kTickClaimed;
    if (pending == 0) {
      ++spurious_;
      return 0;
    }
    const uint32_t line = kstd::lowest_set_bit(pending);
    claimed_ |= 1u << line;
    return line;
  }

  void complete(uint32_t line) {
    if (line >= 32 || line == kTick) return;
    claimed_ &= ~(1u << line);
  }

  void enable(uint32_t line, bool on) {
    if (line >= 32 || line == kTick) return;  // the tick is not userspace's to switch
    if (on) {
      enabled_ |= 1u << line;
    } else {
      enabled_ &= ~(1u << line);
    }
  }

  // While a handler runs every line but the tick waits.
  void hold(bool held) { held_ = held; }

  uint32_t enabled() const { return enabled_; }
  uint32_t claimed() const { return claimed_; }
  uint32_t spurious() const { return spurious_; }

 private:
  static constexpr uint32_t tick_bit() { return 1u << kTick; }
  uint32_t enabled_ = tick_bit();
  uint32_t claimed_ = 0;
  uint32_t spurious_ = 0;
  bool held_ = false;
};

}  // namespace courier::platform
