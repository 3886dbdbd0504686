// shares_settle_log.cc — issue 13, finding 3 with the real log server, which is in every image
// and has no use for memory messages. Process 2 (shares_log_lender.cc) Moves 256 pages to it
// and lends it 32 more (Borrow, MutableBorrow; by remapping and by copying), then dies. At
// fa3bfc6 the log server kept the Moved pages for good (the probe lost 384 pages so) and never
// answered the Borrows, whose records outlived their lender (their pages lost too).
//
// Expected: the log server frees what is Moved to it and answers every Borrow (libcourier's
// serve() returns a Borrow its handler leaves unanswered); once the lender has died the log
// server holds no lend and no more pages than before, and the lender's death gave back as
// many pages as its twin's (process 3, the same program, which lent nothing).
#include "shares.h"

using namespace shares;

namespace {

constexpr uint32_t kLender = 2, kTwin = 3, kLog = 4;  // the log server is the image's last
enum Command : uint32_t { kLend = 1, kDry = 2, kStatus = 3 };

}  // namespace

int main() {
  const courier::Connection log = connect_log();
  const courier::Connection lender = helper(kLender), twin = helper(kTwin);
  // A well-behaved round first (the log server's lend window gets its page table).
  const uint32_t warm = test::pages(1);
  const uint32_t mapped = free_pages();
  test::expect_error(
      log.lend(MessageKind::Move, kLogIgnored, reinterpret_cast<void*>(warm), kPage).error,
      Error::Ok, "Move a page to the log server");
  // The page goes, the window's table stays: the count is back once the log server freed it.
  (void)wait_until([&] { return free_pages() >= mapped; }, 100);

  const uint32_t baseline = free_pages();
  const Usage log_before = usage(kLog);
  courier::print("note: the log server holds %u pages (usage -> %s)\n", log_before.pages,
                 courier::abi::error_name(log_before.error));
  const courier::CallResult sent = lender.call(kLend);
  test::check(sent.error == Error::Ok && sent.r[0] == 2,
              "the lender Moved 2 x 128 pages to the log server");
  (void)wait_until([&] { return free_pages() >= baseline + 256; });
  const int back = static_cast<int>(free_pages() - baseline);
  courier::print("%s: the log server freed the 256 pages Moved to it (%d came back)\n",
                 back == 256 ? "ok" : "FAIL", back);
  if (back != 256) ++test::failures;
  courier::CallResult status{};
  (void)wait_until([&] {
    status = lender.call(kStatus);
    return status.r[0] == 4;
  });
  courier::print("%s: the log server answered the 4 lends (%u answered, %u with Ok)\n",
                 status.r[0] == 4 && status.r[1] == 4 ? "ok" : "FAIL", status.r[0], status.r[1]);
  if (status.r[0] != 4 || status.r[1] != 4) ++test::failures;

  const uint32_t before_death = free_pages();
  kill(lender, "the lender died");
  const uint32_t after_lender = free_pages();
  test::check(twin.call(kDry).r[0] == 2, "its twin unmapped what the lender Moved");
  kill(twin, "its twin died, having lent nothing");
  const uint32_t after_twin = free_pages();
  const int gave = static_cast<int>(after_lender - baseline);
  const int twin_gave = static_cast<int>(after_twin - after_lender);
  courier::print(
      "%s: the lender's pages all came back (%d pages since it lent, %d at its death; its twin "
      "gave back %d)\n",
      gave == twin_gave ? "ok" : "FAIL", gave, static_cast<int>(after_lender - before_death),
      twin_gave);
  if (gave != twin_gave) ++test::failures;
  expect_usage(kLog, &Usage::borrowed, 0, "the log server holds no lend");
  expect_usage(kLog, &Usage::pages, log_before.pages, "the log server holds what it held before");
  courier::print("shares settle log done, %d failures\n", test::failures);
  return test::failures;
}
