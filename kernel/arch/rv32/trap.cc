// trap.cc — from trap.S into the portable kernel and back.
//
// trap.S sends ecalls to syscall_entry (fastpath first, then the dispatcher) and every other
// trap to trap_handler: the supervisor timer ticks the scheduler, anything else is a fault of
// the running process. Then resume()
// finds the thread to run (idling with wfi while there is none), switches address space if
// the process changed, and hands its frame back to trap.S.
#include <stddef.h>

#include "board.h"
#include "courier/abi/irq.h"
#include "courier/arch/asm.h"
#include "courier/arch/csr.h"
#include "courier/arch/space.h"
#include "courier/core/console.h"
#include "courier/core/kernel.h"
#include "courier/core/platform.h"
#include "dispatch.h"
#include "fastpath.h"
#include "sync.h"

namespace courier {

extern Kernel g_kernel;

namespace arch {
void activate_kernel_space();
}

namespace {

constexpr uint32_t kSieStie = 1u << 5;
constexpr uint32_t kSipStip = 1u << 5;
constexpr uint32_t kSieSeie = 1u << 9;
constexpr uint32_t kSipSeip = 1u << 9;
// Time slice: 10 ms of the platform clock.
constexpr uint64_t kSliceTicks = platform::kTimerHz / 100;

void timer_tick() {
  const uint64_t now = platform::now();
  platform::timer_next(now);
  dispatch::timer(g_kernel, now);
}

// A line the interrupt controller gave the kernel: the board's tick (on the Precursor TIMER0
// is an external line), or a line routed to its owner's handler.
void external(uint32_t line) {
  if (line == platform::kTickLine) {
    timer_tick();
  } else if (line != 0) {
    g_kernel.interrupt(line);
  }
}

// The end of the machine: what the log server has not printed yet goes straight to the UART.
[[noreturn]] void halt() {
  kprintf("[kernel] %s, halting with code %u\n",
          g_kernel.first_process_ended() ? "process 1 ended" : "no processes left",
          g_kernel.first_exit_code());
  klog::flush_to_console();
  platform::exit(g_kernel.first_exit_code());
}

}  // namespace

arch::TrapFrame* resume() {
  if (g_kernel.first_process_ended()) [[unlikely]]
    halt();
  // A dying process is reaped before anything but an interrupt handler runs: this stops early
  // only when an interrupt is pending, which the hart then takes at once (core/preempt.cc). A
  // handler about to run goes first: the reaping is not its time (abi/irq.h's budget).
  if (const Thread* t = g_kernel.current(); t == nullptr || !t->handler) g_kernel.reap();
  while (!g_kernel.pick_next()) {
    if (g_kernel.live_processes() == 0) halt();
    g_kernel.reap();
    // Idle: nothing can run until an interrupt. wfi wakes on a pending enabled interrupt even
    // with sstatus.SIE clear, so the kernel stays non-preemptible and polls the cause itself.
    dispatch::drain_rings(g_kernel);  // FlexSC: idle time drains rings
    if (g_kernel.pick_next()) break;
    arch::activate_kernel_space();
    asm volatile("wfi");
    const uint32_t pending = CSR_READ(sip);
    // One line per pass: if more are pending, the loop comes back (or the hart traps again
    // once a thread runs), after the handler this one starts has returned.
    if (pending & kSipSeip) external(platform::irq_claim_fast());
    if (pending & kSipStip) timer_tick();
    g_kernel.notify_log_reader();
  }
  Thread& next = *g_kernel.current();
  arch::switch_space(next.satp);
  return &next.frame;
}

void start_timer() {
  g_kernel.set_irq_budget(static_cast<uint32_t>(kSliceTicks / abi::kIrqBudgetShare));
  CSR_SET(sie, kSieStie | kSieSeie);
  platform::timer_start(kSliceTicks);
}

}  // namespace courier

// The fast routes go in .text.hot, beside trap.S's entry and exit (kernel.ld).
#define COURIER_HOT __attribute__((section(".text.hot")))

namespace courier {
namespace {

// Debug images (courier_kernel_checked) hold the page tables against every record at the end
// of every kernel entry; the normal kernel compiles this away.
inline void check_entry() {
  if constexpr (COURIER_CHECK_INVARIANTS) g_kernel.check_invariants();
}

// After a syscall or interrupt: the thread to resume, switching address space if its process
// is not the one whose tables are live.
inline arch::TrapFrame* next_frame() {
  check_entry();
  Thread* next = g_kernel.current();
  if (next != nullptr && !g_kernel.exit_work()) [[likely]] {
    arch::switch_space(next->satp);
    return &next->frame;
  }
  return resume();  // the machine stops, a process is being reaped, or nothing is current
}

}  // namespace
}  // namespace courier

static_assert(SYS_CALL_SCALAR == static_cast<uint32_t>(courier::abi::Syscall::call_scalar));
static_assert(SYS_REPLY_AND_RECEIVE_NEXT ==
              static_cast<uint32_t>(courier::abi::Syscall::reply_and_receive_next));
static_assert(FRAME_A7 == offsetof(courier::arch::TrapFrame, x) + 17 * 4);

// An ecall from U-mode; trap.S has moved the pc past it and sent the two IPC calls with a
// fastpath to their own entries. `frame` is the first member of the current thread.
extern "C" courier::arch::TrapFrame* syscall_entry(courier::arch::TrapFrame*) {
  courier::dispatch::syscall(courier::g_kernel);
  return courier::next_frame();
}

// After a fast route: the thread it made current is certainly there (and nothing ended), so
// it resumes without next_frame()'s checks.
inline courier::arch::TrapFrame* resume_current() {
  courier::check_entry();
  courier::Thread* next = courier::g_kernel.current();
  courier::arch::switch_space(next->satp);
  return &next->frame;
}

// The slow path of the two fastpath entries, out of line: the entries then call nothing when
// the fastpath succeeds, so they need no stack frame.
__attribute__((noinline)) courier::arch::TrapFrame* slow_syscall_entry() {
  courier::dispatch::syscall(courier::g_kernel);
  return courier::next_frame();
}

extern "C" COURIER_HOT courier::arch::TrapFrame* fast_call_entry(courier::arch::TrapFrame* frame) {
  using namespace courier;
  if (sync::fast_call(g_kernel, *reinterpret_cast<Thread*>(frame))) [[likely]] {
    return resume_current();
  }
  return slow_syscall_entry();
}

// reply_and_receive_next that is no fast reply: a plain receive may still wait at once.
__attribute__((noinline)) courier::arch::TrapFrame* slow_reply_entry(courier::Thread& t) {
  if (courier::sync::fast_receive(courier::g_kernel, t)) return resume_current();
  return slow_syscall_entry();
}

extern "C" COURIER_HOT courier::arch::TrapFrame* fast_reply_entry(courier::arch::TrapFrame* frame) {
  using namespace courier;
  Thread& t = *reinterpret_cast<Thread*>(frame);
  if (sync::fast_reply_recv(g_kernel, t)) [[likely]] {
    return resume_current();
  }
  return slow_reply_entry(t);
}

// An external interrupt from U-mode (trap.S sends it here): the fast route starts the upcall
// with everything inline; anything unusual (no owner, a storm, ...) goes to the dispatcher.
__attribute__((noinline)) courier::arch::TrapFrame* slow_irq_entry(uint32_t line) {
  using namespace courier;
  external(line);
  g_kernel.notify_log_reader();
  return next_frame();
}

extern "C" COURIER_HOT courier::arch::TrapFrame* irq_entry(courier::arch::TrapFrame*) {
  using namespace courier;
  const uint32_t line = platform::irq_claim_fast();
  if (g_kernel.upcall_now(line, platform::now_low())) [[likely]] {
    platform::irq_mask_fast();  // every other line waits until the handler returns
    return resume_current();
  }
  return slow_irq_entry(line);
}

// Every other trap from U-mode: the timer, or a fault of the running process.
extern "C" courier::arch::TrapFrame* trap_handler(courier::arch::TrapFrame* frame) {
  using namespace courier;
  const uint32_t cause = CSR_READ(scause);
  if (cause == (kCauseInterrupt | static_cast<uint32_t>(Irq::STimer))) {
    timer_tick();
  } else {
    dispatch::user_fault(g_kernel, cause, frame->pc, CSR_READ(stval));
  }
  return next_frame();
}
