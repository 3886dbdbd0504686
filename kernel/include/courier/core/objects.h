// core/objects.h — the kernel's objects: threads, processes, servers, messages.
//
// All of them live in fixed tables inside Kernel (kernel.h); nothing is allocated. Handles
// given to user code (TID, CID, server handle, message handle) are small indices checked
// against these tables, with a generation where a stale handle could otherwise name a new
// object that reused the slot.
#pragma once

#include "courier/abi/limits.h"
#include "courier/abi/syscall.h"
#include "courier/core/address_space.h"
#include "courier/core/context.h"
#include "courier/core/preempt.h"
#include "courier/kstd/types.h"

namespace courier {

// Every table holds every process's whole share (abi/limits.h) at once: no process can take
// from another's by filling a table. Pid 0 is never a process.
inline constexpr uint32_t kMaxProcesses = 16;
inline constexpr uint32_t kMaxThreadsPerProcess = abi::kMaxThreadsPerProcess;
inline constexpr uint32_t kMaxThreads = (kMaxProcesses - 1) * (kMaxThreadsPerProcess + 1);
inline constexpr uint32_t kMaxServersPerProcess = abi::kMaxServersPerProcess;
inline constexpr uint32_t kMaxServers = (kMaxProcesses - 1) * kMaxServersPerProcess;
inline constexpr uint32_t kMaxConnections = abi::kMaxConnectionsPerProcess;  // per process
inline constexpr uint32_t kQueueDepth = 8;  // messages per server
inline constexpr uint32_t kMaxPagesPerProcess = abi::kMaxPagesPerProcess;  // tables included
inline constexpr uint16_t kNone = 0xffff;

using Tid = uint16_t;
inline constexpr uint8_t kNoLend = 0xff;

enum class ThreadState : uint8_t {
  Free,
  Ready,        // in a run queue
  Running,      // the current thread
  Receiving,    // blocked in receive on `wait_server`
  Calling,      // blocked in a call to `wait_server` (queued, or received and awaiting reply)
  Lending,      // the same for a memory message: answered by return_memory, never by reply
  SendBlocked,  // blocked because `wait_server`'s queue was full; retries its send when woken
  Connecting,   // blocked in connect until a server with `wait_sid` exists; retries when woken
  Waiting,      // blocked in wait_event until a message or `wake_at`
  RingWait,     // blocked in ring_enter until a completion is posted to its ring
  IrqIdle,      // a process's interrupt context between upcalls (abi/irq.h)
  Preempted,    // was running when an upcall began; resumes when the handler returns
};

struct Connection;

struct Thread {
  arch::TrapFrame frame;  // first, so trap.S's frame pointer is the thread's address too
  ThreadState state;
  uint8_t priority;
  uint8_t call_received;  // Calling: 1 once the server has received the message
  uint8_t handler;  // 1: the process's interrupt context (never blocks; abi/irq.h)
  Pid pid;
  uint32_t generation;     // bumped on every call and on reuse; low 16 bits go into handles
  uint16_t wait_server;    // server index this thread waits on, or kNone
  Tid next, prev;          // run-queue / wait-list links
  Tid tid;                 // this thread's index in the table (fixed)
  uint32_t satp;           // its process's address-space selector (AddressSpace::satp())
  uint8_t lend;            // Lending: its Lend record (always lends_[tid]), else kNoLend
  uint16_t ring_reserved;  // batch: completion slots owed to entries still in flight
  uint32_t ring_va;        // batch: the thread's rings (abi/ring.h), 0 if none
  uint32_t ring_sq_head;   // batch: the kernel's own copies of the indices it owns
  uint32_t ring_cq_tail;
  kstd::Pfn ring_pfn[2];  // batch: the ring's frames, pinned while registered
  uint32_t wait_sid[4];
  uint64_t wake_at;    // Waiting: deadline in timer ticks (0: none)
  Continuation cont;   // a long call stopped at a preemption point (core/preempt.h)
  // Fixed at creation, for the IPC fastpath's guards (one load each instead of index
  // arithmetic): the run queues more urgent than this thread, (1 << priority) - 1, and its
  // process's connection table.
  uint32_t more_urgent;
  const Connection* connections;
};

// Dying: ended, its pages not all given back yet (the kernel reaps them in bounded steps
// before any thread but an interrupt handler runs again: core/preempt.cc).
enum class ProcessState : uint8_t { Free, Alive, Dying };

struct Connection {
  uint16_t server;      // server index, kNone if unused
  uint16_t generation;  // the server's generation when connected
};

struct Process {
  ProcessState state;
  uint8_t thread_count;
  uint8_t server_count;
  uint8_t waiting_threads;  // threads in wait_event (so senders know to wake them)
  uint8_t rings;            // threads with a registered batch ring (their pages are pinned)
  uint8_t async_count;      // its batched calls in flight (AsyncCall records it holds)
  uint8_t max_priority;     // from its boot record: the most urgent priority its threads may have
  uint32_t page_count;      // own pages mapped (RAM and MMIO); with its page tables, against
                            // kMaxPagesPerProcess (Kernel::pages_used)
  char name[16];
  AddressSpace space;
  Connection connections[kMaxConnections];
  uint32_t heap_hint;  // where map_memory starts looking for free space
  Tid irq_thread;      // its interrupt context, made at the first claim_interrupt (kNone: none)
  uint32_t irq_gp, irq_tp;  // gp and tp the handlers run with (the claiming thread's)
};

// An interrupt line of the platform's controller, and who handles it (abi/irq.h).
inline constexpr uint32_t kMaxIrqLines = 32;  // lines 1 .. kMaxIrqLines - 1; 0 means "none"
struct IrqLine {
  Pid owner;         // 0: unclaimed (and masked)
  bool throttled;    // its upcalls used up this tick's budget (a storm): held until the next
  bool deferred;     // held: claimed at the controller, to be upcalled at the next tick
  uint32_t used;     // time its upcalls took in the current tick (platform timer ticks)
  uint32_t handler;  // entry point in the owner
  uint32_t arg;
};

struct Message {
  abi::MessageKind kind;
  uint32_t id;
  uint32_t w[4];  // scalars; for memory messages: address in the receiver, size, offset, valid
  Pid sender_pid;
  Tid sender_tid;          // BlockingScalar, Borrow, MutableBorrow: the caller to answer
  uint8_t lend = kNoLend;  // memory messages that come back: their Lend record
  uint8_t async =
      0xff;  // a BlockingScalar submitted through a batch ring: its AsyncCall (kNoAsync: none)
  uint32_t sender_gen;
};

// A BlockingScalar submitted through a thread's batch ring: the thread runs on, and the
// server's reply becomes a completion in the ring (reserved when the entry was consumed).
inline constexpr uint8_t kNoAsync = 0xff;
inline constexpr uint32_t kMaxAsyncPerProcess = abi::kMaxAsyncPerProcess;
inline constexpr uint32_t kMaxAsync = (kMaxProcesses - 1) * kMaxAsyncPerProcess;
static_assert(kMaxAsync < kNoAsync);
inline constexpr uint32_t kAsyncHandleBit = 0x8000;  // in the low half of a message handle

struct AsyncCall {
  bool active;
  bool received;
  Tid client;
  Pid client_pid;
  uint16_t server;
  uint32_t tag;
  uint32_t generation;
};

constexpr uint32_t async_handle(uint8_t slot, uint32_t gen) {
  return (gen << 16) | kAsyncHandleBit | slot;
}

// A memory message in flight (Borrow or MutableBorrow, by remapping or by copying) from the
// moment it is sent until return_memory, or until the lender or the borrower dies. A lender
// waits for the answer, so a thread has at most one: the record is lends_[its tid], and no
// process can take another's records.
inline constexpr uint32_t kMaxLends = kMaxThreads;
static_assert(kMaxLends < kNoLend);
inline constexpr uint32_t kMaxLendPages = 256;            // 1 MiB per message
inline constexpr uint32_t kLendWindowBase = 0x6000'0000;  // borrowers see lent pages here
inline constexpr uint32_t kLendWindowTop = 0x7000'0000;

//
// Invariants (check_invariants() verifies each against the page tables):
//  - the borrower maps exactly [borrower_va, borrower_va + pages) for this record, every entry
//    marked kBorrowed, so no user call (unmap, protect, lend, ring_setup) can touch them: only
//    return_memory, the server's destruction or a death ends them; the entries are hidden (not
//    valid) until the borrower receives the message, valid from then on;
//  - `copy`: the frames are the borrower's own (copies made for this lend); unmap_lend frees
//    them;
//  - otherwise the frames are the lender's, mapped at [lender_va, ...) marked kLent, and the
//    borrower's entries name the very same frames;
//  - the lender is alive: its death ends the record (reclaim_lends).
struct Lend {
  bool active;
  bool copy;      // delivered by the copy path: the borrower holds copies, not the pages
  bool received;  // the borrower has received the message (it holds the handle)
  bool hidden;    // its pages in the borrower are still hidden (revealed when received)
  abi::MessageKind kind;
  Pid lender, borrower;
  Tid lender_tid;
  uint16_t server;  // the server it was sent to
  uint32_t handle;  // the message handle the borrower answers with
  uint32_t lender_va, borrower_va, pages;
  uint32_t lender_flags;  // the lender's permissions, restored on return
};

enum class ServerState : uint8_t { Free, Alive };

struct Server {
  ServerState state;
  uint8_t head, count;
  uint8_t blocked_senders;  // threads in SendBlocked on this server (skip the scan when 0)
  uint16_t generation;
  Pid owner;
  uint32_t sid[4];
  Message queue[kQueueDepth];
  Tid receivers;  // head of the list of threads blocked in receive (linked by next)
};

// Message handles: (generation << 16) | (tid + 1); 0 means "no reply expected".
constexpr uint32_t message_handle(Tid tid, uint32_t gen) { return (gen << 16) | (tid + 1u); }

}  // namespace courier
