// misaligned_test.cc — misaligned user loads and stores finished by the kernel (issue 17,
// dispatch/misaligned.cc). Each case plants the instruction in the process's text page, sets
// its registers, takes the trap as the core raises it (cause, tval = the address) and checks the
// result: rd and pc for an emulated access, the bytes around a store, and for every access the
// kernel must refuse, that the process is killed with the cause QEMU would report and that none
// of its pages is left behind.
#include <cstring>

#include "courier/core/cause.h"
#include "kernel_fixture.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::Syscall;

constexpr uint32_t kText = 0x10000;
constexpr uint32_t kData = 0x3000'0000;    // two RW pages
constexpr uint32_t kRo = 0x3000'3000;      // one read-only page; 0x3000'2000 is a hole
constexpr uint32_t kDevice = 0x3000'5000;  // a device page (MMIO window)

constexpr uint32_t kLoadMisaligned = static_cast<uint32_t>(Cause::LoadMisaligned);
constexpr uint32_t kStoreMisaligned = static_cast<uint32_t>(Cause::StoreMisaligned);

// Reference encodings (assembled with riscv64-unknown-elf-as -march=rv32imac).
constexpr uint32_t kLwT0_1_T1 = 0x00132283;       // lw   t0, 1(t1)
constexpr uint32_t kLhT2_m3_T1 = 0xffd31383;      // lh   t2, -3(t1)
constexpr uint32_t kLhuT2_2047_T1 = 0x7ff35383;   // lhu  t2, 2047(t1)
constexpr uint32_t kSwT0_m2047_T1 = 0x805320a3;   // sw   t0, -2047(t1)
constexpr uint32_t kShT0_3_T1 = 0x005311a3;       // sh   t0, 3(t1)
constexpr uint32_t kLwZero_1_T1 = 0x00132003;     // lw   zero, 1(t1)
constexpr uint16_t kCLwS1_124_A0 = 0x5d64;        // c.lw s1, 124(a0)
constexpr uint16_t kCSwS1_4_A0 = 0xc144;          // c.sw s1, 4(a0)
constexpr uint16_t kCLwspT0_252 = 0x52fe;         // c.lwsp t0, 252(sp)
constexpr uint16_t kCSwspT0_252 = 0xdf96;         // c.swsp t0, 252(sp)
constexpr uint32_t kAmoswap = 0x0863a2af;         // amoswap.w t0, t1, (t2)
constexpr uint32_t kLrW = 0x100322af;             // lr.w t0, (t1)

constexpr unsigned kT0 = 5, kT1 = 6, kT2 = 7, kS1 = 9, kA0 = 10, kSp = 2;

class MisalignedTest : public KernelTest {
 protected:
  void SetUp() override {
    KernelTest::SetUp();
    k_->mmio_windows[1] = Kernel::MmioWindow{0x2000'0000, 4 * 0x1000};
    k_->mmio_window_count = 2;
    pid_ = spawn("p");
    ASSERT_EQ(pid_, 1u);  // the init process: its exit code is the machine's
    Thread& t = main_thread(pid_);
    ASSERT_EQ(sys(t, Syscall::map_memory, kData, 0x2000, kRw).error, Error::Ok);
    ASSERT_EQ(sys(t, Syscall::map_memory, kRo, 0x1000, abi::kMemRead).error, Error::Ok);
    ASSERT_EQ(sys(t, Syscall::map_physical, 0x2000'0000, kDevice, 0x1000, kRw).error, Error::Ok);
    pages_ = owned_by(pid_);
    // Recognisable bytes in both data pages and the read-only one.
    for (uint32_t i = 0; i < 0x2000; ++i) *byte(kData + i) = static_cast<uint8_t>(i * 7 + 1);
    for (uint32_t i = 0; i < 0x1000; ++i) *byte(kRo + i) = static_cast<uint8_t>(i * 5 + 3);
  }

  Thread& t() { return main_thread(pid_); }

  // The host view of a byte of a mapped user page.
  uint8_t* byte(uint32_t va) {
    const auto m = k_->process(pid_).space.lookup(kstd::VirtAddr(va));
    EXPECT_TRUE(m.has_value()) << std::hex << va;
    return frame_ptr(m->pfn) + (va & 0xfff);
  }
  uint32_t word_at(uint32_t va) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = v << 8 | *byte(va + i);
    return v;
  }

  // Plants `bytes` of `insn` at pc (a 32-bit one may straddle into the next page).
  void plant(uint32_t pc, uint32_t insn, uint32_t bytes) {
    for (uint32_t i = 0; i < bytes; ++i) *byte(pc + i) = static_cast<uint8_t>(insn >> (8 * i));
  }

  // The thread, running at pc, takes the trap the core raises for the access at `tval`.
  void trap(uint32_t pc, uint32_t cause, uint32_t tval) {
    KernelTestAccess::run(*k_, t());
    t().frame.pc = pc;
    dispatch::user_fault(*k_, cause, pc, tval);
  }

  void expect_killed(uint32_t cause) {
    EXPECT_EQ(k_->process(pid_).state, ProcessState::Free);
    EXPECT_TRUE(k_->first_process_ended());
    EXPECT_EQ(k_->first_exit_code(), 128 + cause);
    EXPECT_EQ(owned_by(pid_), 0u);
    EXPECT_EQ(tables_of(pid_), 0u);
  }
  void expect_alive() {
    EXPECT_EQ(k_->process(pid_).state, ProcessState::Alive);
    EXPECT_FALSE(k_->first_process_ended());
    EXPECT_EQ(owned_by(pid_), pages_);
  }

  Pid pid_ = 0;
  uint32_t pages_ = 0;
};

TEST_F(MisalignedTest, WordLoadWithinAPage) {
  plant(kText, kLwT0_1_T1, 4);
  t().frame.x[kT1] = kData + 0x100;
  trap(kText, kLoadMisaligned, kData + 0x101);
  expect_alive();
  EXPECT_EQ(t().frame.x[kT0], word_at(kData + 0x101));
  EXPECT_EQ(t().frame.pc, kText + 4);
  EXPECT_EQ(t().frame.x[kT1], kData + 0x100);  // the base is untouched
}

TEST_F(MisalignedTest, WordLoadAcrossTwoPages) {
  plant(kText, kLwT0_1_T1, 4);
  t().frame.x[kT1] = kData + 0xffd;  // bytes 0xffe..0x1001
  trap(kText, kLoadMisaligned, kData + 0xffe);
  expect_alive();
  EXPECT_EQ(t().frame.x[kT0], word_at(kData + 0xffe));
  EXPECT_EQ(t().frame.pc, kText + 4);
}

TEST_F(MisalignedTest, HalfLoadsSignAndZeroExtend) {
  // Find a halfword with its top bit set, at an odd address.
  uint32_t at = kData + 1;
  while ((*byte(at + 1) & 0x80) == 0) at += 2;
  const uint32_t half = *byte(at) | *byte(at + 1) << 8;
  plant(kText, kLhT2_m3_T1, 4);
  t().frame.x[kT1] = at + 3;
  trap(kText, kLoadMisaligned, at);
  expect_alive();
  EXPECT_EQ(t().frame.x[kT2], 0xffff0000u | half);
  EXPECT_EQ(t().frame.pc, kText + 4);

  plant(kText + 4, kLhuT2_2047_T1, 4);
  t().frame.x[kT1] = at - 2047;
  trap(kText + 4, kLoadMisaligned, at);
  expect_alive();
  EXPECT_EQ(t().frame.x[kT2], half);
  EXPECT_EQ(t().frame.pc, kText + 8);
}

TEST_F(MisalignedTest, StoresWriteExactlyTheirBytes) {
  const uint32_t at = kData + 0xffe;  // across the page boundary
  uint8_t before[12];
  for (uint32_t i = 0; i < 12; ++i) before[i] = *byte(at - 4 + i);
  plant(kText, kSwT0_m2047_T1, 4);
  t().frame.x[kT1] = at + 2047;
  t().frame.x[kT0] = 0xa1b2c3d4;
  trap(kText, kStoreMisaligned, at);
  expect_alive();
  EXPECT_EQ(word_at(at), 0xa1b2c3d4u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(*byte(at - 4 + i), before[i]);
  for (uint32_t i = 8; i < 12; ++i) EXPECT_EQ(*byte(at - 4 + i), before[i]);
  EXPECT_EQ(t().frame.pc, kText + 4);

  const uint32_t h = kData + 0x201;
  const uint8_t around[2] = {*byte(h - 1), *byte(h + 2)};
  plant(kText + 4, kShT0_3_T1, 4);
  t().frame.x[kT1] = h - 3;
  t().frame.x[kT0] = 0x12345678;
  trap(kText + 4, kStoreMisaligned, h);
  expect_alive();
  EXPECT_EQ(*byte(h), 0x78);
  EXPECT_EQ(*byte(h + 1), 0x56);
  EXPECT_EQ(*byte(h - 1), around[0]);
  EXPECT_EQ(*byte(h + 2), around[1]);
  EXPECT_EQ(t().frame.pc, kText + 8);
}

TEST_F(MisalignedTest, CompressedFormsStepTwoBytes) {
  plant(kText, kCLwS1_124_A0, 2);
  t().frame.x[kA0] = kData + 0x301;
  trap(kText, kLoadMisaligned, kData + 0x301 + 124);
  expect_alive();
  EXPECT_EQ(t().frame.x[kS1], word_at(kData + 0x301 + 124));
  EXPECT_EQ(t().frame.pc, kText + 2);

  plant(kText + 2, kCSwS1_4_A0, 2);
  t().frame.x[kS1] = 0xcafef00d;
  trap(kText + 2, kStoreMisaligned, kData + 0x305);
  expect_alive();
  EXPECT_EQ(word_at(kData + 0x305), 0xcafef00du);
  EXPECT_EQ(t().frame.pc, kText + 4);

  plant(kText + 4, kCLwspT0_252, 2);
  t().frame.x[kSp] = kData + 0x402;
  trap(kText + 4, kLoadMisaligned, kData + 0x402 + 252);
  expect_alive();
  EXPECT_EQ(t().frame.x[kT0], word_at(kData + 0x402 + 252));
  EXPECT_EQ(t().frame.pc, kText + 6);

  plant(kText + 6, kCSwspT0_252, 2);
  t().frame.x[kT0] = 0x0badbeef;
  trap(kText + 6, kStoreMisaligned, kData + 0x402 + 252);
  expect_alive();
  EXPECT_EQ(word_at(kData + 0x402 + 252), 0x0badbeefu);
  EXPECT_EQ(t().frame.pc, kText + 8);
}

TEST_F(MisalignedTest, ALoadIntoZeroChangesNoRegister) {
  plant(kText, kLwZero_1_T1, 4);
  t().frame.x[kT1] = kData;
  trap(kText, kLoadMisaligned, kData + 1);
  expect_alive();
  EXPECT_EQ(t().frame.x[0], 0u);
  EXPECT_EQ(t().frame.pc, kText + 4);
}

TEST_F(MisalignedTest, AnInstructionStraddlingIntoAnUnmappedPageIsRefused) {
  // The 32-bit load's second half is on the next page: here, there is none (a hole), so the
  // kernel cannot read the instruction and the process ends with the original cause.
  plant(kText + 0xffe, kLwT0_1_T1, 2);
  t().frame.x[kT1] = kData;
  trap(kText + 0xffe, kLoadMisaligned, kData + 1);
  expect_killed(kLoadMisaligned);
}

TEST_F(MisalignedTest, ALoadReachingAHoleIsALoadPageFault) {
  plant(kText, kLwT0_1_T1, 4);
  t().frame.x[kT1] = kData + 0x1ffd;  // 0x1ffe..0x2001: the second page is a hole
  t().frame.x[kT0] = 0x5ec2e7;
  trap(kText, kLoadMisaligned, kData + 0x1ffe);
  expect_killed(static_cast<uint32_t>(Cause::LoadPageFault));
}

TEST_F(MisalignedTest, AStoreToAReadOnlyPageIsAStorePageFaultAndWritesNothing) {
  // Frames are zeroed when allocated, not when freed: the host view still shows the page's
  // bytes after the process is gone.
  uint8_t* ro = byte(kRo + 0x10);
  uint8_t before[8];
  std::memcpy(before, ro, 8);
  plant(kText, kSwT0_m2047_T1, 4);
  t().frame.x[kT1] = kRo + 0x13 + 2047;
  t().frame.x[kT0] = 0xffffffff;
  trap(kText, kStoreMisaligned, kRo + 0x13);
  expect_killed(static_cast<uint32_t>(Cause::StorePageFault));
  EXPECT_EQ(std::memcmp(before, ro, 8), 0);
}

TEST_F(MisalignedTest, AStoreHalfIntoAHoleWritesNoByteOfTheWritablePage) {
  // The word's first two bytes are on the writable page 0x3000'1000, the last two in the hole.
  const uint32_t at = kData + 0x1ffe;
  uint8_t* p0 = byte(at);
  const uint8_t b0 = p0[0], b1 = p0[1];
  plant(kText, kSwT0_m2047_T1, 4);
  t().frame.x[kT1] = at + 2047;
  t().frame.x[kT0] = 0x11223344;
  trap(kText, kStoreMisaligned, at);
  expect_killed(static_cast<uint32_t>(Cause::StorePageFault));
  EXPECT_EQ(p0[0], b0);
  EXPECT_EQ(p0[1], b1);
}

TEST_F(MisalignedTest, DeviceMemoryIsNotTouchedForTheProcess) {
  plant(kText, kLwT0_1_T1, 4);
  t().frame.x[kT1] = kDevice;
  trap(kText, kLoadMisaligned, kDevice + 1);
  expect_killed(static_cast<uint32_t>(Cause::LoadPageFault));
}

TEST_F(MisalignedTest, AtomicsAreNotEmulated) {
  plant(kText, kAmoswap, 4);
  t().frame.x[kT2] = kData + 2;
  trap(kText, kStoreMisaligned, kData + 2);
  expect_killed(kStoreMisaligned);
}

// QEMU 7.2 raises the load cause for a misaligned AMO; the privileged spec says store/AMO, and
// the kernel reports the spec's on every platform.
TEST_F(MisalignedTest, AnAtomicTrappedAsALoadIsKilledAsTheSpecSays) {
  plant(kText, kAmoswap, 4);
  t().frame.x[kT2] = kData + 2;
  trap(kText, kLoadMisaligned, kData + 2);
  expect_killed(kStoreMisaligned);
}

// The kill names the first byte the process may not touch, as QEMU's page fault does.
TEST_F(MisalignedTest, AFaultNamesTheFirstRefusedByte) {
  plant(kText, kLwT0_1_T1, 4);
  KernelTestAccess::run(*k_, t());
  t().frame.pc = kText;
  t().frame.x[kT1] = kData + 0x1ffd;
  dispatch::MisalignedResult r = dispatch::emulate_misaligned(*k_, kLoadMisaligned, kData + 0x1ffe);
  EXPECT_FALSE(r.done);
  EXPECT_EQ(r.cause, static_cast<uint32_t>(Cause::LoadPageFault));
  EXPECT_EQ(r.tval, kData + 0x2000);  // the hole, not the word's first byte
  t().frame.x[kT1] = kData + 0x2000;  // wholly in the hole
  r = dispatch::emulate_misaligned(*k_, kLoadMisaligned, kData + 0x2001);
  EXPECT_EQ(r.tval, kData + 0x2001);
  plant(kText, kSwT0_m2047_T1, 4);
  t().frame.x[kT1] = kRo - 1 + 2047;  // the hole's last byte, then the read-only page
  r = dispatch::emulate_misaligned(*k_, kStoreMisaligned, kRo - 1);
  EXPECT_EQ(r.cause, static_cast<uint32_t>(Cause::StorePageFault));
  EXPECT_EQ(r.tval, kRo - 1);
  t().frame.x[kT1] = kData + 0xffe + 2047;  // both pages writable: done
  r = dispatch::emulate_misaligned(*k_, kStoreMisaligned, kData + 0xffe);
  EXPECT_TRUE(r.done);
  expect_alive();
}

TEST_F(MisalignedTest, LoadReservedIsNotEmulated) {
  plant(kText, kLrW, 4);
  t().frame.x[kT1] = kData + 2;
  trap(kText, kLoadMisaligned, kData + 2);
  expect_killed(kLoadMisaligned);
}

TEST_F(MisalignedTest, ATvalTheInstructionDoesNotComputeIsRefused) {
  plant(kText, kLwT0_1_T1, 4);
  t().frame.x[kT1] = kData + 0x100;
  trap(kText, kLoadMisaligned, kData + 0x203);  // not t1 + 1
  expect_killed(kLoadMisaligned);
}

TEST_F(MisalignedTest, AStoreCauseOnALoadInstructionIsRefused) {
  plant(kText, kLwT0_1_T1, 4);
  t().frame.x[kT1] = kData + 0x100;
  trap(kText, kStoreMisaligned, kData + 0x101);
  expect_killed(kStoreMisaligned);
}

TEST_F(MisalignedTest, APcTheProcessCannotReadIsRefused) {
  t().frame.x[kT1] = kData;
  trap(0x3000'2000, kLoadMisaligned, kData + 1);  // the hole
  expect_killed(kLoadMisaligned);
}

TEST_F(MisalignedTest, OtherInstructionsAreRefused) {
  plant(kText, 0x00000013, 4);  // nop
  trap(kText, kLoadMisaligned, kData + 1);
  expect_killed(kLoadMisaligned);
}

}  // namespace
}  // namespace courier::test
