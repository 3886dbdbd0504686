// memory.cc — the memory syscalls and validated access to user memory.
//
// Every range a user names is checked whole before anything changes: alignment, zero length,
// wrap-around, user space bounds, and (for existing mappings) ownership. An operation that fails
// half-way (no free pages) undoes what it did, so a failed syscall leaves the space unchanged.
//
// User memory is reached through the page tables and phys_ptr(), never by dereferencing a user
// virtual address: the kernel sees exactly what the process may see, with no reliance on
// sstatus.SUM or on the TLB.
#include "courier/abi/ring.h"
#include "courier/core/kernel.h"
#include "courier/core/phys.h"
#include "courier/core/sv32.h"
#include "courier/kstd/assert.h"

extern "C" void* memcpy(void*, const void*, size_t);

namespace courier {
namespace {

using abi::Error;

// A user range of whole pages: page-aligned start, non-zero page-multiple length, inside user
// space, no wrap.
kstd::Result<uint32_t, Error> page_range(uint32_t va, uint32_t bytes) {
  uint32_t end;
  if (bytes == 0 || (va & (kstd::kPageSize - 1)) || (bytes & (kstd::kPageSize - 1))) {
    return kstd::err(Error::InvalidArgument);
  }
  if (!kstd::checked_add(va, bytes, &end) || va < kUserBase || end > kUserTop) {
    return kstd::err(Error::BadAddress);
  }
  return bytes / kstd::kPageSize;
}

// An entry a user may unmap or protect: mapped (BadAddress if not, or still pending), neither
// lent nor borrowed (AccessDenied: such pages stay until return_memory, whose lend they are).
inline Error own_page(sv32::Pte p) {
  if ((p & (sv32::kV | sv32::kLent | sv32::kBorrowed)) == sv32::kV) return Error::Ok;  // common
  if (!sv32::is_present(p) || sv32::is_pending(p)) return Error::BadAddress;
  return Error::AccessDenied;
}

}  // namespace

kstd::Result<uint32_t, Error> Kernel::map_memory(Pid pid, uint32_t va, uint32_t bytes,
                                                 uint32_t flags, Continuation* cont, Budget* b) {
  // A long map may stop at preemption points and resume (core/preempt.cc); without a
  // continuation (the kernel's own small mappings) it runs whole.
  Continuation whole_call;
  Budget whole(false);
  Continuation& c = cont != nullptr ? *cont : whole_call;
  Budget& budget = b != nullptr ? *b : whole;
  if (c.op == Split::MapMemory) return c.phase == 2 ? map_fill(pid, c, budget) : map_search(pid, c, budget);
  Process& proc = processes_[pid];
  if (flags == 0 || (flags & ~kMemValid)) return kstd::err(Error::InvalidArgument);
  if (bytes == 0 || (bytes & (kstd::kPageSize - 1))) return kstd::err(Error::InvalidArgument);
  c.pages = bytes / kstd::kPageSize;
  c.flags = flags;
  if (va == 0) {
    // More than the process may have: no room would help (map_start's check says the same).
    if (proc.page_count + c.pages > kMaxPagesPerProcess) return kstd::err(Error::OutOfMemory);
    c.phase = 0;  // from the heap hint up, then from the bottom
    c.search = c.va = kstd::align_down(proc.heap_hint < kUserBase ? kUserBase : proc.heap_hint,
                                       kstd::kPageSize);
    return map_search(pid, c, budget);
  }
  KTRY_VOID(page_range(va, bytes));
  // A range that overlaps a mapping is wrong whatever its size: that error comes first.
  if (proc.space.any_mapped(kstd::VirtAddr(va), c.pages)) return kstd::err(Error::AlreadyExists);
  return map_start(pid, va, c, budget);  // the quota (page tables included), the frames, the pages
}

bool Kernel::ring_pinned(Pid pid, uint32_t va, uint32_t pages) {
  if (processes_[pid].rings == 0) return false;
  const uint32_t end = va + pages * kstd::kPageSize;
  for (const Thread& t : threads_) {
    if (t.state != ThreadState::Free && t.pid == pid && t.ring_va != 0 && t.ring_va < end &&
        va < t.ring_va + abi::kRingBytes) {
      return true;
    }
  }
  return false;
}

kstd::Result<void, Error> Kernel::unmap_memory(Pid pid, uint32_t va, uint32_t bytes,
                                               Continuation* cont, Budget* b) {
  // A long unmap may stop at preemption points and resume (core/preempt.cc).
  Continuation whole_call;
  Budget whole(false);
  Continuation& c = cont != nullptr ? *cont : whole_call;
  Budget& budget = b != nullptr ? *b : whole;
  if (c.op == Split::Unmap) return unmap_release(pid, c, budget);
  Process& proc = processes_[pid];
  const uint32_t pages = KTRY(page_range(va, bytes));
  if (ring_pinned(pid, va, pages)) return kstd::err(Error::AccessDenied);
  Error e = Error::Ok;
  proc.space.for_range(kstd::VirtAddr(va), pages, [&](const sv32::Pte& p, kstd::VirtAddr) {
    e = own_page(p);
    return e == Error::Ok;
  });
  if (e != Error::Ok) return kstd::err(e);
  c.op = Split::Unmap;
  c.va = va;
  c.pages = pages;
  c.done = 0;
  c.taken = false;
  return unmap_release(pid, c, budget);
}

kstd::Result<void, Error> Kernel::update_memory_flags(Pid pid, uint32_t va, uint32_t bytes,
                                                      uint32_t flags) {
  Process& proc = processes_[pid];
  if (flags == 0 || (flags & ~kMemValid)) return kstd::err(Error::InvalidArgument);
  const uint32_t pages = KTRY(page_range(va, bytes));
  if (ring_pinned(pid, va, pages)) return kstd::err(Error::AccessDenied);
  Error e = Error::Ok;
  proc.space.for_range(kstd::VirtAddr(va), pages, [&](const sv32::Pte& p, kstd::VirtAddr) {
    e = own_page(p);
    // Device memory is never executable: map_physical refuses X, and so does this.
    if (e == Error::Ok && (flags & kMemX) && !frames_.contains(sv32::pfn_of(p)))
      e = Error::AccessDenied;
    return e == Error::Ok;
  });
  if (e != Error::Ok) return kstd::err(e);
  // Short per page (an entry and its TLB flush), so the whole range goes in one step.
  proc.space.protect_range(kstd::VirtAddr(va), pages, flags);
  return {};
}

kstd::Result<uint32_t, Error> Kernel::map_physical(Pid pid, uint32_t pa, uint32_t va,
                                                   uint32_t bytes, uint32_t flags) {
  Process& proc = processes_[pid];
  uint32_t pa_end;
  if (flags == 0 || (flags & ~(kMemR | kMemW))) return kstd::err(Error::InvalidArgument);
  if (bytes == 0 || (pa | bytes) & (kstd::kPageSize - 1)) return kstd::err(Error::InvalidArgument);
  if (!kstd::checked_add(pa, bytes, &pa_end)) return kstd::err(Error::BadAddress);
  // RAM is never handed out this way, whoever owns it: only the platform's device windows are.
  bool in_window = false;
  for (uint32_t w = 0; w < mmio_window_count; ++w) {
    const MmioWindow& win = mmio_windows[w];
    if (pa >= win.base && pa_end - win.base <= win.size) in_window = true;
  }
  if (!in_window) return kstd::err(Error::AccessDenied);
  const uint32_t pages = bytes / kstd::kPageSize;
  uint32_t free_slots = 0, mine = 0;
  for (const MmioClaim& c : mmio_) {
    free_slots += c.pid == 0;
    mine += c.pid == pid;
  }
  for (uint32_t i = 0; i < pages; ++i) {
    for (const MmioClaim& c : mmio_) {
      if (c.pid != 0 && c.pfn == (pa >> kstd::kPageShift) + i)
        return kstd::err(Error::AlreadyExists);
    }
  }
  // Its own share of the claims table (abi/limits.h), which holds every process's.
  if (mine + pages > abi::kMaxMmioPagesPerProcess || free_slots < pages)
    return kstd::err(Error::LimitReached);
  if (va == 0) {
    auto found = proc.space.find_free(pages, proc.heap_hint);
    if (!found) return kstd::err(Error::OutOfMemory);
    va = found->raw();
  }
  KTRY_VOID(page_range(va, bytes));
  if (!within_quota(pid, pages, va, pages)) return kstd::err(Error::OutOfMemory);
  if (proc.space.any_mapped(kstd::VirtAddr(va), pages)) return kstd::err(Error::AlreadyExists);
  for (uint32_t i = 0; i < pages; ++i) {
    const kstd::Pfn pfn((pa >> kstd::kPageShift) + i);
    auto r = proc.space.map(frames_, kstd::VirtAddr(va + i * kstd::kPageSize), pfn, flags);
    if (r.is_err()) {
      for (uint32_t j = 0; j < i; ++j) {
        const auto m = proc.space.unmap(kstd::VirtAddr(va + j * kstd::kPageSize));
        release_frame(pid, *m);
        --proc.page_count;
      }
      return kstd::err(r.error());
    }
    for (MmioClaim& c : mmio_) {
      if (c.pid == 0) {
        c = MmioClaim{pfn.raw(), pid};
        break;
      }
    }
    ++proc.page_count;
  }
  return va;
}

kstd::Result<void, Error> Kernel::check_user_range(Pid pid, uint32_t va, uint32_t len, bool write) {
  uint32_t end;
  if (len == 0) return {};
  if (!kstd::checked_add(va, len, &end) || va < kUserBase || end > kUserTop) {
    return kstd::err(Error::BadAddress);
  }
  const AddressSpace& space = processes_[pid].space;
  for (uint32_t page = kstd::align_down(va, kstd::kPageSize); page < end; page += kstd::kPageSize) {
    const auto m = space.lookup(kstd::VirtAddr(page));
    // Only RAM the process owns: never MMIO (the kernel must not poke a device on a user's
    // behalf by copying) and never a page without the needed permission.
    if (!m || !frames_.contains(m->pfn) || !(m->flags & kMemR) || (write && !(m->flags & kMemW))) {
      return kstd::err(Error::BadAddress);
    }
    if (page + kstd::kPageSize < page) break;  // last page of the address space
  }
  return {};
}

kstd::Result<void, Error> Kernel::copy_from_user(Pid pid, void* dst, uint32_t va, uint32_t len) {
  KTRY_VOID(check_user_range(pid, va, len, false));
  auto* out = static_cast<uint8_t*>(dst);
  const AddressSpace& space = processes_[pid].space;
  for (uint32_t done = 0; done < len;) {
    const uint32_t at = va + done;
    const auto m = space.lookup(kstd::VirtAddr(at));
    const uint32_t off = at & (kstd::kPageSize - 1);
    const uint32_t n = kstd::min(kstd::kPageSize - off, len - done);
    memcpy(out + done, frame_ptr(m->pfn) + off, n);
    done += n;
  }
  return {};
}

kstd::Result<void, Error> Kernel::copy_to_user(Pid pid, uint32_t va, const void* src,
                                               uint32_t len) {
  KTRY_VOID(check_user_range(pid, va, len, true));
  const auto* in = static_cast<const uint8_t*>(src);
  const AddressSpace& space = processes_[pid].space;
  for (uint32_t done = 0; done < len;) {
    const uint32_t at = va + done;
    const auto m = space.lookup(kstd::VirtAddr(at));
    const uint32_t off = at & (kstd::kPageSize - 1);
    const uint32_t n = kstd::min(kstd::kPageSize - off, len - done);
    memcpy(frame_ptr(m->pfn) + off, in + done, n);
    done += n;
  }
  return {};
}

}  // namespace courier
