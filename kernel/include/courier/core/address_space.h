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

// The PTE permission bits of user MemFlags (W always with R: W without R is reserved in Sv32).
constexpr sv32::Pte user_perms(uint32_t flags) {
  return sv32::kU | ((flags & kMemR) ? sv32::kR : 0) |
         ((flags & kMemW) ? sv32::kW | sv32::kR : 0) | ((flags & kMemX) ? sv32::kX : 0);
}

struct Mapping {
  kstd::Pfn pfn;
  uint32_t flags;         // MemFlags the process has now (0 while a page is lent with no access)
  bool lent = false;      // this space lent the page out (lending, DESIGN.md §2)
  bool borrowed = false;  // this space borrows the page; another process owns the frame
  bool pending = false;   // a call in progress is building it (sv32::kPending): not mapped yet
};

// The kernel's own entries for every root table, set up once by the architecture at boot.
struct KernelEntries {
  static constexpr uint32_t kMax = 8;
  uint32_t index[kMax];
  sv32::Pte pte[kMax];
  uint32_t count;
};
extern KernelEntries g_kernel_entries;

class Budget;

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
  // unlend_page for every page of a range that is all lent (a lend record's).
  void unlend_range(kstd::VirtAddr va, uint32_t pages, uint32_t flags);
  // adopt_page for every page of a range that is all borrowed (a received Move's).
  void adopt_range(kstd::VirtAddr va, uint32_t pages);
  // A borrowed page becomes this space's own, valid (a received Move, or a lend whose lender
  // died after it was received).
  bool adopt_page(kstd::VirtAddr va);
  // Removes one user mapping and returns what it mapped (nothing if unmapped). A pending
  // entry is removed too (Mapping::pending).
  kstd::Optional<Mapping> unmap(kstd::VirtAddr va);
  // Changes the permissions of a mapped page; false if the page is not mapped.
  bool protect(kstd::VirtAddr va, uint32_t flags);
  // The same for every page of a range the caller checked (mapped, own, not lent).
  void protect_range(kstd::VirtAddr va, uint32_t pages, uint32_t flags);
  // The page mapped at `va`, own, lent or borrowed; nothing if unmapped or still pending.
  kstd::Optional<Mapping> lookup(kstd::VirtAddr va) const;

  // True if any slot of [va, va + pages) is taken: mapped, lent out or pending. Empty 4 MiB
  // slots are skipped whole, so the cost is bounded by the tables that exist, not the range.
  bool any_mapped(kstd::VirtAddr va, uint32_t pages) const;
  // First address of `pages` consecutive free slots at or above `hint`.
  kstd::Optional<kstd::VirtAddr> find_free(uint32_t pages, uint32_t hint) const;
  // The same search, resumable: looks for a run of `pages` free slots in [*pos, top) that
  // starts at or after *run, where [*run, *pos) is known free (start with *run = *pos = the
  // hint). With a budget it may stop after any 16 slots it scans (Stopped), *pos and *run
  // saying where it goes on.
  enum class Search : uint8_t { Found, None, Stopped };
  Search search_free(uint32_t pages, uint32_t top, uint32_t* pos, uint32_t* run, Budget* budget,
                     kstd::VirtAddr* out) const;

  // --- ranges a call in progress builds (core/preempt.h) ----------------------------------
  // Takes every slot of [va, va + pages), which must all be free, as a pending entry with no
  // frame yet and the permissions `flags` will give. Second-level tables are made as needed:
  // OutOfMemory if one cannot be had (the tables made so far stay, empty; no entry is taken).
  kstd::Result<void, abi::Error> take_pending(FrameTable& frames, kstd::VirtAddr va,
                                              uint32_t pages, uint32_t flags);
  // The frame of the pending entry at `va` (Pfn() while it has none), and setting it.
  kstd::Pfn pending_frame(kstd::VirtAddr va) const;
  void set_pending_frame(kstd::VirtAddr va, kstd::Pfn pfn);
  // Every pending entry of [va, va + pages) becomes a mapped page (marked borrowed if
  // `borrowed`). Entries that were never valid need no TLB flush.
  void publish(kstd::VirtAddr va, uint32_t pages, bool borrowed, bool hidden = false);
  // Every mapped entry of [va, va + pages) becomes pending again (flushed: it was valid), its
  // frame and permissions kept: a range built in place until its call first stops.
  void hide(kstd::VirtAddr va, uint32_t pages);
  // Clears every entry of [va, va + pages), pending or mapped (flushed), calling visit(pfn)
  // for each that had a frame.
  template <class Visit>
  void drop_range(kstd::VirtAddr va, uint32_t pages, Visit&& visit);

  // Calls f(entry, va) for every entry of [va, va + pages), in order, straight from the tables
  // (a slot whose second-level table does not exist is passed as a zero entry that f must not
  // keep); f returns false to stop there, and so does for_range. The caller checked the range.
  template <class F>
  bool for_range(kstd::VirtAddr va, uint32_t pages, F&& f);
  // Calls visit(va, mapping) for every mapped user page, in address order.
  template <class Visit>
  void for_each(Visit&& visit) const;
  // Number of second-level tables (plus the root) this space holds, by walking the root.
  uint32_t table_count() const;
  // The same, as counted when tables are made (what the page quota charges).
  uint32_t tables() const { return tables_; }
  // Second-level tables that mapping [va, va + pages) would have to make now.
  uint32_t tables_needed(kstd::VirtAddr va, uint32_t pages) const;

  // Ends the space in steps: calls visit(va, mapping) for every user entry from *cursor (a
  // user address; start at kUserBase) up, clearing it, frees each second-level table once past
  // it and the root last. The visitor decides what happens to each frame (free it, leave it to
  // a lender, ...). True when the space is gone; false if `budget` stopped it, *cursor then
  // saying where it goes on (the entries before it are gone, the ones after untouched).
  template <class Visit>
  bool destroy_step(FrameTable& frames, uint32_t* cursor, Budget& budget, Visit&& visit);

  // --- one page, for the lend fastpath (ipc/lend/lend_fastpath.h) -------------------------------
  // The entry of user page `va` (page-aligned, in user space: the caller checked), nullptr if
  // its second-level table does not exist. The fastpath edits it as the range operations do
  // (lend_page, map, unlend_range, unmap) and flushes exactly what they flush.
  sv32::Pte* entry(kstd::VirtAddr va) const { return leaf_slot(va); }
  // The first zero entry at or after `va` (page-aligned, user space) within va's own
  // second-level table, below `top`, looking at `limit` entries at most: where
  // search_free(1, top, ...) started at `va` would put a page, if it is there. nullptr when
  // the table does not exist or none of those entries is free.
  sv32::Pte* first_free_entry(kstd::VirtAddr va, uint32_t top, uint32_t limit,
                              kstd::VirtAddr* at) const;

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
