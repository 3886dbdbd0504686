// bench_support.cc — the host platform for the benchmark program: a panic aborts, the console
// is discarded, time stands still.
#include <cstdio>
#include <cstdlib>

#include "courier/core/platform.h"
#include "courier/kstd/assert.h"

namespace kstd {
[[noreturn]] void panic(const char* reason, const char* file, int line) {
  std::fprintf(stderr, "KERNEL PANIC: %s at %s:%d\n", reason, file, line);
  std::abort();
}
}  // namespace kstd

namespace courier::platform {
void console_putc(char) {}
[[noreturn]] void exit(uint32_t code) { std::exit(static_cast<int>(code)); }
Ram ram() { return Ram{0x80000000u, 4u << 20}; }
uint64_t now() { return 0; }
const char* name() { return "host"; }
void console_to_log() {}
uint32_t irq_lines() { return 32; }
void irq_enable(uint32_t, bool) {}
uint32_t irq_claim() { return 0; }
void irq_complete(uint32_t) {}
void irq_mask_all(bool) {}
bool irq_pending() { return false; }
}  // namespace courier::platform
