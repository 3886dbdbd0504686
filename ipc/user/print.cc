// print.cc — see user/print.h.
#include "courier/user/print.h"

#include "courier/kstd/format.h"
#include "courier/user/syscall.h"

namespace courier {
namespace {

struct LineBuffer {
  char buf[160];
  uint32_t len;
  void flush() {
    if (len == 0) return;
    // Errors are ignored on purpose: there is nowhere else to report a failed console write.
    (void)sys::debug_write(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(buf)), len);
    len = 0;
  }
};

void line_put(char c, void* ctx) {
  auto* line = static_cast<LineBuffer*>(ctx);
  line->buf[line->len++] = c;
  if (c == '\n' || line->len == sizeof(line->buf)) line->flush();
}

}  // namespace

void vprint(const char* fmt, va_list ap) {
  LineBuffer line{{}, 0};
  kstd::vformat(line_put, &line, fmt, ap);
  line.flush();
}

void print(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprint(fmt, ap);
  va_end(ap);
}

}  // namespace courier
