// shares_settle_held.cc — issue 13, finding 3 with a server that receives memory messages and
// never answers them. Three lender processes (shares_holder.cc, processes 2 to 4) each lend
// this process's server one page from each of 6 threads (18 lends: more than the 16 records
// fa3bfc6 had for the whole system), and die holding them. At fa3bfc6 the records outlived
// their lenders: after three such deaths every lend in the system answered LimitReached.
//
// Expected: all 18 lends go; once their lenders are dead the server holds no lend, and the
// pages it received are its own (abi/lend.h): they still hold the lenders' data, return_memory
// answers InvalidHandle, and unmapping each gives its page back to the system. A lend from
// another process to another server (this one's to the log server) works at once after the
// deaths, and the system's free pages come back to what the three deaths account for. Then a
// fourth lender (process 5) dies with its 6 lends still queued: they are undone, nothing of
// them is delivered or left in the lend window, and its pages all come back.
#include "shares.h"

using namespace shares;

namespace {

constexpr uint32_t kHolders = 3, kPerHolder = 6, kLends = kHolders * kPerHolder;
constexpr uint32_t kFirstHolder = 2;
courier::Message held[kLends];
uint32_t lends = 0, refused = 0;
Threads threads;
Lender to_log{};

void take(const courier::Server& s) {
  courier::Message m{};
  while (s.try_receive(&m) == Error::Ok) {
    if (m.kind() == MessageKind::Scalar && m.id == kRefused) {
      ++refused;
      courier::print("note: a lend was refused -> %s\n",
                     courier::abi::error_name(static_cast<Error>(m.w[0])));
    } else if ((m.kind() == MessageKind::Borrow || m.kind() == MessageKind::MutableBorrow) &&
               lends < kLends) {
      held[lends++] = m;
    }
  }
}

}  // namespace

int main() {
  courier::Server hold;
  courier::Connection self;
  if (courier::Server::create(kHoldSid, &hold) != Error::Ok ||
      courier::Connection::connect(kHoldSid, &self) != Error::Ok || !threads.reserve(1)) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  const courier::Connection log = connect_log();
  courier::Connection holders[kHolders];
  for (uint32_t i = 0; i < kHolders; ++i) holders[i] = helper(kFirstHolder + i);
  // A well-behaved round first: this server's lend window and the log server's get their page
  // tables (a Move of a page to each, freed by its receiver).
  courier::Message m{};
  const uint32_t warm[2] = {test::pages(1), test::pages(1)};
  test::expect_error(self.lend(MessageKind::Move, 1, reinterpret_cast<void*>(warm[0]), kPage).error,
                     Error::Ok, "Move a page to this server");
  test::expect_error(hold.receive(&m), Error::Ok, "receive it");
  (void)sys::unmap_memory(m.w[0], m.w[1]);
  const uint32_t mapped = free_pages();
  test::expect_error(
      log.lend(MessageKind::Move, kLogIgnored, reinterpret_cast<void*>(warm[1]), kPage).error,
      Error::Ok, "Move a page to the log server");
  (void)wait_until([&] { return free_pages() >= mapped; }, 100);

  uint32_t without_holders = free_pages();
  for (uint32_t i = 0; i < kHolders; ++i) without_holders += footprint(kFirstHolder + i);
  for (uint32_t i = 0; i < kHolders; ++i) {
    const courier::CallResult r = holders[i].call(1, kPerHolder);
    test::check(r.error == Error::Ok && r.r[0] == kPerHolder, "a lender starts 6 lending threads");
  }
  (void)wait_until([&] {
    take(hold);
    return lends + refused == kLends;
  });
  courier::print("%s: the server received all 18 lends (%u received, %u refused)\n",
                 lends == kLends && refused == 0 ? "ok" : "FAIL", lends, refused);
  if (lends != kLends || refused != 0) ++test::failures;
  expect_usage(0, &Usage::borrowed, lends, "the server holds every lend it received");

  for (uint32_t i = 0; i < kHolders; ++i) kill(holders[i], "a lender died holding its lends");
  expect_usage(0, &Usage::borrowed, 0, "the server holds no lend once their lenders died");
  // Before the orphaned pages are touched: nothing this server does may be what frees a record.
  const uint32_t page = test::pages(1);
  to_log =
      Lender{log.cid(), kLogIgnored, lend_kind(MessageKind::Borrow), page, kPage, 0, Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(to_log));
  if (wait_until([] { return to_log.done != 0; })) {
    test::expect_error(to_log.error, Error::Ok,
                       "a lend from another process to another server after the deaths");
  } else {
    courier::print(
        "FAIL: a lend from another process to another server after the deaths: no "
        "answer\n");
    ++test::failures;
  }
  (void)sys::unmap_memory(page, kPage);
  uint32_t intact = 0, invalid = 0, came_back = 0;
  for (uint32_t i = 0; i < lends; ++i) {
    const courier::Message& l = held[i];
    intact += reinterpret_cast<volatile uint32_t*>(l.w[0])[0] == l.id;
    invalid += sys::return_memory(l.handle, 0, 0).error == Error::InvalidHandle;
    const uint32_t before = free_pages();
    if (sys::unmap_memory(l.w[0], l.w[1]).error == Error::Ok) came_back += free_pages() - before;
  }
  courier::print(
      "%s: the orphaned pages are the server's own (%u of %u hold their lender's data, "
      "return_memory -> InvalidHandle for %u, unmapping them gave back %u pages)\n",
      intact == kLends && invalid == kLends && came_back == kLends ? "ok" : "FAIL", intact, lends,
      invalid, came_back);
  if (intact != kLends || invalid != kLends || came_back != kLends) ++test::failures;

  expect_pages(without_holders, "pages balanced (the lenders' pages all came back)");

  // A fourth lender (process 5) dies with its 6 lends still queued: they are undone, and
  // nothing of them ever appears here.
  const courier::Connection last = helper(kFirstHolder + kHolders);
  const uint32_t without_last = free_pages() + footprint(kFirstHolder + kHolders);
  test::check(last.call(1, kPerHolder).r[0] == kPerHolder, "a lender starts 6 lending threads");
  (void)wait_until([] { return usage().borrowed == kPerHolder; });
  expect_usage(0, &Usage::borrowed, kPerHolder, "the server has 6 lends queued");
  kill(last, "a lender died with its lends queued");
  expect_usage(0, &Usage::borrowed, 0, "the server holds no lend");
  test::expect_error(hold.try_receive(&m), Error::WouldBlock, "nothing of them is delivered");
  uint32_t seen = 0;
  for (uint32_t va = kLendWindow; va < kLendWindow + 64 * kPage; va += kPage) seen += present(va);
  courier::print("%s: nothing of them is in the lend window (%u pages)\n",
                 seen == 0 ? "ok" : "FAIL", seen);
  if (seen != 0) ++test::failures;
  expect_pages(without_last, "pages balanced (the last lender's pages all came back)");
  courier::print("shares settle held done, %d failures\n", test::failures);
  return test::failures;
}
