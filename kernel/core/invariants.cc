// invariants.cc — the kernel's one source of truth for pages, checked against the hardware's.
//
// check_invariants() holds the page tables — what the MMU would actually let user code reach —
// against the ownership table and every record that will later free or restore a frame. It is
// the statement seL4 proves about its kernel, checked here instead: host tests run it after
// every step, and a debug build of the rv32 kernel runs it after every syscall
// (COURIER_CHECK_INVARIANTS). It panics on the first mismatch, naming the broken rule.
//
// The rules, for every live process P and every entry of P's page tables:
//  1. Root: the kernel's slots hold exactly the kernel's global entries (never U); a user slot
//     is empty or names a second-level table; every table frame is owned by PageTable(P) and
//     named once, and P owns no other table frames.
//  2. A second-level entry is zero or a present user page (a leaf with U, or a page lent out
//     with access withdrawn); no entry is global, none maps below kUserBase.
//  3. An entry naming a frame outside RAM is an MMIO page P claimed through map_physical, not
//     executable, not lent or borrowed; each claim is mapped exactly once.
//  4. An entry naming RAM names a frame owned by a process: never a free frame, a kernel frame
//     or a page table. Exactly one of these explains it:
//     - P's own page: owned by P, neither lent nor borrowed;
//     - lent (kLent): owned by P, and an active remap lend of P's names it, whose borrower maps
//       the very same frame, marked borrowed, at the matching window address;
//     - borrowed (kBorrowed): an active lend to P covers the address; for a copy lend the
//       frame is P's own, otherwise it is the lender's frame lent at the matching address of
//       the lender; the entry is hidden (not valid) exactly while the lend is not received.
//       Or a Move queued at one of P's servers carries it: P's own frame, hidden until P
//       receives the message.
//     Every process-owned frame is named by exactly one owning entry (own, lent, copy), and
//     at most once more, by the borrower of its remap lend.
//  5. P's page_count is the number of owning entries plus MMIO entries; its lent and borrowed
//     entries number exactly the pages of its active lends and queued Moves; its table count
//     (charged to its quota) is the tables its root names; its async_count is its records.
//  6. A registered batch ring names the two frames mapped at its address: P's own read-write
//     RAM, neither lent nor borrowed; P's ring count matches.
//  7. A lend record names a live borrower and a live lender whose thread (the record's own
//     slot) waits in Lending for it, a range inside the lend window; a queued memory message
//     names an active, undelivered lend.
//  8. Thread counts agree with the thread table; the free list agrees with the owners.
//  9. What the boot record grants holds: no thread of P (its interrupt context aside) is more
//     urgent than P's ceiling, and every claimed line's owner is alive and was granted it.
// 10. Calls in progress (core/preempt.h): a pending entry of P is a page of exactly one
//     continuation that covers it — a map_memory of one of P's threads (the frame, once set,
//     is P's own), an unmap_memory of one of P's threads (a page still to give back: P's own
//     RAM, or MMIO it still claims), or a lend to P of another process's thread (a copy: P's
//     own frame; a remap: the lender's frame, lent at the matching address of the lender,
//     marked by the lend in progress). Pending pages count in page_count, except a remap's. The frames reserved in
//     the frame table are exactly those the continuations hold.
// 11. A dying process has no threads, servers or lends; what its space still holds is its own
//     pages and MMIO, pending pages of its own, and entries it lent whose frames a borrower
//     adopted (that borrower's entry is the owning one).
#include "courier/abi/ring.h"
#include "courier/core/kernel.h"
#include "courier/core/phys.h"
#include "courier/kstd/assert.h"

extern "C" void* memset(void*, int, size_t);

namespace courier {

namespace {

// Per frame: owning entries (low nibble) and borrowing entries (high nibble), saturating.
uint8_t g_refs[FrameTable::kMaxFrames];

void count_ref(uint8_t& r, bool borrowing) {
  const uint8_t shift = borrowing ? 4 : 0;
  if (((r >> shift) & 0xf) != 0xf) r = static_cast<uint8_t>(r + (1u << shift));
}

// True if a Move queued at one of `pid`'s servers (not yet received) carries page `va`.
bool queued_move_covers(const Server* servers, Pid pid, uint32_t va) {
  for (uint32_t k = 0; k < kMaxServers; ++k) {
    const Server& s = servers[k];
    if (s.state != ServerState::Alive || s.owner != pid) continue;
    for (uint8_t i = 0; i < s.count; ++i) {
      const Message& m = s.queue[(s.head + i) % kQueueDepth];
      if (m.kind == abi::MessageKind::Move && va >= m.w[0] && va - m.w[0] < m.w[1]) return true;
    }
  }
  return false;
}

// The thread whose call in progress covers pending entry `va` of `pid` (rule 10), or nullptr;
// *page: the entry's index in the continuation's range.
const Thread* pending_owner(const Thread* threads, Pid pid, uint32_t va, uint32_t* page) {
  const Thread* found = nullptr;
  for (uint32_t k = 0; k < kMaxThreads; ++k) {
    const Thread& t = threads[k];
    const Continuation& c = t.cont;
    if (t.state == ThreadState::Free || va < c.va || va - c.va >= c.pages * kstd::kPageSize)
      continue;
    const bool map = c.op == Split::MapMemory && c.phase == 2 && t.pid == pid;
    const bool lend = c.op == Split::Lend && c.phase == 1 && c.peer == pid;
    const bool unmap = c.op == Split::Unmap && c.taken && t.pid == pid &&
                       va - c.va >= c.done * kstd::kPageSize;  // the pages still to give back
    if (!map && !lend && !unmap) continue;
    KASSERT(found == nullptr);  // one call per entry
    found = &t;
    *page = (va - c.va) / kstd::kPageSize;
  }
  return found;
}

const sv32::Pte* table_at(kstd::Pfn pfn) {
  // Safe: callers checked that pfn is a page-table frame in RAM.
  return reinterpret_cast<const sv32::Pte*>(frame_ptr(pfn));
}

}  // namespace

void Kernel::check_invariants() {
  frames_.check_invariants();
  memset(g_refs, 0, sizeof g_refs);
  const uint32_t user_slots = kUserTop >> 22;
  // Frames each process owns, as pages and as page tables: one pass over the owners.
  uint32_t owned[kMaxProcesses] = {}, owned_tables[kMaxProcesses] = {};
  for (uint32_t i = 0; i < frames_.total(); ++i) {
    const Owner o = frames_.owner(frames_.base() + i);
    if (o.kind != OwnerKind::Process && o.kind != OwnerKind::PageTable) continue;
    KASSERT(o.pid < kMaxProcesses);
    ++(o.kind == OwnerKind::Process ? owned : owned_tables)[o.pid];
  }

  for (Pid pid = 0; pid < kMaxProcesses; ++pid) {
    const Process& proc = processes_[pid];
    if (proc.state == ProcessState::Free) {
      KASSERT(owned[pid] == 0 && owned_tables[pid] == 0);
      continue;
    }
    if (proc.state == ProcessState::Dying) {
      check_dying(pid, owned[pid], owned_tables[pid]);
      continue;
    }
    // Rule 1: the root and its tables.
    const kstd::Pfn root = proc.space.root();
    KASSERT(frames_.contains(root) && frames_.owner(root) == Owner::page_table(pid));
    const sv32::Pte* rt = table_at(root);
    for (uint32_t i = user_slots; i < sv32::kEntries; ++i) {
      sv32::Pte expected = 0;
      for (uint32_t k = 0; k < g_kernel_entries.count; ++k) {
        if (g_kernel_entries.index[k] == i) expected = g_kernel_entries.pte[k];
      }
      KASSERT(rt[i] == expected && !(rt[i] & sv32::kU));
    }
    uint32_t tables = 1, counted = 0, own_ram = 0, lent = 0, borrowed = 0, mmio = 0, moving = 0;
    for (uint32_t i = 0; i < user_slots; ++i) {
      if (rt[i] == 0) continue;
      KASSERT(sv32::is_table(rt[i]));  // no user megapages
      const kstd::Pfn tpfn = sv32::pfn_of(rt[i]);
      KASSERT(frames_.contains(tpfn) && frames_.owner(tpfn) == Owner::page_table(pid));
      count_ref(g_refs[tpfn.raw() - frames_.base().raw()], false);
      ++tables;
      const sv32::Pte* table = table_at(tpfn);
      for (uint32_t j = 0; j < sv32::kEntries; ++j) {
        const sv32::Pte p = table[j];
        if (p == 0) continue;
        // Rule 2.
        const uint32_t va = (i << 22) | (j << 12);
        KASSERT(sv32::is_present(p) && (p & sv32::kU) && !(p & sv32::kG) && va >= kUserBase);
        const Mapping m = mapping_of(p);
        KASSERT(!(m.lent && m.borrowed));
        if (m.pending) {
          // Rule 10.
          uint32_t page = 0;
          const Thread* t = pending_owner(threads_, pid, va, &page);
          KASSERT(t != nullptr);
          const Continuation& c = t->cont;
          const bool remap = c.op == Split::Lend && !c.copy;
          if (!remap) ++counted;
          if (c.op == Split::Unmap) {  // a page of the process's own (RAM or MMIO) being given back
            if (!frames_.contains(m.pfn)) {
              uint32_t claims = 0;
              for (const MmioClaim& mc : mmio_) claims += mc.pid == pid && mc.pfn == m.pfn.raw();
              KASSERT(claims == 1);
              ++mmio;
              continue;
            }
            KASSERT(frames_.owner(m.pfn) == Owner::process(pid));
            count_ref(g_refs[m.pfn.raw() - frames_.base().raw()], false);
            ++own_ram;
            continue;
          }
          if (m.pfn.raw() == 0) {
            KASSERT(page >= c.done);  // not filled yet
            continue;
          }
          KASSERT(page < c.done && frames_.contains(m.pfn));
          uint8_t& refs = g_refs[m.pfn.raw() - frames_.base().raw()];
          if (!remap) {
            KASSERT(frames_.owner(m.pfn) == Owner::process(pid));
            count_ref(refs, false);
            ++own_ram;
            continue;
          }
          KASSERT(frames_.owner(m.pfn) == Owner::process(t->pid));
          const auto l = processes_[t->pid].space.lookup(
              kstd::VirtAddr(c.src + page * kstd::kPageSize));
          KASSERT(l.has_value() && l->lent && l->pfn == m.pfn);
          count_ref(refs, true);
          continue;
        }
        if (!frames_.contains(m.pfn)) {
          // Rule 3.
          KASSERT(!m.lent && !m.borrowed && !(p & sv32::kX));
          uint32_t claims = 0;
          for (const MmioClaim& c : mmio_) claims += c.pid == pid && c.pfn == m.pfn.raw();
          KASSERT(claims == 1);
          ++mmio;
          ++counted;
          continue;
        }
        // Rule 4.
        const Owner owner = frames_.owner(m.pfn);
        KASSERT(owner.kind == OwnerKind::Process);
        uint8_t& refs = g_refs[m.pfn.raw() - frames_.base().raw()];
        if (!m.lent && !m.borrowed) {
          KASSERT(owner == Owner::process(pid));
          count_ref(refs, false);
          ++own_ram;
          ++counted;
          continue;
        }
        // A lent or borrowed entry: the record that explains it.
        const Lend* rec = nullptr;
        uint32_t page = 0;
        for (const Lend& l : lends_) {
          if (!l.active) continue;
          const uint32_t base = m.lent ? l.lender_va : l.borrower_va;
          const Pid who = m.lent ? l.lender : l.borrower;
          if (who != pid || va < base || va - base >= l.pages * kstd::kPageSize) continue;
          if (m.lent && l.copy) continue;  // copy lends leave the lender alone
          KASSERT(rec == nullptr);  // one record per entry
          rec = &l;
          page = (va - base) / kstd::kPageSize;
        }
        if (rec == nullptr && m.lent) {
          // Rule 10: a page a remap lend in progress has taken so far.
          const Thread* by = nullptr;
          for (const Thread& t : threads_) {
            const Continuation& c = t.cont;
            if (t.state == ThreadState::Free || t.pid != pid || c.op != Split::Lend ||
                c.phase != 1 || !locks_lender(c) || va < c.src ||
                va - c.src >= c.done * kstd::kPageSize) {
              continue;
            }
            KASSERT(by == nullptr);
            by = &t;
          }
          if (by != nullptr) {
            KASSERT(owner == Owner::process(pid));
            if (!by->cont.copy) {  // a remap: the borrower's pending entry names this frame
              const uint32_t k = (va - by->cont.src) / kstd::kPageSize;
              const uint32_t bva = by->cont.va + k * kstd::kPageSize;
              const sv32::Pte bt = table_at(processes_[by->cont.peer].space.root())[bva >> 22];
              KASSERT(sv32::is_table(bt));
              const sv32::Pte be = table_at(sv32::pfn_of(bt))[(bva >> 12) & (sv32::kEntries - 1)];
              KASSERT(sv32::is_pending(be) && sv32::pfn_of(be) == m.pfn);
            }
            count_ref(refs, false);
            ++own_ram;
            ++counted;
            ++lent;
            continue;
          }
        }
        if (rec == nullptr && m.borrowed && queued_move_covers(servers_, pid, va)) {
          // An undelivered Move: the server's own frame, hidden until received.
          KASSERT(owner == Owner::process(pid) && !(p & sv32::kV));
          count_ref(refs, false);
          ++own_ram;
          ++counted;
          ++moving;
          continue;
        }
        KASSERT(rec != nullptr);
        if (m.borrowed) KASSERT(((p & sv32::kV) != 0) == rec->received);  // hidden until received
        if (m.lent) {
          KASSERT(owner == Owner::process(pid));
          const auto b = processes_[rec->borrower].space.lookup(
              kstd::VirtAddr(rec->borrower_va + page * kstd::kPageSize));
          KASSERT(b.has_value() && b->borrowed && b->pfn == m.pfn);
          count_ref(refs, false);
          ++own_ram;
          ++counted;
          ++lent;
        } else if (rec->copy) {
          KASSERT(owner == Owner::process(pid));
          count_ref(refs, false);
          ++own_ram;
          ++counted;
          ++borrowed;
        } else {
          KASSERT(owner == Owner::process(rec->lender));
          const auto l = processes_[rec->lender].space.lookup(
              kstd::VirtAddr(rec->lender_va + page * kstd::kPageSize));
          KASSERT(l.has_value() && l->lent && l->pfn == m.pfn);
          count_ref(refs, true);
          ++borrowed;
        }
      }
    }
    KASSERT(tables == owned_tables[pid] && tables == proc.space.tables());
    // Rule 5.
    KASSERT(counted == proc.page_count);
    KASSERT(own_ram == owned[pid]);
    uint32_t lent_pages = 0, borrowed_pages = 0, claims = 0;
    for (const Lend& l : lends_) {
      if (!l.active) continue;
      if (l.borrower == pid) borrowed_pages += l.pages;
      if (l.lender == pid && !l.copy) lent_pages += l.pages;
    }
    for (const Thread& t : threads_) {
      const Continuation& c = t.cont;
      if (t.state != ThreadState::Free && t.pid == pid && c.op == Split::Lend && c.phase == 1 &&
          locks_lender(c)) {
        lent_pages += c.done;
      }
    }
    KASSERT(lent == lent_pages && borrowed == borrowed_pages);
    uint32_t moving_pages = 0;
    for (const Server& s : servers_) {
      if (s.state != ServerState::Alive || s.owner != pid) continue;
      for (uint8_t i = 0; i < s.count; ++i) {
        const Message& q = s.queue[(s.head + i) % kQueueDepth];
        if (q.kind == abi::MessageKind::Move) moving_pages += q.w[1] / kstd::kPageSize;
      }
    }
    KASSERT(moving == moving_pages);
    for (const MmioClaim& c : mmio_) claims += c.pid == pid;
    KASSERT(claims == mmio);
    // Rule 6.
    uint32_t rings = 0;
    for (const Thread& t : threads_) {
      if (t.state == ThreadState::Free || t.pid != pid || t.ring_va == 0) continue;
      ++rings;
      for (uint32_t k = 0; k < 2; ++k) {
        const auto m = proc.space.lookup(kstd::VirtAddr(t.ring_va + k * kstd::kPageSize));
        KASSERT(m.has_value() && m->pfn == t.ring_pfn[k] && !m->lent && !m->borrowed);
        KASSERT(frames_.contains(m->pfn) && frames_.owner(m->pfn) == Owner::process(pid));
        KASSERT((m->flags & (kMemR | kMemW)) == (kMemR | kMemW));
      }
    }
    KASSERT(rings == proc.rings);
  }
  // Rule 4's counts: one owning entry per process frame, at most one borrowing entry; table
  // frames named once (roots by no slot); free and kernel frames by nothing.
  for (uint32_t i = 0; i < frames_.total(); ++i) {
    const Owner o = frames_.owner(frames_.base() + i);
    const uint8_t owning = g_refs[i] & 0xf, borrowing = g_refs[i] >> 4;
    switch (o.kind) {
      case OwnerKind::Process:
        KASSERT(owning == 1 && borrowing <= 1);
        break;
      case OwnerKind::PageTable: {
        const bool is_root = processes_[o.pid].space.root() == frames_.base() + i;
        KASSERT(borrowing == 0 && owning == (is_root ? 0 : 1));
        break;
      }
      default:
        KASSERT(g_refs[i] == 0);
    }
  }
  // Rule 10: reservations.
  uint32_t reserved = 0;
  for (const Thread& t : threads_) {
    if (t.state != ThreadState::Free) reserved += t.cont.reserved;
    KASSERT(t.state != ThreadState::Free || t.cont.op == Split::None);
  }
  KASSERT(reserved == frames_.reserved());
  // Rule 7.
  for (const Lend& l : lends_) {
    if (!l.active) continue;
    KASSERT(processes_[l.borrower].state == ProcessState::Alive);
    KASSERT(processes_[l.lender].state == ProcessState::Alive);
    const Thread& lender = threads_[l.lender_tid];
    KASSERT(lend_index(l) == l.lender_tid && lender.pid == l.lender &&
            lender.state == ThreadState::Lending && lender.lend == lend_index(l));
    KASSERT(l.pages >= 1 && l.pages <= kMaxLendPages && l.borrower_va >= kLendWindowBase &&
            l.borrower_va + l.pages * kstd::kPageSize <= kLendWindowTop);
  }
  for (const Server& s : servers_) {
    if (s.state != ServerState::Alive) continue;
    for (uint8_t i = 0; i < s.count; ++i) {
      const Message& m = s.queue[(s.head + i) % kQueueDepth];
      if (m.lend == kNoLend) continue;
      const Lend& l = lends_[m.lend];
      KASSERT(l.active && !l.received && l.server == static_cast<uint16_t>(&s - servers_));
    }
  }
  // Rule 8.
  for (Pid pid = 1; pid < kMaxProcesses; ++pid) {
    uint32_t n = 0;
    for (const Thread& t : threads_) n += t.state != ThreadState::Free && t.pid == pid;
    const Process& proc = processes_[pid];
    const bool irq_context = proc.state == ProcessState::Alive && proc.irq_thread != kNone;
    KASSERT(n == proc.thread_count + (irq_context ? 1u : 0u));
    // The counters the shares are enforced with agree with the tables (usage.cc).
    const Usage u = usage(pid);
    if (proc.state != ProcessState::Alive) {
      // Dying: its pages are being given back (rule 11); nothing else is left.
      KASSERT((proc.state == ProcessState::Dying || u.pages == 0) && u.threads == 0 &&
              u.servers == 0 && u.lends == 0 && u.asyncs == 0 && u.borrowed == 0);
      continue;
    }
    KASSERT(u.pages == pages_used(pid) && u.threads == proc.thread_count &&
            u.servers == proc.server_count && u.asyncs == proc.async_count);
    KASSERT(proc.thread_count <= kMaxThreadsPerProcess &&
            proc.server_count <= kMaxServersPerProcess && proc.async_count <= kMaxAsyncPerProcess);
  }
  // Rule 9.
  for (const Thread& t : threads_) {
    if (t.state != ThreadState::Free && !t.handler)
      KASSERT(t.priority >= processes_[t.pid].max_priority);
  }
  for (uint32_t line = 1; line < kMaxIrqLines; ++line) {
    const Pid owner = irq_lines_[line].owner;
    if (owner == 0) continue;
    KASSERT(processes_[owner].state == ProcessState::Alive &&
            (irq_allowed_[owner] & (1u << line)) != 0);
  }
}

void Kernel::check_dying(Pid pid, uint32_t owned, uint32_t owned_tables) {
  const Process& proc = processes_[pid];
  KASSERT(proc.thread_count == 0 && proc.server_count == 0 && proc.rings == 0);
  for (const Thread& t : threads_) KASSERT(t.state == ThreadState::Free || t.pid != pid);
  for (const Server& s : servers_) KASSERT(s.state != ServerState::Alive || s.owner != pid);
  for (const Lend& l : lends_) {
    KASSERT(!l.active || (l.borrower != pid && l.lender != pid));  // a death ends its lends
  }
  const kstd::Pfn root = proc.space.root();
  KASSERT(frames_.contains(root) && frames_.owner(root) == Owner::page_table(pid));
  const sv32::Pte* rt = table_at(root);
  uint32_t tables = 1, own = 0;
  for (uint32_t i = 0; i < (kUserTop >> 22); ++i) {
    if (rt[i] == 0) continue;
    KASSERT(sv32::is_table(rt[i]));
    const kstd::Pfn tpfn = sv32::pfn_of(rt[i]);
    KASSERT(frames_.contains(tpfn) && frames_.owner(tpfn) == Owner::page_table(pid));
    count_ref(g_refs[tpfn.raw() - frames_.base().raw()], false);
    ++tables;
    const sv32::Pte* table = table_at(tpfn);
    for (uint32_t j = 0; j < sv32::kEntries; ++j) {
      if (table[j] == 0) continue;
      const Mapping m = mapping_of(table[j]);
      KASSERT(sv32::is_present(table[j]) && !m.borrowed);
      if (!frames_.contains(m.pfn)) {
        KASSERT((m.pending && m.pfn.raw() == 0) || !m.pending);
        if (m.pending) continue;
        uint32_t claims = 0;
        for (const MmioClaim& c : mmio_) claims += c.pid == pid && c.pfn == m.pfn.raw();
        KASSERT(claims == 1);
        continue;
      }
      const Owner o = frames_.owner(m.pfn);
      if (m.lent) {  // adopted by its borrower, whose entry owns it now
        KASSERT(o.kind == OwnerKind::Process && o.pid != pid);
        continue;
      }
      KASSERT(o == Owner::process(pid));
      count_ref(g_refs[m.pfn.raw() - frames_.base().raw()], false);
      ++own;
    }
  }
  KASSERT(tables == owned_tables && own == owned);
}

}  // namespace courier
