// test_support.cc — what the host build provides in place of the rv32 platform.
//
// A kernel panic in a host test prints its reason and aborts, so death tests can check that a
// broken invariant is caught (and ordinary tests fail loudly if one fires).
#include "test_support.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "courier/core/platform.h"
#include "courier/kstd/assert.h"

namespace kstd {
[[noreturn]] void panic(const char* reason, const char* file, int line) {
  std::fprintf(stderr, "KERNEL PANIC: %s at %s:%d\n", reason, file, line);
  std::abort();
}
}  // namespace kstd

namespace courier::test {
std::string console_output;
FakeIrqController g_irq;
FakePreemption g_preempt;
uint64_t g_now = 0;
}  // namespace courier::test

namespace courier::platform {
void console_putc(char c) { test::console_output.push_back(c); }
[[noreturn]] void exit(uint32_t code) {
  std::fprintf(stderr, "platform::exit(%u)\n", code);
  std::exit(static_cast<int>(code));
}
Ram ram() { return Ram{0x80000000u, 4u << 20}; }
uint64_t now() { return test::g_now; }
const char* name() { return "host"; }
void console_to_log() {}

uint32_t irq_lines() { return test::FakeIrqController::kLines; }
void irq_enable(uint32_t line, bool on) { test::g_irq.enabled[line] = on; }
uint32_t irq_claim() {
  for (uint32_t line = 1; line < test::FakeIrqController::kLines; ++line) {
    if (test::g_irq.pending[line] && test::g_irq.enabled[line] && !test::g_irq.in_service[line]) {
      test::g_irq.pending[line] = false;
      test::g_irq.in_service[line] = true;
      return line;
    }
  }
  return 0;
}
void irq_complete(uint32_t line) {
  test::g_irq.in_service[line] = false;
  ++test::g_irq.completions;
}
void irq_mask_all(bool masked) { test::g_irq.hart_masked = masked; }
bool irq_pending() {
  const uint64_t n = test::g_preempt.checks++;
  return test::g_preempt.always || static_cast<int64_t>(n) == test::g_preempt.fire_at;
}
}  // namespace courier::platform
