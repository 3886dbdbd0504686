// preempt.cc — preemption points in long calls: the continuation that resumes a stopped call,
// what abandoning one undoes, map_memory in steps, and the reaping of dead processes.
//
// The kernel is not preemptible: it runs with interrupts off on one stack. Long work is made
// interruptible instead, the way seL4 makes its long operations restartable: a loop stops at a
// preemption point when an interrupt is pending (core/preempt.h), the call's progress stays in
// its thread, and the thread's pc goes back to its ecall, so the trap exit takes the interrupt
// and the thread later issues the same call again, which resumes. No kernel state is ever left
// on a stack or in a register between two kernel entries.
//
// What a stopped call leaves is made safe for everyone else by construction:
//  - map_memory takes its whole range at once as pending entries (sv32::kPending: slot taken,
//    invisible to the hardware and to user calls) and reserves the frames it will need, so it
//    cannot fail half-way; it fills the frames (zeroing them is the long part) in steps, then
//    makes every page valid in one short pass. Other threads never see a half-made range.
//  - a lend (ipc/lend/lend.cc) does the same with the borrower's window, copying or pointing
//    each entry at the lender's frame in steps, and posts the message only at the end.
//  - a dying process is reaped (its address space given back) in steps before any thread but
//    an interrupt handler runs again: reap() runs at the end of every kernel entry until it is
//    done, and stops early only for a pending interrupt, which is then taken at once.
// The rules a caller sees are in abi/syscall.h ("Long calls").
#include "courier/core/preempt.h"

#include "courier/core/kernel.h"
#include "courier/core/platform.h"
#include "courier/core/sv32.h"
#include "courier/kstd/assert.h"

namespace courier {

using abi::Error;

bool Budget::interrupt_pending() { return platform::irq_pending(); }

// --- which call a continuation resumes ------------------------------------------------------

void Kernel::split_check(Thread& t, Origin origin, uint32_t key, uint32_t number,
                         const uint32_t* args, uint32_t nargs) {
  const Continuation& c = t.cont;
  bool same = c.origin == origin && c.key == key && c.number == number;
  for (uint32_t i = 0; same && i < nargs; ++i) same = c.args[i] == args[i];
  if (!same) abandon(t);  // the very call that stopped resumes; anything else abandons it
}

void Kernel::split_record(Thread& t, Origin origin, uint32_t key, uint32_t number,
                          const uint32_t* args, uint32_t nargs) {
  Continuation& c = t.cont;
  c.origin = origin;
  c.key = key;
  c.number = static_cast<uint8_t>(number);
  for (uint32_t i = 0; i < nargs; ++i) c.args[i] = args[i];
}

void Kernel::abandon(Thread& t, bool dying) {
  Continuation& c = t.cont;
  switch (c.op) {
    case Split::None:
    case Split::ReturnMemory:  // what it copied back is the lender's data either way
      break;
    case Split::MapMemory:
      if (c.phase == 2) {  // the range is taken, partly filled
        frames_.unreserve(c.reserved);
        if (!dying) {  // a dying process's space goes whole
          Process& proc = processes_[t.pid];
          proc.space.drop_range(kstd::VirtAddr(c.va), c.pages,
                                [&](kstd::Pfn pfn) { frames_.free(pfn); });
          proc.page_count -= c.pages;
        }
      }
      break;
    case Split::Unmap: {
      // It has taken effect (the rest of its range is unmapped, pending): finish giving back.
      Budget whole(false);
      if (!dying) {
        (void)unmap_release(t.pid, c, whole);
      } else {
        c.op = Split::None;  // a dying process's space goes whole
      }
      break;
    }
    case Split::Lend:
      if (c.phase == 1) {
        // The borrower's window: its copies (its own frames) are freed, entries pointing at the
        // lender's frames just go. A borrower that is ending takes its whole space with it.
        Process& b = processes_[c.peer];
        frames_.unreserve(c.reserved);
        if (b.state == ProcessState::Alive) {
          b.space.drop_range(kstd::VirtAddr(c.va), c.pages, [&](kstd::Pfn pfn) {
            if (c.copy) frames_.free(pfn);
          });
          if (c.copy) b.page_count -= c.pages;
        }
        // The lender's pages the message took so far come back (its own space, unless dying).
        if (locks_lender(c) && !dying)
          processes_[t.pid].space.unlend_range(kstd::VirtAddr(c.src), c.done, c.flags);
      }
      break;
  }
  c.op = Split::None;
  c.phase = 0;
  c.reserved = 0;
  c.taken = false;
  c.searched = false;
}

void Kernel::abandon_lends_to(uint16_t server) {
  for (Thread& t : threads_) {
    if (t.state != ThreadState::Free && t.cont.op == Split::Lend && t.cont.server == server)
      abandon(t);
  }
}

// --- building a range in place, and taking it when the call stops ---------------------------
//
// A range (map_memory's pages, a lend's window) is built where it goes, entry by entry, as the
// kernel always did: within one kernel entry nobody else runs, so nobody sees it half made.
// Only when the call stops at a preemption point is the range taken: what was built becomes
// pending again (hide), the rest is taken as pending entries, and the frames the rest needs
// are reserved. From then on it is pending until the call publishes it whole, and nothing can
// fail any more. A call that never stops pays nothing for any of this.

// `space`'s range of `c`: built up to c.done, the rest to take with `flags`; `frames` frames
// to reserve for the rest. False (nothing changed) if the tables or frames cannot be had.
bool Kernel::take_range(AddressSpace& space, Continuation& c, uint32_t flags, uint32_t frames) {
  const kstd::VirtAddr rest(c.va + c.done * kstd::kPageSize);
  const uint32_t left = c.pages - c.done;
  if (left != 0 && space.take_pending(frames_, rest, left, flags).is_err()) return false;
  if (!frames_.reserve(frames)) {
    space.drop_range(rest, left, [](kstd::Pfn) {});
    return false;
  }
  space.hide(kstd::VirtAddr(c.va), c.done);
  c.reserved = frames;
  c.taken = true;
  return true;
}

// --- map_memory in steps --------------------------------------------------------------------
//
// Phases: 0 and 1 look for room (va = 0: from the process's heap hint, then from the bottom of
// user space), 2 fills the range. The search's state is (c.search, c.va): [c.va, c.search)
// was free when it stopped. map_memory (memory.cc) checks the arguments and starts at phase 0
// or straight at map_start.

kstd::Result<uint32_t, Error> Kernel::map_search(Pid pid, Continuation& c, Budget& b) {
  Process& proc = processes_[pid];
  for (;;) {
    kstd::VirtAddr at;
    const auto found = proc.space.search_free(c.pages, kUserTop, &c.search, &c.va, &b, &at);
    if (found == AddressSpace::Search::Stopped) {
      c.op = Split::MapMemory;  // phase 0 or 1, as it was
      c.searched = true;
      return kstd::err(kPreempted);
    }
    if (found == AddressSpace::Search::None) {
      if (c.phase == 1) {
        c.op = Split::None;
        c.searched = false;
        return kstd::err(Error::OutOfMemory);
      }
      c.phase = 1;  // nothing above the hint: from the bottom
      c.search = c.va = kUserBase;
      continue;
    }
    // What a stopped search saw as free may have been taken since: look again from there.
    if (!c.searched || !proc.space.any_mapped(at, c.pages)) return map_start(pid, at.raw(), c, b);
    c.search = c.va = at.raw() + kstd::kPageSize;
  }
}

kstd::Result<uint32_t, Error> Kernel::map_start(Pid pid, uint32_t va, Continuation& c, Budget& b) {
  Process& proc = processes_[pid];
  c.op = Split::None;
  c.searched = false;
  // The quota counts the page tables the range needs too (abi/limits.h).
  if (!within_quota(pid, c.pages, va, c.pages)) return kstd::err(Error::OutOfMemory);
  proc.page_count += c.pages;  // counted from the start: the range is the process's
  c.op = Split::MapMemory;
  c.phase = 2;
  c.va = va;
  c.done = 0;
  c.reserved = 0;
  c.taken = false;
  return map_fill(pid, c, b);
}

kstd::Result<uint32_t, Error> Kernel::map_fill(Pid pid, Continuation& c, Budget& b) {
  Process& proc = processes_[pid];
  while (c.done < c.pages) {
    const kstd::VirtAddr page(c.va + c.done * kstd::kPageSize);
    if (c.taken) {
      proc.space.set_pending_frame(page, frames_.alloc_reserved(Owner::process(pid)));  // zeroed
      --c.reserved;
    } else {
      auto frame = frames_.alloc(Owner::process(pid));  // zeroed
      kstd::Result<void, Error> mapped =
          frame.is_ok() ? proc.space.map(frames_, page, frame.value(), c.flags)
                        : kstd::Result<void, Error>(kstd::err(frame.error()));
      if (mapped.is_err()) {
        // Undo the pages mapped so far: the call either maps everything or nothing.
        if (frame.is_ok()) frames_.free(frame.value());
        proc.space.drop_range(kstd::VirtAddr(c.va), c.done, [&](kstd::Pfn pfn) { frames_.free(pfn); });
        proc.page_count -= c.pages;
        c.op = Split::None;
        return kstd::err(mapped.error());
      }
    }
    ++c.done;
    if (c.done < c.pages && b.step(Budget::kPage)) {
      // Stopping: the rest of the range and its frames are taken now, or the call fails as it
      // would have further on (those frames or tables are not there).
      if (!c.taken && !take_range(proc.space, c, c.flags, c.pages - c.done)) {
        proc.space.drop_range(kstd::VirtAddr(c.va), c.done, [&](kstd::Pfn pfn) { frames_.free(pfn); });
        proc.page_count -= c.pages;
        c.op = Split::None;
        return kstd::err(Error::OutOfMemory);
      }
      return kstd::err(kPreempted);
    }
  }
  if (c.taken) proc.space.publish(kstd::VirtAddr(c.va), c.pages, false);
  c.op = Split::None;
  c.taken = false;
  return c.va;
}

// --- unmap_memory in steps ------------------------------------------------------------------
//
// unmap_memory (memory.cc) checks the whole range, then gives its pages back here, c.done so
// far, entry by entry. When it first stops, every page not yet given back becomes pending
// (taken: unmapped to every thread at once, as the whole unmap would have been; their frames
// still to give back), so the call has taken effect and nothing can touch the rest. Abandoning
// it (the thread issues something else, or ends) gives the rest back at once.

kstd::Result<void, Error> Kernel::unmap_release(Pid pid, Continuation& c, Budget& b) {
  Process& proc = processes_[pid];
  const uint32_t from = c.va + c.done * kstd::kPageSize;
  const bool all = proc.space.for_range(kstd::VirtAddr(from), c.pages - c.done,
                                        [&](sv32::Pte& p, kstd::VirtAddr at) {
    const sv32::Pte was = p;
    p = 0;
    if (was & sv32::kV) mmu::flush_page(proc.space.asid(), at);  // a taken (pending) entry was flushed then
    // The frame as it was mapped: own RAM, or an MMIO page whose claim goes with it.
    release_frame(pid, Mapping{sv32::pfn_of(was), 0, false, false, false});
    --proc.page_count;
    ++c.done;
    return c.done == c.pages || !b.step(Budget::kEdit);
  });
  if (!all) {
    if (!c.taken) {
      proc.space.hide(kstd::VirtAddr(c.va + c.done * kstd::kPageSize), c.pages - c.done);
      c.taken = true;
    }
    return kstd::err(kPreempted);
  }
  c.op = Split::None;
  c.taken = false;
  return {};
}

// --- reaping dead processes -----------------------------------------------------------------

void Kernel::reap(bool preemptible) {
  if (!(exit_work_ & kExitReap)) return;
  Budget b(preemptible);
  for (;;) {
    if (reaping_ == 0) {
      for (Pid p = 1; p < kMaxProcesses && reaping_ == 0; ++p) {
        if (processes_[p].state == ProcessState::Dying) reaping_ = p;
      }
      if (reaping_ == 0) {
        exit_work_ &= static_cast<uint8_t>(~kExitReap);
        return;
      }
      reap_cursor_ = kUserBase;
    }
    const Pid pid = reaping_;
    Process& proc = processes_[pid];
    const bool gone = proc.space.destroy_step(
        frames_, &reap_cursor_, b, [&](kstd::VirtAddr, const Mapping& m) { release_frame(pid, m); });
    if (!gone) return;  // an interrupt is pending: the next kernel exit goes on
    proc.state = ProcessState::Free;
    proc.page_count = 0;
    reaping_ = 0;
  }
}

}  // namespace courier
