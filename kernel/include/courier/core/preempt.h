// core/preempt.h — preemption points in long calls, and the continuation that resumes them.
//
// The kernel runs with interrupts off, so every long loop in it is interrupt latency. The
// loops whose work grows with an argument (pages mapped, zeroed, copied, lent; entries of a
// batch ring; a dead process's pages) stop at preemption points instead: every kPreemptPages
// pages of data work or kPreemptEntries page-table entries of bookkeeping, they ask the
// platform whether an interrupt is pending for the hart (platform::irq_pending). If one is,
// the call records how far it got in its thread's Continuation, leaves the thread's pc on the
// ecall (so the thread issues the very same call again) and returns to the trap exit, where
// the pending interrupt is taken at once. When the thread runs the same ecall again — same pc,
// same a0..a7 — the call resumes where it stopped. The rules a caller sees are in
// abi/syscall.h ("Long calls"); preempt.cc has the mechanism and the rules of each call.
//
// Invariant: a call stopped at a preemption point has changed nothing anyone can observe except
// through documented in-progress marks (sv32::kPending entries, frames reserved, pages lent),
// each named by the continuation that made it; check_invariants() holds each against it.
#pragma once

#include "courier/abi/error.h"
#include "courier/abi/syscall.h"
#include "courier/core/frames.h"
#include "courier/kstd/types.h"

namespace courier {

// Granularity of the preemption points (the bound abi/syscall.h states follows from them).
inline constexpr uint32_t kPreemptPages = 1;     // pages zeroed or copied between two points
inline constexpr uint32_t kPreemptEntries = 64;  // page-table entries edited between two points

// Internal answer of a call stopped at a preemption point; never reaches user code.
inline constexpr abi::Error kPreempted = static_cast<abi::Error>(0x7072'6565);

// Which call a continuation resumes.
enum class Split : uint8_t {
  None,
  MapMemory,     // map_memory: finding room, then zeroing the pages of a reserved range
  Lend,          // lend_memory: the pages into the borrower's reserved window
  ReturnMemory,  // return_memory of a MutableBorrow by copy: the copy back to the lender
  Unmap,         // unmap_memory: the checked range's pages given back
};

// Where the call came from: a trapping ecall, or an entry of the thread's batch ring.
enum class Origin : uint8_t { Trap, Ring };

// What a stopped call keeps. Lives in its Thread; op == None when nothing is in progress.
struct Continuation {
  Split op = Split::None;
  Origin origin = Origin::Trap;
  uint8_t phase = 0;      // the call's own steps (preempt.cc)
  bool copy = false;      // Lend: by copy (the borrower's window holds copies being made)
  bool taken = false;     // MapMemory, Lend: the range is held as pending entries (the call
                          // stopped once); before that it was built in place, unseen
  bool searched = false;  // a search for room stopped: what it found must be checked again
  uint8_t number = 0;     // the syscall it is
  uint32_t key = 0;       // Trap: the pc after the ecall; Ring: the entry's submission index
  uint32_t args[7] = {};  // a0..a6 as the call first saw them (a ring entry: its a[0..5])
  uint32_t va = 0;        // the range being built: first page ...
  uint32_t pages = 0;     // ... and its size
  uint32_t done = 0;      // pages of the current phase done
  uint32_t reserved = 0;  // frames held reserved for the call (FrameTable::reserve)
  uint32_t search = 0;    // MapMemory, Lend: where a search for free space goes on
  uint32_t src = 0;       // Lend: the lender's first page
  uint8_t kind = 0;       // Lend: the MessageKind
  Pid peer = 0;           // Lend: the borrower
  uint16_t server = 0;    // Lend: the server (its death abandons the call: abandon_lends_to)
  uint32_t flags = 0;     // Lend: the lender's permissions, as checked
  // ring_enter's own progress: it may stop between ring entries (or inside one, whose progress
  // is the fields above, Origin::Ring). The entries it consumed before it stopped.
  uint32_t enter_key = 0;  // the pc after its ecall; 0: no ring_enter in progress
  uint32_t enter_want = 0;
  uint32_t enter_consumed = 0;
};


// Lend: whether the message takes the lender's pages as it reaches them (lend_page): every
// remap does, and a Move by copy; a Borrow or MutableBorrow by copy leaves them alone.
inline bool locks_lender(const Continuation& c) {
  return !c.copy || c.kind == static_cast<uint8_t>(abi::MessageKind::Move);
}

// The work between two preemption points. A loop calls step(n) after each piece of work
// (n = its cost in units); once a preemption point's worth of units is done, step() asks the
// platform whether an interrupt is pending. The first piece of every kernel entry always
// runs, so a call makes progress even when interrupts are pending all the time.
class Budget {
 public:
  explicit Budget(bool preemptible) : preemptible_(preemptible) {}
  // True when the loop must stop here (after the work it has done).
  bool step(uint32_t units) {
    if (!preemptible_) return false;
    units_ += units;
    if (units_ < kUnitsPerPoint) return false;
    units_ = 0;
    return interrupt_pending();
  }
  bool preemptible() const { return preemptible_; }

  // Cost units: one page zeroed or copied is a whole preemption point's worth.
  static constexpr uint32_t kUnitsPerPoint = kPreemptEntries;
  static constexpr uint32_t kPage = kPreemptEntries / kPreemptPages;
  static constexpr uint32_t kEntry = 1;
  // A page whose entries are edited: an unmap's (entry, flush, frame), a remap lend's (the
  // borrower's entry, the lender's entry and flush).
  static constexpr uint32_t kEdit = 2;
  static constexpr uint32_t kEditsPerPoint = kUnitsPerPoint / kEdit;

 private:
  static bool interrupt_pending();  // platform::irq_pending(), out of line
  bool preemptible_;
  uint32_t units_ = 0;
};

}  // namespace courier
