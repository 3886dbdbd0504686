// regs_common.h — the register probe (regs_probe.S) and its checks, shared by regs_root and
// regs_peer: after crossing a protection boundary every register must be the thread's own
// sentinel or the syscall's documented result (abi/syscall.h).
#pragma once

#include "common.h"
#include "courier/user/cycles.h"

namespace regs {

// The peer's server (regs_peer) and the root's own (regs_root), and what the root asks.
inline constexpr courier::Sid kPeerSid{{0x72656773, 0x70656572, 1, 2}};
inline constexpr courier::Sid kRootSid{{0x72656773, 0x726f6f74, 1, 2}};
// The peer's pid: the image's second program (kernel/test/CMakeLists.txt, image_regs).
inline constexpr uint32_t kPeerPid = 2;
enum Request : uint32_t {
  kEcho = 1,        // BlockingScalar: reply (w0 + w1, w2 ^ w3)
  kBeSlow = 2,      // Scalar: answer the next kEcho with reply, then receive (the slow path)
  kSendMe = 3,      // Scalar: send the root's server the Scalar kSentId (kSentWords)
  kYieldProbe = 4,  // Scalar: probe a yield with the peer's own sentinels
  kSpinProbe = 5,   // Scalar: probe w0 timer ticks of spinning (preempted by the timer)
  kSync = 6,        // BlockingScalar: answered once everything before it is done
  kSecret = 7,      // BlockingScalar: make a syscall with every register a peer sentinel (its
                    // arguments the kernel's to handle), then answer (0, 0)
};
inline constexpr uint32_t kSentId = 0x5e11;
inline constexpr uint32_t kSentWords[4] = {0xa, 0xb, 0xc, 0xd};

struct Probe {
  uint32_t in[8];      // a0..a7 loaded just before the trap
  uint32_t out[32];    // x0..x31 right after it (out[0] unused)
  uint32_t saved[16];  // the C++ caller's registers, kept across the probe
};
static_assert(sizeof(Probe) == 224);

extern "C" void regs_probe_ecall(Probe* p);
extern "C" void regs_probe_spin(Probe* p);
extern "C" void regs_thread_entry();

constexpr uint32_t sentinel(unsigned n) { return REGS_SENTINEL_BASE | n << 8 | n; }

// What one of a0..a7 must hold afterwards.
struct Want {
  // Result: any value but a secret() (a result word whose value the test cannot know).
  enum Kind : uint8_t { Input, Exact, Any, Result } kind = Input;
  uint32_t value = 0;
};
constexpr Want exact(uint32_t v) { return Want{Want::Exact, v}; }
constexpr Want any() { return Want{Want::Any, 0}; }
constexpr Want result() { return Want{Want::Result, 0}; }

// a0..a7 input: every argument the call does not use is the register's sentinel.
inline void load(Probe& p, uint32_t a7, uint32_t n, const uint32_t* args) {
  for (unsigned i = 0; i < 8; ++i) p.in[i] = sentinel(10 + i);
  for (unsigned i = 0; i < n; ++i) p.in[i] = args[i];
  p.in[7] = a7;
}

// Loads the spin probe to count `count` rounds of its loop (a1 from 0 up to in[0]).
inline void load_spin(Probe& p, uint32_t count) {
  const uint32_t words[2] = {count, 0};
  load(p, 0, 2, words);
}

// How many rounds of regs_probe_spin's loop take about `ms` milliseconds of the platform
// clock here, measured with 2^20 rounds (a few ms on every platform: the Precursor's clock
// ticks in milliseconds). At least the measured rounds' worth of time.
inline uint32_t spin_count(Probe& p, uint32_t ms) {
  constexpr uint32_t kRounds = 1u << 20;
  load_spin(p, kRounds);
  const uint64_t t0 = courier::read_time();
  regs_probe_spin(&p);
  const uint64_t ticks = courier::read_time() - t0;
  const uint64_t per_ms = kRounds * courier::kTimeTicksPerMs / (ticks ? ticks : 1);
  const uint64_t count = per_ms * ms;
  return count < kRounds ? kRounds : count > 0xffff'0000u ? 0xffff'0000u : static_cast<uint32_t>(count);
}

// A value no result register may ever hold: one of the peer's sentinels (base 0xb0000000,
// regs_peer) or an address in the kernel's half (0x8000_0000 up on every platform).
constexpr bool secret(uint32_t v) {
  const bool peer = (v & 0xffff'0000u) == 0xb000'0000u && ((v >> 8) & 0xff) == (v & 0xff) &&
                    (v & 0xff) < 32;
  return peer || v >= 0x8000'0000u;
}

// Checks every register after the probe: x1..x9 and x18..x31 are sentinels (tp: the probe's
// address), a0..a7 as `want` says (Input: unchanged from in[]). Prints one line per bad
// register and one ok/FAIL line for the whole case.
// bad_registers: the same, printing only the bad registers; returns how many.
inline int bad_registers(const Probe& p, const Want (&want)[8], const char* what) {
  int bad = 0;
  for (unsigned r = 1; r < 32; ++r) {
    uint32_t expected = sentinel(r);
    bool ignore = false;
    if (r == 4) expected = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&p));
    if (r >= 10 && r <= 17) {
      const Want& w = want[r - 10];
      if (w.kind == Want::Result && secret(p.out[r])) {
        courier::print("  %s: x%u = %08x, a secret\n", what, r, p.out[r]);
        ++bad;
      }
      ignore = w.kind == Want::Any || w.kind == Want::Result;
      expected = w.kind == Want::Exact ? w.value : p.in[r - 10];
    }
    if (!ignore && p.out[r] != expected) {
      courier::print("  %s: x%u = %08x, expected %08x\n", what, r, p.out[r], expected);
      ++bad;
    }
  }
  return bad;
}
inline void check(const Probe& p, const Want (&want)[8], const char* what) {
  test::check(bad_registers(p, want, what) == 0, what);
}

}  // namespace regs
