// world.cc — see gen.h: what each Step does to the kernel, and the checks after every step.
//
// The World is the host fixture (kernel_fixture.h) used outside GoogleTest's control: its RAM,
// its kernel, its spawn(). Syscalls go through sync::fastpath and dispatch::syscall exactly as
// the fixture's sys() does (with a6 too, which lend_memory needs). A thread's loads and stores
// walk its Sv32 tables as the hardware would, so what a process can touch is what its page
// table entries say, not what the kernel's records say; a faulting access goes through
// dispatch::user_fault, as on rv32.
#include <cstdarg>
#include <cstdlib>
#include <cstring>

#include "courier/abi/irq.h"
#include "courier/abi/ring.h"
#include "courier/core/cause.h"
#include "courier/core/console.h"
#include "courier/core/sv32.h"
#include "gen.h"
#include "test_support.h"

namespace courier::gen {

using abi::Error;
using abi::Syscall;

namespace {

const char* syscall_name(uint32_t n) {
  switch (n) {
#define COURIER_SYSCALL(num, name, summary) \
  case num:                                 \
    return #name;
#include "courier/abi/syscalls.def"
#undef COURIER_SYSCALL
  }
  return nullptr;
}

const char* state_name(ThreadState s) {
  switch (s) {
    case ThreadState::Free: return "Free";
    case ThreadState::Ready: return "Ready";
    case ThreadState::Running: return "Running";
    case ThreadState::Receiving: return "Receiving";
    case ThreadState::Calling: return "Calling";
    case ThreadState::Lending: return "Lending";
    case ThreadState::SendBlocked: return "SendBlocked";
    case ThreadState::Connecting: return "Connecting";
    case ThreadState::Waiting: return "Waiting";
    case ThreadState::RingWait: return "RingWait";
    case ThreadState::IrqIdle: return "IrqIdle";
    case ThreadState::Preempted: return "Preempted";
  }
  return "?";
}

const char* owner_name(OwnerKind k) {
  switch (k) {
    case OwnerKind::Free: return "free";
    case OwnerKind::Kernel: return "kernel";
    case OwnerKind::Process: return "process";
    case OwnerKind::PageTable: return "page-table";
  }
  return "?";
}

std::string hex(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, v < 10 ? "%u" : "0x%x", v);
  return b;
}

std::string args_cpp(const uint32_t* a, uint32_t n) {
  while (n > 0 && a[n - 1] == 0) --n;  // trailing zeros are the default
  std::string s = "{";
  for (uint32_t i = 0; i < n; ++i) s += (i ? ", " : "") + hex(a[i]);
  return s + "}";
}

std::string number_cpp(uint32_t n) {
  const char* name = syscall_name(n);
  return name ? std::string("Syscall::") + name : "static_cast<Syscall>(" + hex(n) + ")";
}

constexpr uint32_t kPage = kstd::kPageSize;

}  // namespace

std::string to_cpp(const Step& s) {
  switch (s.op) {
    case Op::Spawn: return "spawn()";
    case Op::Sys:
      return std::string(s.slow ? "sys_slow(" : "sys(") + std::to_string(s.tid) + ", " +
             number_cpp(s.number) + ", " + args_cpp(s.a, 7) + ")";
    case Op::Store:
      return "store(" + std::to_string(s.tid) + ", " + hex(s.a[0]) + ", " + hex(s.a[1]) + ")";
    case Op::Ring:
      return "ring(" + std::to_string(s.tid) + ", " + number_cpp(s.number) + ", " + hex(s.a[6]) +
             ", " + args_cpp(s.a, 6) + ")";
    case Op::Fault:
      if (s.a[0] == 0 && s.a[1] == 0) return "fault(" + std::to_string(s.tid) + ")";
      return "fault(" + std::to_string(s.tid) + ", " + hex(s.a[0]) + ", " + hex(s.a[1]) + ")";
    case Op::Irq: return "irq(" + hex(s.a[0]) + ")";
    case Op::Timer: return "timer(" + hex(s.a[0]) + ")";
    case Op::Idle: return "idle()";
    case Op::Kill: return "kill(" + std::to_string(s.tid) + ")";
  }
  return "?";
}

void World::reset() {
  SetUp();
  for (Ecall& e : ecall_) e = Ecall{};
  trace_ = nullptr;
  // Every global the kernel or the host platform keeps starts afresh, so a run depends only on
  // its steps (a replay must do what the original did).
  klog::reset();
  test::console_output.clear();
  test::g_irq = test::FakeIrqController{};
  test::g_now = 0;
  baseline_free_ = k_->frames().free_count();
}

World::~World() = default;

Step World::sys_step(Tid tid, Syscall n, std::initializer_list<uint32_t> args, bool slow) {
  Step s{Op::Sys, slow, tid, static_cast<uint32_t>(n), {}};
  uint32_t i = 0;
  for (uint32_t v : args) {
    if (i < 7) s.a[i++] = v;
  }
  return s;
}

void World::ring(Tid tid, Syscall n, uint32_t tag, std::initializer_list<uint32_t> args) {
  Step s{Op::Ring, false, tid, static_cast<uint32_t>(n), {}};
  uint32_t i = 0;
  for (uint32_t v : args) {
    if (i < 6) s.a[i++] = v;
  }
  s.a[6] = tag;
  run(s);
}

bool World::can_act(Tid tid) const {
  if (tid >= kMaxThreads) return false;
  const Thread& t = k_->thread(tid);
  if (k_->active_irq() != 0) return t.handler && k_->current() == &t;  // the hart is in it
  return (t.state == ThreadState::Ready || t.state == ThreadState::Running) && !t.handler &&
         k_->process(t.pid).state == ProcessState::Alive;
}

bool World::rewound(Tid tid) const {
  const Thread& t = k_->thread(tid);
  // A fresh thread starts with a7 = 0, which names no call that can be retried.
  return can_act(tid) && ecall_[tid].number != 0 && t.frame.pc == ecall_[tid].pc &&
         t.frame.a(7) == ecall_[tid].number;
}

void World::run(const Step& s) {
  if (trace_) {
    std::fprintf(trace_, "  w.%s;", to_cpp(s).c_str());
    std::fflush(trace_);
  }
  const std::string outcome = execute(s);
  if (trace_) {
    std::fprintf(trace_, "  // %s\n", outcome.c_str());
    std::fflush(trace_);
  }
  // Host-side logs grow with every step; nothing reads them here.
  test::console_output.clear();
  fake::g_mmu_log.clear();
  check();
  // The step's kernel entry stopped reaping a dead process at a preemption point: the next
  // kernel exit goes on with it, as the rv32 trap exit does, and ends it (nothing pending now).
  if (k_->reaping()) {
    k_->reap();
    check();
  }
}

std::string World::execute(const Step& s) {
  switch (s.op) {
    case Op::Spawn: {
      // Refused up front when it could not succeed, so the fixture's spawn never reports a
      // test failure: a root table, text, two stack pages and two second-level tables.
      if (k_->active_irq() != 0) return "skipped: a handler runs";
      bool slot = false, thread = false;
      for (Pid p = 1; p < kMaxProcesses; ++p) slot |= k_->process(p).state == ProcessState::Free;
      for (Tid t = 0; t < kMaxThreads; ++t) thread |= k_->thread(t).state == ThreadState::Free;
      if (!slot || !thread || k_->frames().free_count() < 8) return "skipped: no room";
      // Lines 1, 5 and 10 granted (of the generator's 0, 1, 5, 10, 31, 32), ceiling 2: both
      // sides of each policy come up (abi/irq.h, abi/syscall.h).
      const Pid pid = KernelTest::spawn(
          "gen", test::Grant{abi::kDefaultPriority, 2, (1u << 1) | (1u << 5) | (1u << 10)});
      for (Tid t = 0; t < kMaxThreads; ++t) {
        const Thread& th = k_->thread(t);
        if (th.state != ThreadState::Free && th.pid == pid) {
          ecall_[t] = Ecall{};
          return "pid " + std::to_string(pid) + ", tid " + std::to_string(t);
        }
      }
      return "pid " + std::to_string(pid);
    }
    case Op::Sys: return execute_sys(s);
    case Op::Store:
    case Op::Ring:
    case Op::Fault: {
      if (!can_act(s.tid)) return "skipped: the thread cannot run";
      resume(s.tid);
      if (!can_act(s.tid)) return "skipped: its retried call blocked";
      Thread& t = k_->thread(s.tid);
      KernelTestAccess::run(*k_, t);
      if (s.op == Op::Fault) {
        const bool returns = t.handler && s.a[1] == abi::kIrqReturnAddress;
        dispatch::user_fault(*k_, s.a[0] ? s.a[0] : static_cast<uint32_t>(Cause::IllegalInstr),
                             s.a[1] ? s.a[1] : t.frame.pc, 0);
        return returns ? "the handler returned" : "process killed";
      }
      if (s.op == Op::Store) return user_store(t, s.a[0], s.a[1]) ? "stored" : "process killed";
      if (t.ring_va == 0) return "skipped: no ring";
      const uint32_t ring = t.ring_va;
      uint32_t tail = 0;
      if (!user_load(t, ring + offsetof(abi::RingHeader, sq_tail), &tail)) return "process killed";
      const uint32_t entry = ring + kPage + (tail % abi::kRingEntries) * sizeof(abi::RingEntry);
      const uint32_t words[8] = {s.number, s.a[6], s.a[0], s.a[1], s.a[2], s.a[3], s.a[4], s.a[5]};
      for (uint32_t i = 0; i < 8; ++i) {
        if (!user_store(t, entry + 4 * i, words[i])) return "process killed";
      }
      if (!user_store(t, ring + offsetof(abi::RingHeader, sq_tail), tail + 1))
        return "process killed";
      return "queued at sq_tail " + hex(tail);
    }
    case Op::Timer:
      test::g_now += s.a[0];
      dispatch::timer(*k_, test::g_now);
      return "now " + hex(static_cast<uint32_t>(test::g_now));
    case Op::Idle:
      if (k_->current() != nullptr || k_->any_ready()) return "skipped: something can run";
      dispatch::drain_rings(*k_);
      return "rings drained";
    case Op::Irq: {
      // The controller latches the line; the hart takes it if the kernel enabled it.
      const uint32_t line = s.a[0];
      if (line == 0 || line >= test::FakeIrqController::kLines) return "skipped: no such line";
      if (k_->active_irq() != 0) return "skipped: a handler runs (the hart masks interrupts)";
      test::g_irq.pending[line] = true;
      dispatch::external_interrupt(*k_);
      return k_->active_irq() != 0 ? "upcall" : "taken, no upcall";
    }
    case Op::Kill:
      if (k_->active_irq() != 0) return "skipped: a handler runs";
      if (s.tid >= kMaxProcesses || k_->process(s.tid).state != ProcessState::Alive)
        return "skipped: not alive";
      k_->destroy_process(s.tid, 137);
      return "killed";
  }
  return "?";
}

void World::issue(Thread& t, uint32_t number, const uint32_t a[7], bool slow) {
  KernelTestAccess::run(*k_, t);
  for (int i = 0; i < 7; ++i) t.frame.a(i) = a[i];
  t.frame.a(7) = number;
  ecall_[t.tid] = Ecall{t.frame.pc, number};
  t.frame.pc += 4;
  if (slow || !sync::fastpath(*k_)) dispatch::syscall(*k_);
}

void World::resume(Tid tid) {
  if (!rewound(tid)) return;
  Thread& t = k_->thread(tid);
  uint32_t a[7];
  for (int i = 0; i < 7; ++i) a[i] = t.frame.a(i);
  issue(t, t.frame.a(7), a, false);
}

std::string World::execute_sys(const Step& s) {
  if (!can_act(s.tid)) return "skipped: the thread cannot run";
  resume(s.tid);
  if (!can_act(s.tid)) return "skipped: its retried call blocked";
  Thread& t = k_->thread(s.tid);
  const Pid pid = t.pid;
  // Some calls find an interrupt pending at one of their first preemption points
  // (core/preempt.h), chosen from the step's place in the run so replays repeat it: they stop
  // there, the thread is rewound, and its next step issues the call again first (resume).
  const uint32_t h = (s.id + 1) * 2654435761u;
  test::g_preempt = test::FakePreemption{(h >> 29) < 3 ? static_cast<int64_t>((h >> 24) & 3) : -1,
                                         false, 0};
  issue(t, s.number, s.a, s.slow);
  test::g_preempt = test::FakePreemption{};
  if (t.state == ThreadState::Free || t.pid != pid) return "the thread ended";
  if (!can_act(s.tid)) return std::string("blocks (") + state_name(t.state) + ")";
  if (rewound(s.tid)) return "waits to retry";
  const uint32_t e = t.frame.a(0);
  if (e > static_cast<uint32_t>(Error::Interrupted))
    fail("%s answered an error code that does not exist: %u", to_cpp(s).c_str(), e);
  // RAM handed to a process is zeroed (DESIGN.md §2): read it as the process would.
  if (s.number == static_cast<uint32_t>(Syscall::map_memory) && e == 0) {
    for (uint32_t off = 0; off < s.a[1]; off += kPage) {
      const uint32_t pa = translate(pid, t.frame.a(1) + off, false);
      if (pa == ~0u || !k_->frames().contains(kstd::Pfn(pa >> 12))) continue;
      const uint8_t* p = frame_ptr(kstd::Pfn(pa >> 12));
      for (uint32_t i = 0; i < kPage; ++i) {
        if (p[i] != 0)
          fail("map_memory handed pid %u a page that is not zeroed (va %#x)", pid,
               t.frame.a(1) + off);
      }
    }
  }
  std::string r = abi::error_name(static_cast<Error>(e));
  if (e == 0) {
    uint32_t shown = 2;
    if (s.number == static_cast<uint32_t>(Syscall::receive) ||
        s.number == static_cast<uint32_t>(Syscall::try_receive) ||
        s.number == static_cast<uint32_t>(Syscall::reply_and_receive_next)) {
      shown = 7;
    }
    for (uint32_t i = 1; i <= shown; ++i) r += " " + hex(t.frame.a(i));
  }
  return r;
}

uint32_t World::translate(Pid pid, uint32_t va, bool write) const {
  const Process& proc = k_->process(pid);
  if (proc.state != ProcessState::Alive || !proc.space.valid()) return ~0u;
  const FrameTable& frames = k_->frames();
  const auto* root = reinterpret_cast<const sv32::Pte*>(frame_ptr(proc.space.root()));
  const sv32::Pte top = root[va >> 22];
  auto allowed = [&](sv32::Pte p) {
    return (p & sv32::kV) && (p & sv32::kU) && (p & sv32::kR) && (!write || (p & sv32::kW));
  };
  if (sv32::is_leaf(top)) {
    if (!allowed(top)) return ~0u;
    return (sv32::pfn_of(top).raw() << 12 & ~(sv32::kMegapage - 1)) | (va & (sv32::kMegapage - 1));
  }
  if (!sv32::is_table(top)) return ~0u;
  // A table the hardware would walk, wherever it points: only RAM can be read here.
  if (!frames.contains(sv32::pfn_of(top))) return ~0u;
  const auto* table = reinterpret_cast<const sv32::Pte*>(frame_ptr(sv32::pfn_of(top)));
  const sv32::Pte leaf = table[(va >> 12) & 0x3ff];
  if (!sv32::is_leaf(leaf) || !allowed(leaf)) return ~0u;
  return (sv32::pfn_of(leaf).raw() << 12) | (va & (kPage - 1));
}

bool World::user_load(Thread& t, uint32_t va, uint32_t* value) {
  va &= ~3u;
  const uint32_t pa = translate(t.pid, va, false);
  if (pa == ~0u) {
    dispatch::user_fault(*k_, static_cast<uint32_t>(Cause::LoadPageFault), t.frame.pc, va);
    return false;
  }
  *value = 0;  // a device reads as zero here
  if (k_->frames().contains(kstd::Pfn(pa >> 12)))
    std::memcpy(value, phys_ptr(kstd::PhysAddr(pa)), 4);
  return true;
}

bool World::user_store(Thread& t, uint32_t va, uint32_t value) {
  va &= ~3u;
  const uint32_t pa = translate(t.pid, va, true);
  if (pa == ~0u) {
    dispatch::user_fault(*k_, static_cast<uint32_t>(Cause::StorePageFault), t.frame.pc, va);
    return false;
  }
  // A store to a device has no memory behind it on the host.
  if (k_->frames().contains(kstd::Pfn(pa >> 12)))
    std::memcpy(phys_ptr(kstd::PhysAddr(pa)), &value, 4);
  return true;
}

void World::fail(const char* fmt, ...) const {
  std::fflush(trace_);
  std::fputs("GEN CHECK FAILED: ", stderr);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fputc('\n', stderr);
  std::fflush(stderr);
  std::abort();
}

// What user code of `pid` can reach through its page tables, held against who owns it: a
// process reaches only its own frames, frames a live lend record lends it, and device pages
// inside the platform's windows (never executable). Free frames, page tables and the kernel's
// pages are out of reach, whatever any record says.
void World::check_reach(Pid pid) {
  const Process& proc = k_->process(pid);
  const FrameTable& frames = k_->frames();
  const kstd::Pfn root_pfn = proc.space.root();
  if (!frames.contains(root_pfn) || frames.owner(root_pfn) != Owner::page_table(pid))
    fail("pid %u: its root table %#x is not its page table", pid, root_pfn.raw());
  const auto* root = reinterpret_cast<const sv32::Pte*>(frame_ptr(root_pfn));
  for (uint32_t i = 0; i < sv32::kEntries; ++i) {
    const sv32::Pte top = root[i];
    if (!(top & sv32::kV)) continue;
    if (sv32::is_leaf(top)) {
      if (top & sv32::kU) fail("pid %u: a user megapage at %#x", pid, i << 22);
      continue;
    }
    if (i < (kUserBase >> 22) || i >= (kUserTop >> 22))
      fail("pid %u: a second-level table outside user space, slot %u", pid, i);
    const kstd::Pfn tpfn = sv32::pfn_of(top);
    if (!frames.contains(tpfn) || frames.owner(tpfn) != Owner::page_table(pid))
      fail("pid %u: the table for %#x (frame %#x) is not its page table", pid, i << 22, tpfn.raw());
    const auto* table = reinterpret_cast<const sv32::Pte*>(frame_ptr(tpfn));
    for (uint32_t j = 0; j < sv32::kEntries; ++j) {
      const sv32::Pte p = table[j];
      if (!sv32::is_leaf(p) || !(p & sv32::kU)) continue;
      const uint32_t va = (i << 22) | (j << 12);
      const kstd::Pfn pfn = sv32::pfn_of(p);
      if (!frames.contains(pfn)) {
        bool in_window = false;
        for (uint32_t w = 0; w < k_->mmio_window_count; ++w) {
          const uint64_t pa = uint64_t{pfn.raw()} << 12;
          in_window |= pa >= k_->mmio_windows[w].base &&
                       pa < uint64_t{k_->mmio_windows[w].base} + k_->mmio_windows[w].size;
        }
        if (!in_window)
          fail("pid %u va %#x reaches pa %#llx: neither RAM nor a device window", pid, va,
               static_cast<unsigned long long>(pfn.raw()) << 12);
        if (p & sv32::kX) fail("pid %u va %#x: a device page is executable", pid, va);
        continue;
      }
      const Owner o = frames.owner(pfn);
      if (o.kind != OwnerKind::Process)
        fail("pid %u va %#x (%s) reaches frame %#x, a %s frame", pid, va, p & sv32::kW ? "rw" : "r",
             pfn.raw(), owner_name(o.kind));
      if (o == Owner::process(pid)) continue;
      // Another process's frame: only through a live lend to this process, marked borrowed.
      bool lent = false;
      for (uint8_t li = 0; li < kMaxLends; ++li) {
        const Lend& l = k_->lend(li);
        lent |= l.active && !l.copy && l.borrower == pid && o == Owner::process(l.lender) &&
                va >= l.borrower_va && va - l.borrower_va < l.pages * kPage;
      }
      if (!(p & sv32::kBorrowed) || !lent)
        fail("pid %u va %#x reaches frame %#x of pid %u without a lend of it", pid, va, pfn.raw(),
             o.pid);
    }
  }
}

void World::check() {
  k_->check_invariants();
  Kernel& k = *k_;
  for (Pid pid = 1; pid < kMaxProcesses; ++pid) {
    if (k.process(pid).state == ProcessState::Alive) check_reach(pid);
  }
  // A registered ring is the thread's own RAM, and the very frames the thread maps there: the
  // kernel writes completions into them.
  for (Tid tid = 0; tid < kMaxThreads; ++tid) {
    const Thread& t = k.thread(tid);
    if (t.state == ThreadState::Free || t.ring_va == 0) continue;
    for (uint32_t i = 0; i < 2; ++i) {
      const kstd::Pfn pfn = t.ring_pfn[i];
      if (!k.frames().contains(pfn) || k.frames().owner(pfn) != Owner::process(t.pid))
        fail("tid %u: ring page %u (frame %#x) is not its process's own: a %s frame", tid, i,
             pfn.raw(),
             k.frames().contains(pfn) ? owner_name(k.frames().owner(pfn).kind) : "non-RAM");
      const uint32_t pa = translate(t.pid, t.ring_va + i * kPage, true);
      if (pa == ~0u || (pa >> 12) != pfn.raw())
        fail("tid %u: ring page %u: the kernel writes frame %#x, the thread maps %#x", tid, i,
             pfn.raw(), pa >> 12);
    }
  }
  // Nothing is lost: when every process has died, every page is free again and no record
  // outlives them.
  if (k.live_processes() == 0 && !k.reaping()) {
    if (k.frames().free_count() != baseline_free_)
      fail("every process has died, but %u pages are free (%u at the start)",
           k.frames().free_count(), baseline_free_);
    for (uint8_t i = 0; i < kMaxLends; ++i) {
      if (k.lend(i).active) fail("every process has died, but lend %u is active", i);
    }
    for (uint16_t s = 0; s < kMaxServers; ++s) {
      if (k.server(s).state != ServerState::Free)
        fail("every process has died, but server %u is alive", s);
    }
    for (Tid tid = 0; tid < kMaxThreads; ++tid) {
      if (k.thread(tid).state != ThreadState::Free)
        fail("every process has died, but tid %u is %s", tid, state_name(k.thread(tid).state));
    }
  }
}

}  // namespace courier::gen
