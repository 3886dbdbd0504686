// log_client.cc — printing through the log server (services/log): long lines from two threads at
// once arrive whole (never interleaved), a line may be built from several prints, and the
// kernel's own log (debug_write, process deaths) comes out through the same server.
#include "common.h"
#include "courier/services/board.h"

namespace {

volatile uint32_t g_done = 0;

void print_lines(char c) {
  char line[121];
  for (int i = 0; i < 120; ++i) line[i] = c;
  line[120] = '\0';
  for (int i = 0; i < 10; ++i) courier::print("%s\n", line);  // eight pieces each
}

void other_thread(uint32_t) {
  print_lines('B');
  g_done = 1;
  courier::sys::exit_thread();
}

}  // namespace

int main() {
  uint32_t tid = 0;
  test::expect_error(courier::spawn_thread(other_thread, 0, 4096, courier::abi::kDefaultPriority, &tid),
                     courier::abi::Error::Ok, "start a second printing thread");
  print_lines('A');
  while (g_done == 0) (void)courier::sys::yield();
  courier::print("one line ");
  courier::print("from three ");
  courier::print("prints\n");
  const char msg[] = "through the kernel log\n";
  test::expect_error(courier::sys::debug_write(
                         static_cast<uint32_t>(reinterpret_cast<uintptr_t>(msg)), sizeof msg - 1)
                         .error,
                     courier::abi::Error::Ok, "debug_write");
  test::expect_error(courier::sys::map_physical(courier::board::kUart0, 0, 4096, 3).error,
                     courier::abi::Error::AlreadyExists, "the UART is the log server's");
  courier::print("log done, %d failures\n", test::failures);
  return test::failures;
}
