// lend_root.cc — process 1 of the lending test: Borrow, MutableBorrow and Move by remapping
// and by copying, a few bad arguments, and both kinds of fault (see the other lend_*.cc).
#include "common.h"

using courier::Transfer;
using courier::abi::Error;
using courier::abi::MessageKind;

namespace {

void fill(uint32_t va, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) reinterpret_cast<volatile uint32_t*>(va)[i * 1024] = i;
}

void round(const courier::Connection& c, Transfer how, const char* path) {
  const uint32_t buf = test::pages(3);
  fill(buf, 3);
  auto r = c.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buf), 3 * 4096, 16, 100, how);
  test::check(r.error == Error::Ok && r.offset == 32 && r.valid == 200, path);
  r = c.lend(MessageKind::MutableBorrow, 2, reinterpret_cast<void*>(buf), 4096, 8, 0, how);
  test::check(
      r.error == Error::Ok && r.valid == 4 && *reinterpret_cast<volatile uint32_t*>(buf) == 0xabcd,
      "mutable borrow: the server's write is visible after return");
  *reinterpret_cast<volatile uint32_t*>(buf) = 5;  // and the lender can write again
  r = c.lend(MessageKind::Move, 3, reinterpret_cast<void*>(buf), 2 * 4096, 0, 0, how);
  test::expect_error(r.error, Error::Ok, "move returns at once");
  uint32_t again = 0;
  test::expect_error(
      courier::map_memory(buf, 2 * 4096, courier::abi::kMemRead | courier::abi::kMemWrite, &again),
      Error::Ok, "the moved range is free in the lender again");
}

}  // namespace

int main() {
  courier::Connection c;
  test::expect_error(courier::Connection::connect(test::kLendSid, &c), Error::Ok,
                     "connect to the lend server");
  round(c, Transfer::Remap, "borrow by remapping: data seen, hints updated");
  round(c, Transfer::Copy, "borrow by copying: data seen, hints updated");

  const uint32_t buf = test::pages(1);
  test::expect_error(c.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buf + 4), 4096).error,
                     Error::InvalidArgument, "unaligned lend");
  test::expect_error(
      c.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(0x80000000), 4096).error,
      Error::BadAddress, "lend of kernel memory");
  test::expect_error(c.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buf), 0).error,
                     Error::InvalidArgument, "zero-length lend");

  // The toucher (process 3) lends a page mutably and touches it: it must die; the record ends
  // with it and the page becomes the server's own, which libcourier's return_memory then frees
  // (answering Interrupted: the peer died; abi/lend.h).
  (void)courier::sys::wait_event(30000);
  const auto ret = c.call(5);
  test::check(ret.error == Error::Ok && ret.r[0] == static_cast<uint32_t>(Error::Interrupted),
              "server returned the dead lender's memory");

  // The scribbler (process 4) writes into a read-only borrow: it dies, we get our page back.
  courier::Connection s;
  test::expect_error(courier::Connection::connect(test::kScribbleSid, &s), Error::Ok,
                     "connect to the scribbler");
  *reinterpret_cast<volatile uint32_t*>(buf) = 11;
  const auto gone = s.lend(MessageKind::Borrow, 1, reinterpret_cast<void*>(buf), 4096);
  test::expect_error(gone.error, Error::ServerNotFound, "borrow to a server that died holding it");
  *reinterpret_cast<volatile uint32_t*>(buf) = 12;  // writable again
  test::check(*reinterpret_cast<volatile uint32_t*>(buf) == 12,
              "the page is ours again, read-write");
  courier::print("lend done, %d failures\n", test::failures);
  return test::failures;
}
