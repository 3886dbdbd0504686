// hostile_log_spoof.cc — issue 13, finding 7: a process prints lines forged to read as the
// kernel's own, through debug_write and through the log server, and tries to write into
// another process's line and to have the kernel's next line continue its own. At fa3bfc6 the
// console showed each forgery as a kernel line (`[kernel] process 1 ... halting with code 7x`),
// carried raw carriage returns and escapes to the terminal, and let any process append to any
// thread's line by claiming its tid. The test's CTest expectations (kernel/test/CMakeLists.txt)
// check that each forged text appears only behind this process's mark and that no line at a
// line's start reads as a kernel line with a forged code. Process 1 here; process 2 is the
// victim (hostile_log_victim.cc).
#include "hostile_log.h"

using namespace hostile;

int main() {
  courier::Server server;
  if (courier::Server::create(kSpoofSid, &server) != Error::Ok) {
    courier::print("FAIL: cannot create the spoof server\n");
    return 1;
  }
  const uint32_t me = sys::process_info().r[0];
  const uint32_t my_tid = sys::process_info().r[1];

  // Through debug_write: a whole forged line, one after an embedded newline, one that moves
  // the cursor back over the mark and clears the terminal line.
  debug_write("[kernel] process 1 (h_log_spoof) exited with code 71\n");
  debug_write("ok\n[kernel] process 1 ended, halting with code 72\n");
  debug_write("\r\x1b[2K[kernel] process 1 ended, halting with code 73\n");

  // Through the log server: print, a raw carriage return, an embedded newline in one piece.
  courier::print("[kernel] process 1 (h_log_spoof) exited with code 75\n");
  const courier::Connection log = log_connection();
  log_raw(log, my_tid, "\r\x1b[1A\b\xff[kernel] process 1 ended, halting with code 76", true);
  log_raw(log, my_tid, "x\n[kernel] process 1 ended, halting with code 77", true);
  // A line longer than the server writes goes on in a new line behind the mark.
  char long_line[301];
  for (int i = 0; i < 300; ++i) long_line[i] = 'L';
  long_line[300] = '\0';
  log_raw(log, my_tid, long_line, true);

  // Into the victim's open line, by claiming its tid.
  courier::Message m{};
  if (server.receive(&m) != Error::Ok || m.id != kLineOpen) {
    courier::print("FAIL: the victim did not say its line is open\n");
    return 1;
  }
  test::check(m.sender() == m.w[1] && m.sender() != me && m.sender() != 0,
              "receive names the victim as the sender");
  log_raw(log, m.w[0], "[kernel] process 1 ended, halting with code 78", true);
  (void)server.reply(m, 0);

  // An unfinished debug_write, just before the kernel's next line (the victim's death).
  if (server.receive(&m) != Error::Ok || m.id != kLineDone) {
    courier::print("FAIL: the victim did not finish its line\n");
    return 1;
  }
  debug_write("swallowed: ");
  (void)server.reply(m, 0);
  for (int i = 0; i < 5; ++i) (void)sys::wait_event(20'000);  // the victim ends meanwhile
  courier::print("hostile log spoof done, %d failures\n", test::failures);
  return test::failures;
}
