// shares_hidden.cc — issue 13, finding 8: lent data visible early. Process 2
// (shares_secret_lender.cc) lends a page holding a secret to this process's server, which is
// not receiving: Borrow, MutableBorrow and Move, each by remapping and by copying. At fa3bfc6
// the page was mapped into the server at the send, so the server could read it before it had
// accepted the message (debug_write of the lend window printed the secret).
//
// Expected: until the server receives the message, a second thread of the server probing the
// lend window (without touching it, which would kill the process) learns nothing of the page:
// debug_write of it answers BadAddress, update_memory_flags and lending it answer AccessDenied,
// and the secret is never printed. Once received, the page is readable and holds the secret;
// the lend settles and the system's free pages balance.
#include "shares.h"

using namespace shares;

namespace {

constexpr uint32_t kLender = 2;
enum Command : uint32_t { kLend = 1, kWait = 2 };

struct Case {
  MessageKind kind;
  courier::Transfer how;
  const char* name;
};
constexpr Case kCases[] = {
    {MessageKind::Borrow, courier::Transfer::Remap, "a Borrow by remapping"},
    {MessageKind::Borrow, courier::Transfer::Copy, "a Borrow by copying"},
    {MessageKind::MutableBorrow, courier::Transfer::Remap, "a MutableBorrow by remapping"},
    {MessageKind::MutableBorrow, courier::Transfer::Copy, "a MutableBorrow by copying"},
    {MessageKind::Move, courier::Transfer::Remap, "a Move by remapping"},
    {MessageKind::Move, courier::Transfer::Copy, "a Move by copying"},
};
constexpr uint32_t kCaseCount = sizeof(kCases) / sizeof(kCases[0]);

// What the probing thread learned of the lend window.
struct Probe {
  courier::Connection other;  // a second server of this process's
  volatile uint32_t done;
  Error debug_write, protect, relend, map;
} probe{};
Threads threads;

void probe_window(uint32_t) {
  probe.debug_write = sys::debug_write(kLendWindow, 16).error;
  probe.protect = sys::update_memory_flags(kLendWindow, kPage, kRw).error;
  // A Move by copying returns at once, whatever it answers.
  probe.relend = probe.other
                     .lend(MessageKind::Move, 9, reinterpret_cast<void*>(kLendWindow), kPage, 0, 0,
                           courier::Transfer::Copy)
                     .error;
  probe.map = sys::map_memory(kLendWindow, kPage, kRw).error;
  probe.done = 1;
  sys::exit_thread();
}

void expect(const char* name, const char* what, Error got, Error want) {
  const bool ok = got == want;
  courier::print("%s: %s: %s -> %s", ok ? "ok" : "FAIL", name, what, courier::abi::error_name(got));
  if (!ok) courier::print(" (expected %s)", courier::abi::error_name(want));
  courier::print("\n");
  if (!ok) ++test::failures;
}

bool holds_secret(uint32_t va, uint32_t digit) {
  const char text[] = "LEAKED secret #0";
  const volatile char* page = reinterpret_cast<const volatile char*>(va);
  for (uint32_t i = 0; i < 15; ++i) {
    if (page[i] != text[i]) return false;
  }
  return page[15] == static_cast<char>('0' + digit);
}

}  // namespace

int main() {
  courier::Server server, other;
  courier::Connection self;
  if (courier::Server::create(kHoldSid, &server) != Error::Ok ||
      courier::Server::create(courier::Sid{}, &other) != Error::Ok ||
      courier::Connection::connect(other.sid(), &probe.other) != Error::Ok ||
      courier::Connection::connect(kHoldSid, &self) != Error::Ok || !threads.reserve(kCaseCount)) {
    courier::print("FAIL: setup\n");
    return 1;
  }
  const courier::Connection lender = helper(kLender);
  // A well-behaved round first (the lend window gets its page table).
  courier::Message m{};
  const uint32_t warm = test::pages(1);
  test::expect_error(self.lend(MessageKind::Move, 1, reinterpret_cast<void*>(warm), kPage).error,
                     Error::Ok, "Move a page to this server");
  test::expect_error(server.receive(&m), Error::Ok, "receive it");
  (void)sys::unmap_memory(m.w[0], m.w[1]);
  const uint32_t baseline = free_pages();

  for (uint32_t i = 0; i < kCaseCount; ++i) {
    const Case& c = kCases[i];
    const uint32_t kind = lend_kind(c.kind, c.how);
    test::expect_error(static_cast<Error>(lender.call(kLend, kind, i).r[0]), Error::Ok,
                       "the lender starts a lending thread");
    // The kernel holds the page for the message from the send on: the window is not free.
    test::check(wait_until([] { return present(kLendWindow); }), "the lend is queued");
    probe.done = 0;
    (void)threads.start(probe_window, 0);
    (void)wait_until([] { return probe.done != 0; });
    expect(c.name, "debug_write of its page before receipt", probe.debug_write, Error::BadAddress);
    expect(c.name, "update_memory_flags of it", probe.protect, Error::AccessDenied);
    expect(c.name, "a Move of it to another server", probe.relend, Error::AccessDenied);
    expect(c.name, "map_memory over it", probe.map, Error::AlreadyExists);
    courier::Message got{};
    expect(c.name, "receive it", server.try_receive(&got), Error::Ok);
    const bool secret = got.kind() == c.kind && got.w[0] == kLendWindow && holds_secret(got.w[0], i);
    courier::print("%s: %s: once received, its page holds the secret\n", secret ? "ok" : "FAIL",
                   c.name);
    if (!secret) ++test::failures;
    if (c.kind == MessageKind::Move) {
      expect(c.name, "unmap it", sys::unmap_memory(got.w[0], got.w[1]).error, Error::Ok);
    } else {
      expect(c.name, "return it", server.return_memory(got, 0, 0), Error::Ok);
    }
    const courier::CallResult w = lender.call(kWait, kind);
    expect(c.name, "the lender's lend_memory",
           w.r[1] == 1 ? static_cast<Error>(w.r[0]) : Error::WouldBlock, Error::Ok);
    courier::Message stray{};
    while (other.try_receive(&stray) == Error::Ok) {
      if (stray.kind() == MessageKind::Move) (void)sys::unmap_memory(stray.w[0], stray.w[1]);
    }
  }
  expect_pages(baseline, "pages balanced");
  courier::print("shares hidden done, %d failures\n", test::failures);
  return test::failures;
}
