// hostile_starve.cc — issue 13, finding 1: a process starts a thread that never blocks, at the
// most urgent priority the kernel lets it have, before anything else has run (it is the
// image's first process). At fa3bfc6 any process could create_thread at priority 0: the
// spinner starved every other thread, the log server included, which never started; nothing
// reached the console until the run was killed. Now the boot image gives this ordinary
// program a ceiling (abi::kDefaultPriority) and the log server and the ticktimer a priority
// above it: the spinner gets the ceiling, shares it round-robin with this process's own main
// thread, and the services above it serve on.
#include "courier/services/ticktimer.h"
#include "hostile.h"

using namespace hostile;

namespace {

volatile uint32_t g_stop = 0;
volatile uint32_t g_spins = 0;
volatile uint32_t g_stopped = 0;

void spin(uint32_t) {
  while (g_stop == 0) g_spins = g_spins + 1;  // never blocks, never yields
  g_stopped = 1;
  sys::exit_thread();
}

uint32_t addr(void (*f)(uint32_t)) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(f)); }

}  // namespace

int main() {
  // First, before any print (a print would let the log server start): the spinner, at the most
  // urgent priority granted, trying 0 first.
  const uint32_t stack = test::pages(1);
  Error denied[courier::abi::kPriorities] = {};
  uint32_t got = courier::abi::kPriorities;
  for (uint32_t p = 0; stack != 0 && p < courier::abi::kPriorities; ++p) {
    denied[p] = sys::create_thread(addr(spin), stack + kPage, 0, p).error;
    if (denied[p] == Error::Ok) {
      got = p;
      break;
    }
  }
  // From here on the spinner runs whenever this thread does not (or instead of it, at fa3bfc6).
  courier::print("hostile starve: the spinner runs at priority %u\n", got);
  test::check(stack != 0, "a page for the spinner's stack");
  bool all_denied = got == courier::abi::kDefaultPriority;
  for (uint32_t p = 0; p < got && p < courier::abi::kPriorities; ++p) {
    if (denied[p] != Error::AccessDenied) {
      courier::print("FAIL: create_thread at priority %u -> %s (expected AccessDenied)\n", p,
                     courier::abi::error_name(denied[p]));
      all_denied = false;
      ++test::failures;
    }
  }
  test::check(all_denied, "create_thread above the ceiling (priorities 0 .. 3) -> AccessDenied");
  test::check(got == courier::abi::kDefaultPriority,
              "the most urgent priority granted is the ceiling, the default priority");

  // The log server prints (these lines), and the spinner really runs in between.
  const uint32_t before = g_spins;
  for (uint32_t i = 0; i < 4; ++i) {
    const uint32_t s = g_spins;
    courier::print("hostile starve: a line while the spinner spins (%u)\n", i);
    (void)wait_until([s] { return g_spins != s; });  // yield, then sleep: the spinner runs
  }
  test::check(g_spins != before, "the spinner spun between the log's lines");

  // A driver above ordinary programs serves too: its interrupt handler and its server thread.
  courier::ticktimer::Client timer;
  test::expect_error(timer.connect(), Error::Ok, "connect to the ticktimer");
  const uint64_t t0 = timer.elapsed_ms();
  const uint32_t s0 = g_spins;
  test::expect_error(timer.sleep_ms(30), Error::Ok, "sleep 30 ms while the spinner spins");
  test::check(timer.elapsed_ms() >= t0 + 30, "the ticktimer served the sleep");
  test::check(g_spins != s0, "and the spinner spun meanwhile");

  g_stop = 1;
  test::check(wait_until([] { return g_stopped != 0; }), "the spinner stopped when told");
  courier::print("hostile starve done, %d failures\n", test::failures);
  return test::failures;
}
