// hostile_xous985.cc — the Xous kernel bug of betrusted-io/xous-core#985 as a Courier test: a
// memory message to a server whose queue is full. Xous moved (or lent) the pages first and
// found the queue full afterwards; its dispatcher retried the call, which moved the pages a
// second time (or faulted on pages already gone), stranding the first copy in the server.
//
// Courier's lend_memory blocks on a full queue and is retried whole when there is room, so a
// Move or Borrow that waited must arrive exactly once, with its data; a Move whose server dies
// while it waits leaves the pages with the lender; one whose pages vanish while it waits is
// refused. After each, the pages balance. And the Moves and the Scalar still queued when their
// sender dies (process 2, hostile_mover.cc) are delivered, the Moves' data intact: their pages
// are never stranded in the receiver's lend window with no message to tell of them, as Xous
// stranded its first copy, and a sent Scalar is never silently dropped.
#include "hostile.h"

using namespace hostile;

namespace {

Lender lender{};
Threads threads;

// Fills `s`'s queue with scalars (nobody receives meanwhile); true if it ends full.
bool fill(const courier::Connection& c) {
  uint32_t sent = 0;
  while (sent < 64 && c.try_send(7, sent) == Error::Ok) ++sent;
  return sent > 0 && c.try_send(7) == Error::QueueFull;
}

uint32_t pattern_pages(uint32_t tag) {
  const uint32_t va = test::pages(2);
  if (va != 0) {
    reinterpret_cast<volatile uint32_t*>(va)[0] = tag;
    reinterpret_cast<volatile uint32_t*>(va)[1024] = tag + 1;
  }
  return va;
}

bool holds(uint32_t va, uint32_t tag) {
  return reinterpret_cast<volatile uint32_t*>(va)[0] == tag &&
         reinterpret_cast<volatile uint32_t*>(va)[1024] == tag + 1;
}

// Starts a lend of `buf` that must wait for room in the full queue behind `c`.
bool start_waiting_lend(const courier::Connection& c, uint32_t kind, uint32_t buf) {
  lender = Lender{c.cid(), 9, kind, buf, 2 * kPage, 0, Error::Ok};
  if (threads.start(lend_and_exit, arg_of(lender)) != Error::Ok) return false;
  settle();
  return lender.done == 0;
}

// Receives everything queued: how many scalars, and the memory messages (at most `max`).
uint32_t drain(const courier::Server& s, courier::Message* memory, uint32_t max, uint32_t* count) {
  uint32_t scalars = 0;
  *count = 0;
  courier::Message m{};
  while (s.try_receive(&m) == Error::Ok) {
    if (m.kind() == MessageKind::Scalar) {
      ++scalars;
    } else if (*count < max) {
      memory[(*count)++] = m;
    } else {
      ++*count;
    }
  }
  return scalars;
}

// A Move (or Borrow) that waited on a full queue arrives once, after the scalars before it.
void retried(const courier::Server& s, const courier::Connection& c, uint32_t kind,
             const char* what) {
  const uint32_t baseline = free_pages();
  const uint32_t buf = pattern_pages(0x985);
  test::check(buf != 0 && fill(c), "fill the server's queue");
  test::check(start_waiting_lend(c, kind, buf), "the lend waits for room in the queue");
  test::check(holds(buf, 0x985), "the lender still sees its pages while it waits");
  courier::Message m{};
  test::expect_error(s.receive(&m), Error::Ok, "receive one scalar: room for one");
  if ((kind & courier::abi::kLendKindMask) == static_cast<uint32_t>(MessageKind::Move)) {
    test::check(wait_until([] { return lender.done != 0; }) && lender.error == Error::Ok,
                "the Move returned once it was queued");
  } else {
    settle();  // the Borrow's thread re-issues it meanwhile
  }
  courier::Message memory[2];
  uint32_t count = 0;
  const uint32_t scalars = drain(s, memory, 2, &count);
  courier::print("%s: %s: %u scalars then %u memory messages\n", count == 1 ? "ok" : "FAIL", what,
                 scalars, count);
  if (count != 1) ++test::failures;
  if (count >= 1) {
    test::check(holds(memory[0].w[0], 0x985), "the pages arrived with their data");
    if (memory[0].kind() == MessageKind::Move) {
      test::check(!present(buf), "the lender's pages are gone");
      test::expect_error(sys::unmap_memory(memory[0].w[0], 2 * kPage).error, Error::Ok,
                         "the server unmaps the moved pages");
    } else {
      test::expect_error(s.return_memory(memory[0], 0, 0), Error::Ok, "return the borrow");
      test::check(wait_until([] { return lender.done != 0; }) && lender.error == Error::Ok,
                  "the lender got its pages back");
      (void)sys::unmap_memory(buf, 2 * kPage);
    }
  }
  expect_pages(baseline, "pages balanced");
}

}  // namespace

int main() {
  courier::Server s, moves;
  courier::Connection c;
  if (courier::Server::create(courier::Sid{}, &s) != Error::Ok ||
      courier::Server::create(test::kLendSid, &moves) != Error::Ok ||
      courier::Connection::connect(s.sid(), &c) != Error::Ok || !threads.reserve(8)) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  // A well-behaved round first (the lend window gets its page table).
  const uint32_t warm = pattern_pages(1);
  lender =
      Lender{c.cid(), 1, static_cast<uint32_t>(MessageKind::Borrow), warm, 2 * kPage, 0, Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(lender));
  courier::Message m{};
  test::expect_error(s.receive(&m), Error::Ok, "receive a borrow");
  test::expect_error(s.return_memory(m, 0, 0), Error::Ok, "return it");
  wait_until([] { return lender.done != 0; });
  (void)sys::unmap_memory(warm, 2 * kPage);

  const uint32_t move = static_cast<uint32_t>(MessageKind::Move);
  retried(s, c, move, "a Move by remapping retried after a full queue arrives once");
  retried(s, c, move | kByCopy, "a Move by copying retried after a full queue arrives once");
  retried(s, c, static_cast<uint32_t>(MessageKind::Borrow),
          "a Borrow retried after a full queue arrives once");

  // The pages vanish while the Move waits: the retry finds them gone and moves nothing.
  uint32_t baseline = free_pages();
  uint32_t buf = pattern_pages(0x77);
  test::check(buf != 0 && fill(c), "fill the queue again");
  test::check(start_waiting_lend(c, move, buf), "a Move waits for room");
  test::expect_error(sys::unmap_memory(buf, 2 * kPage).error, Error::Ok,
                     "another thread unmaps the waiting Move's pages");
  test::expect_error(s.receive(&m), Error::Ok, "make room for one");
  test::check(wait_until([] { return lender.done != 0; }), "the Move was retried");
  test::expect_error(lender.error, Error::BadAddress, "the retried Move of unmapped pages");
  courier::Message memory[2];
  uint32_t count = 0;
  (void)drain(s, memory, 2, &count);
  test::check(count == 0, "nothing was moved");
  expect_pages(baseline, "pages balanced");

  // The server dies while the Move waits: the lender keeps its pages.
  courier::Server doomed;
  courier::Connection to_doomed;
  baseline = free_pages();
  buf = pattern_pages(0x55);
  test::check(courier::Server::create(courier::Sid{}, &doomed) == Error::Ok &&
                  courier::Connection::connect(doomed.sid(), &to_doomed) == Error::Ok && buf != 0 &&
                  fill(to_doomed),
              "fill a second server's queue");
  test::check(start_waiting_lend(to_doomed, move, buf), "a Move waits for room there");
  test::expect_error(doomed.destroy(), Error::Ok, "destroy that server");
  test::check(wait_until([] { return lender.done != 0; }), "the waiting Move woke");
  test::expect_error(lender.error, Error::ServerNotFound, "a Move to a server that died");
  test::check(present(buf) && holds(buf, 0x55), "the lender kept its pages and their data");
  (void)sys::unmap_memory(buf, 2 * kPage);
  expect_pages(baseline, "pages balanced");

  // Process 2 moves pages to `moves` and dies before they are received.
  courier::Connection mover;
  test::expect_error(courier::Connection::connect(test::kDoomedSid, &mover), Error::Ok,
                     "connect to the mover");
  test::expect_error(mover.call(1).error, Error::ServerNotFound,
                     "the mover died with its Moves queued");
  courier::Message moved[4];
  const uint32_t scalars = drain(moves, moved, 4, &count);
  uint32_t intact = 0;
  for (uint32_t i = 0; i < count && i < 4; ++i) {
    intact += moved[i].kind() == MessageKind::Move && holds(moved[i].w[0], 0x985);
    (void)sys::unmap_memory(moved[i].w[0], moved[i].w[1]);
  }
  uint32_t stranded = 0;
  for (uint32_t va = kLendWindow; va < kLendWindow + 16 * kPage; va += kPage)
    stranded += present(va);
  // Both Moves and the Scalar were sent (the mover was told so): its death leaves them queued.
  const bool delivered = count == 2 && intact == 2 && scalars == 1 && stranded == 0;
  courier::print(
      "%s: what a sender that died had queued is delivered: its Moves intact and its Scalar "
      "(%u Moves, %u intact, %u Scalars, %u pages stranded in the lend window)\n",
      delivered ? "ok" : "FAIL", count, intact, scalars, stranded);
  if (!delivered) ++test::failures;
  courier::print("hostile xous985 done, %d failures\n", test::failures);
  return test::failures;
}
