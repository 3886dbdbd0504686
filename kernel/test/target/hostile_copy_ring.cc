// hostile_copy_ring.cc — issue 12, reproducer 3: the two pages the kernel copied for a
// MutableBorrow by copying become the receiver's batch ring; return_memory frees them while the
// ring stays registered. At fa3bfc6 the freed frames come back in the order they went: the
// submission page as an ordinary page of the attacker's, the header and completion page as the
// page table of a fresh 4 MiB region. The next drain then reads the attacker's entry and writes
// its tag, chosen to be an Sv32 leaf for kernel RAM, into that page table: the kernel's memory
// is user read-write (hostile.h, forge_through_ring).
//
// Expected: ring_setup on the copy is refused, or the attack fails harmlessly; either way the
// lend settles, nothing forged is mapped, and the pages balance (but for the page table the
// fresh region takes).
#include "hostile.h"

using namespace hostile;

namespace {
Lender lender{};
}  // namespace

int main() {
  courier::Server server;
  courier::Connection conn;
  Threads threads;
  const uint32_t buf = test::pages(2);
  if (courier::Server::create(courier::Sid{}, &server) != Error::Ok ||
      courier::Connection::connect(server.sid(), &conn) != Error::Ok || !threads.reserve(2) ||
      buf == 0) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  const uint32_t mutable_copy = static_cast<uint32_t>(MessageKind::MutableBorrow) | kByCopy;

  // A well-behaved round first (the lend window gets its page table).
  lender = Lender{conn.cid(), 1, mutable_copy, buf, 2 * kPage, 0, Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(lender));
  courier::Message m{};
  test::expect_error(server.receive(&m), Error::Ok, "receive a mutable borrow by copying");
  test::expect_error(server.return_memory(m, 0, 0), Error::Ok, "return it");
  wait_until([] { return lender.done != 0; });
  const uint32_t baseline = free_pages();

  prime_ring_header(buf);  // the copy will carry it
  lender = Lender{conn.cid(), 2, mutable_copy, buf, 2 * kPage, 0, Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(lender));
  test::expect_error(server.receive(&m), Error::Ok, "receive the two-page lend");
  const uint32_t ring = m.w[0];

  const Error setup = sys::ring_setup(ring).error;
  note("ring_setup on the copies of an open lend", setup);
  // From here to the drain nothing else may take a page from the free list: no print.
  const Error returned = sys::return_memory(m.handle, 0, 0).error;
  const RingForgery forged = forge_through_ring();
  note("return_memory with the copies registered as a ring", returned);
  test::expect_error(forged.ordinary.error, Error::Ok, "map an ordinary page");
  test::expect_error(forged.device.error, Error::Ok,
                     "map_physical in a fresh region (a new page table)");
  expect_no_forged_mapping(kRingForged, "the ring's completion did not forge a PTE");

  if (setup == Error::Ok) test::expect_error(sys::ring_setup(0).error, Error::Ok, "drop the ring");
  if (returned != Error::Ok) {
    test::expect_error(server.return_memory(m, 0, 0), Error::Ok, "return the lend");
  }
  test::check(wait_until([] { return lender.done != 0; }) && lender.error == Error::Ok,
              "the lender got its memory back");
  undo(forged);
  test::check(!present(ring) && !present(ring + kPage), "the copies are gone");
  expect_pages(baseline - 1, "pages balanced (the fresh region keeps its page table)");
  courier::print("hostile copy ring done, %d failures\n", test::failures);
  return test::failures;
}
