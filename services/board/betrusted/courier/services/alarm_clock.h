// services/alarm_clock.h (the Precursor) — the board's clock with an alarm: the TICKTIMER
// (PRECURSOR.md), a 64-bit count of milliseconds and one alarm, MSLEEP_TARGET, whose line is
// level: asserted while target <= time (and EV_ENABLE bit 0 is set). Acknowledging is moving
// the target past the time. The same class and contract on every board
// (services/board/qemu-virt/.../alarm_clock.h).
//
// The kernel reads the same TIME for its own clock; only the owner of this page (the
// ticktimer server, or a test's process in an image without one) touches the alarm.
#pragma once

#include <stdint.h>

namespace courier::board {

class AlarmClock {
 public:
  static constexpr uint64_t kTicksPerMs = 1;

  // `va`: where the caller mapped board::kRtc (map_physical).
  explicit AlarmClock(uint32_t va)
      : r_(reinterpret_cast<volatile uint32_t*>(static_cast<uintptr_t>(va))) {}
  AlarmClock() = default;

  // TIME is two words: high, low, high again, until no carry came between.
  uint64_t now() const {
    uint32_t hi, lo;
    do {
      hi = r_[kTime1];
      lo = r_[kTime0];
    } while (r_[kTime1] != hi);
    return (uint64_t{hi} << 32) | lo;
  }
  // The high word last: while it is all ones the target is beyond any time, so no half-written
  // target raises the line early.
  void alarm_at(uint64_t t) const {
    r_[kTarget1] = kNever;
    r_[kTarget0] = static_cast<uint32_t>(t);
    r_[kTarget1] = static_cast<uint32_t>(t >> 32);
    r_[kEvEnable] = 1;
  }
  void cancel_alarm() const {
    r_[kEvEnable] = 0;
    r_[kTarget1] = kNever;
  }
  // The target moves past any time, so the level drops; the pending bit is cleared too, in
  // case the event latches.
  void clear_interrupt() const {
    r_[kTarget1] = kNever;
    r_[kEvPending] = 1;
  }
  // Target low word 0, high word never: a store of zero to the high word makes the target 0,
  // always past, and raises the line.
  void arm_trigger() const {
    r_[kTarget1] = kNever;
    r_[kTarget0] = 0;
    r_[kEvEnable] = 1;
  }
  volatile uint32_t* trigger() const { return &r_[kTarget1]; }

  bool valid() const { return r_ != nullptr; }
  uint32_t base() const { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(r_)); }

 private:
  static constexpr uint32_t kNever = 0xffff'ffff;
  enum : uint32_t {  // 32-bit CSR words
    kControl = 0x00 / 4,
    kTime1 = 0x04 / 4,
    kTime0 = 0x08 / 4,
    kTarget1 = 0x0c / 4,  // MSLEEP_TARGET1
    kTarget0 = 0x10 / 4,  // MSLEEP_TARGET0
    kEvStatus = 0x14 / 4,
    kEvPending = 0x18 / 4,
    kEvEnable = 0x1c / 4,
  };
  volatile uint32_t* r_ = nullptr;
};

}  // namespace courier::board
