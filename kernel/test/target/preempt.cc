// preempt.cc — timer preemption: two threads that never make a syscall both make progress.
//
// The main thread spins until a second thread (which spins incrementing a counter, never
// yielding) has counted far enough; without preemption the main thread would spin forever
// (or, if the spinner ran first, the spinner would). The CTest timeout catches either.
#include "common.h"

namespace {
volatile uint32_t counter = 0;
volatile uint32_t main_progress = 0;

void spinner(uint32_t) {
  for (;;) {
    counter = counter + 1;
    if (counter == 1) courier::print("spinner running\n");
  }
}
}  // namespace

int main() {
  uint32_t tid = 0;
  test::expect_error(courier::spawn_thread(spinner, 0, 4096, courier::abi::kDefaultPriority, &tid),
                     courier::abi::Error::Ok, "spawn a spinner at the same priority");
  // Printing (above) blocks in the log server, so the spinner may be far ahead already: count
  // from here. The main thread spins until the spinner has advanced, never yielding.
  const uint32_t start = counter;
  do {
    main_progress = main_progress + 1;
  } while (counter < start + 100000);
  test::check(counter >= start + 100000 && main_progress > 0, "both threads ran without yielding");
  const uint32_t seen = counter;
  while (counter == seen) {
  }
  test::check(true, "the spinner keeps running between our time slices");
  courier::print("preemption done, %d failures\n", test::failures);
  return test::failures;
}
