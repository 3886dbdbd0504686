// memory_test.cc — frames, ownership, Sv32 entries, the memory syscalls and user-pointer
// validation, on the fake MMU. Every bad input is fed and checked for its error and for the
// ownership table being exactly as before.
#include "courier/core/sv32.h"
#include "kernel_fixture.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::Syscall;

TEST_F(KernelTest, FramesStartOwnedByTheKernelOrFree) {
  EXPECT_EQ(k_->frames().count_owned_by(Owner::kernel()), kKernelPages);
  EXPECT_EQ(k_->frames().free_count(), kRamPages - kKernelPages);
  k_->frames().check_invariants();
}

TEST_F(KernelTest, FrameExhaustionIsAnErrorAndFreeingRecovers) {
  FrameTable& f = k_->frames();
  std::vector<kstd::Pfn> got;
  for (;;) {
    auto r = f.alloc(Owner::kernel());
    if (r.is_err()) {
      EXPECT_EQ(r.error(), Error::OutOfMemory);
      break;
    }
    got.push_back(r.value());
  }
  EXPECT_EQ(got.size(), kRamPages - kKernelPages);
  EXPECT_EQ(f.free_count(), 0u);
  for (kstd::Pfn p : got) f.free(p);
  EXPECT_EQ(f.free_count(), kRamPages - kKernelPages);
  f.check_invariants();
}

TEST_F(KernelTest, AllocatedPagesAreZeroed) {
  auto a = k_->frames().alloc(Owner::kernel());
  ASSERT_TRUE(a.is_ok());
  std::memset(frame_ptr(a.value()), 0xab, kstd::kPageSize);
  k_->frames().free(a.value());
  auto b = k_->frames().alloc(Owner::kernel());
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b.value(), a.value());  // the same frame comes back ...
  for (uint32_t i = 0; i < kstd::kPageSize; ++i)
    ASSERT_EQ(frame_ptr(b.value())[i], 0) << i;  // ... zeroed
  k_->frames().free(b.value());
}

TEST_F(KernelTest, DoubleFreeIsAKernelBug) {
  auto a = k_->frames().alloc(Owner::kernel());
  ASSERT_TRUE(a.is_ok());
  k_->frames().free(a.value());
  EXPECT_DEATH(k_->frames().free(a.value()), "assertion failed");
}

TEST_F(KernelTest, UserMappingsAreRealSv32EntriesAndFlushesAreExact) {
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  const Ret r = sys(t, Syscall::map_memory, 0x30000000, 0x2000, kRw);
  ASSERT_EQ(r.error, Error::Ok);
  EXPECT_EQ(r.r[0], 0x30000000u);
  const auto m = k_->process(pid).space.lookup(kstd::VirtAddr(0x30001000));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(k_->frames().owner(m->pfn), Owner::process(pid));
  // Walk the tables by hand, as the hardware would.
  const auto* root = reinterpret_cast<const sv32::Pte*>(frame_ptr(k_->process(pid).space.root()));
  const sv32::Pte top = root[0x30001000 >> 22];
  ASSERT_TRUE(sv32::is_table(top));
  const sv32::Pte leaf =
      reinterpret_cast<const sv32::Pte*>(frame_ptr(sv32::pfn_of(top)))[(0x30001000 >> 12) & 0x3ff];
  EXPECT_EQ(leaf & (sv32::kV | sv32::kR | sv32::kW | sv32::kX | sv32::kU | sv32::kA | sv32::kD),
            sv32::kV | sv32::kR | sv32::kW | sv32::kU | sv32::kA | sv32::kD);
  EXPECT_EQ(sv32::pfn_of(leaf), m->pfn);
  EXPECT_TRUE(fake::g_mmu_log.page_flushes.empty());  // new mappings need no flush

  ASSERT_EQ(sys(t, Syscall::update_memory_flags, 0x30001000, 0x1000, abi::kMemRead).error,
            Error::Ok);
  ASSERT_EQ(fake::g_mmu_log.page_flushes.size(), 1u);
  EXPECT_EQ(fake::g_mmu_log.page_flushes[0].va, 0x30001000u);
  EXPECT_EQ(fake::g_mmu_log.page_flushes[0].asid, k_->process(pid).space.asid());
  ASSERT_EQ(sys(t, Syscall::unmap_memory, 0x30000000, 0x2000).error, Error::Ok);
  EXPECT_EQ(fake::g_mmu_log.page_flushes.size(), 3u);  // one per unmapped page, nothing more
  EXPECT_FALSE(k_->process(pid).space.lookup(kstd::VirtAddr(0x30000000)).has_value());
}

TEST_F(KernelTest, BadMapArgumentsChangeNothing) {
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  const uint32_t free_before = k_->frames().free_count();
  const uint32_t owned_before = owned_by(pid);
  struct Case {
    uint32_t va, bytes, flags;
    Error want;
  } cases[] = {
      {0x30000001, 0x1000, kRw, Error::InvalidArgument},  // unaligned address
      {0x30000000, 0, kRw, Error::InvalidArgument},       // zero length
      {0x30000000, 0x800, kRw, Error::InvalidArgument},   // not whole pages
      {0x30000000, 0x1000, 0, Error::InvalidArgument},    // no permission at all
      {0x30000000, 0x1000, 8, Error::InvalidArgument},    // unknown flag
      {0x80000000, 0x1000, kRw, Error::BadAddress},       // kernel space
      {0x7ffff000, 0x2000, kRw, Error::BadAddress},       // runs into kernel space
      {0xfffff000, 0x2000, kRw, Error::BadAddress},       // wraps around
      {0x00001000, 0x1000, kRw, Error::BadAddress},       // below user space (NULL guard)
      {0x00010000, 0x1000, kRw, Error::AlreadyExists},    // the program's own text
  };
  for (const Case& c : cases) {
    EXPECT_EQ(sys(t, Syscall::map_memory, c.va, c.bytes, c.flags).error, c.want)
        << std::hex << c.va;
    EXPECT_EQ(k_->frames().free_count(), free_before);
    EXPECT_EQ(owned_by(pid), owned_before);
  }
  EXPECT_EQ(sys(t, Syscall::unmap_memory, 0x30000000, 0x1000).error, Error::BadAddress);
  EXPECT_EQ(sys(t, Syscall::unmap_memory, 0x30000800, 0x1000).error, Error::InvalidArgument);
  EXPECT_EQ(sys(t, Syscall::update_memory_flags, 0x30000000, 0x1000, kRw).error, Error::BadAddress);
  EXPECT_EQ(sys(t, Syscall::update_memory_flags, 0x10000, 0x1000, 16).error,
            Error::InvalidArgument);
  EXPECT_EQ(k_->frames().free_count(), free_before);
  k_->check_invariants();
}

TEST_F(KernelTest, SystemWideExhaustionFailsWholeAndLeavesNothingBehind) {
  const Pid a = spawn("a");
  const Pid b = spawn("b");
  // a takes as much as its limit allows, then b runs the system dry.
  uint32_t va = 0x40000000, mapped_a = 0;
  while (sys(main_thread(a), Syscall::map_memory, va, 0x1000, kRw).error == Error::Ok) {
    va += 0x1000;
    ++mapped_a;
  }
  EXPECT_EQ(result(main_thread(a)).error, Error::OutOfMemory);
  const uint32_t free_now = k_->frames().free_count();
  const uint32_t tables_b = tables_of(b);
  ASSERT_GT(free_now, 8u);
  // A request larger than what is left fails whole: no partial mapping survives. (A
  // second-level table it needed may stay, owned by b's page tables: nothing is lost.)
  const Ret big =
      sys(main_thread(b), Syscall::map_memory, 0x40000000, (free_now + 8) * 0x1000, kRw);
  EXPECT_EQ(big.error, Error::OutOfMemory);
  EXPECT_EQ(k_->frames().free_count() + (tables_of(b) - tables_b), free_now);
  EXPECT_EQ(owned_by(b), 2u + 1u);  // text page and two stack pages, as before
  EXPECT_FALSE(k_->process(b).space.lookup(kstd::VirtAddr(0x40000000)).has_value());
  k_->check_invariants();
  EXPECT_GT(mapped_a, 400u);
}

TEST_F(KernelTest, UserRangesAreCheckedPageByPage) {
  const Pid pid = spawn("p");
  Thread& t = main_thread(pid);
  ASSERT_EQ(sys(t, Syscall::map_memory, 0x30000000, 0x2000, kRw).error, Error::Ok);
  ASSERT_EQ(sys(t, Syscall::map_memory, 0x30003000, 0x1000, abi::kMemRead).error, Error::Ok);
  EXPECT_TRUE(k_->check_user_range(pid, 0x30000ff0, 0x20, true).is_ok());  // spans two pages
  EXPECT_EQ(k_->check_user_range(pid, 0x30001ff0, 0x20, false).error(),
            Error::BadAddress);  // into a hole
  EXPECT_EQ(k_->check_user_range(pid, 0x30003000, 4, true).error(),
            Error::BadAddress);  // read-only
  EXPECT_TRUE(k_->check_user_range(pid, 0x30003000, 4, false).is_ok());
  EXPECT_EQ(k_->check_user_range(pid, 0xfffffff0, 0x20, false).error(),
            Error::BadAddress);                                                           // wraps
  EXPECT_EQ(k_->check_user_range(pid, 0x80000000, 4, false).error(), Error::BadAddress);  // kernel
  EXPECT_EQ(k_->check_user_range(pid, 0, 4, false).error(), Error::BadAddress);           // NULL
  char buf[8] = {};
  EXPECT_EQ(k_->copy_to_user(pid, 0x30003000, "x", 1).error(), Error::BadAddress);
  EXPECT_TRUE(k_->copy_to_user(pid, 0x30000ffc, "abcdefgh", 8).is_ok());
  EXPECT_TRUE(k_->copy_from_user(pid, buf, 0x30000ffc, 8).is_ok());
  EXPECT_EQ(std::string(buf, 8), "abcdefgh");
  // The debug_write syscall uses the same check.
  EXPECT_EQ(sys(t, Syscall::debug_write, 0x30001ff0, 0x20).error, Error::BadAddress);
  EXPECT_EQ(sys(t, Syscall::debug_write, 0x30000000, 0x10000).error, Error::InvalidArgument);
}

TEST_F(KernelTest, MapPhysicalOnlyHandsOutDeviceWindowsExclusively) {
  const Pid a = spawn("a");
  const Pid b = spawn("b");
  const uint32_t free_before = k_->frames().free_count();
  const uint32_t tables_before = tables_of(a);
  EXPECT_EQ(sys(main_thread(a), Syscall::map_physical, kRamBase + 0x100000, 0, 0x1000, kRw).error,
            Error::AccessDenied);  // RAM, free
  EXPECT_EQ(sys(main_thread(a), Syscall::map_physical, kRamBase, 0, 0x1000, kRw).error,
            Error::AccessDenied);  // RAM, the kernel's
  EXPECT_EQ(sys(main_thread(a), Syscall::map_physical, 0x10001000, 0, 0x1000, abi::kMemExec).error,
            Error::InvalidArgument);  // devices are never executable
  EXPECT_EQ(sys(main_thread(a), Syscall::map_physical, 0x10001800, 0, 0x1000, kRw).error,
            Error::InvalidArgument);
  EXPECT_EQ(sys(main_thread(a), Syscall::map_physical, 0xfffff000, 0, 0x2000, kRw).error,
            Error::BadAddress);
  const Ret ok = sys(main_thread(a), Syscall::map_physical, 0x10001000, 0, 0x2000, kRw);
  ASSERT_EQ(ok.error, Error::Ok);
  EXPECT_EQ(sys(main_thread(b), Syscall::map_physical, 0x10002000, 0, 0x1000, kRw).error,
            Error::AlreadyExists);
  // MMIO takes no RAM: only the page table the mapping needed.
  EXPECT_EQ(free_before - k_->frames().free_count(), tables_of(a) - tables_before);
  // Death releases the claim.
  k_->destroy_process(a, 0);
  EXPECT_EQ(sys(main_thread(b), Syscall::map_physical, 0x10002000, 0, 0x1000, kRw).error,
            Error::Ok);
}

TEST_F(KernelTest, DeathReturnsEveryPage) {
  const uint32_t free_at_start = k_->frames().free_count();
  const Pid pid = spawn("p");
  ASSERT_EQ(sys(main_thread(pid), Syscall::map_memory, 0, 0x10000, kRw).error, Error::Ok);
  ASSERT_EQ(sys(main_thread(pid), Syscall::map_memory, 0x50000000, 0x1000, kRw).error, Error::Ok);
  EXPECT_GT(owned_by(pid), 16u);
  k_->destroy_process(pid, 0);
  EXPECT_EQ(owned_by(pid), 0u);
  EXPECT_EQ(tables_of(pid), 0u);
  EXPECT_EQ(k_->frames().free_count(), free_at_start);
  EXPECT_FALSE(fake::g_mmu_log.asid_flushes.empty());  // its ASID is clean for the next user
}

TEST_F(KernelTest, UnknownSyscallNumbersAnswerNotSupported) {
  Thread& t = main_thread(spawn("p"));
  EXPECT_EQ(sys(t, static_cast<Syscall>(abi::kSyscallCount)).error, Error::NotSupported);
  EXPECT_EQ(sys(t, static_cast<Syscall>(0xffffffff)).error, Error::NotSupported);
  EXPECT_EQ(sys(t, Syscall::null).error, Error::Ok);
}


// Issue 13: device pages come from a per-process share of the claims table, which holds every
// process's: one process claiming all it may leaves another its own share.
TEST_F(KernelTest, Issue13_DeviceClaimsArePerProcessShares) {
  k_->mmio_windows[1] = Kernel::MmioWindow{0x2000'0000, 64 * 0x1000};
  k_->mmio_window_count = 2;
  const Pid a = spawn("a"), b = spawn("b");
  Thread& ta = main_thread(a);
  Thread& tb = main_thread(b);
  const uint32_t share = abi::kMaxMmioPagesPerProcess;
  ASSERT_EQ(sys(ta, abi::Syscall::map_physical, 0x2000'0000, 0x5000'0000, share * 0x1000, kRw).error,
            abi::Error::Ok);
  EXPECT_EQ(sys(ta, abi::Syscall::map_physical, 0x2000'0000 + share * 0x1000, 0, 0x1000, kRw).error,
            abi::Error::LimitReached);
  EXPECT_EQ(k_->usage(a).pages, k_->pages_used(a));
  ASSERT_EQ(sys(tb, abi::Syscall::map_physical, 0x2000'0000 + share * 0x1000, 0x5000'0000,
                share * 0x1000, kRw)
                .error,
            abi::Error::Ok);
  k_->destroy_process(a, 0);
  EXPECT_EQ(k_->usage(a).pages, 0u);
  EXPECT_EQ(sys(tb, abi::Syscall::map_physical, 0x2000'0000, 0, 0x1000, kRw).error,
            abi::Error::LimitReached);  // b's own share is used up; a's claims are free again
}

}  // namespace
}  // namespace courier::test
