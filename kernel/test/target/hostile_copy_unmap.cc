// hostile_copy_unmap.cc — issue 12, reproducers 1 and 2: a borrower unmaps the copy the kernel
// made for a lend by copying, while the lend is still open. At fa3bfc6 the unmap is accepted
// (the copy is an ordinary page of the borrower's) and settling the lend later panics the
// kernel (lend.cc:61: the mapping it frees is gone), or, with a device mapped in its place,
// makes it free the device's frame as RAM (frames.cc:25).
//
// One process with a server of its own; a second thread lends. HOSTILE_VARIANT picks the end:
//   kReturn   receive, unmap the copy, return_memory
//   kDestroy  receive, unmap the copy, destroy_server
//   kQueued   unmap the copy the kernel maps at send time while the message is still queued,
//             then destroy_server
//   kMmio     receive, unmap the copy, map_physical the RTC at its address, return_memory
// Expected: the unmap is refused (AccessDenied), the lend settles, the pages balance.
#include "hostile.h"

using namespace hostile;

namespace {

enum Variant { kReturn = 0, kDestroy = 1, kQueued = 2, kMmio = 3 };
constexpr Variant kVariant = static_cast<Variant>(HOSTILE_VARIANT);

Lender lender{};

// The first page of the lend window the copy occupies, found by probing (the kernel puts it
// at the bottom of the window).
uint32_t find_copy() {
  for (uint32_t va = kLendWindow; va < kLendWindow + 8 * kPage; va += kPage) {
    if (present(va)) return va;
  }
  return 0;
}

}  // namespace

int main() {
  courier::Server server;
  courier::Connection conn;
  Threads threads;
  const uint32_t buf = test::pages(1);
  if (courier::Server::create(courier::Sid{}, &server) != Error::Ok ||
      courier::Connection::connect(server.sid(), &conn) != Error::Ok || !threads.reserve(2) ||
      buf == 0) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  *reinterpret_cast<volatile uint32_t*>(buf) = 0x600d;

  // A well-behaved round first: the lend window gets its page table, so the scenario's
  // page count has nothing else to account for.
  lender =
      Lender{conn.cid(), 1,        static_cast<uint32_t>(MessageKind::Borrow) | kByCopy, buf, kPage,
             0,          Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(lender));
  courier::Message m{};
  test::expect_error(server.receive(&m), Error::Ok, "receive a borrow by copying");
  test::expect_error(server.return_memory(m, 0, 0), Error::Ok, "return it");
  wait_until([] { return lender.done != 0; });
  const uint32_t baseline = free_pages();

  lender =
      Lender{conn.cid(), 2,        static_cast<uint32_t>(MessageKind::Borrow) | kByCopy, buf, kPage,
             0,          Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(lender));
  uint32_t copy = 0;
  if (kVariant == kQueued) {
    // Do not receive: the message waits in the queue, its copy already mapped here.
    wait_until([] { return find_copy() != 0; }, 500);
    copy = find_copy();
    test::check(copy != 0 && lender.done == 0, "the lend is queued, its copy mapped");
  } else {
    test::expect_error(server.receive(&m), Error::Ok, "receive the borrow");
    copy = m.w[0];
    test::check(*reinterpret_cast<volatile uint32_t*>(copy) == 0x600d, "the copy holds the data");
  }

  test::expect_error(sys::unmap_memory(copy, kPage).error, Error::AccessDenied,
                     "unmap the copy of an open lend");
  uint32_t device = 0;
  if (kVariant == kMmio) {
    const auto r = sys::map_physical(kRtcPa, copy, kPage, kRw);
    test::expect_error(r.error, Error::AlreadyExists, "map_physical the RTC over the copy");
    if (r.error == Error::Ok) device = r.r[0];
  }

  const bool destroy = kVariant == kDestroy || kVariant == kQueued;
  if (destroy) {
    test::expect_error(server.destroy(), Error::Ok, "destroy the server holding the lend");
  } else {
    test::expect_error(server.return_memory(m, 0, 0), Error::Ok, "return the lend");
  }
  test::check(wait_until([] { return lender.done != 0; }), "the lender woke");
  test::expect_error(lender.error, destroy ? Error::ServerNotFound : Error::Ok,
                     "what the lender was told");
  if (device != 0) (void)sys::unmap_memory(device, kPage);
  test::check(!present(copy), "the copy is gone from the lend window");
  test::check(*reinterpret_cast<volatile uint32_t*>(buf) == 0x600d, "the lender's page is intact");
  expect_pages(baseline, "pages balanced");
  courier::print("hostile copy unmap done, %d failures\n", test::failures);
  return test::failures;
}
