// worst_bench.cc — kernel/worst/<op>: the longest interrupt latency while a long system call
// runs (issue 13, finding 9), run as process 1.
//
// One operation here is a sweep: the main thread issues <op> over and over while an RTC alarm
// fires `kAlarms` times at pseudo-random moments all over it (irq_gap.h); the figure is the
// longest latency of the sweep, in counter cycles: how long the kernel kept an interrupt
// waiting, at worst, plus the upcall's own path (irq/latency). The samples are independent
// sweeps (their median is the figure; on QEMU every sweep gives the same). The ops, each at
// the largest size a process may ask for:
//
//   map_memory_700      map_memory of 700 zeroed pages, then unmap_memory of them
//   protect_700         update_memory_flags of 700 pages (read-only, then read-write)
//   lend_1MiB           a 256-page MutableBorrow by remapping, returned at once
//   copy_lend_1MiB      a 256-page Borrow by copy, returned at once (copy/send/1048576)
//   copy_mutable_1MiB   a 256-page MutableBorrow by copy: copied there and back
//   move_1MiB           256 fresh pages Moved to a server that unmaps them
//   ring_128            one ring_enter of 128 entries: 64 × (map_memory of 16 pages, unmap)
//   spawn_destroy_700   a child is spawned, maps 700 pages across 200 page tables and ends
#include "bench_ids.h"
#include "courier/kstd/format.h"
#include "courier/user/print.h"
#include "courier/user/ring.h"
#include "harness.h"
#include "irq_gap.h"
#include "worst_ids.h"

namespace {

using courier::Transfer;
using courier::abi::Error;
using courier::abi::MessageKind;
namespace sys = courier::sys;

constexpr uint32_t kPage = 4096;
constexpr uint32_t kRw = courier::abi::kMemRead | courier::abi::kMemWrite;
constexpr uint32_t kSamples = 3;
constexpr uint32_t kMap = 0x4000'0000;  // where the map ops map (clear of map_memory(0, ...))

courier::Connection server;
courier::Server done_server;  // destroy_700: a child says it has mapped its pages
courier::Ring ring;
uint32_t buffer = 0;  // 1 MiB, for the lend ops
uint32_t failures = 0;
void expect_ok(Error e) {
  if (e != Error::Ok && failures++ == 0) courier::print("worst bench: first failure: %s\n", courier::abi::error_name(e));
}

void map_700() {
  expect_ok(sys::map_memory(kMap, worst::kMapPages * kPage, kRw).error);
  expect_ok(sys::unmap_memory(kMap, worst::kMapPages * kPage).error);
}
void protect_700() {
  expect_ok(sys::update_memory_flags(kMap, worst::kMapPages * kPage, courier::abi::kMemRead).error);
  expect_ok(sys::update_memory_flags(kMap, worst::kMapPages * kPage, kRw).error);
}
void lend_1mib() {
  expect_ok(server.lend(MessageKind::MutableBorrow, 1, reinterpret_cast<void*>(buffer), 1u << 20).error);
}
void copy_lend_1mib() {
  expect_ok(server
                .lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buffer), 1u << 20, 0, 0,
                      Transfer::Copy)
                .error);
}
void copy_mutable_1mib() {
  expect_ok(server
                .lend(MessageKind::MutableBorrow, 1, reinterpret_cast<void*>(buffer), 1u << 20,
                      0, 0, Transfer::Copy)
                .error);
}
void move_1mib() {
  uint32_t at = 0;
  expect_ok(courier::map_memory(0, 1u << 20, kRw, &at));
  expect_ok(server.lend(MessageKind::Move, 1, reinterpret_cast<void*>(at), 1u << 20).error);
  expect_ok(server.call(2).error);  // answered once the server has unmapped them
}
void ring_128() {
  for (uint32_t i = 0; i < courier::abi::kRingEntries / 2; ++i) {
    ring.submit(courier::abi::Syscall::map_memory, 2 * i, kMap, 16 * kPage, kRw);
    ring.submit(courier::abi::Syscall::unmap_memory, 2 * i + 1, kMap, 16 * kPage);
  }
  (void)ring.flush();
  courier::abi::RingCompletion c;
  while (ring.poll(&c)) failures += c.error != 0;
}
void destroy_700() {
  const uint32_t before = sys::process_info().r[2];
  expect_ok(sys::spawn(worst::kHogIndex, 1).error);
  courier::Message m{};
  expect_ok(done_server.receive(&m));
  // It ends right after telling: wait until its pages are all back.
  while (sys::process_info().r[2] < before) (void)sys::yield();
}

struct Op {
  const char* name;
  void (*run)();
};

// Times one run of `op` without alarms, then takes kSamples sweeps over it.
void measure(const Op& op) {
  const uint32_t t0 = irq_gap::cycles();
  op.run();
  const uint32_t took = irq_gap::cycles() - t0;
  // About two alarms per run, never closer than the upcall's own cost many times over.
  const uint32_t alarms = irq_gap::slow_clock() ? 16 : 96;
  static uint32_t samples[kSamples], zeros[kSamples];
  for (uint32_t i = 0; i < kSamples; ++i) {
    irq_gap::sweep(alarms, 2000, took / 2 + 1);
    while (!irq_gap::done()) op.run();
    samples[i] = irq_gap::worst();
    // Every upcall takes time: a sweep with no alarm taken late measured nothing (the due
    // times are wrong), and its figure is not valid.
    if (samples[i] == 0) {
      courier::print("worst bench: %s: no alarm of a sweep was taken late\n", op.name);
      ++failures;
    }
    zeros[i] = 0;
  }
  char name[48];
  (void)kstd::sformat(name, sizeof name, "kernel/worst/%s", op.name);
  courier::bench::report(name, samples, zeros, kSamples);
}

}  // namespace

int main() {
  courier::bench::suite_begin("kernel");
  if (!irq_gap::start()) {
    courier::bench::absent("kernel/worst/map_memory_700", "cannot have the RTC or its line");
    courier::bench::suite_end("kernel");
    return 1;
  }
  if (courier::Connection::connect(bench::kLendSid, &server) != Error::Ok ||
      courier::Server::create(worst::kDoneSid, &done_server) != Error::Ok) {
    courier::print("worst bench: setup failed\n");
    return 1;
  }
  // A configuration may leave a path out (it answers NotSupported): that operation's figure is
  // then absent, never the cost of an error.
  const Error rings = ring.setup();
  if (rings != Error::Ok && rings != Error::NotSupported) {
    courier::print("worst bench: ring setup failed\n");
    return 1;
  }
  measure(Op{"map_memory_700", map_700});
  if (rings == Error::Ok) {
    measure(Op{"ring_128", ring_128});
  } else {
    courier::bench::absent("kernel/worst/ring_128", "batch path not in this configuration");
  }
  expect_ok(sys::map_memory(kMap, worst::kMapPages * kPage, kRw).error);
  measure(Op{"protect_700", protect_700});
  expect_ok(sys::unmap_memory(kMap, worst::kMapPages * kPage).error);
  expect_ok(courier::map_memory(0, 1u << 20, kRw, &buffer));
  const bool remap = server.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buffer), 4096,
                                 0, 0, Transfer::Remap).error != Error::NotSupported;
  const bool copy = server.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buffer), 4096, 0,
                                0, Transfer::Copy).error != Error::NotSupported;
  const struct {
    Op op;
    bool present;
    const char* why;
  } lend_ops[] = {{{"lend_1MiB", lend_1mib}, remap, "lend path not in this configuration"},
                  {{"copy_lend_1MiB", copy_lend_1mib}, copy, "copy path not in this configuration"},
                  {{"copy_mutable_1MiB", copy_mutable_1mib}, copy,
                   "copy path not in this configuration"},
                  {{"move_1MiB", move_1mib}, remap, "lend path not in this configuration"}};
  for (const auto& l : lend_ops) {
    if (l.present) {
      measure(l.op);
      continue;
    }
    char name[48];
    (void)kstd::sformat(name, sizeof name, "kernel/worst/%s", l.op.name);
    courier::bench::absent(name, l.why);
  }
  expect_ok(sys::unmap_memory(buffer, 1u << 20).error);
  measure(Op{"spawn_destroy_700", destroy_700});
  if (failures) {
    courier::print("worst bench: %u operations failed; the figures are not valid\n", failures);
    return 2;
  }
  courier::bench::suite_end("kernel");
  return 0;
}
