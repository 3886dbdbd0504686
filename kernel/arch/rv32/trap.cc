// trap.cc — from trap.S into the portable kernel and back.
//
// trap_handler decodes scause once: an ecall goes to the syscall dispatcher, the supervisor
// timer to the scheduler tick, anything else is a fault of the running process. Then resume()
// finds the thread to run (idling with wfi while there is none), switches address space if
// the process changed, and hands its frame back to trap.S.
#include "board.h"
#include "courier/arch/csr.h"
#include "courier/arch/shim.h"
#include "courier/core/console.h"
#include "courier/core/kernel.h"
#include "courier/core/platform.h"
#include "dispatch.h"
#include "sync.h"

namespace courier {

extern Kernel g_kernel;

namespace arch {
void activate_kernel_space();
}

namespace {

constexpr uint32_t kSieStie = 1u << 5;
constexpr uint32_t kSipStip = 1u << 5;
// Time slice: 10 ms of the platform timer.
constexpr uint64_t kSliceTicks = platform::kTimerHz / 100;

constinit Pid active_pid = 0;

void timer_tick() {
  const uint64_t now = arch::read_time();
  arch::set_timer(now + kSliceTicks);
  dispatch::timer(g_kernel, now);
}

[[noreturn]] void halt() {
  kprintf("[kernel] %s, halting with code %u\n",
          g_kernel.first_process_ended() ? "process 1 ended" : "no processes left",
          g_kernel.first_exit_code());
  platform::exit(g_kernel.first_exit_code());
}

}  // namespace

arch::TrapFrame* resume() {
  if (g_kernel.first_process_ended()) [[unlikely]] halt();
  while (!g_kernel.pick_next()) {
    if (g_kernel.live_processes() == 0) halt();
    // Idle: nothing can run until an interrupt. wfi wakes on a pending enabled interrupt even
    // with sstatus.SIE clear, so the kernel stays non-preemptible and polls the cause itself.
    arch::activate_kernel_space();
    active_pid = 0;
    asm volatile("wfi");
    if (CSR_READ(sip) & kSipStip) timer_tick();
  }
  Thread& next = *g_kernel.current();
  if (next.pid != active_pid) {
    g_kernel.process(next.pid).space.activate();
    active_pid = next.pid;
  }
  return &next.frame;
}

void start_timer() {
  CSR_SET(sie, kSieStie);
  arch::set_timer(arch::read_time() + kSliceTicks);
}

}  // namespace courier

extern "C" courier::arch::TrapFrame* trap_handler(courier::arch::TrapFrame* frame) {
  using namespace courier;
  const uint32_t cause = CSR_READ(scause);
  if (cause == static_cast<uint32_t>(Cause::EcallU)) {
    frame->pc += 4;  // resume after the ecall
    const uint32_t number = frame->a(7);
    if (number == static_cast<uint32_t>(abi::Syscall::call_scalar) ||
        number == static_cast<uint32_t>(abi::Syscall::reply_and_receive_next)) {
      if (!sync::fastpath(g_kernel)) dispatch::syscall(g_kernel);
    } else {
      dispatch::syscall(g_kernel);
    }
    // The common cases: the thread that trapped runs on (frame is its first member), or the
    // IPC path switched to another thread that is ready to go.
    Thread* next = g_kernel.current();
    if (next != nullptr && !g_kernel.first_process_ended()) [[likely]] {
      if (next->pid != active_pid) {
        g_kernel.process(next->pid).space.activate();
        active_pid = next->pid;
      }
      return &next->frame;
    }
  } else if (cause == (kCauseInterrupt | static_cast<uint32_t>(Irq::STimer))) {
    timer_tick();
  } else {
    dispatch::user_fault(g_kernel, cause, frame->pc, CSR_READ(stval));
  }
  return resume();
}
