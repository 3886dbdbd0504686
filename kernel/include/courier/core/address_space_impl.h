// core/address_space_impl.h — the template part of AddressSpace (destroy).
#pragma once

#include "courier/core/mmu_hooks.h"
#include "courier/core/phys.h"
#include "courier/core/preempt.h"

namespace courier {

inline uint32_t flags_of_pte(sv32::Pte p) {
  uint32_t f = 0;
  if (!(p & sv32::kV)) return 0;
  if (p & sv32::kR) f |= kMemR;
  if (p & sv32::kW) f |= kMemW;
  if (p & sv32::kX) f |= kMemX;
  return f;
}

inline Mapping mapping_of(sv32::Pte p) {
  if (sv32::is_pending(p)) return Mapping{sv32::pfn_of(p), 0, false, false, true};
  return Mapping{sv32::pfn_of(p), flags_of_pte(p), (p & sv32::kLent) != 0,
                 (p & sv32::kBorrowed) != 0};
}

template <class Visit>
void AddressSpace::for_each(Visit&& visit) const {
  if (!valid()) return;
  const sv32::Pte* root = root_table();
  for (uint32_t i = kUserBase >> 22; i < (kUserTop >> 22); ++i) {
    if (!sv32::is_table(root[i])) continue;
    // Safe: second-level tables are frames this space allocated (invariant above).
    const auto* table = reinterpret_cast<const sv32::Pte*>(frame_ptr(sv32::pfn_of(root[i])));
    for (uint32_t j = 0; j < sv32::kEntries; ++j) {
      if (!sv32::is_present(table[j])) continue;
      visit(kstd::VirtAddr((i << 22) | (j << 12)), mapping_of(table[j]));
    }
  }
}

template <class Visit>
void AddressSpace::drop_range(kstd::VirtAddr va, uint32_t pages, Visit&& visit) {
  for (uint32_t i = 0; i < pages; ++i) {
    const kstd::VirtAddr page(va.raw() + i * kstd::kPageSize);
    sv32::Pte* slot = leaf_slot(page);
    if (slot == nullptr || !sv32::is_present(*slot)) continue;
    const sv32::Pte p = *slot;
    *slot = 0;
    if (p & sv32::kV) mmu::flush_page(asid_, page);  // a pending entry was never valid
    if (sv32::pfn_of(p).raw() != 0) visit(sv32::pfn_of(p));
  }
}

template <class Visit>
bool AddressSpace::destroy_step(FrameTable& frames, uint32_t* cursor, Budget& budget,
                                Visit&& visit) {
  if (!valid()) return true;
  sv32::Pte* root = root_table();
  for (uint32_t slot = *cursor >> 22; slot < (kUserTop >> 22); ++slot) {
    if (!sv32::is_table(root[slot])) continue;
    const kstd::Pfn table_pfn = sv32::pfn_of(root[slot]);
    // Safe: second-level tables are frames this space allocated (invariant above).
    auto* table = reinterpret_cast<sv32::Pte*>(frame_ptr(table_pfn));
    const uint32_t first = slot == (*cursor >> 22) ? (*cursor >> 12) & (sv32::kEntries - 1) : 0;
    for (uint32_t j = first; j < sv32::kEntries; ++j) {
      uint32_t units = (j & 15) == 15 ? Budget::kEntry : 0;  // scanning: a unit per 16 entries
      if (sv32::is_present(table[j])) {
        const sv32::Pte p = table[j];
        table[j] = 0;
        visit(kstd::VirtAddr((slot << 22) | (j << 12)), mapping_of(p));
        units += Budget::kEntry;
      }
      if (units != 0 && j + 1 < sv32::kEntries && budget.step(units)) {
        *cursor = (slot << 22) | ((j + 1) << 12);
        return false;
      }
    }
    root[slot] = 0;
    frames.free(table_pfn);
    if (budget.step(Budget::kEntry)) {
      *cursor = (slot + 1) << 22;  // slot + 1 <= kUserTop >> 22: no overflow
      return false;
    }
  }
  mmu::release(root_);
  mmu::flush_asid(asid_);
  frames.free(root_);
  root_ = kstd::Pfn();
  return true;
}

}  // namespace courier
