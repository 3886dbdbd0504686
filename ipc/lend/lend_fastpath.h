// ipc/lend/lend_fastpath.h — the lend fastpath: the common Xous message, one 4 KiB page lent by
// Borrow or MutableBorrow to a server thread already waiting in receive, and its return.
//
// Written as the call fastpath is (ipc/sync/fastpath.h): a straight chain of guards, each of
// which sends the syscall to the slow path (lend.cc, the reference) by returning false before
// anything has changed; then the transfer, which leaves exactly what the slow path leaves: the
// same entries in both page tables, the same TLB flushes, the same lend record, registers and
// thread states. The host tests (lend_test.cc, LendFastpathTest) run every scenario through
// both paths and compare all of it; the guards they must decline on are tested one by one.
//
// What the slow path does and the fastpath skips: the general argument checks (a guard that
// fails goes to the slow path, which reports the error), the continuation and its preemption
// points (one page needs none), the search of the lend window from scratch (the fastpath looks
// at the first entries of the window's first table, where search_free would find room first),
// the queue (a receiver waits: nothing is queued) and the scheduler (the receiver may run
// directly, or the fastpath declines).
#pragma once

#include "courier/abi/lend.h"
#include "courier/core/kernel.h"
#include "courier/core/sv32.h"
#include "courier/kstd/assert.h"

#define COURIER_LEND_UNLIKELY(c) __builtin_expect(!!(c), 0)

namespace courier::lend {

// Window entries the fastpath looks at for a free one (search_free looks at all of them).
inline constexpr uint32_t kFastWindowScan = 16;

inline bool fast_lend(Kernel& k, Thread& caller) {
  using abi::MessageKind;
  arch::TrapFrame& f = caller.frame;
  if (COURIER_LEND_UNLIKELY(caller.handler)) return false;  // a handler may not block
  // A call in progress (stopped at a preemption point): the slow path resumes or abandons it.
  if (COURIER_LEND_UNLIKELY(caller.cont.op != Split::None)) return false;
  // a2: the kind alone (no copy flag, nothing else); one whole page inside user space.
  const uint32_t how = f.a(2);
  if (COURIER_LEND_UNLIKELY(how != static_cast<uint32_t>(MessageKind::Borrow) &&
                            how != static_cast<uint32_t>(MessageKind::MutableBorrow))) {
    return false;
  }
  const bool mutable_borrow = how == static_cast<uint32_t>(MessageKind::MutableBorrow);
  const uint32_t va = f.a(3), offset = f.a(5), valid = f.a(6);
  if (COURIER_LEND_UNLIKELY(f.a(4) != kstd::kPageSize)) return false;
  if (COURIER_LEND_UNLIKELY((va & (kstd::kPageSize - 1)) || va < kUserBase || va >= kUserTop))
    return false;
  if (COURIER_LEND_UNLIKELY(offset > kstd::kPageSize || valid > kstd::kPageSize - offset))
    return false;
  // The connection, its live server, and a server thread waiting that may run now.
  const uint32_t slot = f.a(0) - 1;  // CID 0 wraps to a huge slot and fails the bound
  if (COURIER_LEND_UNLIKELY(slot >= kMaxConnections)) return false;
  const Connection& conn = caller.connections[slot];
  if (COURIER_LEND_UNLIKELY(conn.server == kNone)) return false;
  const uint16_t index = conn.server;
  Server& s = k.server(index);
  if (COURIER_LEND_UNLIKELY(s.state != ServerState::Alive || s.generation != conn.generation))
    return false;
  if (COURIER_LEND_UNLIKELY(s.receivers == kNone)) return false;  // it would be queued
  Thread& r = k.thread(s.receivers);
  if (COURIER_LEND_UNLIKELY(!k.may_run_directly(r))) return false;
  // The lender's page (check_lendable's rules for one page): mapped with R (and W for a
  // MutableBorrow), neither lent nor borrowed, RAM the lender owns, not part of a ring.
  const Pid pid = caller.pid;
  AddressSpace& lender = k.process(pid).space;
  sv32::Pte* lent = lender.entry(kstd::VirtAddr(va));
  if (COURIER_LEND_UNLIKELY(lent == nullptr)) return false;
  const sv32::Pte p = *lent;
  const sv32::Pte need = sv32::kV | sv32::kR | (mutable_borrow ? sv32::kW : 0);
  if (COURIER_LEND_UNLIKELY((p & (need | sv32::kLent | sv32::kBorrowed)) != need)) return false;
  const kstd::Pfn pfn = sv32::pfn_of(p);
  FrameTable& frames = k.frames();
  if (COURIER_LEND_UNLIKELY(!frames.contains(pfn) || !frames.owned_by(pfn, Owner::process(pid))))
    return false;
  if (COURIER_LEND_UNLIKELY(k.ring_pinned(pid, va, 1))) return false;
  // Room in the borrower's lend window without a new table, within its page share.
  const Pid bpid = s.owner;
  if (COURIER_LEND_UNLIKELY(k.pages_used(bpid) > kMaxPagesPerProcess)) return false;
  AddressSpace& borrower = k.process(bpid).space;
  kstd::VirtAddr at;
  sv32::Pte* window = borrower.first_free_entry(kstd::VirtAddr(kLendWindowBase), kLendWindowTop,
                                                kFastWindowScan, &at);
  if (COURIER_LEND_UNLIKELY(window == nullptr)) return false;
  Lend& l = k.lend(static_cast<uint8_t>(caller.tid));  // the thread's own record
  if (COURIER_LEND_UNLIKELY(l.active)) return false;    // cannot happen: it would be waiting

  // The transfer. The lender's permissions, as check_lendable reports them.
  const uint32_t flags = flags_of_pte((p & sv32::kRwx) | sv32::kV);
  // The borrower's entry: valid at once (its receiver takes the message now), marked borrowed.
  // It was invalid: nothing to flush.
  *window = sv32::leaf(pfn, user_perms(mutable_borrow ? flags : kMemR)) | sv32::kBorrowed;
  // The lender's entry: lent, read-only (Borrow) or with no access (MutableBorrow).
  *lent = (mutable_borrow ? (p & ~sv32::kV) : (p & ~sv32::kW)) | sv32::kLent;
  mmu::flush_page(lender.asid(), kstd::VirtAddr(va));
  const uint32_t generation = caller.generation + 1;
  caller.generation = generation;
  const uint32_t handle = message_handle(caller.tid, generation);
  l = Lend{};
  l.active = true;
  l.received = true;  // hidden = false: its receiver has it now
  l.kind = static_cast<MessageKind>(how);
  l.lender = pid;
  l.lender_tid = caller.tid;
  l.borrower = bpid;
  l.server = index;
  l.handle = handle;
  l.lender_va = va;
  l.borrower_va = at.raw();
  l.pages = 1;
  l.lender_flags = flags;
  caller.wait_server = index;
  caller.lend = static_cast<uint8_t>(caller.tid);
  caller.call_received = 1;
  s.receivers = r.next;
  r.next = kNone;
  r.wait_server = kNone;
  arch::TrapFrame& rf = r.frame;  // deliver()'s registers
  rf.a(0) = static_cast<uint32_t>(abi::Error::Ok);
  rf.a(1) = handle;
  rf.a(2) = f.a(1);
  rf.a(3) = how | (pid << abi::kMessageSenderShift);
  rf.a(4) = at.raw();
  rf.a(5) = kstd::kPageSize;
  rf.a(6) = offset;
  rf.a(7) = valid;
  k.switch_blocked(r, ThreadState::Lending);
  return true;
}

// return_memory of a one-page lend by remapping, by a thread with no call in progress:
// unmap_lend and finish_lend for one page, without the range walks. (A ring is drained after
// it as after the slow path: dispatch::syscall does that for both.)
inline bool fast_return(Kernel& k, Thread& t) {
  arch::TrapFrame& f = t.frame;
  if (COURIER_LEND_UNLIKELY(t.cont.op != Split::None)) return false;
  const uint32_t offset = f.a(1), valid = f.a(2);
  Lend* l = k.find_lend(t.pid, f.a(0));
  if (COURIER_LEND_UNLIKELY(l == nullptr || l->copy || l->pages != 1)) return false;
  if (COURIER_LEND_UNLIKELY(offset > kstd::kPageSize || valid > kstd::kPageSize - offset))
    return false;
  AddressSpace& borrower = k.process(l->borrower).space;
  AddressSpace& lender = k.process(l->lender).space;
  sv32::Pte* in_borrower = borrower.entry(kstd::VirtAddr(l->borrower_va));
  sv32::Pte* in_lender = lender.entry(kstd::VirtAddr(l->lender_va));
  // Both are there while the record lives (objects.h, Lend).
  KASSERT(in_borrower != nullptr && sv32::is_borrowed(*in_borrower));
  KASSERT(in_lender != nullptr && (*in_lender & sv32::kLent) && !sv32::is_pending(*in_lender));
  *in_borrower = 0;
  mmu::flush_page(borrower.asid(), kstd::VirtAddr(l->borrower_va));
  *in_lender = sv32::leaf(sv32::pfn_of(*in_lender), user_perms(l->lender_flags));
  mmu::flush_page(lender.asid(), kstd::VirtAddr(l->lender_va));  // a read-only entry may be cached
  k.finish_lend(*l, abi::Error::Ok, offset, valid);
  set_result(t, abi::Error::Ok);
  return true;
}

}  // namespace courier::lend
