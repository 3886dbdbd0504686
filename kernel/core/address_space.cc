// address_space.cc — see core/address_space.h.
#include "courier/core/address_space.h"

#include "courier/core/preempt.h"
#include "courier/kstd/assert.h"

namespace courier {

constinit KernelEntries g_kernel_entries = {};

namespace {

constexpr sv32::Pte perms_for(uint32_t flags) { return user_perms(flags); }

}  // namespace

sv32::Pte* AddressSpace::root_table() const {
  // Safe: root_ is a frame this space allocated in init().
  return reinterpret_cast<sv32::Pte*>(frame_ptr(root_));
}

kstd::Result<void, abi::Error> AddressSpace::init(FrameTable& frames, Pid pid, uint32_t asid) {
  KASSERT(!valid());
  auto root = frames.alloc(Owner::page_table(pid));
  if (root.is_err()) return kstd::err(root.error());
  root_ = root.value();
  tables_ = 1;
  asid_ = static_cast<uint16_t>(asid);
  pid_ = pid;
  satp_ = sv32::satp(root_, mmu::asid_bits() >= mmu::kMinAsidBits ? asid : 0);
  sv32::Pte* table = root_table();
  for (uint32_t k = 0; k < g_kernel_entries.count; ++k) {
    table[g_kernel_entries.index[k]] = g_kernel_entries.pte[k];
  }
  return {};
}

sv32::Pte* AddressSpace::leaf_slot(kstd::VirtAddr va) const {
  const sv32::Pte top = root_table()[va.vpn1()];
  if (!sv32::is_table(top)) return nullptr;
  // Safe: a table entry in a user root slot always names a frame this space allocated.
  return reinterpret_cast<sv32::Pte*>(frame_ptr(sv32::pfn_of(top))) + va.vpn0();
}

kstd::Result<void, abi::Error> AddressSpace::map(FrameTable& frames, kstd::VirtAddr va,
                                                 kstd::Pfn pfn, uint32_t flags, bool borrowed,
                                                 bool hidden) {
  if (!is_user_page(va) || (flags & ~kMemValid) != 0 || flags == 0) {
    return kstd::err(abi::Error::InvalidArgument);
  }
  sv32::Pte& top = root_table()[va.vpn1()];
  if (!(top & sv32::kV)) {
    auto table = frames.alloc(Owner::page_table(pid_));
    if (table.is_err()) return kstd::err(table.error());
    top = sv32::table(table.value());
    ++tables_;
  }
  KASSERT(sv32::is_table(top));  // user slots never hold megapages
  sv32::Pte* slot = leaf_slot(va);
  if (sv32::is_present(*slot)) return kstd::err(abi::Error::AlreadyExists);
  *slot = sv32::leaf(pfn, perms_for(flags));
  if (borrowed) *slot = (hidden ? *slot & ~sv32::kV : *slot) | sv32::kBorrowed;
  // A never-mapped page has no TLB entry to invalidate (Sv32 does not cache invalid entries).
  return {};
}

bool AddressSpace::reveal_page(kstd::VirtAddr va) {
  if (!is_user_page(va)) return false;
  sv32::Pte* slot = leaf_slot(va);
  if (slot == nullptr || (*slot & sv32::kV) || !(*slot & sv32::kBorrowed)) return false;
  *slot |= sv32::kV;  // invalid entries are never cached: no flush
  return true;
}

uint32_t AddressSpace::tables_needed(kstd::VirtAddr va, uint32_t pages) const {
  if (pages == 0) return 0;
  const uint32_t first = va.vpn1();
  const uint32_t last = (va.raw() + (pages - 1) * kstd::kPageSize) >> 22;  // callers: no wrap
  uint32_t n = 0;
  for (uint32_t i = first; i <= last; ++i) n += !(root_table()[i] & sv32::kV);
  return n;
}

kstd::Optional<Mapping> AddressSpace::unmap(kstd::VirtAddr va) {
  if (!is_user_page(va)) return kstd::nullopt;
  sv32::Pte* slot = leaf_slot(va);
  if (slot == nullptr || !sv32::is_present(*slot)) return kstd::nullopt;
  const Mapping m = mapping_of(*slot);
  *slot = 0;
  mmu::flush_page(asid_, va);
  return m;
}

bool AddressSpace::protect(kstd::VirtAddr va, uint32_t flags) {
  if (!is_user_page(va) || flags == 0 || (flags & ~kMemValid) != 0) return false;
  sv32::Pte* slot = leaf_slot(va);
  if (slot == nullptr || !sv32::is_leaf(*slot) || (*slot & (sv32::kLent | sv32::kBorrowed)))
    return false;
  *slot = sv32::leaf(sv32::pfn_of(*slot), perms_for(flags));
  mmu::flush_page(asid_, va);
  return true;
}

void AddressSpace::protect_range(kstd::VirtAddr va, uint32_t pages, uint32_t flags) {
  const sv32::Pte perms = perms_for(flags);
  for_range(va, pages, [&](sv32::Pte& p, kstd::VirtAddr at) {
    p = sv32::leaf(sv32::pfn_of(p), perms);
    mmu::flush_page(asid_, at);
    return true;
  });
}

bool AddressSpace::lend_page(kstd::VirtAddr va, bool keep_read) {
  if (!is_user_page(va)) return false;
  sv32::Pte* slot = leaf_slot(va);
  if (slot == nullptr || !sv32::is_leaf(*slot) || (*slot & (sv32::kLent | sv32::kBorrowed)))
    return false;
  *slot = (keep_read ? (*slot & ~sv32::kW) : (*slot & ~sv32::kV)) | sv32::kLent;
  mmu::flush_page(asid_, va);
  return true;
}

bool AddressSpace::unlend_page(kstd::VirtAddr va, uint32_t flags) {
  if (!is_user_page(va)) return false;
  sv32::Pte* slot = leaf_slot(va);
  if (slot == nullptr || !(*slot & sv32::kLent) || sv32::is_pending(*slot)) return false;
  *slot = sv32::leaf(sv32::pfn_of(*slot), perms_for(flags));
  mmu::flush_page(asid_, va);  // a read-only entry may be cached
  return true;
}

void AddressSpace::unlend_range(kstd::VirtAddr va, uint32_t pages, uint32_t flags) {
  const sv32::Pte perms = perms_for(flags);
  for_range(va, pages, [&](sv32::Pte& p, kstd::VirtAddr at) {
    KASSERT((p & sv32::kLent) && !sv32::is_pending(p));
    p = sv32::leaf(sv32::pfn_of(p), perms);
    mmu::flush_page(asid_, at);  // a read-only entry may be cached
    return true;
  });
}

void AddressSpace::adopt_range(kstd::VirtAddr va, uint32_t pages) {
  for_range(va, pages, [](sv32::Pte& p, kstd::VirtAddr) {
    KASSERT(sv32::is_borrowed(p));
    p = (p & ~sv32::kBorrowed) | sv32::kV;  // valid from now on: no flush needed
    return true;
  });
}

bool AddressSpace::adopt_page(kstd::VirtAddr va) {
  if (!is_user_page(va)) return false;
  sv32::Pte* slot = leaf_slot(va);
  if (slot == nullptr || !(*slot & sv32::kBorrowed) || !(*slot & sv32::kRwx)) return false;
  // Valid from now on (a hidden page is revealed too), permissions unchanged: no flush needed.
  *slot = (*slot & ~sv32::kBorrowed) | sv32::kV;
  return true;
}

kstd::Optional<Mapping> AddressSpace::lookup(kstd::VirtAddr va) const {
  if (va.raw() < kUserBase || va.raw() >= kUserTop) return kstd::nullopt;
  const sv32::Pte* slot = leaf_slot(va.page_base());
  if (slot == nullptr || !sv32::is_present(*slot) || sv32::is_pending(*slot)) return kstd::nullopt;
  return mapping_of(*slot);
}

uint32_t AddressSpace::table_count() const {
  if (!valid()) return 0;
  uint32_t n = 1;
  const sv32::Pte* root = root_table();
  for (uint32_t i = kUserBase >> 22; i < (kUserTop >> 22); ++i) n += sv32::is_table(root[i]);
  return n;
}

bool AddressSpace::any_mapped(kstd::VirtAddr at, uint32_t pages) const {
  const uint32_t end = at.raw() + pages * kstd::kPageSize;  // callers checked: no wrap
  const sv32::Pte* root = root_table();
  for (uint32_t va = at.raw(); va < end;) {
    const uint32_t slot_end = (va | (sv32::kMegapage - 1)) + 1;  // 0 past the last slot
    const uint32_t stop = slot_end == 0 || slot_end > end ? end : slot_end;
    if (sv32::is_table(root[va >> 22])) {
      // Safe: a table entry in a user root slot always names a frame this space allocated.
      const auto* table = reinterpret_cast<const sv32::Pte*>(frame_ptr(sv32::pfn_of(root[va >> 22])));
      for (uint32_t j = (va >> 12) & (sv32::kEntries - 1); va < stop; va += kstd::kPageSize, ++j) {
        if (table[j] != 0) return true;  // every non-zero entry is present or pending
      }
    }
    if (slot_end == 0) break;
    va = stop;
  }
  return false;
}

sv32::Pte* AddressSpace::first_free_entry(kstd::VirtAddr va, uint32_t top, uint32_t limit,
                                          kstd::VirtAddr* at) const {
  sv32::Pte* slot = leaf_slot(va);
  if (slot == nullptr) return nullptr;
  const uint32_t table_end = (va.raw() | (sv32::kMegapage - 1)) + 1;  // 0 past the last slot
  const uint32_t end = table_end != 0 && table_end < top ? table_end : top;
  uint32_t n = (end - va.raw()) / kstd::kPageSize;
  if (n > limit) n = limit;
  for (uint32_t i = 0; i < n; ++i) {
    if (slot[i] == 0) {
      *at = kstd::VirtAddr(va.raw() + i * kstd::kPageSize);
      return slot + i;
    }
  }
  return nullptr;
}

kstd::Optional<kstd::VirtAddr> AddressSpace::find_free(uint32_t pages, uint32_t hint) const {
  uint32_t pos = kstd::align_down(hint < kUserBase ? kUserBase : hint, kstd::kPageSize);
  uint32_t run = pos;
  kstd::VirtAddr at;
  if (search_free(pages, kUserTop, &pos, &run, nullptr, &at) != Search::Found) return kstd::nullopt;
  return at;
}

AddressSpace::Search AddressSpace::search_free(uint32_t pages, uint32_t top, uint32_t* pos,
                                               uint32_t* run, Budget* budget,
                                               kstd::VirtAddr* out) const {
  if (pages == 0) return Search::None;
  const uint32_t need = pages * kstd::kPageSize;
  const sv32::Pte* root = root_table();
  uint32_t va = *pos, start = *run;  // invariant: [start, va) is free
  while (va < top) {
    if (va - start >= need) break;
    const uint32_t slot_end = kstd::min((va | (sv32::kMegapage - 1)) + 1, top);  // top <= kUserTop
    if (!sv32::is_table(root[va >> 22])) {
      va = slot_end;  // a whole empty 4 MiB slot at once
      continue;
    }
    // Safe: a table entry in a user root slot always names a frame this space allocated.
    const auto* table = reinterpret_cast<const sv32::Pte*>(frame_ptr(sv32::pfn_of(root[va >> 22])));
    for (uint32_t j = (va >> 12) & (sv32::kEntries - 1); va < slot_end;) {
      if (table[j] != 0) start = va + kstd::kPageSize;  // taken: a run starts after it
      va += kstd::kPageSize;
      if (va - start >= need) break;
      if ((++j & 15) == 0 && budget != nullptr && budget->step(Budget::kEntry)) {
        *pos = va;
        *run = start;
        return Search::Stopped;
      }
    }
  }
  *pos = va;
  *run = start;
  if (va - start < need) return Search::None;
  *out = kstd::VirtAddr(start);
  return Search::Found;
}

kstd::Result<void, abi::Error> AddressSpace::take_pending(FrameTable& frames, kstd::VirtAddr va,
                                                          uint32_t pages, uint32_t flags) {
  KASSERT(pages != 0 && is_user_page(va) && (flags & ~kMemValid) == 0 && flags != 0);
  const uint32_t last = va.raw() + (pages - 1) * kstd::kPageSize;
  sv32::Pte* root = root_table();
  for (uint32_t slot = va.raw() >> 22; slot <= last >> 22; ++slot) {
    if (root[slot] & sv32::kV) continue;
    auto table = frames.alloc(Owner::page_table(pid_));
    if (table.is_err()) return kstd::err(table.error());
    root[slot] = sv32::table(table.value());
    ++tables_;
  }
  const sv32::Pte entry = perms_for(flags) | sv32::kA | sv32::kD | sv32::kPending;  // V clear
  for_range(va, pages, [&](sv32::Pte& p, kstd::VirtAddr) {
    KASSERT(p == 0);  // the caller found the range free
    p = entry;
    return true;
  });
  return {};
}

kstd::Pfn AddressSpace::pending_frame(kstd::VirtAddr va) const {
  const sv32::Pte* slot = leaf_slot(va);
  KASSERT(slot != nullptr && sv32::is_pending(*slot));
  return sv32::pfn_of(*slot);
}

void AddressSpace::set_pending_frame(kstd::VirtAddr va, kstd::Pfn pfn) {
  sv32::Pte* slot = leaf_slot(va);
  KASSERT(slot != nullptr && sv32::is_pending(*slot));
  *slot = sv32::PpnField::set(*slot, pfn.raw());
}

void AddressSpace::hide(kstd::VirtAddr va, uint32_t pages) {
  for_range(va, pages, [&](sv32::Pte& p, kstd::VirtAddr at) {
    KASSERT(sv32::is_leaf(p) || sv32::is_borrowed(p));  // a lend's page may be hidden already
    const bool valid = p & sv32::kV;
    p = (p & ~(sv32::kV | sv32::kBorrowed)) | sv32::kPending;
    if (valid) mmu::flush_page(asid_, at);
    return true;
  });
}

void AddressSpace::publish(kstd::VirtAddr va, uint32_t pages, bool borrowed, bool hidden) {
  // A memory message's pages stay hidden until it is received (abi/lend.h).
  const sv32::Pte set = borrowed ? (hidden ? sv32::kBorrowed : sv32::kV | sv32::kBorrowed) : sv32::kV;
  for_range(va, pages, [&](sv32::Pte& p, kstd::VirtAddr) {
    KASSERT(sv32::is_pending(p) && sv32::pfn_of(p).raw() != 0);
    p = (p & ~sv32::kPending) | set;  // never valid before: nothing to flush
    return true;
  });
}

}  // namespace courier
