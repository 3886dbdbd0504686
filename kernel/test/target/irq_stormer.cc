// irq_stormer.cc — an interrupt storm: a device that raises its line again the moment each
// upcall returns (the handler re-arms the RTC's alarm in the past every time: a level device
// left asserted does the same on the sim's PLIC, but QEMU's PLIC latches only edges). The kernel must keep the rest of the
// system running (the root checks it); this process's own main thread must still get to run
// and answer the root's kStop.
#include "irq_common.h"

namespace {
volatile uint32_t g_upcalls = 0;
courier::board::AlarmClock g_rtc;
void storm_handler(uint32_t, uint32_t) {
  g_upcalls = g_upcalls + 1;
  g_rtc.clear_interrupt();
  g_rtc.alarm_at(0);  // and again, at once
}
}  // namespace

int main() {
  courier::Server server;
  (void)courier::Server::create(irqtest::kStormerSid, &server);
  irqtest::wait_turn(irqtest::kRoleStormer);
  courier::abi::Error e;
  g_rtc = irqtest::map_rtc(&e);
  const courier::board::AlarmClock rtc = g_rtc;
  test::expect_error(e, courier::abi::Error::Ok, "stormer: map the RTC");
  test::expect_error(courier::claim_interrupt(courier::board::kRtcIrq, storm_handler),
                     courier::abi::Error::Ok, "stormer: claim the RTC line");
  rtc.alarm_at(0);  // the storm starts
  courier::Message m{};
  while (server.receive(&m) == courier::abi::Error::Ok) {
    if (m.id != irqtest::kStop) continue;
    (void)courier::free_interrupt(courier::board::kRtcIrq);
    rtc.cancel_alarm();
    rtc.clear_interrupt();
    (void)server.reply(m, g_upcalls);
    break;
  }
  return 0;
}
