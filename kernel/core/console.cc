// console.cc — the kernel log: kprintf appends to a ring the log server drains (console.h).
#include "courier/core/console.h"

#include "courier/abi/log.h"
#include "courier/core/platform.h"
#include "courier/kstd/format.h"

namespace courier {
namespace {

// Free-running counts: written - read is what is unread; the ring holds the newest kSize.
constinit char ring[klog::kSize] = {};
constinit uint32_t written = 0;
constinit uint32_t taken = 0;
constinit uint32_t lost_since_read = 0;

// The log is full: its oldest line goes, through its newline (at most kLineMax bytes: a
// longer line can only be the kernel's own, and loses kLineMax bytes at a time).
void drop_oldest_line() {
  for (uint32_t n = 0; n < klog::kLineMax && taken != written; ++n) {
    const char c = ring[taken++ % klog::kSize];
    ++lost_since_read;
    if (c == '\n') return;
  }
}

void put(char c) {
  klog::g_written = true;
  if (written - taken == klog::kSize) drop_oldest_line();
  ring[written % klog::kSize] = c;
  ++written;
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

// The mark's longest form, "[pid 4294967295] ", the widest shown byte, and the newline fit
// in a line as the log counts them.
static_assert(17 + ProcessText::kProcessLineWidth + 4 + 1 <= klog::kLineMax);

void ProcessText::put(const char* s, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i) {
    if (s[i] == '\n') {
      if (!open_) show_mark();
      end();
    } else {
      show(s[i]);
    }
  }
}

void ProcessText::end() {
  if (!open_) return;
  ::courier::put('\n');
  open_ = false;
  column_ = 0;
}

void ProcessText::show_mark() {
  kprintf("[pid %u] ", pid_);
  open_ = true;
}

void ProcessText::show(char c) {
  const uint8_t b = static_cast<uint8_t>(c);
  const uint32_t width = abi::log_shows(b) ? 1 : 4;
  if (open_ && column_ + width > kProcessLineWidth) end();  // too long: on in a new line
  if (!open_) show_mark();
  column_ += width;
  if (width == 1) return ::courier::put(c);
  constexpr char kHex[] = "0123456789abcdef";
  ::courier::put('\\');
  ::courier::put('x');
  ::courier::put(kHex[b >> 4]);
  ::courier::put(kHex[b & 15]);
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
