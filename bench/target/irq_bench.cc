// irq_bench.cc — irq/latency (DESIGN.md §6): from the instruction that raises an interrupt to
// the first instruction of its userspace handler.
//
// The benchmark owns the board's alarm clock (services/board/<platform>/alarm_clock.h: the
// Goldfish RTC on QEMU virt, the TICKTIMER on the Precursor; map_physical) and its line
// (claim_interrupt). Arming the alarm in the past raises the line at once, so the trigger is
// one store (AlarmClock::trigger()), timed from a counter read just before it. The handler's
// first instruction reads the counter (an assembly stub, so no prologue comes first; on the
// betrusted sim the stub's first instruction forms SIMTIME's address and its second reads it,
// counter.h). The figure includes everything in between: the hart taking the trap, the kernel
// claiming the line at the interrupt controller (the PLIC, or the Precursor's interrupt array)
// and switching to the process's interrupt context, and the return to U-mode. The overhead
// subtracted is the same counter read, store and counter read with no interrupt (a store to
// RAM).
//
// The interrupted thread and the handler are in the same process here (no address-space
// switch); on QEMU the counter is retired instructions, on the sims it is cycles. With a
// millisecond counter (a Precursor without SIMTIME) the figure is absent: no tick is that short.
#include "courier/abi/irq.h"
#include "courier/services/board.h"
#include "counter.h"
#include "courier/services/alarm_clock.h"
#include "courier/user/ipc.h"
#include "courier/user/irq.h"
#include "courier/user/print.h"
#include "harness.h"

extern "C" {
volatile uint32_t g_handler_cycle = 0;  // written by the handler's first instruction
volatile uint32_t g_fired = 0;
courier::board::AlarmClock g_clock;
void irq_bench_handler(uint32_t, uint32_t);
void irq_bench_body(uint32_t, uint32_t) {
  g_clock.clear_interrupt();  // the line drops
  g_fired = g_fired + 1;
}
}

// The handler: read the cycle counter first, store it, then the C++ body (a tail call, so it
// returns to kIrqReturnAddress itself).
asm(R"(
  .text
  .balign 4
  .globl irq_bench_handler
irq_bench_handler:
  )" COURIER_COUNTER_T0 R"(
  la t1, g_handler_cycle
  sw t0, 0(t1)
  tail irq_bench_body
)");

namespace {

constexpr uint32_t kSamples = 501;
constexpr uint32_t kWarmup = 20;
uint32_t g_samples[kSamples];
uint32_t g_overheads[kSamples];
volatile uint32_t g_dummy = 0;

// Times one raise: counter, the arming store, then wait for the handler to have run.
__attribute__((noinline)) uint32_t one_interrupt(volatile uint32_t* alarm_low) {
  const uint32_t fired = g_fired;
  const uint32_t t0 = courier::bench::counter::read_then_store(alarm_low);
  while (g_fired == fired) {
  }
  return g_handler_cycle - t0;
}

// The same sequence without an interrupt: counter, store, counter.
__attribute__((noinline)) uint32_t one_overhead(volatile uint32_t* target) {
  return courier::bench::counter::overhead_sequence(target);
}

uint32_t cycles_now() { return courier::bench::counter::read32(); }

// One interrupt, then four times its time in plain user work: the kernel holds a line whose
// upcalls take more than a quarter of a tick (a storm, abi/irq.h), and back-to-back interrupts
// would be one.
uint32_t paced_interrupt(volatile uint32_t* alarm_low) {
  const uint32_t start = cycles_now();
  const uint32_t v = one_interrupt(alarm_low);
  const uint32_t took = cycles_now() - start;
  const uint32_t until = cycles_now() + 4 * took;
  while (static_cast<int32_t>(cycles_now() - until) < 0) {
  }
  return v;
}

}  // namespace

int main() {
  courier::bench::suite_begin("irq");
  if (courier::bench::counter::coarse()) {
    courier::bench::absent("irq/latency", "the counter is the TICKTIMER's milliseconds");
    courier::bench::suite_end("irq");
    return 0;
  }
  courier::abi::Error e;
  const uint32_t va = courier::map_device(courier::board::kRtc, courier::board::kDevicePage, &e);
  if (va == 0) {
    courier::bench::absent("irq/latency", "cannot map the RTC");
    courier::bench::suite_end("irq");
    return 1;
  }
  g_clock = courier::board::AlarmClock(va);
  e = courier::claim_interrupt(courier::board::kRtcIrq, irq_bench_handler);
  if (e != courier::abi::Error::Ok) {
    courier::bench::absent("irq/latency", "cannot claim the RTC's line");
    courier::bench::suite_end("irq");
    return 1;
  }
  // An alarm always past, with its interrupt on: each store of zero to the trigger raises it.
  g_clock.arm_trigger();
  volatile uint32_t* alarm_low = g_clock.trigger();

  for (uint32_t i = 0; i < kWarmup; ++i) (void)paced_interrupt(alarm_low);
  for (uint32_t i = 0; i < kSamples; ++i) g_overheads[i] = one_overhead(&g_dummy);
  for (uint32_t i = 0; i < kSamples; ++i) g_samples[i] = paced_interrupt(alarm_low);
  // The overhead run's second counter read stands where the handler's read is: subtract the
  // sequence's own cost (its median), so the figure is from the store to the handler.
  courier::bench::report("irq/latency", g_samples, g_overheads, kSamples);
  (void)courier::free_interrupt(courier::board::kRtcIrq);
  courier::bench::suite_end("irq");
  return 0;
}
