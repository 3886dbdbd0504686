// irq_gap.h — interrupt latency while other work runs: the longest time the kernel keeps an
// interrupt waiting (issue 13, finding 9), measured from user space.
//
// The probe owns the board's alarm clock (services/board/<platform>/alarm_clock.h; the Goldfish
// RTC on QEMU virt: map_physical) and its line (claim_interrupt). Its handler arms the alarm a
// pseudo-random time ahead; when the alarm fires, the handler's first instruction reads the
// benchmark counter (counter.h), and the latency is that reading minus the count at which the
// alarm was due (the counter and the alarm clock, read side by side when arming, and their
// ratio, measured once at start). Whatever runs meanwhile — another thread's long system
// calls, another process's death — delays the upcall by exactly the time the kernel spends
// before it lets the interrupt in: the worst latency over many alarms, landing all over that
// work, is the longest stretch the kernel runs with interrupts off, plus the upcall's own path
// (irq/latency, about 160 instructions on QEMU).
//
// Units: the counter's (retired instructions on QEMU with -icount, clock cycles on the sim).
// The RTC runs in nanoseconds of the platform's clock: on QEMU with -icount, one per
// instruction while the hart is busy; on the sim, derived from the 10 MHz timer (one tick per
// 10 cycles of the nominal 100 MHz core), so a due time is known to about 10 cycles there. A
// coarse alarm clock (the Precursor's TICKTIMER counts milliseconds: 100,000 cycles a tick)
// places alarms on its tick edges instead: start() times the clock's period over many ticks
// (to a fraction of a cycle per tick), every sweep times a fresh edge, and a due time is that
// edge's count plus whole periods, known to the few cycles one poll of the clock takes. (An
// edge timed once at start and a period rounded to whole cycles drift apart by a cycle or so
// per tick: over the thousands of ticks of a suite, later alarms then look early and their
// latencies vanish.)
//
// Written from the ABI and libcourier only (plus the board's public device addresses), so a
// test can build it against an older kernel. It defines the handler and its state: include it
// in one source file of a program.
#pragma once

#include "counter.h"
#include "courier/services/alarm_clock.h"
#include "courier/services/board.h"
#include "courier/user/irq.h"

extern "C" {
// Written by the handler's first instruction (irq_gap_handler, an assembly stub).
volatile uint32_t g_irq_gap_entry = 0;
void irq_gap_handler(uint32_t, uint32_t);
void irq_gap_body(uint32_t, uint32_t);
}

namespace irq_gap {

struct State {
  courier::board::AlarmClock rtc;
  uint32_t ns_per_cycle_q16 = 0;  // alarm clock ticks (RTC nanoseconds) per counter cycle, 16.16
  uint32_t due = 0;               // the counter's value when the armed alarm is due
  uint32_t min_gap = 0, span = 0; // the next alarm comes min_gap + [0, span) cycles ahead
  volatile uint32_t left = 0;     // alarms still to take in this sweep
  volatile uint32_t worst = 0;    // the longest latency of the sweep
  volatile uint32_t taken = 0;    // alarms taken in all
  uint32_t seed = 0x2545f491;
  // A coarse clock: alarms fall on its tick edges, edge_cycle + k * period (24.8 fixed point).
  bool coarse = false;
  uint64_t edge_tick = 0;
  uint32_t edge_cycle = 0;
  uint32_t cycles_per_tick_q8 = 0;
};

// The first tick change a poll sees: the clock's new value and the count at that poll.
inline uint64_t next_edge(State& s, uint32_t* at) {
  const uint64_t before = s.rtc.now();
  uint64_t t;
  while ((t = s.rtc.now()) == before) {
  }
  *at = courier::bench::counter::read32();
  return t;
}
inline State g_state;

inline uint32_t cycles() { return courier::bench::counter::read32(); }

// Arms the alarm `ahead` cycles from now.
inline void arm(State& s, uint32_t ahead) {
  if (s.coarse) {
    const uint32_t period = s.cycles_per_tick_q8 >> 8;
    const uint64_t tick = s.rtc.now() + 1 + ahead / period;
    s.due = s.edge_cycle +
            static_cast<uint32_t>(((tick - s.edge_tick) * s.cycles_per_tick_q8) >> 8);
    s.rtc.alarm_at(tick);
    return;
  }
  const uint64_t ns_now = s.rtc.now();
  const uint32_t now = cycles();
  const uint64_t ahead_ns = (uint64_t{ahead} * s.ns_per_cycle_q16) >> 16;
  s.due = now + static_cast<uint32_t>((ahead_ns << 16) / s.ns_per_cycle_q16);
  s.rtc.alarm_at(ns_now + ahead_ns);
}

inline uint32_t next_gap(State& s) {
  s.seed = s.seed * 1664525u + 1013904223u;
  return s.min_gap + (s.span ? (s.seed >> 8) % s.span : 0);
}

// Maps the RTC, claims its line and measures the counter against the RTC's clock. False if
// the device or its line cannot be had.
inline bool start() {
  State& s = g_state;
  if (!courier::bench::counter::start()) return false;
  const uint32_t va = courier::map_device(courier::board::kRtc, courier::board::kDevicePage);
  if (va == 0) return false;
  s.rtc = courier::board::AlarmClock(va);
  if (courier::claim_interrupt(courier::board::kRtcIrq, irq_gap_handler) !=
      courier::abi::Error::Ok)
    return false;
  const uint64_t r0 = s.rtc.now();
  const uint32_t c0 = cycles();
  while (cycles() - c0 < 200'000) {
  }
  const uint64_t r1 = s.rtc.now();
  const uint32_t c1 = cycles();
  s.ns_per_cycle_q16 = static_cast<uint32_t>(((r1 - r0) << 16) / (c1 - c0));
  if (r1 - r0 >= 1000) return s.ns_per_cycle_q16 != 0;
  // Fewer than 1000 ticks in 200,000 counts: time the clock's edges. The first count at which
  // a poll sees the tick change is the edge (to within one poll); 64 ticks later another, so
  // the period is known to a poll's length / 64.
  s.coarse = true;
  constexpr uint32_t kCalibrationTicks = 64;
  uint32_t ca = 0, cb = 0;
  const uint64_t ta = next_edge(s, &ca);
  uint64_t tb = ta;
  while (tb < ta + kCalibrationTicks) tb = next_edge(s, &cb);
  const uint64_t q8 = (static_cast<uint64_t>(cb - ca) << 8) / (tb - ta);
  s.cycles_per_tick_q8 = static_cast<uint32_t>(q8);
  s.edge_tick = tb;
  s.edge_cycle = cb;
  return q8 >= 256 && q8 < (uint64_t{1} << 32);
}

// Starts a sweep of `count` alarms, each min_gap + [0, span) cycles after the previous one was
// taken (the first one min_gap from now).
inline void sweep(uint32_t count, uint32_t min_gap, uint32_t span) {
  State& s = g_state;
  s.min_gap = min_gap;
  s.span = span;
  s.worst = 0;
  // A coarse clock: a fresh edge to count whole periods from, so no drift builds up.
  if (s.coarse) s.edge_tick = next_edge(s, &s.edge_cycle);
  s.left = count;
  arm(s, min_gap);
}

inline bool done() { return g_state.left == 0; }
inline uint32_t worst() { return g_state.worst; }
// The counter runs about ten times slower than the RTC's nanoseconds on the sim (100 MHz).
inline bool slow_clock() { return g_state.coarse || g_state.ns_per_cycle_q16 > (4u << 16); }

}  // namespace irq_gap

// The handler: the counter first, then the C++ body (a tail call, so it returns to
// kIrqReturnAddress itself).
asm(R"(
  .text
  .balign 4
  .globl irq_gap_handler
irq_gap_handler:
  )" COURIER_COUNTER_T0 R"(
  la t1, g_irq_gap_entry
  sw t0, 0(t1)
  tail irq_gap_body
)");

extern "C" void irq_gap_body(uint32_t, uint32_t) {
  irq_gap::State& s = irq_gap::g_state;
  s.rtc.clear_interrupt();
  const uint32_t latency = g_irq_gap_entry - s.due;
  if (static_cast<int32_t>(latency) > 0 && latency > s.worst) s.worst = latency;
  s.taken = s.taken + 1;
  if (s.left == 0) return;
  s.left = s.left - 1;
  if (s.left != 0) irq_gap::arm(s, irq_gap::next_gap(s));
}
