// preempt_test.cc — long calls stopped at preemption points (core/preempt.h): a call stopped
// at any of its points and then issued again ends exactly as one that ran whole; what it left
// meanwhile is invisible and untouchable; a different call, another thread, or the process's
// death in between leaves nothing behind; dead processes are reaped in steps. The fixture's
// fake platform decides which preemption point finds an interrupt pending (g_preempt), and
// check_invariants() runs after every step (sys()), so every stopped state is checked too.
#include "courier/core/sv32.h"
#include "kernel_fixture.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::Syscall;

constexpr uint32_t kPage = kstd::kPageSize;
constexpr uint32_t kVa = 0x3000'0000;

class PreemptTest : public KernelTest {
 protected:
  uint32_t free_pages() { return k_->frames().free_count(); }
  bool mapped(Pid pid, uint32_t va) { return k_->process(pid).space.lookup(kstd::VirtAddr(va)).has_value(); }
  // Every page of [va, va + pages) mapped read-write and zero.
  void expect_zeroed(Pid pid, uint32_t va, uint32_t pages) {
    for (uint32_t i = 0; i < pages; ++i) {
      const auto m = k_->process(pid).space.lookup(kstd::VirtAddr(va + i * kPage));
      ASSERT_TRUE(m.has_value()) << i;
      EXPECT_EQ(m->flags, kRw);
      EXPECT_EQ(k_->frames().owner(m->pfn), Owner::process(pid));
      for (uint32_t b = 0; b < kPage; b += 512) ASSERT_EQ(frame_ptr(m->pfn)[b], 0) << i;
    }
  }
};

TEST_F(PreemptTest, AMapStoppedAtAnyPointEndsAsIfItRanWhole) {
  constexpr uint32_t kPages = 8;
  const Pid ref = spawn("ref");
  const uint32_t ref_before = free_pages();
  ASSERT_EQ(sys(main_thread(ref), Syscall::map_memory, kVa, kPages * kPage, kRw).error, Error::Ok);
  const uint32_t taken = ref_before - free_pages();  // the pages and a second-level table
  const uint64_t points = g_preempt.checks;
  ASSERT_EQ(points, kPages - 1);  // one point after each page but the last
  for (int64_t at = 0; at < static_cast<int64_t>(points); ++at) {
    const Pid pid = spawn("p");
    Thread& t = main_thread(pid);
    const uint32_t before = free_pages(), owned = owned_by(pid);
    g_preempt = FakePreemption{at, false, 0};
    const uint32_t pc = t.frame.pc;
    sys(t, Syscall::map_memory, kVa, kPages * kPage, kRw);
    ASSERT_TRUE(parked(t, pc)) << at;
    // The registers are still the call's, nothing of the range is mapped yet, but its frames
    // are spoken for: nobody else can take them meanwhile.
    EXPECT_EQ(t.frame.a(0), kVa);
    EXPECT_EQ(t.frame.a(1), kPages * kPage);
    EXPECT_EQ(t.frame.a(2), kRw);
    for (uint32_t i = 0; i < kPages; ++i) EXPECT_FALSE(mapped(pid, kVa + i * kPage)) << i;
    EXPECT_EQ(free_pages(), before - taken);
    g_preempt = FakePreemption{};
    const Ret r = sys(t, Syscall::map_memory, kVa, kPages * kPage, kRw);
    ASSERT_EQ(r.error, Error::Ok) << at;
    EXPECT_EQ(r.r[0], kVa);
    EXPECT_EQ(free_pages(), before - taken);
    EXPECT_EQ(owned_by(pid), owned + kPages);
    EXPECT_EQ(k_->process(pid).page_count, k_->process(ref).page_count);
    expect_zeroed(pid, kVa, kPages);
    k_->destroy_process(pid, 0);
    EXPECT_EQ(free_pages(), before + owned + 3);  // its pages, its stack, its tables: all back
  }
}

TEST_F(PreemptTest, AMapUnderConstantInterruptsStillProgresses) {
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  g_preempt.always = true;  // every preemption point finds an interrupt pending
  uint32_t entries = 0;
  const Ret r = sys_until_done(t, Syscall::map_memory, kVa, 16 * kPage, kRw, 0, 0, 0, &entries);
  ASSERT_EQ(r.error, Error::Ok);
  EXPECT_EQ(entries, 16u);  // one page each time, the last one published with it
  expect_zeroed(pid, kVa, 16);
}

TEST_F(PreemptTest, AHalfMadeRangeIsInvisibleAndUntouchable) {
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  const Ret stack = sys(t, Syscall::map_memory, 0, kPage, kRw);
  auto other = k_->create_thread(pid, 0x10000, stack.r[0] + kPage, 0, abi::kDefaultPriority);
  ASSERT_TRUE(other.is_ok());
  Thread& t2 = k_->thread(other.value());
  g_preempt = FakePreemption{2, false, 0};
  const uint32_t pc = t.frame.pc;
  sys(t, Syscall::map_memory, kVa, 8 * kPage, kRw);
  ASSERT_TRUE(parked(t, pc));
  // To the process's other thread the range is not mapped yet: unmap, protect and rings see
  // nothing there (as before the call), and nothing can be mapped over it (as after).
  EXPECT_EQ(sys(t2, Syscall::unmap_memory, kVa, kPage).error, Error::BadAddress);
  EXPECT_EQ(sys(t2, Syscall::unmap_memory, kVa + 5 * kPage, kPage).error, Error::BadAddress);
  EXPECT_EQ(sys(t2, Syscall::update_memory_flags, kVa, 8 * kPage, abi::kMemRead).error,
            Error::BadAddress);
  EXPECT_EQ(sys(t2, Syscall::ring_setup, kVa).error, Error::BadAddress);
  EXPECT_EQ(sys(t2, Syscall::map_memory, kVa + 7 * kPage, kPage, kRw).error, Error::AlreadyExists);
  EXPECT_EQ(sys(t2, Syscall::map_physical, 0x1000'1000, kVa, kPage, kRw).error,
            Error::AlreadyExists);
  EXPECT_EQ(sys(t2, Syscall::debug_write, kVa, 16).error, Error::BadAddress);
  const Ret elsewhere = sys(t2, Syscall::map_memory, 0, 4 * kPage, kRw);
  ASSERT_EQ(elsewhere.error, Error::Ok);
  EXPECT_TRUE(elsewhere.r[0] + 4 * kPage <= kVa || elsewhere.r[0] >= kVa + 8 * kPage);
  // The stopped call then ends as it would have.
  const Ret r = sys(t, Syscall::map_memory, kVa, 8 * kPage, kRw);
  ASSERT_EQ(r.error, Error::Ok);
  expect_zeroed(pid, kVa, 8);
}

TEST_F(PreemptTest, ADifferentCallAbandonsTheStoppedOneAndItLeavesNothing) {
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  const uint32_t before = free_pages();
  g_preempt = FakePreemption{1, false, 0};
  uint32_t pc = t.frame.pc;
  sys(t, Syscall::map_memory, kVa, 8 * kPage, kRw);
  ASSERT_TRUE(parked(t, pc));
  // A call that cannot stop leaves it be: the thread can still issue it again.
  EXPECT_EQ(sys(t, Syscall::null).error, Error::Ok);
  EXPECT_EQ(t.cont.op, Split::MapMemory);
  // Another long call abandons it: as if it had never been made.
  const Ret r = sys(t, Syscall::map_memory, kVa + 64 * kPage, kPage, kRw);
  ASSERT_EQ(r.error, Error::Ok);
  EXPECT_EQ(t.cont.op, Split::None);
  for (uint32_t i = 0; i < 8; ++i) EXPECT_FALSE(mapped(pid, kVa + i * kPage));
  EXPECT_FALSE(k_->process(pid).space.any_mapped(kstd::VirtAddr(kVa), 8));
  EXPECT_EQ(free_pages(), before - 1 - 1);  // the one page, and the table both ranges share
  // The same call with other registers is another call too.
  g_preempt = FakePreemption{1, false, 0};
  pc = t.frame.pc;
  sys(t, Syscall::map_memory, kVa, 8 * kPage, kRw);
  ASSERT_TRUE(parked(t, pc));
  g_preempt = FakePreemption{};
  EXPECT_EQ(sys(t, Syscall::map_memory, kVa, 8 * kPage, abi::kMemRead).error, Error::Ok);
  EXPECT_EQ(k_->process(pid).space.lookup(kstd::VirtAddr(kVa))->flags, abi::kMemRead);
}

TEST_F(PreemptTest, AProcessDyingMidMapLeaksNothing) {
  const uint32_t before = free_pages();
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  g_preempt = FakePreemption{100, false, 0};
  const uint32_t pc = t.frame.pc;
  sys(t, Syscall::map_memory, kVa, 300 * kPage, kRw);
  ASSERT_TRUE(parked(t, pc));
  EXPECT_GT(owned_by(pid), 100u);
  g_preempt = FakePreemption{};
  k_->destroy_process(pid, 0);
  EXPECT_EQ(free_pages(), before);
  EXPECT_EQ(k_->frames().reserved(), 0u);
  EXPECT_EQ(k_->process(pid).state, ProcessState::Free);
}

TEST_F(PreemptTest, AThreadExitingMidMapLeaksNothing) {
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  const Ret stack = sys(t, Syscall::map_memory, 0, kPage, kRw);
  auto other = k_->create_thread(pid, 0x10000, stack.r[0] + kPage, 0, abi::kDefaultPriority);
  ASSERT_TRUE(other.is_ok());
  Thread& t2 = k_->thread(other.value());
  const uint32_t before = free_pages();
  g_preempt = FakePreemption{3, false, 0};
  const uint32_t pc = t2.frame.pc;
  sys(t2, Syscall::map_memory, kVa, 8 * kPage, kRw);
  ASSERT_TRUE(parked(t2, pc));
  g_preempt = FakePreemption{};
  sys(t2, Syscall::exit_thread);  // issues something else instead, and is gone
  EXPECT_EQ(free_pages(), before - 1);  // only the table the range needed stays, empty
  EXPECT_FALSE(k_->process(pid).space.any_mapped(kstd::VirtAddr(kVa), 8));
}

TEST_F(PreemptTest, TheSearchForRoomStopsAndResumesToo) {
  // Two pages in each of 24 consecutive 4 MiB slots from the heap hint leave no run of 600
  // pages there: map_memory(0, ...) must scan all those tables before it finds room.
  auto fragment = [&](Pid pid) {
    Thread& t = main_thread(pid);
    for (uint32_t slot = 0; slot < 24; ++slot) {
      const uint32_t base = 0x2000'0000 + slot * sv32::kMegapage;
      EXPECT_EQ(sys(t, Syscall::map_memory, base, kPage, kRw).error, Error::Ok);
      EXPECT_EQ(sys(t, Syscall::map_memory, base + 512 * kPage, kPage, kRw).error, Error::Ok);
    }
  };
  const Pid ref = spawn("ref");
  fragment(ref);
  const Ret whole = sys(main_thread(ref), Syscall::map_memory, 0, 600 * kPage, kRw);
  ASSERT_EQ(whole.error, Error::Ok);
  EXPECT_EQ(whole.r[0], 0x2000'0000u + 24 * sv32::kMegapage - 511 * kPage);
  k_->destroy_process(ref, 0);
  const Pid pid = spawn("p");
  fragment(pid);
  g_preempt.always = true;
  uint32_t entries = 0;
  const Ret r =
      sys_until_done(main_thread(pid), Syscall::map_memory, 0, 600 * kPage, kRw, 0, 0, 0, &entries);
  ASSERT_EQ(r.error, Error::Ok);
  EXPECT_EQ(r.r[0], whole.r[0]);
  EXPECT_GT(entries, 600u);  // the search's steps, then one page per entry
}

TEST_F(PreemptTest, ADeadProcessIsReapedInStepsAndEverythingComesBack) {
  spawn("init");  // pid 1: its end would stop the machine
  const uint32_t before = free_pages();
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  for (uint32_t slot = 0; slot < 16; ++slot)  // pages in many tables
    ASSERT_EQ(sys(t, Syscall::map_memory, 0x2000'0000 + slot * sv32::kMegapage, 20 * kPage, kRw).error,
              Error::Ok);
  g_preempt.always = true;
  k_->destroy_process(pid, 0);
  EXPECT_EQ(k_->process(pid).state, ProcessState::Dying);
  EXPECT_TRUE(k_->exit_work());
  k_->check_invariants();
  uint32_t steps = 1;
  while (k_->process(pid).state == ProcessState::Dying) {
    k_->reap();
    k_->check_invariants();  // every partial state is a valid one
    ASSERT_LT(++steps, 1000u);
  }
  EXPECT_GT(steps, 5u);  // 320 pages and 16 tables: several steps of 64 units
  EXPECT_FALSE(k_->exit_work());
  EXPECT_EQ(free_pages(), before);
  // The slot is free for a new process.
  g_preempt = FakePreemption{};
  EXPECT_EQ(spawn("again"), pid);
}

TEST_F(PreemptTest, AnUnmapStoppedAtAnyPointEndsAsIfItRanWhole) {
  constexpr uint32_t kPages = 3 * Budget::kEditsPerPoint + 5;
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  const uint32_t before = free_pages();
  const uint32_t count = k_->process(pid).page_count;
  ASSERT_EQ(sys(t, Syscall::map_memory, kVa, kPages * kPage, kRw).error, Error::Ok);
  g_preempt = FakePreemption{};
  ASSERT_EQ(sys(t, Syscall::unmap_memory, kVa, kPages * kPage).error, Error::Ok);
  const uint64_t points = g_preempt.checks;
  ASSERT_EQ(points, 3u);  // one every Budget::kEditsPerPoint pages
  for (int64_t at = 0; at < static_cast<int64_t>(points); ++at) {
    ASSERT_EQ(sys(t, Syscall::map_memory, kVa, kPages * kPage, kRw).error, Error::Ok);
    g_preempt = FakePreemption{at, false, 0};
    const uint32_t pc = t.frame.pc;
    sys(t, Syscall::unmap_memory, kVa, kPages * kPage);
    ASSERT_TRUE(parked(t, pc)) << at;
    // It has taken effect: no page of the range is mapped for anyone any more.
    for (uint32_t i = 0; i < kPages; ++i) EXPECT_FALSE(mapped(pid, kVa + i * kPage)) << i;
    EXPECT_TRUE(k_->process(pid).space.any_mapped(kstd::VirtAddr(kVa), kPages));  // still held
    g_preempt = FakePreemption{};
    EXPECT_EQ(sys(t, Syscall::unmap_memory, kVa, kPages * kPage).error, Error::Ok);
    EXPECT_FALSE(k_->process(pid).space.any_mapped(kstd::VirtAddr(kVa), kPages));
    EXPECT_EQ(free_pages(), before - 1);  // the range's table stays, empty
    EXPECT_EQ(k_->process(pid).page_count, count);
  }
}

TEST_F(PreemptTest, AStoppedUnmapsPagesAreGoneForOtherThreadsAndAnotherCallFinishesIt) {
  constexpr uint32_t kPages = 2 * Budget::kEditsPerPoint;
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  const Ret stack = sys(t, Syscall::map_memory, 0, kPage, kRw);
  auto other = k_->create_thread(pid, 0x10000, stack.r[0] + kPage, 0, abi::kDefaultPriority);
  ASSERT_TRUE(other.is_ok());
  Thread& t2 = k_->thread(other.value());
  ASSERT_EQ(sys(t, Syscall::map_memory, kVa, kPages * kPage, kRw).error, Error::Ok);
  // Device pages in the range too: their claim goes with them.
  ASSERT_EQ(sys(t, Syscall::map_physical, 0x1000'1000, kVa + kPages * kPage, kPage, kRw).error,
            Error::Ok);
  const uint32_t before = free_pages();
  g_preempt = FakePreemption{0, false, 0};
  const uint32_t pc = t.frame.pc;
  sys(t, Syscall::unmap_memory, kVa, (kPages + 1) * kPage);
  ASSERT_TRUE(parked(t, pc));
  const uint32_t last = kVa + (kPages - 1) * kPage;
  EXPECT_EQ(sys(t2, Syscall::unmap_memory, last, kPage).error, Error::BadAddress);
  EXPECT_EQ(sys(t2, Syscall::update_memory_flags, last, kPage, abi::kMemRead).error,
            Error::BadAddress);
  EXPECT_EQ(sys(t2, Syscall::map_memory, last, kPage, kRw).error, Error::AlreadyExists);
  EXPECT_EQ(sys(t2, Syscall::map_physical, 0x1000'1000, 0, kPage, kRw).error, Error::AlreadyExists);
  // The thread issues something else: the unmap is finished first, then that call runs.
  EXPECT_EQ(sys(t, Syscall::map_memory, last, kPage, kRw).error, Error::Ok);
  EXPECT_EQ(t.cont.op, Split::None);
  EXPECT_EQ(free_pages(), before + kPages - 1);
  EXPECT_EQ(sys(t2, Syscall::map_physical, 0x1000'1000, 0, kPage, kRw).error, Error::Ok);
}

TEST_F(PreemptTest, AProcessDyingMidUnmapLeaksNothing) {
  spawn("init");
  const uint32_t before = free_pages();
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  ASSERT_EQ(sys(t, Syscall::map_memory, kVa, 300 * kPage, kRw).error, Error::Ok);
  g_preempt = FakePreemption{1, false, 0};
  const uint32_t pc = t.frame.pc;
  sys(t, Syscall::unmap_memory, kVa, 300 * kPage);
  ASSERT_TRUE(parked(t, pc));
  g_preempt = FakePreemption{};
  k_->destroy_process(pid, 0);
  EXPECT_EQ(free_pages(), before);
}

}  // namespace
}  // namespace courier::test
