// address_space.cc — see core/address_space.h.
#include "courier/core/address_space.h"

#include "courier/kstd/assert.h"

namespace courier {

constinit KernelEntries g_kernel_entries = {};

namespace {

sv32::Pte perms_for(uint32_t flags) {
  sv32::Pte p = sv32::kU;
  if (flags & kMemR) p |= sv32::kR;
  if (flags & kMemW) p |= sv32::kW | sv32::kR;  // W without R is reserved in Sv32
  if (flags & kMemX) p |= sv32::kX;
  return p;
}

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
  if (slot == nullptr || !(*slot & sv32::kLent)) return false;
  *slot = sv32::leaf(sv32::pfn_of(*slot), perms_for(flags));
  mmu::flush_page(asid_, va);  // a read-only entry may be cached
  return true;
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
  if (slot == nullptr || !sv32::is_present(*slot)) return kstd::nullopt;
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
  for (uint32_t va = at.raw(); va < end;) {
    if (!sv32::is_table(root_table()[va >> 22])) {
      const uint32_t slot_end = (va | (sv32::kMegapage - 1)) + 1;
      if (slot_end == 0) break;  // the last slot of the address space
      va = slot_end;
      continue;
    }
    if (lookup(kstd::VirtAddr(va))) return true;
    va += kstd::kPageSize;
  }
  return false;
}

kstd::Optional<kstd::VirtAddr> AddressSpace::find_free(uint32_t pages, uint32_t hint) const {
  if (pages == 0) return kstd::nullopt;
  uint32_t start = kstd::align_down(hint < kUserBase ? kUserBase : hint, kstd::kPageSize);
  uint32_t run = 0;
  for (uint32_t va = start; va < kUserTop; va += kstd::kPageSize) {
    const sv32::Pte top = root_table()[va >> 22];
    if (!(top & sv32::kV)) {
      // A whole empty 4 MiB slot: count all of it at once.
      const uint32_t slot_end = (va | (sv32::kMegapage - 1)) + 1;
      const uint32_t n = (slot_end - va) / kstd::kPageSize;
      if (run == 0) start = va;
      run += n;
      if (run >= pages) return kstd::VirtAddr(start);
      va = slot_end - kstd::kPageSize;
      continue;
    }
    if (lookup(kstd::VirtAddr(va))) {
      run = 0;
      continue;
    }
    if (run == 0) start = va;
    if (++run >= pages) return kstd::VirtAddr(start);
  }
  return kstd::nullopt;
}

}  // namespace courier
