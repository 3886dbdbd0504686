// core/frames.h — the physical page allocator and the page-ownership table.
//
// Every page of RAM the kernel manages has exactly one owner at all times: free, the kernel, a
// process (its memory), or a process's page tables. Allocation takes a page from the free list
// and records its new owner; freeing returns it and records "free". There is no other way to
// change ownership except transfer(), which moves a page between processes atomically (used by
// Move messages). check_invariants() recounts everything, so tests (and debug builds) can prove
// that no page is lost or double-owned after any operation.
//
// Pages handed to processes are zeroed on allocation (DESIGN.md §2: RAM handed to a process is
// zeroed), so nothing leaks between processes through recycled pages.
#pragma once

#include "courier/abi/error.h"
#include "courier/kstd/addr.h"
#include "courier/kstd/result.h"
#include "courier/kstd/types.h"

namespace courier {

using Pid = uint32_t;

enum class OwnerKind : uint8_t { Free = 0, Kernel = 1, Process = 2, PageTable = 3 };

struct Owner {
  OwnerKind kind;
  uint8_t pad;
  uint16_t pid;  // for Process and PageTable
  static constexpr Owner free() { return {OwnerKind::Free, 0, 0}; }
  static constexpr Owner kernel() { return {OwnerKind::Kernel, 0, 0}; }
  static constexpr Owner process(Pid p) {
    return {OwnerKind::Process, 0, static_cast<uint16_t>(p)};
  }
  static constexpr Owner page_table(Pid p) {
    return {OwnerKind::PageTable, 0, static_cast<uint16_t>(p)};
  }
  constexpr bool operator==(const Owner&) const = default;
};

class FrameTable {
 public:
  static constexpr uint32_t kMaxFrames = 2048;  // 8 MiB of RAM at most

  // Manages [base, base + count) pages; pages below `first_free` are the kernel's image.
  void init(kstd::Pfn base, uint32_t count, kstd::Pfn first_free);

  // A free frame for `owner`, zeroed; OutOfMemory if none is free and unreserved.
  kstd::Result<kstd::Pfn, abi::Error> alloc(Owner owner);
  void free(kstd::Pfn pfn);
  // Frames promised to calls in progress (core/preempt.h): alloc() leaves that many free frames
  // alone, so such a call cannot run out half-way. reserve() is all or nothing; each
  // alloc_reserved() turns one reserved frame into an allocated one (zeroed, as alloc's).
  bool reserve(uint32_t n);
  void unreserve(uint32_t n);
  kstd::Pfn alloc_reserved(Owner owner);
  uint32_t reserved() const { return reserved_; }
  // Moves an owned page to a new owner (never from or to Free).
  void transfer(kstd::Pfn pfn, Owner to);
  // Gives back boot-time kernel pages (the boot archive after loading).
  void release_kernel(kstd::Pfn pfn);

  bool contains(kstd::Pfn pfn) const { return pfn >= base_ && pfn.raw() - base_.raw() < count_; }
  Owner owner(kstd::Pfn pfn) const;
  // True if `pfn` is RAM that `o` owns (the quick test the page walks use).
  bool owned_by(kstd::Pfn pfn, Owner o) const {
    return contains(pfn) && owners_[pfn.raw() - base_.raw()] == o;
  }
  // Free frames nobody has reserved: what allocation can still get.
  uint32_t free_count() const { return free_top_ - reserved_; }
  uint32_t count_owned_by(Owner o) const;
  uint32_t total() const { return count_; }
  kstd::Pfn base() const { return base_; }

  // Recounts owners and the free list; panics if they disagree.
  void check_invariants() const;

 private:
  uint32_t index(kstd::Pfn pfn) const;
  kstd::Pfn take(Owner owner);  // the top free frame, for `owner`, zeroed
  kstd::Pfn base_;
  uint32_t count_ = 0;
  Owner owners_[kMaxFrames] = {};
  uint16_t free_stack_[kMaxFrames] = {};  // indices of free frames; top at free_top_
  uint32_t free_top_ = 0;
  uint32_t reserved_ = 0;  // of the free frames, promised to calls in progress
};

}  // namespace courier
