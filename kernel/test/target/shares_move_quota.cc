// shares_move_quota.cc — issue 13, finding 2: Moves that bypass the receiver's quota, and Moves
// stranded by their sender's death. Process 1 is the victim: a server that maps memory of its
// own and does not receive; process 2 (shares_move_attacker.cc) Moves 190 pages at a time to
// it, alternately by copying and by remapping. At fa3bfc6 a Move by remapping ignored the
// victim's quota (768 pages pushed into a victim left it above its limit, and its own
// map_memory then failed).
//
// Expected: the Moves that fit within the victim's quota go; the first that would take it past
// 768 pages (page tables included) is refused to the attacker with OutOfMemory, and so is every
// later one; the victim's usage never exceeds its quota, it can still map memory of its own
// while the Moves wait, and once it has received and unmapped them its map_memory works in
// full again. Then the attacker Moves pages and dies with them queued: they come back (issue
// 12 fixed that; kept here as a regression line). After each, the system's free pages balance.
#include "shares.h"

using namespace shares;

namespace {

constexpr uint32_t kOwn = 100;        // pages the victim maps for itself
constexpr uint32_t kMovePages = 190;  // per Move: the victim has room for three, not four
constexpr uint32_t kMoves = 5;
constexpr uint32_t kAttacker = 2;  // the attacker's pid
enum Command : uint32_t { kMove = 1, kMoveAndDie = 2 };

uint32_t tag_of(uint32_t i) { return 0x2000 + i * 0x100; }
courier::Transfer how_of(uint32_t i) {
  return i % 2 == 0 ? courier::Transfer::Copy : courier::Transfer::Remap;
}

// Asks the attacker for one Move; what lend_memory answered it.
Error move(const courier::Connection& attacker, uint32_t pages, uint32_t tag,
           courier::Transfer how) {
  const courier::CallResult r = attacker.call(kMove, pages, tag, static_cast<uint32_t>(how));
  return r.error == Error::Ok ? static_cast<Error>(r.r[0]) : r.error;
}

// Receives every queued message; unmaps each Move, counting those whose pages are intact.
uint32_t drain(const courier::Server& s, uint32_t* moves) {
  uint32_t intact = 0;
  *moves = 0;
  courier::Message m{};
  while (s.try_receive(&m) == Error::Ok) {
    if (m.kind() != MessageKind::Move) continue;
    ++*moves;
    intact += tagged(m.w[0], m.w[1] / kPage, m.id);
    (void)sys::unmap_memory(m.w[0], m.w[1]);
  }
  return intact;
}

}  // namespace

int main() {
  courier::Server victim;
  if (courier::Server::create(kVictimSid, &victim) != Error::Ok) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  const courier::Connection attacker = helper(kAttacker);
  // A well-behaved round first (the lend window gets its page table).
  test::expect_error(move(attacker, 1, 0x1000, courier::Transfer::Remap), Error::Ok,
                     "a one-page Move");
  courier::Message m{};
  test::expect_error(victim.receive(&m), Error::Ok, "receive it");
  test::expect_error(sys::unmap_memory(m.w[0], m.w[1]).error, Error::Ok, "unmap it");

  const uint32_t own = test::pages(kOwn);
  test::check(own != 0, "the victim maps 100 pages of its own");
  // The page tables for what it maps later are made now (it maps there again below).
  const uint32_t warm = test::pages(kMovePages);
  if (warm != 0) (void)sys::unmap_memory(warm, kMovePages * kPage);
  const uint32_t baseline = free_pages();
  const Usage before = usage();
  test::check(before.error == Error::Ok && before.pages + 3 * kMovePages <= kMaxPagesPerProcess &&
                  before.pages + 4 * kMovePages > kMaxPagesPerProcess,
              "the victim has room for three Moves, not four");
  courier::print("note: the victim holds %u pages (usage -> %s)\n", before.pages,
                 courier::abi::error_name(before.error));

  Error answer[kMoves];
  uint32_t peak = 0;
  for (uint32_t i = 0; i < kMoves; ++i) {
    answer[i] = move(attacker, kMovePages, tag_of(i), how_of(i));
    const Usage u = usage();
    if (u.pages > peak) peak = u.pages;
    courier::print("note: Move %u of %u pages by %s -> %s; the victim holds %u pages\n", i + 1,
                   kMovePages, how_of(i) == courier::Transfer::Copy ? "copying" : "remapping",
                   courier::abi::error_name(answer[i]), u.pages);
  }
  test::expect_error(answer[0], Error::Ok, "Move 1 (copying) within the victim's quota");
  test::expect_error(answer[1], Error::Ok, "Move 2 (remapping) within the victim's quota");
  test::expect_error(answer[2], Error::Ok, "Move 3 (copying) within the victim's quota");
  test::expect_error(answer[3], Error::OutOfMemory,
                     "Move 4 (remapping) beyond the victim's quota, refused to the attacker");
  test::expect_error(answer[4], Error::OutOfMemory,
                     "Move 5 (copying) beyond the victim's quota, refused to the attacker");
  courier::print("%s: the victim's usage never exceeded its quota (peak %u pages of %u)\n",
                 peak != 0 && peak <= kMaxPagesPerProcess ? "ok" : "FAIL", peak,
                 kMaxPagesPerProcess);
  if (peak == 0 || peak > kMaxPagesPerProcess) ++test::failures;
  const uint32_t more = test::pages(16);
  test::check(more != 0, "the victim maps 16 more pages of its own while the Moves wait");
  if (more != 0) (void)sys::unmap_memory(more, 16 * kPage);

  uint32_t moves = 0;
  const uint32_t intact = drain(victim, &moves);
  courier::print("%s: the victim received the 3 Moves that went, intact (%u received, %u intact)\n",
                 moves == 3 && intact == 3 ? "ok" : "FAIL", moves, intact);
  if (moves != 3 || intact != 3) ++test::failures;
  expect_usage(0, &Usage::pages, before.pages, "the victim is back to its own pages");
  const uint32_t again = test::pages(kMovePages);
  test::check(again != 0, "the victim's map_memory of 190 pages works again");
  if (again != 0) (void)sys::unmap_memory(again, kMovePages * kPage);
  expect_pages(baseline, "pages balanced");

  // The attacker Moves 2 x 16 pages and dies with them queued.
  const uint32_t without_attacker = free_pages() + footprint(kAttacker);
  test::expect_error(attacker.call(kMoveAndDie, 16).error, Error::ServerNotFound,
                     "the attacker died with its Moves queued");
  const uint32_t late_intact = drain(victim, &moves);
  uint32_t stranded = 0;
  for (uint32_t va = kLendWindow; va < kLendWindow + 64 * kPage; va += kPage)
    stranded += present(va);
  courier::print(
      "%s: a Move queued by a sender that died is delivered or undone (%u delivered, %u intact, "
      "%u pages stranded in the lend window)\n",
      stranded == 0 && late_intact == moves ? "ok" : "FAIL", moves, late_intact, stranded);
  if (stranded != 0 || late_intact != moves) ++test::failures;
  expect_usage(0, &Usage::pages, before.pages, "the victim is back to its own pages");
  expect_pages(without_attacker, "pages balanced (the dead attacker's pages all came back)");
  (void)sys::unmap_memory(own, kOwn * kPage);
  courier::print("shares move quota done, %d failures\n", test::failures);
  return test::failures;
}
