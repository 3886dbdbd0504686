// sync_bench.cc — the `sync` path's benchmarks (DESIGN.md §6), run as process 1.
//
//   sync/null_syscall        one trapping syscall that does nothing
//   sync/scalar_send         one Scalar to a server in another process, amortised over bursts
//                            of 64 (the server's receive work is included, as the queue drains)
//   sync/call_reply          BlockingScalar round trip to a server in another address space
//   sync/call_reply_same_as  the same to a server thread in this process
//   sync/yield               a switch to another process and back (it yields straight back)
//   trap/misaligned_load     one misaligned lw: one load on QEMU, which performs it; a trap
//                            and the kernel's emulation on the simulated cores (issue 17)
//   trap/misaligned_store    the same for a misaligned sw
//
// yield runs last: once the partner starts yielding it stays runnable.
#include "bench_ids.h"
#include "courier/user/print.h"
#include "harness.h"

namespace {

courier::Connection echo, local, yield_partner;

void null_syscall(void*) { (void)courier::sys::null(); }
void scalar_send(void*) { (void)echo.send(bench::kIdScalar, 1, 2, 3, 4); }
void call_reply(void*) { (void)echo.call(bench::kIdCall, 1, 2); }
void call_reply_local(void*) { (void)local.call(bench::kIdCall, 1, 2); }
void yield(void*) { (void)courier::sys::yield(); }

// A word at an odd address (asm: the compiler would split a misaligned C access into bytes).
alignas(8) uint8_t misaligned_buffer[16];
void misaligned_load(void*) {
  uint32_t v;
  asm volatile("lw %0, 0(%1)" : "=r"(v) : "r"(misaligned_buffer + 1) : "memory");
}
void misaligned_store(void*) {
  asm volatile("sw %0, 0(%1)" : : "r"(0x5a5a5a5au), "r"(misaligned_buffer + 3) : "memory");
}

courier::Server local_server;

void local_server_thread(uint32_t) {
  bench::echo_loop(local_server);
  courier::sys::exit_thread();
}

bool check(courier::abi::Error e, const char* what) {
  if (e != courier::abi::Error::Ok)
    courier::print("bench setup failed: %s: %s\n", what, courier::abi::error_name(e));
  return e == courier::abi::Error::Ok;
}

}  // namespace

int main() {
  using courier::bench::Options;
  courier::bench::suite_begin("sync");
  if (!check(courier::Connection::connect(bench::kEchoSid, &echo), "connect echo") ||
      !check(courier::Server::create(bench::kLocalSid, &local_server), "create local server") ||
      !check(courier::spawn_thread(local_server_thread, 0, 4096, courier::abi::kDefaultPriority,
                                   nullptr),
             "spawn local server") ||
      !check(courier::Connection::connect(bench::kLocalSid, &local), "connect local") ||
      !check(courier::Connection::connect(bench::kYieldSid, &yield_partner),
             "connect yield partner")) {
    return 1;
  }
  courier::bench::run("sync/null_syscall", null_syscall, nullptr);
  courier::bench::run("sync/call_reply", call_reply, nullptr);
  courier::bench::run("sync/call_reply_same_as", call_reply_local, nullptr);
  courier::bench::run("sync/scalar_send", scalar_send, nullptr, Options{201, 4, 64});
  courier::bench::run("trap/misaligned_load", misaligned_load, nullptr);
  courier::bench::run("trap/misaligned_store", misaligned_store, nullptr);
  (void)yield_partner.send(0);
  courier::bench::run("sync/yield", yield, nullptr);
  courier::bench::suite_end("sync");
  return 0;
}
