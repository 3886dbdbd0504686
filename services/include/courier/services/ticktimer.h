// services/ticktimer.h — the timer server's protocol and its client (Xous's `ticktimer`).
//
// The ticktimer server owns the board's clock with an alarm (map_physical plus its interrupt
// line: the Goldfish RTC on QEMU virt, the TICKTIMER on the Precursor; services/board/) and
// offers time to everyone else, the same protocol on every board:
//   kElapsedMs  BlockingScalar -> (ms low, ms high) since the server started
//   kSleepMs    BlockingScalar w0 = ms: the reply comes when the time has passed, so the
//               caller sleeps blocked in its call and is woken by the server's message
//               (r0 = 0; or 1 if the server has no room for another sleeper, at once)
#pragma once

#include "courier/user/ipc.h"

namespace courier::ticktimer {

// "courier.ticktime" as four little-endian words.
inline constexpr Sid kSid{{0x72756f63, 0x2e726569, 0x6b636974, 0x656d6974}};
inline constexpr uint32_t kElapsedMs = 1;
inline constexpr uint32_t kSleepMs = 2;
inline constexpr uint32_t kAlarm = 0x100;  // from the server's own interrupt handler
inline constexpr uint32_t kMaxSleepers = 32;

class Client {
 public:
  // Blocks until the ticktimer server exists.
  abi::Error connect() { return Connection::connect(kSid, &c_); }
  uint64_t elapsed_ms() const {
    const CallResult r = c_.call(kElapsedMs);
    return (uint64_t{r.r[1]} << 32) | r.r[0];
  }
  abi::Error sleep_ms(uint32_t ms) const {
    const CallResult r = c_.call(kSleepMs, ms);
    if (r.error != abi::Error::Ok) return r.error;
    return r.r[0] == 0 ? abi::Error::Ok : abi::Error::LimitReached;
  }

 private:
  Connection c_;
};

}  // namespace courier::ticktimer
