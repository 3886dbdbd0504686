// ticktimer.cc — the timer server (services/ticktimer.h): elapsed time, and sleeping callers
// woken by message when their time has come.
//
// It owns the board's clock with an alarm (services/board/<platform>/alarm_clock.h: the
// Goldfish RTC on QEMU virt, the TICKTIMER on the Precursor). The one alarm is always set to
// the earliest sleeper's deadline; its interrupt handler (abi/irq.h: it may not block) quietens
// the device and posts a kAlarm to this server with try_send, and the main loop then replies
// to every sleeper whose deadline has passed and re-arms the alarm. Times are the clock's
// ticks (AlarmClock::kTicksPerMs a millisecond).
#include "courier/services/board.h"
#include "courier/services/alarm_clock.h"
#include "courier/services/ticktimer.h"
#include "courier/user/irq.h"
#include "courier/user/print.h"

using namespace courier;

namespace {

struct Sleeper {
  uint32_t handle;  // the caller's message handle, answered when it wakes; 0: free slot
  uint64_t deadline;  // in clock ticks
};

board::AlarmClock g_rtc;
Connection g_self;
Sleeper g_sleepers[ticktimer::kMaxSleepers];
uint64_t g_start = 0;
constexpr uint64_t kTicksPerMs = board::AlarmClock::kTicksPerMs;

void on_alarm(uint32_t, uint32_t) {
  g_rtc.clear_interrupt();
  // Non-blocking, as a handler must be; QueueFull means an alarm is already on its way.
  (void)g_self.try_send(ticktimer::kAlarm);
}

void rearm() {
  uint64_t next = ~uint64_t{0};
  for (const Sleeper& s : g_sleepers) {
    if (s.handle != 0 && s.deadline < next) next = s.deadline;
  }
  if (next == ~uint64_t{0}) {
    g_rtc.cancel_alarm();
  } else {
    g_rtc.alarm_at(next);  // in the past: fires at once
  }
}

void wake_expired() {
  const uint64_t now = g_rtc.now();
  for (Sleeper& s : g_sleepers) {
    if (s.handle != 0 && s.deadline <= now) {
      (void)sys::reply(s.handle, 0, 0);  // a caller that died meanwhile: InvalidHandle, ignored
      s.handle = 0;
    }
  }
}

}  // namespace

int main() {
  abi::Error e;
  const uint32_t rtc = map_device(board::kRtc, board::kDevicePage, &e);
  if (rtc == 0) {
    print("[ticktimer] cannot map the clock: %s\n", abi::error_name(e));
    return 1;
  }
  g_rtc = board::AlarmClock(rtc);
  g_start = g_rtc.now();

  Server server;
  if ((e = Server::create(ticktimer::kSid, &server)) != abi::Error::Ok) {
    print("[ticktimer] cannot create its server: %s\n", abi::error_name(e));
    return 1;
  }
  if ((e = Connection::connect(ticktimer::kSid, &g_self)) != abi::Error::Ok ||
      (e = claim_interrupt(board::kRtcIrq, on_alarm)) != abi::Error::Ok) {
    print("[ticktimer] cannot take the RTC interrupt: %s\n", abi::error_name(e));
    return 1;
  }

  Message m{};
  while (server.receive(&m) == abi::Error::Ok) {
    switch (m.id) {
      case ticktimer::kElapsedMs: {
        const uint64_t ms = (g_rtc.now() - g_start) / kTicksPerMs;
        (void)server.reply(m, static_cast<uint32_t>(ms), static_cast<uint32_t>(ms >> 32));
        break;
      }
      case ticktimer::kSleepMs: {
        if (m.handle == 0) break;  // sent as a plain Scalar: nobody waits
        if (m.w[0] == 0) {
          (void)server.reply(m, 0);
          break;
        }
        Sleeper* slot = nullptr;
        for (Sleeper& s : g_sleepers) {
          if (s.handle == 0) {
            slot = &s;
            break;
          }
        }
        if (slot == nullptr) {
          (void)server.reply(m, 1);
          break;
        }
        *slot = Sleeper{m.handle, g_rtc.now() + uint64_t{m.w[0]} * kTicksPerMs};
        rearm();
        break;
      }
      case ticktimer::kAlarm:
        wake_expired();
        rearm();
        break;
      default:
        if (m.handle != 0) (void)server.reply(m, ~0u, ~0u);
        break;
    }
  }
  return 0;
}
