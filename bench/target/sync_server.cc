// sync_server.cc — the server process of the sync benchmarks (another address space), and the
// yield partner: once told to start, it yields forever so that the benchmark's yield switches
// to another process and back.
#include "bench_ids.h"

int main() {
  courier::Server echo;
  if (courier::Server::create(bench::kEchoSid, &echo) != courier::abi::Error::Ok) return 1;
  courier::Server yield_start;
  if (courier::Server::create(bench::kYieldSid, &yield_start) != courier::abi::Error::Ok) return 1;
  uint32_t tid = 0;
  // The yield partner is a thread of its own, so the echo server keeps serving meanwhile.
  static courier::Server partner_server;
  partner_server = yield_start;
  (void)courier::spawn_thread(
      [](uint32_t) {
        courier::Message m{};
        (void)partner_server.receive(&m);
        for (;;) (void)courier::sys::yield();
      },
      0, 4096, courier::abi::kDefaultPriority, &tid);
  bench::echo_loop(echo);
  return 0;
}
