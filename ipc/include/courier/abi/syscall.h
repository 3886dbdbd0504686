// abi/syscall.h — syscall numbers and the register calling convention.
//
// Registers: a7 = syscall number; a0..a5 = arguments (lend_memory also a6). The kernel answers
// in a0 with an Error (0 = Ok) and in a1..a7 with up to seven result words (receive returns a
// whole message there).
//
// What each register holds after a syscall returns (DESIGN.md §8: no register carries a value
// across a protection boundary; kernel/test/target/regs_root.cc checks every one):
//   a0       the Error.
//   a1, a2   the results syscalls.def lists there; zero where the syscall has none, and zero
//            whenever a0 is not Ok (except ring_enter's a1: the entries it consumed before
//            the error).
//   a3..a7   the results syscalls.def lists there, on Ok only (create_server: a3..a5 = SID;
//            process_info: a3; time: a3; usage: a3..a7; receive, try_receive,
//            reply_and_receive_next: a3 = the message's kind and sender, a4..a7 = its words);
//            otherwise exactly what the caller put there (a7: the syscall number).
//   pc       the instruction after the ecall.
//   the rest (ra, sp, gp, tp, t0-t6, s0-s11): exactly what the caller put there.
// A blocking syscall answers the same registers when it is woken, whoever woke it; a result
// word is the syscall's defined answer (a reply's words, a message's words, a handle), never
// a kernel temporary or another thread's register. The same holds for every other way into
// the kernel and out: a thread interrupted by the timer or a device, or switched out for any
// other thread, resumes with every register as it left it. A new thread (create_thread, and
// each boot or spawned process's first thread) starts with pc = entry, sp and a0 as given (a0
// = 0 for a boot process, spawn's argument for a spawned one) and every other register zero.
// An interrupt upcall's registers: abi/irq.h.
//
// Why ra and t0-t6 survive a syscall (issue 18): a syscall ABI may declare them clobbered, and
// the kernel would then skip storing them at every ecall (8 stores; it must still clear them on
// the way out, which costs what reloading them does). Measured on QEMU (instructions, -icount),
// the stubs' clobber list grown by ra and t0-t6 with the kernel unchanged: the user side pays
// +4 per null_syscall, +4 per call_reply (two syscalls), +18 per batch/null/1, +7 per 4 KiB
// lend, and 1.5-20% more user .text (sync_server 864 -> 960 bytes, lend_echo 404 -> 488). Net,
// with the kernel's 8 stores saved: call_reply 393 -> about 381 (3%), null_syscall 124 -> about
// 120. Too little for a weaker contract than Linux's (which keeps every register but a0): every
// register but the documented results stays the caller's. The kernel side of what it saves is
// in kernel/arch/rv32/trap.S: s0-s11 are stored only when the trap ends in another thread.
//
// Long calls (kernel/core/preempt.h). The kernel runs with interrupts off, so a call whose work
// grows with its arguments stops at preemption points when an interrupt is pending: after
// every page map_memory zeroes, lend_memory copies (by copy) or return_memory copies back (a
// MutableBorrow by copy); every 32 pages unmap_memory gives back or lend_memory remaps; every
// 64 entries of a ring drain or of a search for room; a dead process's pages go back in steps.
// A stopped call leaves every register as the thread had it and its pc on the ecall, so the
// thread issues it again once the interrupt is taken; the same ecall (same pc, same a0..a7)
// resumes where it stopped and ends exactly as it would have without the stop: the same
// answer, the same pages, the same errors. Until then its range is taken but unseen (pending
// entries: nothing else can be mapped there, nothing in it is reachable, a lend's server sees
// nothing), its frames reserved. Another call that can stop, issued instead, abandons it
// first: map_memory and lend_memory are undone as if never made, unmap_memory is finished (it
// had taken effect), return_memory leaves its lend unanswered.
//
// The bound, measured by bench/target/worst_bench.cc (kernel/worst/<op>: the longest wait from
// an interrupt to its handler's first instruction while another thread makes the largest
// call of each kind): at most 28,011 instructions on QEMU (-icount; spawn_destroy_700, a death
// of a 700-page process), 19,984 for any call an ordinary process makes (map_memory_700); on
// the sim core at most 37,856 cycles for those calls (copy_mutable_1MiB; 0.38 ms at
// Betrusted's 100 MHz). Before the preemption points a 700-page map_memory or
// a 1 MiB copy lend held interrupts for its whole length (millions of instructions).
#pragma once

#include <stdint.h>

#include "courier/abi/error.h"

namespace courier::abi {

enum class Syscall : uint32_t {
#define COURIER_SYSCALL(num, name, summary) name = num,
#include "courier/abi/syscalls.def"
#undef COURIER_SYSCALL
};

inline constexpr uint32_t kSyscallCount = 0
#define COURIER_SYSCALL(num, name, summary) +1
#include "courier/abi/syscalls.def"
#undef COURIER_SYSCALL
    ;

// What a syscall answers: the error and up to seven result words (a1..a7).
struct SysRet {
  Error error;
  uint32_t r[7];
};

// Message kinds (DESIGN.md §2), as receive reports them in a3's low half.
enum class MessageKind : uint32_t {
  Scalar = 0,
  BlockingScalar = 1,
  Borrow = 2,
  MutableBorrow = 3,
  Move = 4,
};

// What receive (try_receive, reply_and_receive_next) answers in a3: the message's kind in
// bits 0..15 and, in bits 16..31, the pid of the process that sent it, which the kernel writes
// and no sender can choose: 0 for a message from the kernel itself (abi/log.h's
// kLogKernelNotice), never 0 for a process's. The same on every path a message takes (queued
// or handed over, the IPC fastpath, a batched send or call, a lend); a memory message's sender
// is the lender. Ids and words are the sender's to choose; the sender pid is how a server knows
// who is asking. A Scalar or Move queued by a process that then died is still delivered, with
// the dead process's pid, which no new process is given while such a message waits. A server
// that only wants the kind masks it (message_kind).
inline constexpr uint32_t kMessageKindMask = 0xffff;
inline constexpr uint32_t kMessageSenderShift = 16;
constexpr MessageKind message_kind(uint32_t a3) {
  return static_cast<MessageKind>(a3 & kMessageKindMask);
}
constexpr uint32_t message_sender(uint32_t a3) { return a3 >> kMessageSenderShift; }

// Memory permission flags for map_memory, update_memory_flags and map_physical.
enum MemFlag : uint32_t { kMemRead = 1, kMemWrite = 2, kMemExec = 4 };

// Thread priorities: 0 is the most urgent; new threads default to kDefaultPriority.
// Scheduling is strict, as in seL4: a ready thread always runs before every thread of a less
// urgent priority, and threads of one priority share the hart round-robin, one timer slice
// (10 ms) each. A thread that never blocks therefore starves every less urgent thread for as
// long as it runs; nothing ages priorities.
//
// Which priorities a process may use is bounded by its ceiling (seL4's maximum controlled
// priority), which the boot image assigns per process with the priority of its first thread
// (abi/boot_archive.h; a spawned process gets its archive record's): create_thread at a
// priority more urgent than the ceiling (priority < ceiling) answers AccessDenied and creates
// nothing. So a process can starve only processes at or below its own ceiling, never those the
// image placed above it. The build's defaults (cmake/courier.cmake): ordinary programs have
// ceiling and first thread at kDefaultPriority; the log server and the device drivers of
// services/ (ticktimer) at kServicePriority, above every ordinary program. A process's
// interrupt context is not one of its threads and keeps its own place: an upcall preempts
// whatever runs, and is bounded by its budget instead (abi/irq.h).
// create_thread's entry must be mapped executable and aligned to kInstructionAlign: 4 bytes,
// or 2 in an image built with the C extension (rv32imac; the core then fetches 16-bit
// instructions at any even address). The stack pointer must be 16-byte aligned (the psABI's).
// create_thread's checks, in order: the entry (BadAddress), the stack (BadAddress), a priority
// >= kPriorities (InvalidArgument), the ceiling (AccessDenied), the thread limits
// (LimitReached).
#ifdef __riscv_compressed
inline constexpr uint32_t kInstructionAlign = 2;
#else
inline constexpr uint32_t kInstructionAlign = 4;
#endif
inline constexpr uint32_t kPriorities = 8;
inline constexpr uint32_t kDefaultPriority = 4;
inline constexpr uint32_t kServicePriority = 2;  // the log server's and drivers' default

}  // namespace courier::abi
