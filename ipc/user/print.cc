// print.cc — see user/print.h.
#include "courier/user/print.h"

#include "courier/abi/log.h"
#include "courier/kstd/format.h"
#include "courier/user/syscall.h"

namespace courier {
namespace {

constinit PrintSink g_sink = nullptr;
constinit uint32_t g_log_cid = 0;

void to_kernel_log(const char* buf, uint32_t len) {
  // Errors are ignored on purpose: there is nowhere else to report a failed console write.
  (void)sys::debug_write(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(buf)), len);
}

void send_line(const char* buf, uint32_t len) {
  if (g_sink != nullptr) return g_sink(buf, len);
  if (g_log_cid == 0) {
    const auto c = sys::connect(abi::kLogSid[0], abi::kLogSid[1], abi::kLogSid[2], abi::kLogSid[3]);
    if (c.error != abi::Error::Ok) return to_kernel_log(buf, len);  // e.g. in a handler
    g_log_cid = c.r[0];
  }
  const uint32_t tid = sys::process_info().r[1];
  for (uint32_t done = 0; done < len;) {
    const uint32_t n = len - done < 16 ? len - done : 16;
    uint32_t w[4] = {0, 0, 0, 0};
    for (uint32_t i = 0; i < n; ++i)
      w[i / 4] |= static_cast<uint32_t>(static_cast<uint8_t>(buf[done + i])) << (8 * (i % 4));
    // The line ends with its newline: a print without one leaves the server holding the
    // partial line, so the next print of this thread continues it.
    const bool last = done + n == len && buf[len - 1] == '\n';
    const uint32_t id = abi::kLogWrite | (last ? abi::kLogEnd : 0) | (n << 8) | (tid << 16);
    const auto r = sys::call_scalar(g_log_cid, id, w[0], w[1], w[2], w[3]);
    if (r.error != abi::Error::Ok) return to_kernel_log(buf + done, len - done);
    done += n;
  }
}

struct LineBuffer {
  char buf[160];
  uint32_t len;
  void flush() {
    if (len == 0) return;
    send_line(buf, len);
    len = 0;
  }
};

void line_put(char c, void* ctx) {
  auto* line = static_cast<LineBuffer*>(ctx);
  line->buf[line->len++] = c;
  if (c == '\n' || line->len == sizeof(line->buf)) line->flush();
}

}  // namespace

void set_print_sink(PrintSink sink) { g_sink = sink; }

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
