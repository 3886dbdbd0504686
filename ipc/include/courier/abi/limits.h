// abi/limits.h — what one process may make the kernel hold, and how it sees its own share.
//
// Every resource the kernel keeps on a process's behalf is charged to that process and bounded
// per process (DESIGN.md §8): no process can exhaust, starve or strand what belongs to others.
// The kernel's tables are sized so that every process's full share fits at once, so a share is
// a guarantee, not a first-come allowance: whatever the others do, a process can always have
// its own limit of each.
//
// One exception, by rule: a server holding a remapped lend whose lender dies takes the lent
// pages over as its own and may go over its page quota until it answers (abi/lend.h).
//
// The `usage` syscall (syscalls.def) answers the caller's own usage, counted from the kernel's
// tables at the moment of the call:
//   a1 = pages: RAM and MMIO pages mapped as its own, plus its page tables (root included),
//        plus pages it has received by Move or by a copy lend (they are its own)
//   a2 = threads (its interrupt context not included)
//   a3 = servers
//   a4 = connections
//   a5 = lends in flight it made (Borrow / MutableBorrow awaiting return_memory)
//   a6 = batched calls in flight it made (BlockingScalars submitted through a ring, unanswered)
//   a7 = lends it holds as a borrower (received or queued, not yet returned)
// Init (pid 1) may ask for any pid (a0 = pid; 0 or its own pid: itself): a pid with no live
// process answers all zeros, which is how a supervisor checks that a dead child left nothing
// behind. Anyone else asking for another pid gets AccessDenied.
#pragma once

#include <stdint.h>

namespace courier::abi {

inline constexpr uint32_t kMaxPagesPerProcess = 768;  // page tables included (3 MiB of 4)
inline constexpr uint32_t kMaxThreadsPerProcess = 8;  // plus one interrupt context
inline constexpr uint32_t kMaxServersPerProcess = 6;
inline constexpr uint32_t kMaxConnectionsPerProcess = 16;
inline constexpr uint32_t kMaxAsyncPerProcess = 16;  // batched calls awaiting their reply
inline constexpr uint32_t kMaxMmioPagesPerProcess = 16;  // device pages map_physical hands out
// Lends: a lending thread waits for its answer, so each thread has at most one lend in flight;
// a process's lends are bounded by its threads.
inline constexpr uint32_t kMaxLendsPerProcess = kMaxThreadsPerProcess;

}  // namespace courier::abi
