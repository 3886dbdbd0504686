// console.cc — the kernel console: the shared formatter writing straight to the platform UART.
#include "courier/core/console.h"

#include "courier/core/platform.h"
#include "courier/kstd/format.h"

namespace courier {
namespace {
void console_sink(char c, void*) { platform::console_putc(c); }
}  // namespace

void kputs(const char* s) {
  while (*s) platform::console_putc(*s++);
}

void kvprintf(const char* fmt, va_list ap) { kstd::vformat(console_sink, nullptr, fmt, ap); }

void kprintf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  kvprintf(fmt, ap);
  va_end(ap);
}

}  // namespace courier
