// tt_client.cc — the timer server (services/ticktimer): elapsed time, and sleeps that end
// with a wake-up message from the server, in deadline order, while other threads run.
#include "common.h"
#include "courier/services/ticktimer.h"
#include "courier/user/cycles.h"

using courier::abi::Error;

namespace {

courier::ticktimer::Client g_timer;  // connections belong to the process: threads share it
volatile uint32_t g_order = 0;       // who woke when: 10 * sequence + thread
volatile uint32_t g_woke_long = 0;
volatile uint32_t g_done = 0;

void long_sleeper(uint32_t) {
  (void)g_timer.sleep_ms(30);
  g_order = g_order + 1;
  g_woke_long = g_order;
  g_done = g_done + 1;
  courier::sys::exit_thread();
}

}  // namespace

int main() {
  test::expect_error(g_timer.connect(), Error::Ok, "connect to the ticktimer");
  const uint64_t e0 = g_timer.elapsed_ms();
  const uint64_t t0 = courier::read_time();
  test::expect_error(g_timer.sleep_ms(20), Error::Ok, "sleep 20 ms");
  const uint64_t e1 = g_timer.elapsed_ms();
  const uint64_t t1 = courier::read_time();
  courier::print("slept: %u ms by the ticktimer, %u ms by the platform clock\n",
                 static_cast<uint32_t>(e1 - e0),
                 static_cast<uint32_t>((t1 - t0) / courier::kTimeTicksPerMs));
  test::check(e1 - e0 >= 20, "elapsed_ms moved on by at least the sleep");
  test::check((t1 - t0) >= 20 * courier::kTimeTicksPerMs, "and so did the platform clock");
  test::check(e1 - e0 < 200, "but not absurdly far");

  const uint64_t t2 = courier::read_time();
  test::expect_error(g_timer.sleep_ms(0), Error::Ok, "sleep 0 ms");
  test::check(courier::read_time() - t2 < 5 * courier::kTimeTicksPerMs, "returns at once");

  // Two sleepers: the one with the later deadline sleeps first, but wakes second.
  uint32_t tid = 0;
  test::expect_error(courier::spawn_thread(long_sleeper, 0, 4096, courier::abi::kDefaultPriority, &tid),
                     Error::Ok, "start a thread that sleeps 30 ms");
  (void)courier::sys::yield();  // let it call first
  test::expect_error(g_timer.sleep_ms(10), Error::Ok, "sleep 10 ms meanwhile");
  g_order = g_order + 1;
  const uint32_t woke_short = g_order;
  // While nobody can run (both asleep) the hart idles; now spin until the long sleeper wakes.
  uint64_t spins = 0;
  while (g_done == 0) ++spins;
  test::check(woke_short < g_woke_long, "the 10 ms sleeper woke before the 30 ms one");
  test::check(spins > 0, "this thread ran while the other slept");
  test::check(g_timer.elapsed_ms() >= e1 + 30, "elapsed_ms counts on");
  courier::print("ticktimer done, %d failures\n", test::failures);
  return test::failures;
}
