// process.cc — creating processes from the boot archive, and ending them.
//
// Death reclaims everything (DESIGN.md §2): threads leave every queue and wait list, servers
// die (their callers wake with ServerNotFound), messages the process had queued elsewhere are
// dropped, its pages and page tables go back to the free pool, its MMIO claims are released.
// check_invariants() then proves nothing was left behind.
#include "courier/core/console.h"
#include "courier/core/kernel.h"
#include "courier/core/phys.h"
#include "courier/kstd/assert.h"

extern "C" void* memcpy(void*, const void*, size_t);

namespace courier {

namespace {
constexpr uint32_t kStackTop = 0x7fff'0000;  // first thread's stack ends here
constexpr uint32_t kHeapBase = 0x2000'0000;  // map_memory(va = 0) searches from here
}  // namespace

void Kernel::init(kstd::Pfn ram_base, uint32_t ram_pages, kstd::Pfn first_free) {
  frames_.init(ram_base, ram_pages, first_free);
  for (Process& p : processes_) p = Process{};
  exit_work_ = 0;
  first_exit_code_ = 0;
  reaping_ = 0;
  for (Thread& t : threads_) {
    t = Thread{};
    t.tid = static_cast<Tid>(&t - threads_);
    t.lend = kNoLend;
    t.wait_server = kNone;
    t.next = t.prev = kNone;
  }
  for (Server& s : servers_) {
    s = Server{};
    s.receivers = kNone;
  }
  for (uint32_t p = 0; p < abi::kPriorities; ++p) ready_head_[p] = ready_tail_[p] = kNone;
  ready_mask_ = 0;
  for (MmioClaim& c : mmio_) c = MmioClaim{0, 0};
  for (Lend& l : lends_) l = Lend{};
  for (IrqLine& l : irq_lines_) l = IrqLine{};
  for (uint32_t& lines : irq_allowed_) lines = 0;
  active_irq_ = 0;
  irq_preempted_ = nullptr;
  log_server_ = kNone;
  log_notice_pending_ = false;
  current_ = nullptr;
}

kstd::Result<void, abi::Error> Kernel::load(const BootArchive& archive) {
  for (uint32_t i = 0; i < archive.process_count(); ++i) {
    auto pid = create_process(archive.process(i), archive);
    if (pid.is_err()) return kstd::err(pid.error());
  }
  return {};
}

kstd::Result<Pid, abi::Error> Kernel::create_process(const abi::ArchiveProcess& ap,
                                                     const BootArchive& archive) {
  // A pid still named by a queued message (a dead sender's Scalar or Move, kept at its death)
  // is not reused until that message is received: a server must never take a dead process's
  // message for a newer process's (receive's sender pid is how it knows who asks).
  static_assert(kMaxProcesses <= 32);
  uint32_t named = 0;
  for (const Server& s : servers_) {
    if (s.state != ServerState::Alive) continue;
    for (uint8_t i = 0; i < s.count; ++i) named |= 1u << s.queue[(s.head + i) % kQueueDepth].sender_pid;
  }
  Pid pid = 0;
  for (Pid p = 1; p < kMaxProcesses; ++p) {
    if (processes_[p].state == ProcessState::Free && (named & (1u << p)) == 0) {
      pid = p;
      break;
    }
  }
  if (pid == 0) return kstd::err(abi::Error::LimitReached);
  Process& proc = processes_[pid];
  proc = Process{};
  for (Connection& c : proc.connections) c = Connection{kNone, 0};
  for (uint32_t i = 0; i + 1 < sizeof proc.name && ap.name[i]; ++i) proc.name[i] = ap.name[i];
  proc.heap_hint = kHeapBase;
  proc.irq_thread = kNone;
  // The record's authority (parse() checked it): a ceiling and the lines it may claim.
  proc.max_priority = static_cast<uint8_t>(ap.max_priority);
  irq_allowed_[pid] = ap.irq_lines;
  KTRY_VOID(proc.space.init(frames_, pid, pid));
  proc.state = ProcessState::Alive;

  // Copy each segment into fresh zeroed pages. Segments may share a page (the packer only keeps
  // offsets congruent), so an already-mapped page is reused, widening its permissions.
  for (const abi::ArchiveSegment& s : archive.segments(ap)) {
    const uint32_t first = kstd::align_down(s.vaddr, kstd::kPageSize);
    const uint32_t end = kstd::align_up(s.vaddr + s.mem_size, kstd::kPageSize);
    for (uint32_t va = first; va < end; va += kstd::kPageSize) {
      auto existing = proc.space.lookup(kstd::VirtAddr(va));
      if (!existing) {
        auto r = map_memory(pid, va, kstd::kPageSize, s.flags);
        if (r.is_err()) {
          destroy_process(pid, 0);
          return kstd::err(r.error());
        }
      } else {
        proc.space.protect(kstd::VirtAddr(va), existing->flags | s.flags);
      }
    }
    const auto data = archive.data(s);
    for (uint32_t done = 0; done < data.size();) {
      const uint32_t va = s.vaddr + done;
      const auto m = proc.space.lookup(kstd::VirtAddr(va));
      KASSERT(m.has_value());
      const uint32_t off = va & (kstd::kPageSize - 1);
      const uint32_t n = kstd::min<uint32_t>(kstd::kPageSize - off, data.size() - done);
      memcpy(frame_ptr(m->pfn) + off, data.data() + done, n);
      done += n;
    }
  }
  const uint32_t stack =
      kstd::align_up(ap.stack_size ? ap.stack_size : kstd::kPageSize, kstd::kPageSize);
  auto st = map_memory(pid, kStackTop - stack, stack, kMemR | kMemW);
  if (st.is_err()) {
    destroy_process(pid, 0);
    return kstd::err(st.error());
  }
  auto tid = create_thread(pid, ap.entry, kStackTop, 0, ap.priority);
  if (tid.is_err()) {
    destroy_process(pid, 0);
    return kstd::err(tid.error());
  }
  return pid;
}

uint32_t Kernel::live_processes() const {
  uint32_t n = 0;
  for (const Process& p : processes_) n += p.state == ProcessState::Alive;
  return n;
}

void Kernel::release_frame(Pid pid, const Mapping& m) {
  // Borrowed entries never reach here: unmap refuses them and death settles every lend of the
  // process (reclaim_lends) before its space goes.
  KASSERT(!m.borrowed);
  if (m.pending) {
    // A range a call in progress was building: its frames so far are this process's own,
    // unless they are a lender's (a remap lend into this process's window).
    if (frames_.contains(m.pfn) && frames_.owner(m.pfn) == Owner::process(pid)) frames_.free(m.pfn);
    return;
  }
  if (frames_.contains(m.pfn)) {
    // A page this process lent out may have passed to its borrower (reclaim_lends).
    if (m.lent && frames_.owner(m.pfn) != Owner::process(pid)) return;
    KASSERT(frames_.owner(m.pfn) == Owner::process(pid));
    frames_.free(m.pfn);
    return;
  }
  for (MmioClaim& c : mmio_) {
    if (c.pid == pid && c.pfn == m.pfn.raw()) c = MmioClaim{0, 0};
  }
}

void Kernel::destroy_process(Pid pid, uint32_t exit_code) {
  Process& proc = processes_[pid];
  KASSERT(proc.state == ProcessState::Alive);
  if (pid == 1) {
    first_exit_code_ = exit_code;
    exit_work_ |= kExitHalt;
  }

  // Its interrupt lines are freed and masked first (and a handler of its in service completed).
  release_interrupts(pid);
  // The names the boot image reserved for it are reserved for nobody now: no later process,
  // whatever slot it gets, can register them (names.cc).
  orphan_names(pid);
  // Threads next: out of every queue, so nothing below can wake a thread of this process.
  for (Thread& t : threads_) {
    if (t.state == ThreadState::Free || t.pid != pid) continue;
    if (t.state == ThreadState::Ready) remove_ready(t);
    if (t.state == ThreadState::Receiving) remove_from_receivers(t);
    if (t.state == ThreadState::SendBlocked) --servers_[t.wait_server].blocked_senders;
    if (&t == current_) current_ = nullptr;
    abandon(t, true);  // a call it left half done: what it holds elsewhere goes back
    t.state = ThreadState::Free;
    t.handler = 0;
    ++t.generation;  // outstanding message handles to it are now stale
  }
  proc.thread_count = 0;
  proc.waiting_threads = 0;
  proc.rings = 0;
  for (Thread& t : threads_) {
    if (t.pid == pid) t.ring_va = 0;
  }
  reclaim_lends(pid);
  for (AsyncCall& a : asyncs_) {
    if (a.active && a.client_pid == pid) free_async(a);  // nobody to complete them for
  }

  for (uint16_t s = 0; s < kMaxServers; ++s) {
    if (servers_[s].state == ServerState::Alive && servers_[s].owner == pid) kill_server(s);
  }
  // Of the messages this process queued at other servers, those that wait on it go with it: a
  // BlockingScalar (nobody to reply to) and a Borrow or MutableBorrow (the lend goes back by its
  // record). A Scalar or a Move asks nothing more of its sender (a Move's pages were the
  // server's from the send): the sender was told it was queued, so it stays queued and is
  // delivered as if the sender were alive (never a silent drop, DESIGN.md §8). Its sender pid
  // is then a dead process's, which a later process may reuse.
  for (Server& s : servers_) {
    if (s.state != ServerState::Alive) continue;
    uint8_t kept = 0;
    Message tmp[kQueueDepth];
    for (uint8_t i = 0; i < s.count; ++i) {
      const Message& m = s.queue[(s.head + i) % kQueueDepth];
      if (m.sender_pid != pid || m.kind == abi::MessageKind::Scalar ||
          m.kind == abi::MessageKind::Move) {
        tmp[kept++] = m;
      } else {
        drop_message(static_cast<uint16_t>(&s - servers_), m);
      }
    }
    for (uint8_t i = 0; i < kept; ++i) s.queue[i] = tmp[i];
    s.head = 0;
    const bool freed = kept < s.count;
    s.count = kept;
    if (freed) queue_space(static_cast<uint16_t>(&s - servers_));
  }
  // Its address space goes back in bounded steps (reap, core/preempt.cc): now if no interrupt
  // is pending, otherwise over the next kernel exits, before any other thread runs.
  proc.state = ProcessState::Dying;
  exit_work_ |= kExitReap;
  reap();
  pick_next();
}

}  // namespace courier
