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
  // The borrower's side: borrowed entries just go; its own pages (copies, or frames it adopted
  // from a dead lender) are freed.
  Process& b = processes_[l.borrower];
  for (uint32_t i = 0; i < l.pages; ++i) {
    const auto m = b.space.unmap(kstd::VirtAddr(l.borrower_va + i * kstd::kPageSize));
    KASSERT(m.has_value());
    if (!m->borrowed) {
      frames_.free(m->pfn);
      --b.page_count;
    }
  }
  if (!l.copy && !l.lender_dead && processes_[l.lender].state == ProcessState::Alive) {
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
      // The borrower's mappings go with its space (borrowed entries are skipped there, copies
      // are its own pages); the lender's access comes back and it learns the server is gone.
      if (!l.copy && l.lender != pid && !l.lender_dead) {
        AddressSpace& lender = processes_[l.lender].space;
        for (uint32_t i = 0; i < l.pages; ++i) {
          lender.unlend_page(kstd::VirtAddr(l.lender_va + i * kstd::kPageSize), l.lender_flags);
        }
      }
      finish_lend(l, Error::ServerNotFound, 0, 0);
      continue;
    }
    if (l.lender != pid) continue;
    Process& b = processes_[l.borrower];
    if (!l.received) {
      // Never delivered (its message is dropped with the lender): undo it in the borrower. The
      // lender's own entries go with its space.
      l.lender_dead = true;
      unmap_lend(l);
      l.active = false;
      continue;
    }
    if (!l.copy) {
      // The borrower keeps access until it returns the memory: the frames become its own.
      for (uint32_t i = 0; i < l.pages; ++i) {
        const kstd::VirtAddr va(l.borrower_va + i * kstd::kPageSize);
        const auto m = b.space.lookup(va);
        KASSERT(m.has_value() && m->borrowed);
        frames_.transfer(m->pfn, Owner::process(l.borrower));
        b.space.adopt_page(va);
        ++b.page_count;
      }
    }
    l.lender_dead = true;
  }
}

}  // namespace courier
