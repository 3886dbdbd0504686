// services/goldfish_rtc.h — the Goldfish RTC's registers (QEMU hw/rtc/goldfish_rtc.c; the sim
// SoC implements the same): a 64-bit nanosecond clock and one alarm that raises a level
// interrupt, held until CLEAR_INTERRUPT.
#pragma once

#include <stdint.h>

namespace courier::goldfish {

class Rtc {
 public:
  explicit Rtc(uint32_t va) : r_(reinterpret_cast<volatile uint32_t*>(static_cast<uintptr_t>(va))) {}
  Rtc() = default;

  uint64_t now_ns() const {
    const uint32_t lo = r_[kTimeLow];  // latches the high half
    return (uint64_t{r_[kTimeHigh]} << 32) | lo;
  }
  // Arms the alarm at `ns` (an alarm at or before now fires at once) with its interrupt on.
  void alarm_at(uint64_t ns) const {
    r_[kIrqEnabled] = 1;
    r_[kAlarmHigh] = static_cast<uint32_t>(ns >> 32);
    r_[kAlarmLow] = static_cast<uint32_t>(ns);  // arms
  }
  void cancel_alarm() const { r_[kClearAlarm] = 1; }
  // Drops the interrupt line (the alarm that raised it has passed).
  void clear_interrupt() const { r_[kClearInterrupt] = 1; }
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

}  // namespace courier::goldfish
