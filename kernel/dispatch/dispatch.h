// dispatch.h — the composition root's entry points.
//
// Portable: the rv32 trap code calls these for the kernel's one Kernel object, and host tests
// call them on their own Kernel, so a syscall takes the same path in both. Each acts on
// k.current(), the thread that trapped, and leaves k.current() naming the thread to resume
// (or none, when nothing can run).
#pragma once

#include <stdint.h>

#include "courier/core/kernel.h"

namespace courier::dispatch {

// Runs the syscall named by a7 in the current thread's registers. The pc has already been
// moved past the ecall.
void syscall(Kernel& k);

// The one-page lend and its return have a fastpath (ipc/lend/lend_fastpath.h), which the
// table's lend_memory and return_memory entries try first. Host tests turn it off to run the
// slow path alone and compare the two (kernel_fixture.h, Path::SlowOnly); on rv32 it is on.
#if defined(__riscv)
inline constexpr bool g_memory_fastpath = true;
#else
extern bool g_memory_fastpath;
#endif

// The current thread took an exception it cannot survive: its process ends, the kernel goes on.
void user_fault(Kernel& k, uint32_t cause, uint32_t pc, uint32_t tval);

// A misaligned load or store of the current thread (cause LoadMisaligned/StoreMisaligned,
// tval the address), finished for it where it can be (misaligned.cc): on success its rd and pc
// are updated and it resumes; otherwise `cause` and `tval` are what to kill it with (the
// misaligned cause, or the page-fault cause and the first byte it may not touch).
struct MisalignedResult {
  bool done;
  uint32_t cause;
  uint32_t tval;
};
MisalignedResult emulate_misaligned(Kernel& k, uint32_t cause, uint32_t tval);

// Exit code of a process killed by a fault: 128 + cause, as shells report signals.
constexpr uint32_t killed_exit_code(uint32_t cause) { return 128 + (cause & 0x3f); }

// The platform's timer tick: wakes sleepers, preempts. `now` is in timer ticks.
void timer(Kernel& k, uint64_t now);

// An external interrupt is pending at the hart: take one line from the controller and route it
// (an upcall into the owning process, abi/irq.h).
void external_interrupt(Kernel& k);

// The hart would otherwise idle: drain every thread's batch ring (FlexSC).
void drain_rings(Kernel& k);

// Timer ticks per millisecond (platform::kTimerHz / 1000), set at boot (kernel_main): 10'000
// on QEMU virt and the sim SoC, 1 on the Precursor (TICKTIMER). The time syscall answers it;
// wait_event's timeouts are converted with it.
extern uint32_t g_ticks_per_ms;

}  // namespace courier::dispatch
