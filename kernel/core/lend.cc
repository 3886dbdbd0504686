// lend.cc — lend records and what death does to them.
//
// The lend and copy paths (ipc/lend, ipc/copy) create a Lend for every Borrow or MutableBorrow
// they send and settle it on return_memory. This file keeps the records and the rules both
// paths share, chief among them death (DESIGN.md §2):
//  - the borrower dies holding a lend: the lender gets its pages back (remap: its access is
//    restored; copy: its pages were never touched) and wakes with ServerNotFound;
//  - the lender dies before the borrower received the message: the lend is undone;
//  - the lender dies after: the borrower keeps access until it returns the memory, then the
//    pages are freed (remap: the frames become the borrower's, which frees them on return).
// A lend's pages in the borrower stay marked borrowed for the whole life of the record, copies
// and adopted frames included, so user code can never unmap, protect, re-lend or pin them as a
// ring: the record is the only thing that ends them (objects.h, Lend).
#include "courier/core/kernel.h"
#include "courier/core/sv32.h"
#include "courier/kstd/assert.h"

namespace courier {

using abi::Error;

Lend* Kernel::alloc_lend() {
  for (Lend& l : lends_) {
    if (!l.active) {
      l = Lend{};
      l.active = true;
      return &l;
    }
  }
  return nullptr;
}

bool Kernel::lend_record_free() const {
  for (const Lend& l : lends_) {
    if (!l.active) return true;
  }
  return false;
}

Lend* Kernel::find_lend(Pid borrower, uint32_t handle) {
  if (handle == 0) return nullptr;
  for (Lend& l : lends_) {
    if (l.active && l.received && l.borrower == borrower && l.handle == handle) return &l;
  }
  return nullptr;
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
  // call can remove or change one: invariants in objects.h). Copies and adopted frames are the
  // borrower's own and are freed; the lender's frames just lose this mapping.
  Process& b = processes_[l.borrower];
  const bool own = l.copy || l.adopted;
  b.space.for_range(kstd::VirtAddr(l.borrower_va), l.pages, [&](sv32::Pte& p, kstd::VirtAddr at) {
    KASSERT(sv32::is_leaf(p) && (p & sv32::kBorrowed));
    const kstd::Pfn pfn = sv32::pfn_of(p);
    p = 0;
    mmu::flush_page(b.space.asid(), at);
    if (own) {
      KASSERT(frames_.owned_by(pfn, Owner::process(l.borrower)));
      frames_.free(pfn);
    }
    return true;
  });
  if (own) b.page_count -= l.pages;
  if (!own) {  // the lender is alive: a lender's death either adopts or ends the record
    KASSERT(processes_[l.lender].state == ProcessState::Alive);
    processes_[l.lender].space.unlend_range(kstd::VirtAddr(l.lender_va), l.pages, l.lender_flags);
  }
}

void Kernel::finish_lend(Lend& l, Error e, uint32_t offset, uint32_t valid) {
  Thread& t = threads_[l.lender_tid];
  if (!l.lender_dead && t.state == ThreadState::Lending && t.pid == l.lender &&
      t.lend == lend_index(l)) {
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
      // The borrower's mappings go now (its copies and adopted frames are freed), the lender's
      // access comes back and it learns the server is gone.
      unmap_lend(l);
      finish_lend(l, Error::ServerNotFound, 0, 0);
      continue;
    }
    // A lender already dead is not this process, even if its pid has been reused since.
    if (l.lender != pid || l.lender_dead) continue;
    if (!l.received) {
      // Never delivered (its message is dropped with the lender): undo it in the borrower. The
      // lender's entries come back and then go with its space.
      unmap_lend(l);
      l.active = false;
      continue;
    }
    l.lender_dead = true;
    if (l.copy) continue;  // the borrower holds copies: the lender's pages go with its space
    // Remap: the borrower keeps access until it returns the memory, so the frames become its
    // own. Its entries stay marked borrowed: the record still settles them.
    Process& b = processes_[l.borrower];
    for (uint32_t i = 0; i < l.pages; ++i) {
      const auto m = b.space.lookup(kstd::VirtAddr(l.borrower_va + i * kstd::kPageSize));
      KASSERT(m.has_value() && m->borrowed);
      frames_.transfer(m->pfn, Owner::process(l.borrower));
      ++b.page_count;
    }
    l.adopted = true;
  }
}

}  // namespace courier
