// core/address_space.h — one process's Sv32 address space.
//
// Layout (DESIGN.md §2): user mappings live in [kUserBase, kUserTop); everything from kUserTop
// up belongs to the kernel, whose entries (all of RAM, identity-mapped, and the device window)
// are global, supervisor-only and copied into every root table, so a trap never switches tables.
//
// Invariants:
//  - the root table and every second-level table are frames owned by PageTable(pid);
//  - every user leaf maps one 4 KiB page with U set; the kernel never creates user megapages;
//  - every change to an existing leaf is followed by flush_page() for this ASID, and nothing else
//    is flushed (TLB maintenance is exact).
#pragma once

#include "courier/abi/error.h"
#include "courier/core/frames.h"
#include "courier/core/mmu_hooks.h"
#include "courier/core/sv32.h"
#include "courier/kstd/optional.h"
#include "courier/kstd/result.h"

namespace courier {

inline constexpr uint32_t kUserBase = 0x0001'0000;
inline constexpr uint32_t kUserTop = 0x8000'0000;

// User-visible permission bits (abi: R=1, W=2, X=4), translated to PTE bits here.
enum MemFlags : uint32_t { kMemR = 1, kMemW = 2, kMemX = 4 };
inline constexpr uint32_t kMemValid = kMemR | kMemW | kMemX;

struct Mapping {
  kstd::Pfn pfn;
  uint32_t flags;         // MemFlags the process has now (0 while a page is lent with no access)
  bool lent = false;      // this space lent the page out (lending, DESIGN.md §2)
  bool borrowed = false;  // this space borrows the page; another process owns the frame
};

// The kernel's own entries for every root table, set up once by the architecture at boot.
struct KernelEntries {
  static constexpr uint32_t kMax = 8;
  uint32_t index[kMax];
  sv32::Pte pte[kMax];
  uint32_t count;
};
extern KernelEntries g_kernel_entries;

class AddressSpace {
 public:
  kstd::Result<void, abi::Error> init(FrameTable& frames, Pid pid, uint32_t asid);
  bool valid() const { return root_.raw() != 0; }

  // Maps one user page. AlreadyExists if the page is mapped; OutOfMemory if a second-level table
  // was needed and none could be had; InvalidArgument for a va outside user space. A borrowed
  // page (a memory message's) is mapped hidden: present for the kernel, invalid for the MMU,
  // until reveal_page() when the message is received (`hidden` false: a receiver takes the
  // message in the same kernel entry, so it is valid at once).
  kstd::Result<void, abi::Error> map(FrameTable& frames, kstd::VirtAddr va, kstd::Pfn pfn,
                                     uint32_t flags, bool borrowed = false, bool hidden = true);
  // A hidden borrowed page becomes valid (its message was received). False if it is not one.
  bool reveal_page(kstd::VirtAddr va);
  // Lending: withdraw write access (keep_read) or all access from a mapped, unlent, own page,
  // marking it lent; restore it later with `flags`. False if the page is not in that state.
  bool lend_page(kstd::VirtAddr va, bool keep_read);
  bool unlend_page(kstd::VirtAddr va, uint32_t flags);
  // A borrowed page becomes this space's own, valid (a received Move, or a lend whose lender
  // died after it was received).
  bool adopt_page(kstd::VirtAddr va);
  // Removes one user mapping and returns what it mapped (nothing if unmapped).
  kstd::Optional<Mapping> unmap(kstd::VirtAddr va);
  // Changes the permissions of a mapped page; false if the page is not mapped.
  bool protect(kstd::VirtAddr va, uint32_t flags);
  kstd::Optional<Mapping> lookup(kstd::VirtAddr va) const;

  // True if any page of [va, va + pages) is mapped (or lent out). Empty 4 MiB slots are
  // skipped whole, so the cost is bounded by the tables that exist, not by the range.
  bool any_mapped(kstd::VirtAddr va, uint32_t pages) const;
  // First address of `pages` consecutive unmapped user pages at or above `hint`.
  kstd::Optional<kstd::VirtAddr> find_free(uint32_t pages, uint32_t hint) const;

  // Calls visit(va, mapping) for every mapped user page, in address order.
  template <class Visit>
  void for_each(Visit&& visit) const;
  // Number of second-level tables (plus the root) this space holds, by walking the root.
  uint32_t table_count() const;
  // The same, as counted when tables are made (what the page quota charges).
  uint32_t tables() const { return tables_; }
  // Second-level tables that mapping [va, va + pages) would have to make now.
  uint32_t tables_needed(kstd::VirtAddr va, uint32_t pages) const;

  // Calls visit(va, mapping) for every user page, then frees all page-table frames. The visitor
  // decides what happens to each mapped frame (free it, return it to a lender, ...).
  template <class Visit>
  void destroy(FrameTable& frames, Visit&& visit);

  void activate() const { mmu::activate(root_, asid_); }
  // The satp value that selects this space (ASID field 0 when the hardware is untagged).
  uint32_t satp() const { return satp_; }
  kstd::Pfn root() const { return root_; }
  uint32_t asid() const { return asid_; }

 private:
  sv32::Pte* root_table() const;
  sv32::Pte* leaf_slot(kstd::VirtAddr va) const;
  kstd::Pfn root_;
  uint16_t asid_ = 0;    // Sv32 ASIDs are 9 bits
  uint16_t tables_ = 0;  // page-table frames, the root included (at most 513)
  uint32_t satp_ = 0;
  Pid pid_ = 0;
};

constexpr bool is_user_page(kstd::VirtAddr va) {
  return va.raw() >= kUserBase && va.raw() < kUserTop && va.page_aligned();
}

}  // namespace courier

#include "courier/core/address_space_impl.h"
