// hostile_relend_copy.cc — issue 12, reproducer 4: a receiver re-lends, by remapping, the pages
// the kernel copied for it, to a second server of its own; then it returns the first lend. At
// fa3bfc6 that return frees the copies while the second borrower still maps them read-write;
// the last one freed is the next page the kernel takes, here as the page table of a fresh 4 MiB
// region, which the attacker then writes through its stale mapping: one forged PTE maps the
// kernel's RAM user read-write, and any other page of RAM could be mapped the same way
// (hostile.h, forge_through_stale).
//
// Expected: the re-lend (or the early return) is refused, or the attack fails harmlessly; both
// lends settle, nothing forged is mapped, and the pages balance (but for the page table the
// fresh region takes).
#include "hostile.h"

using namespace hostile;

namespace {
Lender first{}, second{};
}  // namespace

int main() {
  courier::Server s1, s2;
  courier::Connection to_first, to_second;
  Threads threads;
  const uint32_t buf = test::pages(2);
  if (courier::Server::create(courier::Sid{}, &s1) != Error::Ok ||
      courier::Server::create(courier::Sid{}, &s2) != Error::Ok ||
      courier::Connection::connect(s1.sid(), &to_first) != Error::Ok ||
      courier::Connection::connect(s2.sid(), &to_second) != Error::Ok || !threads.reserve(3) ||
      buf == 0) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  const uint32_t mutable_copy = static_cast<uint32_t>(MessageKind::MutableBorrow) | kByCopy;

  // A well-behaved round first (the lend window gets its page table).
  first = Lender{to_first.cid(), 1, mutable_copy, buf, 2 * kPage, 0, Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(first));
  courier::Message m1{}, m2{};
  test::expect_error(s1.receive(&m1), Error::Ok, "receive a mutable borrow by copying");
  test::expect_error(s1.return_memory(m1, 0, 0), Error::Ok, "return it");
  wait_until([] { return first.done != 0; });
  const uint32_t baseline = free_pages();

  first = Lender{to_first.cid(), 2, mutable_copy, buf, 2 * kPage, 0, Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(first));
  test::expect_error(s1.receive(&m1), Error::Ok, "receive the two-page lend");
  second = Lender{to_second.cid(), 3,         static_cast<uint32_t>(MessageKind::MutableBorrow),
                  m1.w[0],         2 * kPage, 0,
                  Error::Ok};
  (void)threads.start(lend_or_report, arg_of(second));
  test::expect_error(s2.receive(&m2), Error::Ok, "the second server hears from the re-lend");

  bool returned_first = false;
  const bool relent = m2.kind() == MessageKind::MutableBorrow;
  if (!relent) {
    note("re-lend of the copies by remapping", static_cast<Error>(m2.w[0]));
  } else {
    // From here to the forged PTE's use nothing else may take a page from the free list.
    const Error early = sys::return_memory(m1.handle, 0, 0).error;
    const auto device = forge_through_stale(m2.w[0], 2);
    returned_first = early == Error::Ok;
    note("return the first lend while its copies are re-lent", early);
    test::expect_error(device.error, Error::Ok,
                       "map_physical in a fresh region (a new page table)");
    expect_no_forged_mapping(kStaleForged, "no stale mapping of a freed copy reaches a page table");
    const Error back = s2.return_memory(m2, 0, 0);
    if (returned_first) {
      note("return the re-lend after the first lend ended", back);
    } else {
      test::expect_error(back, Error::Ok, "return the re-lend");
    }
    if (device.error == Error::Ok) (void)sys::unmap_memory(device.r[0], kPage);
  }
  if (!returned_first) test::expect_error(s1.return_memory(m1, 0, 0), Error::Ok, "return the lend");
  test::check(wait_until([] { return first.done != 0 && second.done != 0; }), "both lenders woke");
  test::expect_error(first.error, Error::Ok, "what the first lender was told");
  test::check(!present(m1.w[0]) && !present(m1.w[0] + kPage), "the copies are gone");
  if (relent) {
    test::check(!present(m2.w[0]) && !present(m2.w[0] + kPage), "the re-lent mapping is gone");
    expect_pages(baseline - 1, "pages balanced (the fresh region keeps its page table)");
  } else {
    expect_pages(baseline, "pages balanced");
  }
  courier::print("hostile relend copy done, %d failures\n", test::failures);
  return test::failures;
}
