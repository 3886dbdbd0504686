// core/address_space_impl.h — the template part of AddressSpace (destroy).
#pragma once

#include "courier/core/mmu_hooks.h"
#include "courier/core/phys.h"

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
void AddressSpace::destroy(FrameTable& frames, Visit&& visit) {
  if (!valid()) return;
  sv32::Pte* root = root_table();
  for (uint32_t i = kUserBase >> 22; i < (kUserTop >> 22); ++i) {
    if (!sv32::is_table(root[i])) continue;
    const kstd::Pfn table_pfn = sv32::pfn_of(root[i]);
    // Safe: second-level tables are frames this space allocated (invariant above).
    auto* table = reinterpret_cast<sv32::Pte*>(frame_ptr(table_pfn));
    for (uint32_t j = 0; j < sv32::kEntries; ++j) {
      if (!sv32::is_present(table[j])) continue;
      const kstd::VirtAddr va((i << 22) | (j << 12));
      const sv32::Pte p = table[j];
      table[j] = 0;
      visit(va, mapping_of(p));
    }
    root[i] = 0;
    frames.free(table_pfn);
  }
  mmu::release(root_);
  mmu::flush_asid(asid_);
  frames.free(root_);
  root_ = kstd::Pfn();
  tables_ = 0;
}

}  // namespace courier
