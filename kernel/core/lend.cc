// lend.cc — lend records and what death does to them.
//
// The lend and copy paths (ipc/lend, ipc/copy) create a Lend for every Borrow or MutableBorrow
// they send and settle it on return_memory. This file keeps the records and the rules both
// paths share, chief among them death (DESIGN.md §2, abi/lend.h). Every lend settles, whoever
// dies and whenever:
//  - the borrower dies holding a lend (queued or received): the lender gets its pages back
//    (remap: its access is restored; copy: its pages were never touched) and wakes with
//    ServerNotFound; the borrower's copies go with it;
//  - the lender dies before the borrower received the message: the lend is undone (the
//    message is dropped with the lender, nothing ever appears in the borrower);
//  - the lender dies after: the record ends at once, and the pages the borrower holds become
//    its own ordinary pages (remap: the lender's frames pass to it; copy: its copies), charged
//    to its quota; its return_memory then answers InvalidHandle, and it frees them with
//    unmap_memory (libcourier's Server::return_memory does both).
// While a record lives, its pages in the borrower stay marked borrowed (hidden until the
// message is received), so user code can never unmap, protect, re-lend or pin them as a ring:
// the record is the only thing that ends them (objects.h, Lend).
#include "courier/core/kernel.h"
#include "courier/core/sv32.h"
#include "courier/kstd/assert.h"

namespace courier {

using abi::Error;

Lend* Kernel::alloc_lend(Tid lender) {
  Lend& l = lends_[lender];
  if (l.active) return nullptr;  // cannot happen: a thread with a lend waits for its answer
  l = Lend{};
  l.active = true;
  return &l;
}

Lend* Kernel::find_lend(Pid borrower, uint32_t handle) {
  // A lend's handle names its lender's thread (message_handle), whose record it is.
  const uint32_t slot = (handle & 0xffff) - 1;  // handle 0 wraps and fails too
  if (slot >= kMaxLends) return nullptr;
  Lend& l = lends_[slot];
  if (!l.active || !l.received || l.borrower != borrower || l.handle != handle) return nullptr;
  return &l;
}

kstd::Result<uint32_t, Error> Kernel::check_lendable(Pid pid, uint32_t va, uint32_t pages,
                                                     bool need_write) {
  AddressSpace& space = processes_[pid].space;
  if (ring_pinned(pid, va, pages)) return kstd::err(Error::AccessDenied);
  uint32_t flags = 0;
  Error e = Error::Ok;
  sv32::Pte perms = 0;
  const Owner own = Owner::process(pid);
  space.for_range(kstd::VirtAddr(va), pages, [&](const sv32::Pte& p, kstd::VirtAddr at) {
    if ((p & (sv32::kV | sv32::kLent | sv32::kBorrowed)) != sv32::kV) {
      // Unmapped (or pending): BadAddress; lent or borrowed already: AccessDenied.
      e = !sv32::is_present(p) || sv32::is_pending(p) ? Error::BadAddress : Error::AccessDenied;
    } else if (!frames_.contains(sv32::pfn_of(p))) {
      e = Error::BadAddress;  // MMIO
    } else if (!frames_.owned_by(sv32::pfn_of(p), own)) {
      e = Error::AccessDenied;  // not the lender's to lend
    } else {
      if (at.raw() == va) perms = p & sv32::kRwx;
      if ((p & sv32::kRwx) != perms) e = Error::InvalidArgument;  // mixed permissions
    }
    return e == Error::Ok;
  });
  if (e != Error::Ok) return kstd::err(e);
  flags = flags_of_pte(perms | sv32::kV);
  if (!(flags & kMemR) || (need_write && !(flags & kMemW))) return kstd::err(Error::AccessDenied);
  return flags;
}

void Kernel::unmap_lend(Lend& l) {
  // The borrower's side: every entry of the record is still there and marked borrowed (no user
  // call can remove or change one: invariants in objects.h). Copies are the borrower's own and
  // are freed; the lender's frames just lose this mapping.
  Process& b = processes_[l.borrower];
  b.space.for_range(kstd::VirtAddr(l.borrower_va), l.pages, [&](sv32::Pte& p, kstd::VirtAddr at) {
    KASSERT(sv32::is_borrowed(p));
    const kstd::Pfn pfn = sv32::pfn_of(p);
    p = 0;
    mmu::flush_page(b.space.asid(), at);
    if (l.copy) {
      KASSERT(frames_.owned_by(pfn, Owner::process(l.borrower)));
      frames_.free(pfn);
    }
    return true;
  });
  if (l.copy) {
    b.page_count -= l.pages;
  } else {
    processes_[l.lender].space.unlend_range(kstd::VirtAddr(l.lender_va), l.pages, l.lender_flags);
  }
}

void Kernel::finish_lend(Lend& l, Error e, uint32_t offset, uint32_t valid) {
  Thread& t = threads_[l.lender_tid];
  // The lender waits for the answer, unless its own process is ending (it lent to itself).
  if (t.state == ThreadState::Lending && t.pid == l.lender && t.lend == lend_index(l)) {
    set_result(t, e, offset, valid);
    t.wait_server = kNone;
    t.lend = kNoLend;
    make_ready(t);
  }
  l.active = false;
}

void Kernel::reclaim_lends(Pid pid) {
  for (Lend& l : lends_) {
    if (!l.active) continue;
    if (l.borrower == pid) {
      // The borrower's mappings go now (its copies are freed), the lender's access comes back
      // and it learns the server is gone.
      unmap_lend(l);
      finish_lend(l, Error::ServerNotFound, 0, 0);
      continue;
    }
    if (l.lender != pid) continue;
    if (!l.received) {
      // Never delivered (its message is dropped with the lender): undo it in the borrower,
      // where it never appeared. The lender's entries come back and then go with its space.
      unmap_lend(l);
      l.active = false;
      continue;
    }
    // Received, not answered: the pages the borrower holds become its own, the record ends.
    Process& b = processes_[l.borrower];
    for (uint32_t i = 0; i < l.pages; ++i) {
      const kstd::VirtAddr va(l.borrower_va + i * kstd::kPageSize);
      const auto m = b.space.lookup(va);
      KASSERT(m.has_value() && m->borrowed);
      if (!l.copy) {
        // The lender's entry stays marked lent; release_frame skips it (no longer its frame).
        frames_.transfer(m->pfn, Owner::process(l.borrower));
        ++b.page_count;
      }
      const bool ok = b.space.adopt_page(va);
      KASSERT(ok);
    }
    l.active = false;
  }
}

}  // namespace courier
