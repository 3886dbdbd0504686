// lend_bench.cc — memory messages by size (DESIGN.md §6), run as process 1.
//
//   lend/borrow/<bytes>          Borrow round trip by remapping (send, server returns at once)
//   lend/mutable_borrow/<bytes>  the same, MutableBorrow
//   lend/move/<bytes>            Move to a server that unmaps the pages, then a call the server
//                                answers after the unmap (so the unmap is inside the figure);
//                                mapping the fresh pages to move is setup, outside it
//   copy/send/<bytes>            the Borrow round trip through the copy path: the kernel copies
//                                the payload into fresh pages of the server and frees them on
//                                return (one-way copy: the cheapest fair copy baseline)
// for 4096 ... 1048576 bytes.
#include "bench_ids.h"
#include "courier/kstd/format.h"
#include "courier/user/print.h"
#include "harness.h"

namespace {

using courier::Transfer;
using courier::abi::MessageKind;

courier::Connection server;
// An operation that fails would be measured as a cheap error path: count failures and fail
// the run (scripts/bench then marks the results incomplete) instead.
uint32_t failures = 0;
void expect_ok(courier::abi::Error e) { failures += e != courier::abi::Error::Ok; }
uint32_t buffer = 0;  // 1 MiB, mapped once
uint32_t size = 0;
uint32_t move_at = 0;  // fresh pages for each Move

void borrow(void*) {
  expect_ok(server.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buffer), size).error);
}
void mutable_borrow(void*) {
  expect_ok(
      server.lend(MessageKind::MutableBorrow, 1, reinterpret_cast<void*>(buffer), size).error);
}
void copy_send(void*) {
  expect_ok(
      server
          .lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buffer), size, 0, 0, Transfer::Copy)
          .error);
}
void move_setup(void*) {
  expect_ok(
      courier::map_memory(0, size, courier::abi::kMemRead | courier::abi::kMemWrite, &move_at));
}
void move(void*) {
  expect_ok(server.lend(MessageKind::Move, 1, reinterpret_cast<void*>(move_at), size).error);
  expect_ok(server.call(2).error);
}

}  // namespace

int main() {
  courier::bench::suite_begin("lend");
  if (courier::Connection::connect(bench::kLendSid, &server) != courier::abi::Error::Ok ||
      courier::map_memory(0, 1u << 20, courier::abi::kMemRead | courier::abi::kMemWrite, &buffer) !=
          courier::abi::Error::Ok) {
    courier::print("lend bench: setup failed\n");
    return 1;
  }
  // A configuration may leave a path out (it answers NotSupported): its benchmarks are then
  // reported absent, never as the cost of an error.
  const bool remap = server.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buffer), 4096).error !=
                     courier::abi::Error::NotSupported;
  const bool copy = server.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buffer), 4096, 0, 0,
                                Transfer::Copy).error != courier::abi::Error::NotSupported;
  struct Family {
    const char* prefix;
    courier::bench::Operation op;
    courier::bench::Operation setup;
    bool present;
  } families[] = {
      {"lend/borrow", borrow, nullptr, remap},
      {"lend/mutable_borrow", mutable_borrow, nullptr, remap},
      {"lend/move", move, move_setup, remap},
      {"copy/send", copy_send, nullptr, copy},
  };
  for (const Family& f : families) {
    for (size = 4096; size <= (1u << 20); size *= 2) {
      char name[48];
      (void)kstd::sformat(name, sizeof name, "%s/%u", f.prefix, size);
      if (!f.present) {
        courier::bench::absent(name, f.op == copy_send ? "copy path not in this configuration"
                                                       : "lend path not in this configuration");
        continue;
      }
      // Large sizes cost millions of instructions each: fewer samples keep the suite short,
      // and QEMU's counts do not vary between samples anyway.
      const uint32_t samples = size >= (256u << 10) ? 21 : size >= (32u << 10) ? 51 : 201;
      courier::bench::run(name, f.op, nullptr, courier::bench::Options{samples, 3, 1, f.setup});
      if (failures) {
        courier::print("lend bench: %s failed %u times; its figure is not valid\n", name, failures);
        return 2;
      }
    }
  }
  courier::bench::suite_end("lend");
  return 0;
}
