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

template <class F>
bool AddressSpace::for_range(kstd::VirtAddr va, uint32_t pages, F&& f) {
  sv32::Pte* root = root_table();
  uint32_t at = va.raw();
  for (uint32_t left = pages; left != 0;) {
    const uint32_t first = (at >> 12) & (sv32::kEntries - 1);
    const uint32_t n = left < sv32::kEntries - first ? left : sv32::kEntries - first;
    const sv32::Pte top = root[at >> 22];
    sv32::Pte none = 0;
    // Safe: a table entry in a user root slot always names a frame this space allocated.
    sv32::Pte* table =
        sv32::is_table(top) ? reinterpret_cast<sv32::Pte*>(frame_ptr(sv32::pfn_of(top))) : nullptr;
    for (uint32_t j = first; j < first + n; ++j, at += kstd::kPageSize) {
      if (!f(table != nullptr ? table[j] : (none = 0), kstd::VirtAddr(at))) return false;
    }
    left -= n;
  }
  return true;
}

template <class Visit>
void AddressSpace::drop_range(kstd::VirtAddr va, uint32_t pages, Visit&& visit) {
  for_range(va, pages, [&](sv32::Pte& p, kstd::VirtAddr at) {
    if (!sv32::is_present(p)) return true;
    const sv32::Pte was = p;
    p = 0;
    if (was & sv32::kV) mmu::flush_page(asid_, at);  // a pending entry was never valid
    if (sv32::pfn_of(was).raw() != 0) visit(sv32::pfn_of(was));
    return true;
  });
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
    // Releasing an entry costs a unit, scanning 8 empty ones another (about as long).
    for (uint32_t j = slot == (*cursor >> 22) ? (*cursor >> 12) & (sv32::kEntries - 1) : 0;
         j < sv32::kEntries;) {
      const uint32_t end = (j | 7) + 1;
      while (j < end && table[j] == 0) ++j;
      if (j < end) {
        const sv32::Pte p = table[j];
        table[j] = 0;
        visit(kstd::VirtAddr((slot << 22) | (j << 12)), mapping_of(p));
        ++j;
      } else if (j == sv32::kEntries) {
        break;
      }
      if (j < sv32::kEntries && budget.step(Budget::kEntry)) {
        *cursor = (slot << 22) | (j << 12);
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
  tables_ = 0;
  return true;
}

}  // namespace courier
