// panic.cc — the end of the line for a broken kernel invariant.
//
// Writes what the log server had not printed yet, then the reason and where it was detected,
// straight to the console (the one time the kernel uses the UART), and stops the machine with a
// failure code so that a test run or benchmark sees it (DESIGN.md §8: the kernel panics only on
// a broken internal invariant; user input never gets here).
#include "courier/core/console.h"
#include "courier/core/platform.h"
#include "courier/kstd/assert.h"

// A weak seam, after the reason is out: an image may add what it knows (the fuzzer's image
// prints its children's last calls, kernel/test/fuzz/panic_trace.cc). Run once: a panic inside
// it ends the machine at once.
extern "C" __attribute__((weak)) void panic_report_hook() {}

namespace kstd {

[[noreturn]] void panic(const char* reason, const char* file, int line) {
  static constinit bool hooked = false;
  courier::kprintf("\nKERNEL PANIC: %s\n  at %s:%d\n", reason, file, line);
  courier::klog::flush_to_console();
  if (!hooked) {
    hooked = true;
    panic_report_hook();
    courier::klog::flush_to_console();
  }
  courier::platform::exit(courier::kPanicExitCode);
}

}  // namespace kstd
