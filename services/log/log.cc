// log.cc — the log server: it owns the console UART, and every process prints through it
// (abi/log.h). It also drains the kernel's log, which the kernel cannot print itself: the
// kernel keeps the UART only for a panic and the final halt.
//
// Lines arrive in 16-byte pieces, each a BlockingScalar; the server collects them per client
// thread — per (sender pid, claimed tid), the pid being the kernel's word — and writes a line
// only when it is complete, so lines never interleave, marked "<pid> " with its control bytes
// escaped (abi/log.h), so no client line can read as the kernel's or run into another's. The
// reply goes back once the piece is handled (for the last piece: once the line is on the wire).
#include "courier/abi/log.h"

#include "courier/abi/limits.h"
#include "courier/kstd/format.h"
#include "courier/services/board.h"
#include "courier/services/console_uart.h"
#include "courier/user/ipc.h"
#include "courier/user/irq.h"
#include "courier/user/print.h"

using namespace courier;

namespace {

// Partial lines: a group per pid (the kernel's pids are below kPidSlots; a larger one would
// share its remainder's group, each line still tagged with its own pid), a line per thread a
// process can have (its interrupt context included). A process that claims more tids than
// that only pushes its own partial lines out early, whole and marked. A process that ends in
// the middle of a line leaves it here until its slot is wanted; a later process given the same
// pid that claims the same tid continues it, under the same mark (a pid is all a mark says).
constexpr uint32_t kPidSlots = 16;
constexpr uint32_t kLinesPerPid = abi::kMaxThreadsPerProcess + 1;

board::ConsoleUart g_uart;  // the board's driver (services/board/<platform>/)
uint32_t g_server_handle = 0;
bool g_kernel_mid_line = false;  // the kernel log's last byte written was not a '\n'

void uart_write(const char* bytes, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i) g_uart.put(static_cast<uint8_t>(bytes[i]));
}

// The kernel's log comes out as the kernel wrote it: whole lines, its own and the marked
// lines of debug_write (the kernel drops whole lines when its log overflows, so a read after a
// loss starts at a line's start).
void drain_kernel_log() {
  static char buf[512];
  for (;;) {
    const auto r = sys::kernel_log(
        g_server_handle, static_cast<uint32_t>(reinterpret_cast<uintptr_t>(buf)), sizeof buf);
    if (r.error != abi::Error::Ok) return;
    if (r.r[1] != 0) {
      if (g_kernel_mid_line) uart_write("\n", 1);  // the rest of that line was lost
      g_kernel_mid_line = false;
      print("[log] %u bytes of the kernel log were lost\n", r.r[1]);
    }
    if (r.r[0] == 0) return;
    uart_write(buf, r.r[0]);
    g_kernel_mid_line = buf[r.r[0] - 1] != '\n';
  }
}

struct Line {
  bool open;     // in use: a line of (pid, tid) has begun
  uint32_t pid;  // the sender, as the kernel reported it
  uint32_t tid;  // the sender's claim
  uint32_t len;  // shown bytes held
  char bytes[abi::kLogLineWidth];
};
Line g_lines[kPidSlots][kLinesPerPid];

// Writes `line` out, marked with its sender, and frees it.
void write_line(Line& line) {
  drain_kernel_log();  // what the kernel said before this line ended goes first
  if (g_kernel_mid_line) uart_write("\n", 1);  // (the kernel writes whole lines; in case)
  g_kernel_mid_line = false;
  char mark[16];
  const auto n = kstd::sformat(mark, sizeof mark, "<%u> ", line.pid);
  uart_write(mark, static_cast<uint32_t>(n < sizeof mark ? n : sizeof mark - 1));
  uart_write(line.bytes, line.len);
  uart_write("\n", 1);
  line.open = false;
  line.len = 0;
}

// The open line of (pid, tid), if it has one.
Line* open_line(uint32_t pid, uint32_t tid) {
  Line* group = g_lines[pid % kPidSlots];
  for (uint32_t i = 0; i < kLinesPerPid; ++i) {
    if (group[i].open && group[i].pid == pid && group[i].tid == tid) return &group[i];
  }
  return nullptr;
}

// The open line of (pid, tid), or a new one.
Line& line_of(uint32_t pid, uint32_t tid) {
  if (Line* open = open_line(pid, tid)) return *open;
  Line* group = g_lines[pid % kPidSlots];
  Line* free = nullptr;
  for (uint32_t i = 0; i < kLinesPerPid && free == nullptr; ++i) {
    if (!group[i].open) free = &group[i];
  }
  Line& l = free != nullptr ? *free : group[tid % kLinesPerPid];
  if (l.open) write_line(l);  // every line of the group in use: this one goes out as it is
  l.open = true;
  l.pid = pid;
  l.tid = tid;
  l.len = 0;
  return l;
}

// One byte of a line, shown as it is or escaped (abi/log.h); a line that is full goes out
// and the text goes on in a new one.
void append(Line*& line, uint32_t pid, uint32_t tid, uint8_t c) {
  if (line == nullptr) line = &line_of(pid, tid);
  const uint32_t width = abi::log_shows(c) ? 1 : 4;
  if (line->len + width > abi::kLogLineWidth) {
    write_line(*line);
    line = &line_of(pid, tid);
  }
  char* at = line->bytes + line->len;
  line->len += width;
  if (width == 1) {
    at[0] = static_cast<char>(c);
    return;
  }
  constexpr char kHex[] = "0123456789abcdef";
  at[0] = '\\';
  at[1] = 'x';
  at[2] = kHex[c >> 4];
  at[3] = kHex[c & 15];
}

// One piece of a client's line: a '\n' in it, or kLogEnd after it, writes the line.
void take_piece(const Message& m) {
  const uint32_t n = (m.id >> 8) & 0xff;
  const uint32_t pid = m.sender();  // the kernel's word
  const uint32_t tid = m.id >> 16;  // the sender's claim: it only picks among its own lines
  if (n > 16) return;               // malformed: dropped
  Line* line = nullptr;             // looked up at the first byte: a piece may hold none
  for (uint32_t i = 0; i < n; ++i) {
    const auto c = static_cast<uint8_t>(m.w[i / 4] >> (8 * (i % 4)));
    if (c == '\n') {
      if (line == nullptr) line = &line_of(pid, tid);
      write_line(*line);
      line = nullptr;
    } else {
      append(line, pid, tid, c);
    }
  }
  if ((m.id & abi::kLogEnd) == 0) return;
  if (line == nullptr) line = open_line(pid, tid);  // it may have begun in an earlier piece
  if (line != nullptr) write_line(*line);
}

// Console input (abi/log.h: kLogListenInput), on boards whose UART receives. The interrupt
// handler only masks the receive interrupt, notes the time and wakes the pump thread; the pump
// hands every byte in the FIFO to the listener, waiting (and counting) when its queue is full,
// and unmasks the interrupt again once the FIFO is empty. So bytes are never dropped here: a
// listener that falls behind holds the line back. One that is gone (its server destroyed)
// ends input: the byte that found it gone is reported on the console, input stays off until
// kLogListenInput is sent again, and what the UART holds waits there.
struct Input {
  Connection listener;  // the server under kConsoleInputSid
  Connection wake;      // the pump thread's own server
  uint32_t pump_handle = 0;
  volatile uint32_t t_irq = 0;
  volatile bool fresh = false;  // t_irq belongs to the next byte taken
  volatile bool on = false;     // a listener is connected and the interrupt is unmasked
  bool pump_ready = false;      // the interrupt is claimed, the pump thread runs
  uint32_t forwarded = 0, queue_full = 0, lost = 0;
};
Input g_input;

void on_rx(uint32_t, uint32_t) {
  g_input.t_irq = board::ConsoleUart::stamp();  // first: the keystroke's start
  g_input.fresh = true;
  g_uart.rx_interrupt(false);
  (void)g_input.wake.try_send(1);  // one wake per interrupt; the pump's queue has room
}

[[noreturn]] void pump(uint32_t) {
  for (;;) {
    (void)sys::receive(g_input.pump_handle);  // a wake from on_rx
    while (g_input.on && g_uart.rx_ready()) {
      const uint8_t byte = g_uart.get();
      uint32_t t = board::ConsoleUart::stamp();
      if (g_input.fresh) {
        t = g_input.t_irq;
        g_input.fresh = false;
      }
      const uint32_t n = g_input.forwarded + 1;
      abi::Error e = g_input.listener.try_send(abi::kLogInputByte, byte, t, n);
      if (e == abi::Error::QueueFull) {
        ++g_input.queue_full;
        e = g_input.listener.send(abi::kLogInputByte, byte, t, n);
      }
      if (e == abi::Error::Ok) {
        g_input.forwarded = n;
        continue;
      }
      ++g_input.lost;  // the listener is gone: said, never silent
      g_input.on = false;
      (void)g_input.listener.disconnect();
      // Through the kernel log, which this server's main thread prints as whole lines (a
      // print here could run into a line that thread is writing).
      char note[96];
      const uint32_t len = kstd::sformat(note, sizeof note,
                                         "[log] console input: byte %u was not delivered (%s); "
                                         "input is off\n",
                                         n, abi::error_name(e));
      (void)sys::debug_write(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(note)),
                             len < sizeof note ? len : sizeof note - 1);
    }
    if (g_input.on) g_uart.rx_interrupt(true);  // a byte that came meanwhile raises the line
  }
}

// The line, the pump's server and thread: once, the first time input is turned on. The line
// is claimed first, so a log server that may not claim it (an image that grants no console
// input) refuses before it has made anything that could be left over.
abi::Error start_pump() {
  abi::Error e = claim_interrupt(board::kUartIrq, on_rx);
  if (e != abi::Error::Ok) return e;
  Server pump_server;
  e = Server::create(Sid{}, &pump_server);
  if (e == abi::Error::Ok) e = Connection::try_connect(pump_server.sid(), &g_input.wake);
  g_input.pump_handle = pump_server.handle();
  if (e == abi::Error::Ok) e = spawn_thread(pump, 0, 4096, abi::kServicePriority, nullptr);
  if (e != abi::Error::Ok) {
    if (pump_server.handle() != 0) (void)pump_server.destroy();
    (void)free_interrupt(board::kUartIrq);
    return e;
  }
  g_input.pump_ready = true;
  return abi::Error::Ok;
}

// Input goes only to the server under kConsoleInputSid (abi/log.h: the image reserves it for
// its keyboard driver), whoever asks for it to be turned on.
uint32_t listen_input() {
  if constexpr (!board::ConsoleUart::kConsoleInput) return static_cast<uint32_t>(abi::Error::NotSupported);
  if (g_input.on) return 0;
  abi::Error e = g_input.pump_ready ? abi::Error::Ok : start_pump();
  if (e != abi::Error::Ok) return static_cast<uint32_t>(e);
  const Sid sid{{abi::kConsoleInputSid[0], abi::kConsoleInputSid[1], abi::kConsoleInputSid[2],
                 abi::kConsoleInputSid[3]}};
  if ((e = Connection::try_connect(sid, &g_input.listener)) != abi::Error::Ok)
    return static_cast<uint32_t>(e);
  g_input.on = true;
  g_uart.rx_interrupt(true);
  return 0;
}

}  // namespace

int main() {
  abi::Error e;
  const uint32_t uart = map_device(board::kUart0, board::kDevicePage, &e);
  if (uart == 0) {
    print("[log] cannot map the UART: %s\n", abi::error_name(e));  // goes to the kernel log
    return 1;
  }
  g_uart = board::ConsoleUart(uart);
  set_print_sink(uart_write);

  Server server;
  const Sid sid{{abi::kLogSid[0], abi::kLogSid[1], abi::kLogSid[2], abi::kLogSid[3]}};
  if ((e = Server::create(sid, &server)) != abi::Error::Ok) {
    print("[log] cannot create the log server: %s\n", abi::error_name(e));
    return 1;
  }
  g_server_handle = server.handle();
  drain_kernel_log();  // also makes this server the kernel log's reader

  serve(server, [](Message& m, Reply& reply) {
    // Memory is not part of the protocol: a Move is freed at once, and serve() returns a
    // Borrow unanswered, so nothing sent here is kept (abi/log.h).
    if (m.kind() == abi::MessageKind::Move) {
      (void)sys::unmap_memory(m.w[0], m.w[1]);
      return true;
    }
    if (m.sender() == 0) {  // the kernel: its notice (a process cannot send from pid 0)
      if (m.id == abi::kLogKernelNotice) drain_kernel_log();
    } else if ((m.id & 0xff & ~abi::kLogEnd) == abi::kLogWrite) {
      take_piece(m);
    } else if (m.id == abi::kLogListenInput && m.handle != 0) {
      reply(listen_input());
    } else if (m.id == abi::kLogInputStats) {
      reply(g_input.forwarded, g_input.queue_full);  // (a lost byte is on the console)
    }
    return true;
  });
  return 0;
}
