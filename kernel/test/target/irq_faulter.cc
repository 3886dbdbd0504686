// irq_faulter.cc — claims the RTC's line with a handler that faults: the kernel must end this
// process, free and mask the line, and go on.
#include "irq_common.h"

namespace {
void faulting_handler(uint32_t, uint32_t) {
  *reinterpret_cast<volatile uint32_t*>(0) = 1;  // a store to NULL in the handler
}
}  // namespace

int main() {
  irqtest::wait_turn(irqtest::kRoleFaulter);
  courier::abi::Error e;
  const courier::board::AlarmClock rtc = irqtest::map_rtc(&e);
  test::expect_error(e, courier::abi::Error::Ok, "faulter: map the RTC");
  test::expect_error(courier::claim_interrupt(courier::board::kRtcIrq, faulting_handler),
                     courier::abi::Error::Ok, "faulter: claim the RTC line");
  courier::print("faulter: raising the interrupt\n");
  rtc.alarm_at(0);
  irqtest::spin_ms(50);
  courier::print("FAIL: faulter survived its handler's fault\n");
  return 1;
}
