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
  const AddressSpace& space = processes_[pid].space;
  if (ring_pinned(pid, va, pages)) return kstd::err(Error::AccessDenied);
  uint32_t flags = 0;
  for (uint32_t i = 0; i < pages; ++i) {
    const auto m = space.lookup(kstd::VirtAddr(va + i * kstd::kPageSize));
    if (!m || !frames_.contains(m->pfn)) return kstd::err(Error::BadAddress);  // unmapped or MMIO
    if (m->lent || m->borrowed || frames_.owner(m->pfn) != Owner::process(pid)) {
      return kstd::err(Error::AccessDenied);  // already lent, or not the lender's to lend
    }
    if (i == 0) flags = m->flags;
    if (m->flags != flags) return kstd::err(Error::InvalidArgument);  // mixed permissions
  }
  if (!(flags & kMemR) || (need_write && !(flags & kMemW))) return kstd::err(Error::AccessDenied);
  return flags;
}

void Kernel::unmap_lend(Lend& l) {
  // The borrower's side: every entry of the record is still there and marked borrowed (no user
  // call can remove or change one: invariants in objects.h). Copies and adopted frames are the
  // borrower's own and are freed; the lender's frames just lose this mapping.
  Process& b = processes_[l.borrower];
  const bool own = l.copy || l.adopted;
  for (uint32_t i = 0; i < l.pages; ++i) {
    const auto m = b.space.unmap(kstd::VirtAddr(l.borrower_va + i * kstd::kPageSize));
    KASSERT(m.has_value() && m->borrowed);
    if (own) {
      KASSERT(frames_.owner(m->pfn) == Owner::process(l.borrower));
      frames_.free(m->pfn);
      --b.page_count;
    }
  }
  if (!own) {  // the lender is alive: a lender's death either adopts or ends the record
    KASSERT(processes_[l.lender].state == ProcessState::Alive);
    AddressSpace& lender = processes_[l.lender].space;
    for (uint32_t i = 0; i < l.pages; ++i) {
      const bool ok =
          lender.unlend_page(kstd::VirtAddr(l.lender_va + i * kstd::kPageSize), l.lender_flags);
      KASSERT(ok);
    }
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
