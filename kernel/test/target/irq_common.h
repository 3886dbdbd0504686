// irq_common.h — what the interrupt tests' processes share: the root's server, through which
// it starts each helper process at the right moment, and the board's alarm clock (the RTC on
// QEMU virt, the TICKTIMER on the Precursor) they take turns to own.
#pragma once

#include "common.h"
#include "courier/services/board.h"
#include "courier/services/alarm_clock.h"
#include "courier/user/cycles.h"
#include "courier/user/irq.h"

namespace irqtest {

inline constexpr courier::Sid kRootSid{{0x69727172, 0x6f6f74, 1, 2}};
// A helper calls kWaitTurn with its role; the root answers when the helper's turn comes.
inline constexpr uint32_t kWaitTurn = 1;
inline constexpr uint32_t kRoleFaulter = 1;
inline constexpr uint32_t kRoleStormer = 2;
// The root tells the stormer to stop with kStop (a call to the stormer's server); the answer
// is how many upcalls its handler saw.
inline constexpr courier::Sid kStormerSid{{0x73746f72, 0x6d6572, 1, 2}};
inline constexpr uint32_t kStop = 2;

// Spins (never yielding) for `ms` of the platform timer.
inline void spin_ms(uint64_t ms) {
  const uint64_t end = courier::read_time() + ms * courier::kTimeTicksPerMs;
  while (courier::read_time() < end) {
  }
}

// Waits at the root's server until the root says this helper's turn has come.
inline void wait_turn(uint32_t role) {
  courier::Connection root;
  (void)courier::Connection::connect(kRootSid, &root);
  (void)root.call(kWaitTurn, role);
}

inline courier::board::AlarmClock map_rtc(courier::abi::Error* e) {
  const uint32_t va = courier::map_device(courier::board::kRtc, courier::board::kDevicePage, e);
  return va ? courier::board::AlarmClock(va) : courier::board::AlarmClock();
}

}  // namespace irqtest
