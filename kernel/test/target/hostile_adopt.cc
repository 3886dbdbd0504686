// hostile_adopt.cc — issue 12, reproducer 5: process 2 lends two pages by remapping (Borrow)
// and dies while this process holds them. At fa3bfc6 the pages become the borrower's own (their
// borrowed mark cleared) but the lend record stays open, and the two disagree:
//   HOSTILE_VARIANT 0 (relend): make the pages RWX, re-lend them to a second server of one's
//     own, return the first lend: the frames are freed while the re-lend still maps them
//     read-write; the last one freed comes back as the page table of a fresh region, and a
//     forged PTE maps kernel RAM.
//   HOSTILE_VARIANT 1 (unmap): unmap the adopted pages, then return the lend: the kernel panics
//     (lend.cc:61) on the mappings it expected to free.
//   HOSTILE_VARIANT 2 (ring): make them read-write and register them as this thread's batch
//     ring, then return the lend: the ring's frames are freed under it, and come back as an
//     ordinary page and a page table (the attack of hostile_copy_ring.cc, through adoption).
// Expected: whatever each step answers, nothing forged is mapped, the lend settles, and each
// page is freed exactly once.
#include "hostile.h"

using namespace hostile;

namespace {

enum Variant { kRelend = 0, kUnmap = 1, kRing = 2 };
constexpr Variant kVariant = static_cast<Variant>(HOSTILE_VARIANT);
constexpr uint32_t kPages = 2;

Lender warmup{}, second{};

// Variant relend (hostile_relend_copy.cc's attack); true if the first lend was returned. Adds
// the page tables it took.
bool attack_by_relend(const courier::Server& s2, const courier::Connection& to_s2, Threads& threads,
                      uint32_t page, uint32_t handle, uint32_t* tables) {
  note("make the dead lender's pages RWX",
       sys::update_memory_flags(page, kPages * kPage, kRwx).error);
  second = Lender{
      to_s2.cid(), 2, static_cast<uint32_t>(MessageKind::MutableBorrow), page, kPages * kPage, 0,
      Error::Ok};
  (void)threads.start(lend_or_report, arg_of(second));
  courier::Message m2{};
  test::expect_error(s2.receive(&m2), Error::Ok, "the second server hears from the re-lend");
  bool returned = false;
  if (m2.kind() != MessageKind::MutableBorrow) {
    note("re-lend of the dead lender's pages", static_cast<Error>(m2.w[0]));
  } else {
    // From here to the forged PTE's use nothing else may take a page from the free list.
    const Error early = sys::return_memory(handle, 0, 0).error;
    const auto device = forge_through_stale(m2.w[0], kPages);
    returned = early == Error::Ok;
    note("return the dead lender's borrow while it is re-lent", early);
    test::expect_error(device.error, Error::Ok,
                       "map_physical in a fresh region (a new page table)");
    *tables += device.error == Error::Ok ? 1 : 0;
    expect_no_forged_mapping(kStaleForged, "no stale mapping of a freed page reaches a page table");
    const Error back = s2.return_memory(m2, 0, 0);
    if (returned) {
      note("return the re-lend after the first lend ended", back);
    } else {
      test::expect_error(back, Error::Ok, "return the re-lend");
    }
    if (device.error == Error::Ok) (void)sys::unmap_memory(device.r[0], kPage);
    test::check(!present(m2.w[0]) && !present(m2.w[0] + kPage), "the re-lent mapping is gone");
  }
  test::check(wait_until([] { return second.done != 0; }), "the re-lender woke");
  return returned;
}

// Variant ring (hostile_copy_ring.cc's attack); true if the lend was returned.
bool attack_by_ring(uint32_t page, uint32_t handle, uint32_t* tables) {
  const Error writable = sys::update_memory_flags(page, kPages * kPage, kRw).error;
  note("make the dead lender's pages read-write", writable);
  if (writable == Error::Ok) prime_ring_header(page);
  const Error setup = sys::ring_setup(page).error;
  note("ring_setup on the dead lender's pages", setup);
  // From here to the drain nothing else may take a page from the free list: no print.
  const Error returned = sys::return_memory(handle, 0, 0).error;
  const RingForgery forged = forge_through_ring();
  note("return the dead lender's borrow with its pages registered as a ring", returned);
  test::expect_error(forged.device.error, Error::Ok,
                     "map_physical in a fresh region (a new page table)");
  *tables += forged.device.error == Error::Ok ? 1 : 0;
  expect_no_forged_mapping(kRingForged, "the ring's completion did not forge a PTE");
  if (setup == Error::Ok) test::expect_error(sys::ring_setup(0).error, Error::Ok, "drop the ring");
  undo(forged);
  return returned == Error::Ok;
}

}  // namespace

int main() {
  courier::Server held, s2;
  courier::Connection to_second;
  Threads threads;
  const uint32_t own = test::pages(1);
  if (courier::Server::create(test::kLendSid, &held) != Error::Ok ||
      courier::Server::create(courier::Sid{}, &s2) != Error::Ok ||
      courier::Connection::connect(s2.sid(), &to_second) != Error::Ok || !threads.reserve(3) ||
      own == 0) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  // A well-behaved round first (the lend window gets its page table).
  warmup = Lender{
      to_second.cid(), 1, static_cast<uint32_t>(MessageKind::Borrow) | kByCopy, own, kPage, 0,
      Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(warmup));
  courier::Message m{};
  test::expect_error(s2.receive(&m), Error::Ok, "receive a borrow by copying");
  test::expect_error(s2.return_memory(m, 0, 0), Error::Ok, "return it");
  wait_until([] { return warmup.done != 0; });

  test::expect_error(held.receive(&m), Error::Ok, "receive process 2's borrow");
  const uint32_t page = m.w[0];
  test::check(m.kind() == MessageKind::Borrow &&
                  reinterpret_cast<volatile uint32_t*>(page)[0] == 0x1234 &&
                  reinterpret_cast<volatile uint32_t*>(page)[1024] == 0x1235,
              "the borrowed pages hold the lender's data");
  courier::Connection doomed;
  test::expect_error(courier::Connection::connect(test::kDoomedSid, &doomed), Error::Ok,
                     "connect to the lender's control server");
  test::expect_error(doomed.call(1).error, Error::ServerNotFound,
                     "the lender died holding the call");
  const uint32_t kept = (present(page) ? 1 : 0) + (present(page + kPage) ? 1 : 0);
  const uint32_t baseline = free_pages();
  courier::print("note: %u of the dead lender's pages still mapped here\n", kept);

  uint32_t tables = 0;
  bool returned = false;
  switch (kVariant) {
    case kRelend:
      returned = attack_by_relend(s2, to_second, threads, page, m.handle, &tables);
      break;
    case kUnmap:
      note("unmap the dead lender's pages", sys::unmap_memory(page, kPages * kPage).error);
      break;
    case kRing: returned = attack_by_ring(page, m.handle, &tables); break;
  }
  if (!returned) note("return the dead lender's borrow", sys::return_memory(m.handle, 0, 0).error);
  // Since issue 13 the record ended with the lender and the pages are this process's own: it
  // frees them itself (a ring made of them is given up first).
  if (present(page) || present(page + kPage)) {
    if (kVariant == kRing) note("give up the ring", sys::ring_setup(0).error);
    note("unmap the dead lender's pages, ours now", sys::unmap_memory(page, kPages * kPage).error);
  }
  test::check(!present(page) && !present(page + kPage), "the dead lender's pages are gone");
  expect_pages(baseline + kept - tables, "pages balanced (each page freed once)");
  courier::print("hostile adopt done, %d failures\n", test::failures);
  return test::failures;
}
