// shares_tables.cc — issue 13, finding 4: the kernel's tables of lends and of batched calls had
// no per-process shares. Processes 2 and 3 (shares_holder.cc) each lend this process's server
// one page from every one of their 8 threads, and the server answers none; then process 2
// submits 32 batched calls (call_scalar through its ring) to the server, which receives them
// and answers none. At fa3bfc6 the two processes' 16 lends filled the system's lend table and
// one process's 32 calls its whole async table: every other process's lend_memory, or
// batched call, answered LimitReached.
//
// Expected: each process has its own share (abi/limits.h: a lend per thread, 16 batched
// calls), so a third process's lend (this one's, to the log server) goes, process 2's 17th
// batched call onward completes with LimitReached, and another process's batched call (this
// one's, to process 3) completes with its reply. Once the server answers, every share is
// free again and the system's free pages balance.
#include "courier/user/ring.h"
#include "shares.h"

using namespace shares;

namespace {

constexpr uint32_t kHogs[2] = {2, 3};
constexpr uint32_t kLendsEach = courier::abi::kMaxThreadsPerProcess;  // one per thread
constexpr uint32_t kCalls = 2 * courier::abi::kMaxAsyncPerProcess;
constexpr uint32_t kMaxHeld = 64;
enum Command : uint32_t { kLend = 1, kStatus = 2, kBatch = 3, kEcho = 4, kBatchStatus = 5 };

courier::Server hold;
courier::Message held[kMaxHeld];
volatile uint32_t received = 0, refused = 0;
Threads threads;
Lender to_log{};

// A thread of this process's: receives everything sent to the server, and answers nothing.
void receive_all(uint32_t) {
  courier::Message m{};
  while (hold.receive(&m) == Error::Ok) {
    if (m.kind() == MessageKind::Scalar && m.id == kRefused) {
      courier::print("note: a lend was refused -> %s\n",
                     courier::abi::error_name(static_cast<Error>(m.w[0])));
      refused = refused + 1;
      continue;
    }
    if (received < kMaxHeld) held[received] = m;
    received = received + 1;
  }
  sys::exit_thread();
}

}  // namespace

int main() {
  courier::Connection self;
  courier::Ring ring;
  if (courier::Server::create(kHoldSid, &hold) != Error::Ok ||
      courier::Connection::connect(kHoldSid, &self) != Error::Ok || !threads.reserve(2) ||
      ring.setup() != Error::Ok) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  const courier::Connection log = connect_log();
  const courier::Connection hog[2] = {helper(kHogs[0]), helper(kHogs[1])};
  // A well-behaved round first: this server's lend window and the log server's get their page
  // tables (a Move of a page to each, freed by its receiver).
  courier::Message m{};
  const uint32_t warm[2] = {test::pages(1), test::pages(1)};
  const uint32_t page = test::pages(1);
  test::expect_error(self.lend(MessageKind::Move, 1, reinterpret_cast<void*>(warm[0]), kPage).error,
                     Error::Ok, "Move a page to this server");
  test::expect_error(hold.receive(&m), Error::Ok, "receive it");
  (void)sys::unmap_memory(m.w[0], m.w[1]);
  const uint32_t mapped = free_pages();
  test::expect_error(
      log.lend(MessageKind::Move, kLogIgnored, reinterpret_cast<void*>(warm[1]), kPage).error,
      Error::Ok, "Move a page to the log server");
  (void)wait_until([&] { return free_pages() >= mapped; }, 100);
  (void)threads.start(receive_all, 0);
  const uint32_t baseline = free_pages();

  // --- lends: 8 from each of two processes, none answered ---
  for (const courier::Connection& h : hog) {
    const courier::CallResult r = h.call(kLend, kLendsEach - 1, 1);
    test::check(r.error == Error::Ok && r.r[0] == kLendsEach - 1,
                "a process lends from all 8 of its threads");
  }
  (void)wait_until([] { return received + refused == 2 * kLendsEach; });
  courier::print("%s: the server holds 16 lends, 8 from each process (%u received, %u refused)\n",
                 received == 2 * kLendsEach && refused == 0 ? "ok" : "FAIL", received, refused);
  if (received != 2 * kLendsEach || refused != 0) ++test::failures;
  for (const uint32_t pid : kHogs)
    expect_usage(pid, &Usage::lends, kLendsEach,
                 "a process has its whole share of lends in flight");
  to_log =
      Lender{log.cid(), kLogIgnored, lend_kind(MessageKind::Borrow), page, kPage, 0, Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(to_log));
  if (wait_until([] { return to_log.done != 0; })) {
    test::expect_error(to_log.error, Error::Ok, "a third process's lend (to the log server)");
  } else {
    courier::print("FAIL: a third process's lend (to the log server): no answer\n");
    ++test::failures;
  }
  uint32_t returned = 0;
  const uint32_t lends = received < kMaxHeld ? received : kMaxHeld;
  for (uint32_t i = 0; i < lends; ++i) {
    if (held[i].kind() == MessageKind::Borrow || held[i].kind() == MessageKind::MutableBorrow)
      returned += hold.return_memory(held[i], 0, 0) == Error::Ok;
  }
  test::check(returned == received, "the server returns every lend it holds");
  for (uint32_t i = 0; i < 2; ++i) {
    courier::CallResult s{};
    (void)wait_until([&] {
      s = hog[i].call(kStatus);
      return s.r[0] == kLendsEach;
    });
    courier::print("%s: process %u's lenders got their pages back (%u answered, %u with Ok)\n",
                   s.r[0] == kLendsEach && s.r[1] == kLendsEach ? "ok" : "FAIL", kHogs[i], s.r[0],
                   s.r[1]);
    if (s.r[0] != kLendsEach || s.r[1] != kLendsEach) ++test::failures;
    expect_usage(kHogs[i], &Usage::lends, 0, "its lends in flight are back to 0");
  }

  // --- batched calls: 32 from one process, none answered ---
  const uint32_t first = received;
  const courier::CallResult b = hog[0].call(kBatch, kCalls);
  // Every entry consumed either completed at once or is queued for the receiving thread.
  (void)wait_until([&] { return received - first + b.r[1] >= b.r[0]; });
  const uint32_t calls = received - first;
  courier::print(
      "%s: the 17th batched call onward completes with LimitReached (%u consumed, %u "
      "LimitReached, %u reached the server)\n",
      b.r[0] == kCalls && b.r[1] == kCalls / 2 && calls == kCalls / 2 ? "ok" : "FAIL", b.r[0],
      b.r[1], calls);
  if (b.r[0] != kCalls || b.r[1] != kCalls / 2 || calls != kCalls / 2) ++test::failures;
  expect_usage(kHogs[0], &Usage::asyncs, courier::abi::kMaxAsyncPerProcess,
               "the process has its whole share of batched calls in flight");
  ring.submit(courier::abi::Syscall::call_scalar, 7, hog[1].cid(), kEcho, 41, 0, 0, 0);
  (void)ring.wait(1);
  courier::abi::RingCompletion c{};
  const bool completed = ring.poll(&c);
  test::expect_error(completed ? static_cast<Error>(c.error) : Error::WouldBlock, Error::Ok,
                     "another process's batched call (to process 3)");
  test::check(completed && c.r[0] == 42, "it completed with the server's reply");
  uint32_t answered = 0;
  for (uint32_t i = first; i < received && i < kMaxHeld; ++i)
    answered += sys::reply(held[i].handle, 0, 0).error == Error::Ok;
  test::check(answered == calls, "the server answers every batched call it holds");
  courier::CallResult s{};
  (void)wait_until([&] {
    s = hog[0].call(kBatchStatus);
    return s.r[0] == kCalls;
  });
  courier::print("%s: every batched call completed (%u completions, %u with the reply)\n",
                 s.r[0] == kCalls && s.r[1] == calls ? "ok" : "FAIL", s.r[0], s.r[1]);
  if (s.r[0] != kCalls || s.r[1] != calls) ++test::failures;
  expect_usage(kHogs[0], &Usage::asyncs, 0, "its batched calls in flight are back to 0");
  (void)sys::unmap_memory(page, kPage);
  expect_pages(baseline + 1, "pages balanced");
  courier::print("shares tables done, %d failures\n", test::failures);
  return test::failures;
}
