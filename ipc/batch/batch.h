// ipc/batch/batch.h — the `batch` path: draining a thread's FlexSC rings (abi/ring.h).
//
// This file knows the ring format and its rules (indices, reservations, validation of the ring
// pages on every drain); what each entry *does* is the composition root's business, passed in
// as an executor, because only kernel/dispatch knows which syscalls and paths exist.
#pragma once

#include "courier/abi/ring.h"
#include "courier/core/kernel.h"

namespace courier::batch {

struct Completion {
  abi::Error error;
  uint32_t r[2];
};

// What running one entry did.
enum class Outcome : uint8_t {
  Done,     // completed now: `out` holds the completion
  Pending,  // completes later: the drain reserves a completion slot, Kernel::post_completion fills
            // it
  Retry,    // could not run yet (a send found the server's queue full): the entry stays in
            // the ring, the drain stops there, and `out->r[0]` names the server to wait for
  Preempted,  // stopped at a preemption point (core/preempt.h), its progress in the thread's
              // continuation: the entry stays in the ring and the drain stops there
};
// An executor: Outcome (Kernel& k, Thread& t, uint32_t number, uint32_t tag,
// const volatile uint32_t* args, uint32_t index, Budget& budget, Completion* out), `index` the
// entry's submission index. The arguments stay in user memory: it must read each one once,
// before acting on it, since user code may change the ring at any time.

// Why a drain stopped early.
struct Stopped {
  abi::Error error;  // InvalidArgument: bad ring; QueueFull: completion ring full;
                     // WouldBlock: a send waits for room in server `server`'s queue;
                     // kPreempted: a preemption point (an interrupt is pending)
  uint16_t server;
  uint32_t consumed;  // entries consumed before it stopped
};

// Registers [va, va + kRingBytes) as `t`'s rings (va 0 unregisters). The pages must be the
// thread's own read-write RAM, and the ring must be idle (nothing reserved).
abi::Error setup(Kernel& k, Thread& t, uint32_t va);

// Consumes submitted entries in order until the ring is empty or one cannot go on. Answers
// how many were consumed, or why it stopped (see Stopped). A template so the executor is
// compiled into the loop: the per-entry cost is what batching is measured by. `budget` sets
// its preemption points: one every Budget::kUnitsPerPoint entries, and those inside entries.
template <class Executor>
kstd::Result<uint32_t, Stopped> drain(Kernel& k, Thread& t, Executor&& execute, Budget& budget);

// The ring's pages as the kernel may touch them (pinned while registered), or false when the
// thread has no ring.
struct RingView {
  volatile abi::RingHeader* header;
  volatile abi::RingCompletion* cq;
  const volatile abi::RingEntry* sq;
};
bool view(Kernel& k, const Thread& t, RingView* out);

// Unregisters `t`'s ring (thread exit): its pages are no longer pinned.
void forget(Kernel& k, Thread& t);

template <class Executor>
kstd::Result<uint32_t, Stopped> drain(Kernel& k, Thread& t, Executor&& execute, Budget& budget) {
  RingView v;
  if (!view(k, t, &v)) return kstd::err(Stopped{abi::Error::InvalidArgument, kNone, 0});
  const uint32_t sq_tail = v.header->sq_tail;
  const uint32_t cq_head = v.header->cq_head;
  // The kernel's own indices, in registers for the loop and published once at the end.
  uint32_t sq_head = t.ring_sq_head;
  uint32_t cq_tail = t.ring_cq_tail;
  const uint32_t reserved_before = t.ring_reserved;
  uint32_t reserved = reserved_before;
  // Untrusted indices: the user may have moved them backwards or past the ring's size.
  if (sq_tail - sq_head > abi::kRingEntries || cq_tail + reserved - cq_head > abi::kRingEntries) {
    return kstd::err(Stopped{abi::Error::InvalidArgument, kNone, 0});
  }
  Stopped stop{abi::Error::Ok, kNone, 0};
  // Completion slots free now; each consumed entry takes one (now, or reserved for later).
  uint32_t room = abi::kRingEntries - (cq_tail + reserved - cq_head);
  while (sq_head != sq_tail) {
    if (room == 0) {
      stop = Stopped{abi::Error::QueueFull, kNone, 0};  // no room to complete more: the rest waits
      break;
    }
    --room;
    // The executor reads only the arguments its syscall takes (each exactly once).
    const volatile abi::RingEntry& e = v.sq[sq_head % abi::kRingEntries];
    const uint32_t tag = e.tag;
    Completion c{abi::Error::Ok, {0, 0}};
    const Outcome o = execute(k, t, e.number, tag, e.a, sq_head, budget, &c);
    if (o == Outcome::Retry) {
      stop = Stopped{abi::Error::WouldBlock, static_cast<uint16_t>(c.r[0]), 0};
      break;
    }
    if (o == Outcome::Preempted) {
      stop = Stopped{kPreempted, kNone, 0};
      break;
    }
    ++sq_head;
    if (o == Outcome::Done) {
      volatile abi::RingCompletion& slot = v.cq[cq_tail++ % abi::kRingEntries];
      slot.tag = tag;
      slot.error = static_cast<uint32_t>(c.error);
      slot.r[0] = c.r[0];
      slot.r[1] = c.r[1];
    } else {
      ++reserved;
    }
    if (sq_head != sq_tail && budget.step(Budget::kEntry)) {
      stop = Stopped{kPreempted, kNone, 0};  // the rest is consumed at the next drain
      break;
    }
  }
  const uint32_t consumed = sq_head - t.ring_sq_head;
  t.ring_sq_head = sq_head;
  t.ring_cq_tail = cq_tail;
  t.ring_reserved = static_cast<uint16_t>(reserved);
  v.header->sq_head = sq_head;
  v.header->cq_tail = cq_tail;
  if (stop.error != abi::Error::Ok) {
    stop.consumed = consumed;
    return kstd::err(stop);
  }
  return consumed;
}

}  // namespace courier::batch
