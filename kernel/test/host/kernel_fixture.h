// kernel_fixture.h — a fresh Kernel over fake physical memory, for host tests.
//
// Each test gets 4 MiB of "RAM" at physical 0x8000_0000 (a host buffer), a Kernel initialised
// over it, and helpers to start processes from a synthetic boot archive and to issue syscalls
// as any thread, through the same dispatcher the rv32 kernel uses.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "courier/abi/syscall.h"
#include "courier/core/kernel.h"
#include "courier/core/phys.h"
#include "dispatch.h"
#include "fake_mmu.h"
#include "sync.h"
#include "test_support.h"

namespace courier {

// Test-only access to the scheduler: make any live thread the current one.
struct KernelTestAccess {
  static void run(Kernel& k, Thread& t) {
    if (k.current_ == &t) return;
    if (k.current_ != nullptr) k.enqueue_ready(*k.current_, true);
    if (t.state == ThreadState::Ready) k.remove_ready(t);
    t.state = ThreadState::Running;
    k.current_ = &t;
  }
};

namespace test {

inline constexpr uint32_t kRamBase = 0x8000'0000;
inline constexpr uint32_t kRamPages = 1024;
inline constexpr uint32_t kKernelPages = 16;

struct Ret {
  abi::Error error;
  uint32_t r[7];
};

// What a process's boot archive record grants it (abi/boot_archive.h); the defaults are the
// build's for an ordinary program: first thread and ceiling at kDefaultPriority, no line.
struct Grant {
  uint32_t priority = abi::kDefaultPriority;
  uint32_t max_priority = abi::kDefaultPriority;
  uint32_t irq_lines = 0;
};

class KernelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ram_.assign((kRamPages + 1) * kstd::kPageSize, 0);
    auto base = reinterpret_cast<uintptr_t>(ram_.data());
    base = (base + kstd::kPageSize - 1) & ~uintptr_t{kstd::kPageSize - 1};
    g_phys_offset = base - kRamBase;
    k_ = std::make_unique<Kernel>();
    k_->init(kstd::Pfn(kRamBase >> 12), kRamPages, kstd::Pfn((kRamBase >> 12) + kKernelPages));
    k_->mmio_windows[0] = Kernel::MmioWindow{0x1000'1000, 0x8000};
    k_->mmio_window_count = 1;
    fake::g_mmu_log.clear();
    g_preempt = FakePreemption{};
  }

  void TearDown() override {
    if (!HasFailure()) k_->check_invariants();
  }

  // Starts a process with a 4 KiB text segment at 0x10000 and a 8 KiB stack, with `grant`'s
  // priorities and interrupt lines; returns its pid.
  Pid spawn(const char* name, Grant grant = {}) {
    std::vector<uint32_t> words(0x2000 / 4, 0);
    auto* bytes = reinterpret_cast<uint8_t*>(words.data());
    abi::ArchiveHeader h{abi::kArchiveMagic, abi::kArchiveVersion, 0x2000, 1, 1};
    abi::ArchiveProcess p{};
    std::strncpy(p.name, name, sizeof p.name - 1);
    p.entry = 0x10000;
    p.first_segment = 0;
    p.segment_count = 1;
    p.stack_size = 8192;
    p.priority = grant.priority;
    p.max_priority = grant.max_priority;
    p.irq_lines = grant.irq_lines;
    abi::ArchiveSegment s{0x10000, 0x1000, 0x10, 0x1000, abi::kSegRead | abi::kSegExec};
    std::memcpy(bytes, &h, sizeof h);
    std::memcpy(bytes + sizeof h, &p, sizeof p);
    std::memcpy(bytes + sizeof h + sizeof p, &s, sizeof s);
    auto archive = BootArchive::parse({bytes, words.size() * 4});
    EXPECT_TRUE(archive.is_ok());
    Pid before[kMaxProcesses] = {};
    for (Pid i = 0; i < kMaxProcesses; ++i) before[i] = k_->process(i).state == ProcessState::Alive;
    EXPECT_TRUE(k_->load(archive.value()).is_ok());
    for (Pid i = 1; i < kMaxProcesses; ++i) {
      if (!before[i] && k_->process(i).state == ProcessState::Alive) return i;
    }
    ADD_FAILURE() << "no process created";
    return 0;
  }

  // The first (main) thread of `pid` (never its interrupt context).
  Thread& main_thread(Pid pid) {
    for (Tid t = 0; t < kMaxThreads; ++t) {
      Thread& th = k_->thread(t);
      if (th.state != ThreadState::Free && th.pid == pid && !th.handler) return th;
    }
    ADD_FAILURE() << "no thread in process " << pid;
    return k_->thread(0);
  }

  enum class Path { Normal, SlowOnly };
  // Runs f with every fastpath off: the slow path alone (the reference the fastpaths match).
  template <class F>
  static void slow_only(F&& f) {
    dispatch::g_memory_fastpath = false;
    f();
    dispatch::g_memory_fastpath = true;
  }

  // Issues a syscall as thread `t` (made current first), through the fastpath when it applies,
  // like the rv32 trap handler. Returns what t's registers say afterwards (meaningful when t
  // did not block).
  Ret sys(Thread& t, abi::Syscall n, uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0,
          uint32_t a3 = 0, uint32_t a4 = 0, uint32_t a5 = 0, Path path = Path::Normal) {
    KernelTestAccess::run(*k_, t);
    const uint32_t args[6] = {a0, a1, a2, a3, a4, a5};
    for (int i = 0; i < 6; ++i) t.frame.a(i) = args[i];
    t.frame.a(7) = static_cast<uint32_t>(n);
    t.frame.pc += 4;
    if (path == Path::SlowOnly) {
      slow_only([&] { dispatch::syscall(*k_); });
    } else if (!sync::fastpath(*k_)) {
      dispatch::syscall(*k_);  // with the lend fastpath inside (dispatch.h)
    }
    // The page tables against every record, after every step (core/invariants.cc).
    k_->check_invariants();
    return result(t);
  }

  // True if `t`'s last call stopped at a preemption point: its pc is back on the ecall (as it
  // was before sys() moved it past) and its registers are still the call's.
  static bool parked(const Thread& t, uint32_t pc_before) { return t.frame.pc == pc_before; }

  // Issues a call as sys() does, again and again while it stops at preemption points (as the
  // thread would once the interrupt was taken); *entries counts the kernel entries it took.
  Ret sys_until_done(Thread& t, abi::Syscall n, uint32_t a0 = 0, uint32_t a1 = 0,
                     uint32_t a2 = 0, uint32_t a3 = 0, uint32_t a4 = 0, uint32_t a5 = 0,
                     uint32_t* entries = nullptr) {
    uint32_t count = 0;
    for (;;) {
      const uint32_t pc = t.frame.pc;
      const Ret r = sys(t, n, a0, a1, a2, a3, a4, a5);
      ++count;
      if (!parked(t, pc) || t.state != ThreadState::Running) {
        if (entries != nullptr) *entries = count;
        return r;
      }
    }
  }

  static Ret result(Thread& t) {
    return Ret{static_cast<abi::Error>(t.frame.a(0)),
               {t.frame.a(1), t.frame.a(2), t.frame.a(3), t.frame.a(4), t.frame.a(5), t.frame.a(6),
                t.frame.a(7)}};
  }

  uint32_t owned_by(Pid pid) { return k_->frames().count_owned_by(Owner::process(pid)); }
  uint32_t tables_of(Pid pid) { return k_->frames().count_owned_by(Owner::page_table(pid)); }

  std::vector<uint8_t> ram_;
  std::unique_ptr<Kernel> k_;
};

inline constexpr uint32_t kRw = abi::kMemRead | abi::kMemWrite;

}  // namespace test
}  // namespace courier
