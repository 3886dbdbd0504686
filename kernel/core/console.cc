// console.cc — the kernel log: kprintf appends to a ring the log server drains (console.h).
#include "courier/core/console.h"

#include "courier/abi/log.h"
#include "courier/core/platform.h"
#include "courier/kstd/format.h"

extern "C" void* memcpy(void*, const void*, size_t);

namespace courier {
namespace {

// Free-running counts: written - taken is what is unread; the ring holds the newest lines
// that fit in kSize bytes.
constinit char ring[klog::kSize] = {};
constinit uint32_t written = 0;
constinit uint32_t taken = 0;
constinit uint32_t lost_since_read = 0;

// The log is full: its oldest line goes, through its newline (at most kLineMax bytes: a
// longer line can only be the kernel's own, and loses kLineMax bytes at a time).
void drop_oldest_line() {
  uint32_t t = taken;
  const uint32_t stop = written - t < klog::kLineMax ? written : t + klog::kLineMax;
  while (t != stop) {
    if (ring[t++ % klog::kSize] == '\n') break;
  }
  lost_since_read += t - taken;
  taken = t;
}

void put(char c) {
  klog::g_written = true;
  if (written - taken == klog::kSize) drop_oldest_line();
  ring[written % klog::kSize] = c;
  ++written;
}

// `len` bytes (at most kLineMax) at once: room is made first, whole lines at a time.
void put_line(const char* s, uint32_t len) {
  klog::g_written = true;
  while (klog::kSize - (written - taken) < len) drop_oldest_line();
  const uint32_t at = written % klog::kSize;
  const uint32_t first = kstd::min(len, klog::kSize - at);
  memcpy(ring + at, s, first);
  memcpy(ring, s + first, len - first);
  written += len;
}

void log_sink(char c, void*) { put(c); }

}  // namespace

void kputs(const char* s) {
  while (*s) put(*s++);
}

void kvprintf(const char* fmt, va_list ap) { kstd::vformat(log_sink, nullptr, fmt, ap); }

void kprintf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  kvprintf(fmt, ap);
  va_end(ap);
}

// The mark's longest form, "[pid 4294967295] ", the widest shown byte, and the newline fit
// in a line.
static_assert(17 + ProcessText::kProcessLineWidth + 4 + 1 <= klog::kLineMax);
// abi/log.h and syscalls.def state both figures.
static_assert(ProcessText::kProcessLineWidth == 200 && ProcessText::kWriteBudget == 3840);

ProcessText::ProcessText(uint32_t pid) {
  const size_t n = kstd::sformat(line_, sizeof line_, "[pid %u] ", pid);
  mark_len_ = len_ = static_cast<uint32_t>(n);
}

void ProcessText::put(const char* s, uint32_t len) {
  constexpr char kHex[] = "0123456789abcdef";
  if (budget_ == 0) {  // the write's share of the log is used up: the rest is counted
    unshown_ += len;
    return;
  }
  const uint32_t full = mark_len_ + kProcessLineWidth;
  uint32_t n = len_;        // local copies: the byte stores below could alias the members
  uint32_t taken = taken_;  // bytes of the write in the open line (0: none is open)
  uint32_t i = 0;
  while (i < len) {
    const auto c = static_cast<uint8_t>(s[i++]);
    const uint32_t width = c == '\n' ? 0 : abi::log_shows(c) ? 1 : 4;
    if (width == 0 || n + width > full) {  // the line ends, or is full and goes on in a new one
      end_line(n, taken + (width == 0 ? 1 : 0));
      n = mark_len_;
      taken = 0;
      if (budget_ == 0) {  // used up now: this byte, unless it was the newline, and the rest
        if (width != 0) --i;
        break;
      }
      if (width == 0) continue;
    }
    ++taken;
    if (width == 1) {
      line_[n++] = static_cast<char>(c);
    } else {
      line_[n] = '\\';
      line_[n + 1] = 'x';
      line_[n + 2] = kHex[c >> 4];
      line_[n + 3] = kHex[c & 15];
      n += 4;
    }
  }
  unshown_ += len - i;
  len_ = n;
  taken_ = taken;
}

void ProcessText::end_line(uint32_t len, uint32_t taken) {
  line_[len++] = '\n';
  if (len <= budget_) {
    put_line(line_, len);
    budget_ -= len;
  } else {  // it does not fit: neither does anything after it
    unshown_ += taken;
    budget_ = 0;
  }
}

void ProcessText::finish() {
  if (taken_ != 0) end_line(len_, taken_);
  len_ = mark_len_;
  taken_ = 0;
  if (unshown_ == 0) return;
  // The note is the kernel's, under the writer's mark: it is about that write. It always fits
  // (the budget kept kLineMax bytes of the log's size for it).
  const size_t n = kstd::sformat(line_ + mark_len_, sizeof line_ - mark_len_,
                                 "(debug_write: %u bytes not shown)\n", unshown_);
  put_line(line_, mark_len_ + static_cast<uint32_t>(n));
  unshown_ = 0;
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
