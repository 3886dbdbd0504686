// registers_test.cc — no register carries a value across a protection boundary (DESIGN.md §8,
// abi/syscall.h): after a syscall a thread's registers are its own or the syscall's documented
// results; a new thread and an interrupt upcall start from defined values only. The rv32 trap
// path restores exactly these frames (trap.S); kernel/test/target/regs_*.cc checks the same
// on the machine, through the real trap entry and exit.
#include "courier/abi/irq.h"
#include "kernel_fixture.h"
#include "test_support.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::Syscall;

// A value no kernel result would produce by chance, different per thread and per register.
uint32_t sentinel(uint32_t who, unsigned reg) { return 0x5e000000u | who << 16 | reg << 8 | reg; }

void fill(Thread& t, uint32_t who) {
  for (unsigned r = 1; r < 32; ++r) t.frame.x[r] = sentinel(who, r);
}

// Registers that are never syscall arguments or results: ra, sp, gp, tp, t0-t2, s0-s1,
// s2-s11, t3-t6 (x1..x9, x18..x31).
void expect_untouched(const Thread& t, uint32_t who, const char* what) {
  for (unsigned r = 1; r < 32; ++r) {
    if (r >= 10 && r <= 17) continue;
    EXPECT_EQ(t.frame.x[r], sentinel(who, r)) << what << ": x" << r;
  }
}

// Which of a1..a7 a syscall answers in (syscalls.def); the rest of a3..a7 keep the caller's
// values, and a1/a2 are zero where the syscall has no result there.
unsigned result_words(uint32_t number) {
  switch (static_cast<Syscall>(number)) {
    case Syscall::create_server: return 5;
    case Syscall::process_info:
    case Syscall::time: return 3;
    case Syscall::receive:
    case Syscall::try_receive:
    case Syscall::reply_and_receive_next:
    case Syscall::usage: return 7;
    default: return 2;
  }
}
bool defines_a1(uint32_t n) {
  switch (static_cast<Syscall>(n)) {
    case Syscall::map_memory:
    case Syscall::map_physical:
    case Syscall::create_thread:
    case Syscall::create_server:
    case Syscall::connect:
    case Syscall::try_connect:
    case Syscall::call_scalar:
    case Syscall::receive:
    case Syscall::try_receive:
    case Syscall::reply_and_receive_next:
    case Syscall::process_info:
    case Syscall::time:
    case Syscall::usage:
    case Syscall::lend_memory:
    case Syscall::ring_enter:
    case Syscall::kernel_log: return true;
    default: return false;
  }
}
bool defines_a2(uint32_t n) {
  switch (static_cast<Syscall>(n)) {
    case Syscall::create_server:
    case Syscall::call_scalar:
    case Syscall::receive:
    case Syscall::try_receive:
    case Syscall::reply_and_receive_next:
    case Syscall::process_info:
    case Syscall::time:
    case Syscall::usage:
    case Syscall::lend_memory:
    case Syscall::kernel_log: return true;
    default: return false;
  }
}

class RegistersTest : public KernelTest {
 protected:
  void SetUp() override {
    KernelTest::SetUp();
    g_now = 0;
    a_ = spawn("a", Grant{abi::kDefaultPriority, abi::kDefaultPriority, 1u << 11});  // line 11
    b_ = spawn("b");
  }
  Thread& a() { return main_thread(a_); }
  Thread& b() { return main_thread(b_); }
  Pid a_ = 0, b_ = 0;
};

TEST_F(RegistersTest, ANewThreadStartsWithOnlyItsEntryStackAndArgument) {
  // The boot thread: pc = entry, sp = its stack top, everything else zero (a0 = 0 too).
  const Thread& boot = a();
  EXPECT_EQ(boot.frame.pc, 0x10000u);
  for (unsigned r = 1; r < 32; ++r) {
    if (r != 2) {
      EXPECT_EQ(boot.frame.x[r], 0u) << "boot thread x" << r;
    }
  }
  // create_thread, from a thread whose own registers are all sentinels: nothing of them (nor of
  // the slot's previous, dead occupant) reaches the new thread.
  const Ret stack = sys(a(), Syscall::map_memory, 0, 4096, kRw);
  ASSERT_EQ(stack.error, Error::Ok);
  const Ret first = sys(a(), Syscall::create_thread, 0x10000, stack.r[0] + 4096, 1, 4);
  ASSERT_EQ(first.error, Error::Ok);
  Thread& doomed = k_->thread(static_cast<Tid>(first.r[0]));
  fill(doomed, 9);
  KernelTestAccess::run(*k_, doomed);
  sys(doomed, Syscall::exit_thread);  // its slot is free again, its frame full of sentinels
  fill(a(), 1);
  const Ret r = sys(a(), Syscall::create_thread, 0x10000, stack.r[0] + 4096, 0xabcd, 4);
  ASSERT_EQ(r.error, Error::Ok);
  const Thread& t = k_->thread(static_cast<Tid>(r.r[0]));
  EXPECT_EQ(&t, &doomed);  // the same slot
  EXPECT_EQ(t.frame.pc, 0x10000u);
  for (unsigned reg = 1; reg < 32; ++reg) {
    const uint32_t want = reg == 2 ? stack.r[0] + 4096 : reg == 10 ? 0xabcd : 0;
    EXPECT_EQ(t.frame.x[reg], want) << "created thread x" << reg;
  }
}

// Every syscall number, with arguments that are the caller's sentinels: whatever it answers,
// only a0 and the result registers syscalls.def names change, and nothing else.
TEST_F(RegistersTest, EverySyscallAnswersOnlyInItsDocumentedRegisters) {
  for (uint32_t n = 0; n < abi::kSyscallCount + 3; ++n) {
    const auto s = static_cast<Syscall>(n);
    // They end the caller or block it with these arguments (checked in the target test).
    if (s == Syscall::terminate_process || s == Syscall::exit_thread || s == Syscall::wait_event) {
      continue;
    }
    Thread& t = a();
    fill(t, 1);
    const uint32_t pc = t.frame.pc;
    const Ret r = sys(t, s, sentinel(1, 10), sentinel(1, 11), sentinel(1, 12), sentinel(1, 13),
                      sentinel(1, 14), sentinel(1, 15));
    ASSERT_NE(t.state, ThreadState::Free) << n;
    EXPECT_EQ(t.frame.pc, pc + 4) << n;
    expect_untouched(t, 1, "caller");
    if (n >= abi::kSyscallCount) {
      EXPECT_EQ(r.error, Error::NotSupported);
    }
    // ring_enter's a1 (entries consumed) is its answer on an error too.
    if (!defines_a1(n) || (r.error != Error::Ok && s != Syscall::ring_enter)) {
      EXPECT_EQ(r.r[0], 0u) << "a1 of " << n;
    }
    if (!defines_a2(n) || r.error != Error::Ok) {
      EXPECT_EQ(r.r[1], 0u) << "a2 of " << n;
    }
    const unsigned results = r.error == Error::Ok && n < abi::kSyscallCount ? result_words(n) : 2;
    for (unsigned i = results + 1; i <= 7; ++i) {
      // a1..a5 were set to sentinels as arguments, a6 by fill; a7 is the number.
      const uint32_t want = i == 7 ? n : sentinel(1, 10 + i);
      EXPECT_EQ(t.frame.a(i), want) << "a" << i << " of syscall " << n;
    }
    // Yield (and connect, which found the server create_server made) may have switched.
    if (k_->current() != &t && t.state == ThreadState::Ready) KernelTestAccess::run(*k_, t);
  }
}

// time answers the kernel clock in a1 (low), a2 (high) and its rate in a3; nothing else moves.
TEST_F(RegistersTest, TimeAnswersTheClockAndTicksPerMillisecond) {
  g_now = 0x1'2345'6789;
  fill(a(), 1);
  const Ret r = sys(a(), Syscall::time, sentinel(1, 10), sentinel(1, 11), sentinel(1, 12),
                    sentinel(1, 13), sentinel(1, 14), sentinel(1, 15));
  EXPECT_EQ(r.error, Error::Ok);
  EXPECT_EQ(r.r[0], 0x2345'6789u);
  EXPECT_EQ(r.r[1], 1u);
  EXPECT_EQ(r.r[2], dispatch::g_ticks_per_ms);
  EXPECT_EQ(r.r[2], 10'000u);  // the default: QEMU virt's 10 MHz
  for (unsigned i = 4; i <= 6; ++i) EXPECT_EQ(a().frame.a(i), sentinel(1, 10 + i)) << "a" << i;
  EXPECT_EQ(a().frame.a(7), static_cast<uint32_t>(Syscall::time));
  expect_untouched(a(), 1, "caller");
  g_now = 0;
}

// A call served by the fastpath and the same call by the slow path: client and server see the
// same registers, their own or the message's, never each other's.
TEST_F(RegistersTest, CallAndReplyCarryOnlyTheMessageOnBothPaths) {
  constexpr uint32_t kSid[4] = {0x72656773, 1, 2, 3};
  const Ret s = sys(b(), Syscall::create_server, kSid[0], kSid[1], kSid[2], kSid[3]);
  ASSERT_EQ(s.error, Error::Ok);
  const Ret c = sys(a(), Syscall::connect, kSid[0], kSid[1], kSid[2], kSid[3]);
  ASSERT_EQ(c.error, Error::Ok);
  for (Path path : {Path::Normal, Path::SlowOnly}) {
    fill(b(), 2);
    sys(b(), Syscall::receive, s.r[0], 0, 0, 0, 0, 0, path);  // waits
    fill(a(), 1);
    sys(a(), Syscall::call_scalar, c.r[0], 77, 1, 2, 3, 4, path);
    // The server runs with the message, its other registers its own.
    ASSERT_EQ(k_->current(), &b());
    expect_untouched(b(), 2, "server");
    const Ret m = result(b());
    EXPECT_EQ(m.error, Error::Ok);
    EXPECT_EQ(m.r[1], 77u);
    EXPECT_EQ(m.r[2], static_cast<uint32_t>(abi::MessageKind::BlockingScalar) |
                          (a().pid << abi::kMessageSenderShift));
    EXPECT_EQ(m.r[3], 1u);
    EXPECT_EQ(m.r[6], 4u);
    // It answers and waits for the next; the client resumes with the reply in a1, a2.
    fill(b(), 2);
    sys(b(), Syscall::reply_and_receive_next, s.r[0], m.r[0], 10, 20, 0, 0, path);
    ASSERT_EQ(k_->current(), &a());
    expect_untouched(a(), 1, "client");
    const Ret rep = result(a());
    EXPECT_EQ(rep.error, Error::Ok);
    EXPECT_EQ(rep.r[0], 10u);
    EXPECT_EQ(rep.r[1], 20u);
    for (unsigned i = 3; i <= 5; ++i) EXPECT_EQ(a().frame.a(i), i - 1) << "client a" << i;
    EXPECT_EQ(a().frame.a(6), sentinel(1, 16));
    EXPECT_EQ(a().frame.a(7), static_cast<uint32_t>(Syscall::call_scalar));
    // The server waits again (blocked, registers as it left them).
    expect_untouched(b(), 2, "waiting server");
    // Leave the server out of receive for the next round.
    sys(a(), Syscall::try_send_scalar, c.r[0], 1);
    KernelTestAccess::run(*k_, b());
  }
}

// An upcall starts the handler from defined values: pc = handler, ra = kIrqReturnAddress,
// sp = kIrqStackTop, gp/tp of the claiming thread, a0 = line, a1 = arg; the rest are the
// interrupt context's own (zero before its first upcall), never the interrupted thread's.
TEST_F(RegistersTest, AnUpcallCarriesNothingOfTheInterruptedThread) {
  g_irq = FakeIrqController{};
  fill(a(), 1);
  constexpr uint32_t kLine = 11;
  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, 0x10000, 0x1234).error, Error::Ok);
  fill(b(), 2);
  KernelTestAccess::run(*k_, b());  // another process is running when the line fires
  g_irq.pending[kLine] = true;
  dispatch::external_interrupt(*k_);
  Thread& h = *k_->current();
  ASSERT_TRUE(h.handler);
  EXPECT_EQ(h.frame.pc, 0x10000u);
  for (unsigned r = 1; r < 32; ++r) {
    uint32_t want = 0;
    if (r == 1) want = abi::kIrqReturnAddress;
    if (r == 2) want = abi::kIrqStackTop;
    if (r == 3 || r == 4) want = sentinel(1, r);  // the claimant's gp and tp
    if (r == 10) want = kLine;
    if (r == 11) want = 0x1234;
    EXPECT_EQ(h.frame.x[r], want) << "handler x" << r;
  }
  expect_untouched(b(), 2, "interrupted thread");
}

}  // namespace
}  // namespace courier::test
