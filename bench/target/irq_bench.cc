// irq_bench.cc — irq/latency (DESIGN.md §6): from the instruction that raises an interrupt to
// the first instruction of its userspace handler.
//
// The benchmark owns the Goldfish RTC (map_physical) and its line (claim_interrupt). Arming
// the RTC's alarm in the past raises the line at once, so the trigger is one store, timed
// from a counter read just before it. The handler's first instruction reads the counter (an
// assembly stub, so no prologue comes first). The figure includes everything in between: the
// hart taking the trap, the kernel claiming the line at the PLIC and switching to the
// process's interrupt context, and the return to U-mode. The overhead subtracted is the same
// counter read, store and counter read with no interrupt (a store to RAM).
//
// The interrupted thread and the handler are in the same process here (no address-space
// switch); on QEMU the counter is retired instructions, on the sim it is cycles.
#include "courier/abi/irq.h"
#include "courier/services/board.h"
#include "courier/services/goldfish_rtc.h"
#include "courier/user/cycles.h"
#include "courier/user/ipc.h"
#include "courier/user/irq.h"
#include "courier/user/print.h"
#include "harness.h"

extern "C" {
volatile uint32_t g_handler_cycle = 0;  // written by the handler's first instruction
volatile uint32_t g_fired = 0;
volatile uint32_t* g_rtc_regs = nullptr;
void irq_bench_handler(uint32_t, uint32_t);
void irq_bench_body(uint32_t, uint32_t) {
  g_rtc_regs[7] = 1;  // CLEAR_INTERRUPT: the line drops
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
  rdcycle t0
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
  uint32_t t0;
  asm volatile("rdcycle %0\n\tsw zero, 0(%1)" : "=&r"(t0) : "r"(alarm_low) : "memory");
  while (g_fired == fired) {
  }
  return g_handler_cycle - t0;
}

// The same sequence without an interrupt: counter, store, counter.
__attribute__((noinline)) uint32_t one_overhead(volatile uint32_t* target) {
  uint32_t t0, t1;
  asm volatile("rdcycle %0\n\tsw zero, 0(%2)\n\trdcycle %1"
               : "=&r"(t0), "=&r"(t1)
               : "r"(target)
               : "memory");
  return t1 - t0;
}

uint32_t cycles_now() { return static_cast<uint32_t>(courier::read_cycles()); }

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
  courier::abi::Error e;
  const uint32_t va = courier::map_device(courier::board::kRtc, courier::board::kDevicePage, &e);
  if (va == 0) {
    courier::bench::absent("irq/latency", "cannot map the RTC");
    courier::bench::suite_end("irq");
    return 1;
  }
  g_rtc_regs = reinterpret_cast<volatile uint32_t*>(static_cast<uintptr_t>(va));
  e = courier::claim_interrupt(courier::board::kRtcIrq, irq_bench_handler);
  if (e != courier::abi::Error::Ok) {
    courier::bench::absent("irq/latency", "cannot claim the RTC's line");
    courier::bench::suite_end("irq");
    return 1;
  }
  // Alarm at time 0 (always past) with its interrupt on; each store to ALARM_LOW re-arms it.
  g_rtc_regs[4] = 1;  // IRQ_ENABLED
  g_rtc_regs[3] = 0;  // ALARM_HIGH
  volatile uint32_t* alarm_low = &g_rtc_regs[2];

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
