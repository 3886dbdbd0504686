// shares.h — what the shares_* target tests share. Each is a reproducer of a finding of issue 13
// (no process can starve, exhaust or strand what belongs to others) written, like the hostile
// tests (hostile.h), from the ABI headers and libcourier only: one process takes more than its
// share of something the kernel holds, or leaves it stranded, and the test checks that the
// others keep theirs, that the per-process limits of abi/limits.h hold (the `usage` syscall),
// and that the system's free pages (process_info a3) come back to what the scenario accounts
// for.
//
// Process 1 (init) drives each test; the other processes of the image are helpers it commands
// through a control server of theirs (control_sid(pid)): a call per command, answered when the
// command is done; kDie ends the helper with the call unanswered, so the caller's call returns
// ServerNotFound once the helper is gone. Only init may ask for another pid's usage, which is
// how it learns what a helper's death must give back.
#pragma once

#include "courier/abi/limits.h"
#include "courier/abi/log.h"
#include "hostile.h"

namespace shares {

using namespace hostile;
using courier::abi::kMaxPagesPerProcess;

// The usage syscall's answer (abi/limits.h); all zero with the error if it failed.
struct Usage {
  Error error;
  uint32_t pages, threads, servers, connections, lends, asyncs, borrowed;
};
inline Usage usage(uint32_t pid = 0) {
  const auto r = sys::usage(pid);
  if (r.error != Error::Ok) return Usage{r.error, 0, 0, 0, 0, 0, 0, 0};
  return Usage{r.error, r.r[0], r.r[1], r.r[2], r.r[3], r.r[4], r.r[5], r.r[6]};
}

// Checks that `pid`'s pages (page tables included) are within its quota, and prints them.
inline void expect_within_quota(uint32_t pid, const char* what) {
  const Usage u = usage(pid);
  const bool ok = u.error == Error::Ok && u.pages <= kMaxPagesPerProcess;
  courier::print("%s: %s (usage -> %s, %u pages of %u)\n", ok ? "ok" : "FAIL", what,
                 courier::abi::error_name(u.error), u.pages, kMaxPagesPerProcess);
  if (!ok) ++test::failures;
}

// Checks one of `pid`'s usage counters (selected by `field`) against `want`.
inline void expect_usage(uint32_t pid, uint32_t Usage::*field, uint32_t want, const char* what) {
  const Usage u = usage(pid);
  const uint32_t got = u.*field;
  const bool ok = u.error == Error::Ok && got == want;
  courier::print("%s: %s (usage -> %s, %u, expected %u)\n", ok ? "ok" : "FAIL", what,
                 courier::abi::error_name(u.error), got, want);
  if (!ok) ++test::failures;
}

// What the death of `pid` must give back: every page it holds, its page tables included.
inline uint32_t footprint(uint32_t pid) { return usage(pid).pages; }

inline uint32_t my_pid() { return sys::process_info().r[0]; }

// --- helpers and their control servers ---------------------------------------------------------

inline courier::Sid control_sid(uint32_t pid) {
  return courier::Sid{{0x72616873, 0x63207365, 0x6c72746e, pid}};
}
inline constexpr uint32_t kDie = 0xdead;

// A helper's loop: each call from process 1 is answered with what `handler(m, &r0, &r1)` put
// there; kDie ends the process with its call unanswered. Returns only if the control server
// could not be made.
template <class Handler>
void serve_commands(Handler&& handler) {
  courier::Server control;
  if (courier::Server::create(control_sid(my_pid()), &control) != Error::Ok) return;
  courier::Message m{};
  while (control.receive(&m) == Error::Ok) {
    if (m.id == kDie) sys::terminate_process(0);
    uint32_t r0 = 0, r1 = 0;
    handler(m, &r0, &r1);
    (void)control.reply(m, r0, r1);
  }
}

// Process 1's side: connects to helper `pid` (waiting until it is ready for commands).
inline courier::Connection helper(uint32_t pid) {
  courier::Connection c;
  if (courier::Connection::connect(control_sid(pid), &c) != Error::Ok) {
    courier::print("FAIL: connect to helper %u\n", pid);
    ++test::failures;
  }
  return c;
}

// Ends helper `c` and waits until it is gone.
inline void kill(const courier::Connection& c, const char* what) {
  test::expect_error(c.call(kDie).error, Error::ServerNotFound, what);
}

// --- servers and messages ----------------------------------------------------------------------

inline constexpr courier::Sid kVictimSid{{0x72616873, 0x69762073, 0x6d697463, 0}};
inline constexpr courier::Sid kHoldSid{{0x72616873, 0x68207365, 0x0064676c, 0}};

inline courier::Connection connect_log() {
  courier::Connection c;
  const courier::Sid sid{{courier::abi::kLogSid[0], courier::abi::kLogSid[1],
                          courier::abi::kLogSid[2], courier::abi::kLogSid[3]}};
  (void)courier::Connection::connect(sid, &c);
  return c;
}

// A memory message id the log server ignores (its low byte is not kLogWrite).
inline constexpr uint32_t kLogIgnored = 0x5000;

// The first word of every page of [va, va + pages) is `tag` plus the page's index.
inline void tag_pages(uint32_t va, uint32_t pages, uint32_t tag) {
  for (uint32_t p = 0; p < pages; ++p)
    reinterpret_cast<volatile uint32_t*>(va + p * kPage)[0] = tag + p;
}
inline bool tagged(uint32_t va, uint32_t pages, uint32_t tag) {
  for (uint32_t p = 0; p < pages; ++p) {
    if (reinterpret_cast<volatile uint32_t*>(va + p * kPage)[0] != tag + p) return false;
  }
  return true;
}

inline uint32_t lend_kind(MessageKind kind, courier::Transfer how = courier::Transfer::Remap) {
  return static_cast<uint32_t>(kind) | static_cast<uint32_t>(how);
}

}  // namespace shares
