// services/alarm_clock.h (QEMU virt, the sim SoC) — the board's clock with an alarm: the
// Goldfish RTC (QEMU hw/rtc/goldfish_rtc.c; the sim SoC implements the same), a 64-bit
// nanosecond clock and one alarm that raises a level interrupt, held until CLEAR_INTERRUPT.
//
// The same class on every board (services/board/<platform>/): the ticktimer server keeps time
// and wakes sleepers with it; tests and benchmarks raise interrupts with it.
//   now()               the clock, kTicksPerMs ticks per millisecond
//   alarm_at(t)         arms the alarm with its interrupt on; at or before now() it fires at once
//   cancel_alarm()      no alarm
//   clear_interrupt()   drops the line (the alarm that raised it has passed); a handler's ack
//   arm_trigger(), trigger()   after arm_trigger(), one store of zero to *trigger() raises
//                       the line at once (irq/latency); clear_interrupt() drops it again and
//                       the next such store raises it again
#pragma once

#include <stdint.h>

namespace courier::board {

class AlarmClock {
 public:
  static constexpr uint64_t kTicksPerMs = 1'000'000;  // nanoseconds

  // `va`: where the caller mapped board::kRtc (map_physical).
  explicit AlarmClock(uint32_t va)
      : r_(reinterpret_cast<volatile uint32_t*>(static_cast<uintptr_t>(va))) {}
  AlarmClock() = default;

  uint64_t now() const {
    const uint32_t lo = r_[kTimeLow];  // latches the high half
    return (uint64_t{r_[kTimeHigh]} << 32) | lo;
  }
  void alarm_at(uint64_t t) const {
    r_[kIrqEnabled] = 1;
    r_[kAlarmHigh] = static_cast<uint32_t>(t >> 32);
    r_[kAlarmLow] = static_cast<uint32_t>(t);  // arms
  }
  void cancel_alarm() const { r_[kClearAlarm] = 1; }
  void clear_interrupt() const { r_[kClearInterrupt] = 1; }
  // An alarm at time 0 (always past): each store to ALARM_LOW arms it.
  void arm_trigger() const {
    r_[kIrqEnabled] = 1;
    r_[kAlarmHigh] = 0;
  }
  volatile uint32_t* trigger() const { return &r_[kAlarmLow]; }

  bool valid() const { return r_ != nullptr; }
  uint32_t base() const { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(r_)); }

 private:
  enum : uint32_t {
    kTimeLow = 0,
    kTimeHigh = 1,
    kAlarmLow = 2,
    kAlarmHigh = 3,
    kIrqEnabled = 4,
    kClearAlarm = 5,
    kAlarmStatus = 6,
    kClearInterrupt = 7,
  };
  volatile uint32_t* r_ = nullptr;
};

}  // namespace courier::board
