// console.cc — the kernel log: kprintf appends to a ring the log server drains (console.h).
#include "courier/core/console.h"

#include "courier/core/platform.h"
#include "courier/kstd/format.h"

namespace courier {
namespace {

// Free-running counts: written - read is what is unread; the ring holds the newest kSize.
constinit char ring[klog::kSize] = {};
constinit uint32_t written = 0;
constinit uint32_t taken = 0;
constinit uint32_t lost_since_read = 0;

void put(char c) {
  klog::g_written = true;
  ring[written % klog::kSize] = c;
  ++written;
  if (written - taken > klog::kSize) {
    ++taken;
    ++lost_since_read;
  }
}

void log_sink(char c, void*) { put(c); }

}  // namespace

void kputs(const char* s) {
  while (*s) put(*s++);
}

void kwrite(const char* s, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i) put(s[i]);
}

void kvprintf(const char* fmt, va_list ap) { kstd::vformat(log_sink, nullptr, fmt, ap); }

void kprintf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  kvprintf(fmt, ap);
  va_end(ap);
}

namespace klog {

constinit bool g_written = false;

uint32_t unread() { return written - taken; }

uint32_t read(char* out, uint32_t len, uint32_t* lost) {
  uint32_t n = 0;
  while (n < len && taken != written) out[n++] = ring[taken++ % kSize];
  *lost = lost_since_read;
  lost_since_read = 0;
  return n;
}

void flush_to_console() {
  if (lost_since_read != 0) {
    const char* note = "[kernel log: bytes lost]\n";
    while (*note) platform::console_putc(*note++);
    lost_since_read = 0;
  }
  while (taken != written) platform::console_putc(ring[taken++ % kSize]);
}

void reset() {
  written = taken = lost_since_read = 0;
  g_written = false;
}

}  // namespace klog
}  // namespace courier
