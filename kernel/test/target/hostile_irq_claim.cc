// hostile_irq_claim.cc — issue 13, finding 6: an ordinary process claims every interrupt line,
// the UART's and the RTC's among them, before the ticktimer server has started (it is the
// image's first process, and this image runs the ticktimer at the same priority, after it). At
// fa3bfc6 every claim succeeded, and the ticktimer, finding its RTC line taken, gave up: no
// process could ever sleep. Now lines are assigned by the boot image (abi/irq.h): this process
// was granted none, so each claim answers AccessDenied (the range check first: line 0 and
// lines past the controller's are InvalidArgument), nothing is made for it, and the ticktimer
// claims its line and serves.
#include "courier/abi/irq.h"
#include "courier/services/board.h"
#include "courier/services/ticktimer.h"
#include "hostile.h"

using namespace hostile;

namespace {

void handler(uint32_t, uint32_t) {}

uint32_t handler_va() { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&handler)); }

}  // namespace

int main() {
  // First, before any print (a print would let the other processes run): every line.
  constexpr uint32_t kTried = 40;
  Error got[kTried] = {};
  // Its own pages (page tables included) and threads, not the system's free pages: the ticktimer
  // may be starting meanwhile (abi/limits.h usage).
  const auto own_before = sys::usage(0);
  for (uint32_t line = 0; line < kTried; ++line) {
    got[line] = sys::claim_interrupt(line, handler_va(), line).error;
  }
  const auto own_after = sys::usage(0);

  uint32_t granted = 0;
  for (uint32_t line = 0; line < kTried; ++line) {
    const Error want = line == 0 || line >= 32 ? Error::InvalidArgument : Error::AccessDenied;
    if (got[line] == Error::Ok) ++granted;
    if (got[line] != want) {
      courier::print("FAIL: claim_interrupt(%u) -> %s (expected %s)\n", line,
                     courier::abi::error_name(got[line]), courier::abi::error_name(want));
      ++test::failures;
    }
  }
  courier::print("hostile irq claim: %u of %u lines claimed\n", granted, kTried);
  test::expect_error(got[courier::board::kUartIrq], Error::AccessDenied, "claim the UART's line");
  test::expect_error(got[courier::board::kRtcIrq], Error::AccessDenied, "claim the RTC's line");
  test::check(granted == 0,
              "claim of every line 1 .. 31 -> AccessDenied, 0 and 32 .. 39 -> "
              "InvalidArgument");
  test::check(own_after.r[0] == own_before.r[0] && own_after.r[1] == own_before.r[1],
              "no interrupt stack or context was made for the claims");

  // The ticktimer started: it claimed its line, and its alarm wakes sleepers. (Had a claim
  // above succeeded, the line would still be ours: nothing here gives it back.)
  courier::ticktimer::Client timer;
  test::expect_error(timer.connect(), Error::Ok, "connect to the ticktimer");
  const uint64_t t0 = timer.elapsed_ms();
  test::expect_error(timer.sleep_ms(20), Error::Ok, "sleep 20 ms through the ticktimer");
  test::check(timer.elapsed_ms() >= t0 + 20, "the ticktimer started and serves");
  // The line is the ticktimer's now: still AccessDenied for us (not AlreadyExists: nothing is
  // learnt about a line that is not ours).
  test::expect_error(sys::claim_interrupt(courier::board::kRtcIrq, handler_va(), 0).error,
                     Error::AccessDenied, "claim the RTC's line while the ticktimer holds it");
  test::expect_error(sys::free_interrupt(courier::board::kRtcIrq).error, Error::AccessDenied,
                     "free the RTC's line");
  courier::print("hostile irq claim done, %d failures\n", test::failures);
  return test::failures;
}
