// log.cc — the log server: it owns the console UART, and every process prints through it
// (abi/log.h). It also drains the kernel's log, which the kernel cannot print itself: the
// kernel keeps the UART only for a panic and the final halt.
//
// Lines arrive in 16-byte pieces, each a BlockingScalar; the server collects them per client
// thread and writes a line only when it is complete, so lines never interleave. The reply goes
// back once the piece is handled (for the last piece: once the line is on the wire).
#include "courier/abi/log.h"
#include "courier/services/board.h"
#include "courier/user/ipc.h"
#include "courier/user/irq.h"
#include "courier/user/print.h"

using namespace courier;

namespace {

constexpr uint32_t kThr = 0;  // 16550: transmit holding register
constexpr uint32_t kLsr = 5;  // line status register
constexpr uint8_t kLsrThrEmpty = 1u << 5;
constexpr uint32_t kMaxTids = 64;  // the kernel's thread table (kMaxThreads) fits
constexpr uint32_t kLineMax = 240;

volatile uint8_t* g_uart = nullptr;
uint32_t g_server_handle = 0;

void uart_write(const char* bytes, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i) {
    while ((g_uart[kLsr] & kLsrThrEmpty) == 0) {
    }
    g_uart[kThr] = static_cast<uint8_t>(bytes[i]);
  }
}

void drain_kernel_log() {
  static char buf[512];
  for (;;) {
    const auto r = sys::kernel_log(g_server_handle, static_cast<uint32_t>(reinterpret_cast<uintptr_t>(buf)),
                                   sizeof buf);
    if (r.error != abi::Error::Ok) return;
    if (r.r[1] != 0) print("[log] %u bytes of the kernel log were lost\n", r.r[1]);
    if (r.r[0] == 0) return;
    uart_write(buf, r.r[0]);
  }
}

struct Line {
  char bytes[kLineMax];
  uint32_t len;
};
Line g_lines[kMaxTids];

// One piece of a client's line; writes the line when it is complete (or the buffer is full).
void take_piece(const Message& m) {
  const uint32_t n = (m.id >> 8) & 0xff;
  const uint32_t tid = m.id >> 16;
  if (n > 16 || tid >= kMaxTids) return;  // malformed: dropped
  Line& line = g_lines[tid];
  for (uint32_t i = 0; i < n; ++i) {
    if (line.len == kLineMax) {
      uart_write(line.bytes, line.len);
      line.len = 0;
    }
    line.bytes[line.len++] = static_cast<char>(m.w[i / 4] >> (8 * (i % 4)));
  }
  if (m.id & abi::kLogEnd) {
    drain_kernel_log();  // what the kernel said before this line ended goes first
    uart_write(line.bytes, line.len);
    line.len = 0;
  }
}

}  // namespace

int main() {
  abi::Error e;
  const uint32_t uart = map_device(board::kUart0, board::kDevicePage, &e);
  if (uart == 0) {
    print("[log] cannot map the UART: %s\n", abi::error_name(e));  // goes to the kernel log
    return 1;
  }
  g_uart = reinterpret_cast<volatile uint8_t*>(static_cast<uintptr_t>(uart));
  set_print_sink(uart_write);

  Server server;
  const Sid sid{{abi::kLogSid[0], abi::kLogSid[1], abi::kLogSid[2], abi::kLogSid[3]}};
  if ((e = Server::create(sid, &server)) != abi::Error::Ok) {
    print("[log] cannot create the log server: %s\n", abi::error_name(e));
    return 1;
  }
  g_server_handle = server.handle();
  drain_kernel_log();  // also makes this server the kernel log's reader

  serve(server, [](Message& m, Reply&) {
    // Memory is not part of the protocol: a Move is freed at once, and serve() returns a
    // Borrow unanswered, so nothing sent here is kept (abi/log.h).
    if (m.kind == abi::MessageKind::Move) {
      (void)sys::unmap_memory(m.w[0], m.w[1]);
      return true;
    }
    if (m.id == abi::kLogKernelNotice) {
      drain_kernel_log();
    } else if ((m.id & 0xff & ~abi::kLogEnd) == abi::kLogWrite) {
      take_piece(m);
    }
    return true;
  });
  return 0;
}
