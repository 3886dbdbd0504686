// irq_test.cc — interrupts routed to userspace (abi/irq.h) and the kernel log's reader, on the
// host against a fake PLIC: every bad input the issue names, the upcall's frame, the return
// path, refusal of blocking calls in a handler, faults, overruns, storms and death. The
// fixture's TearDown checks the kernel's invariants (nothing leaked) after each test.
#include <string>

#include "courier/abi/irq.h"
#include "courier/abi/log.h"
#include "courier/core/cause.h"
#include "courier/core/console.h"
#include "kernel_fixture.h"
#include "test_support.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::Syscall;

constexpr uint32_t kLine = 11;
constexpr uint32_t kHandler = 0x10000;  // in the spawned text segment (R+X)
constexpr uint32_t kArg = 0x1234'5678;
constexpr uint32_t kSid[4] = {0x11, 0x22, 0x33, 0x44};
// The lines the fixture's two processes may claim (their boot records', abi/boot_archive.h).
constexpr uint32_t kGranted = (1u << 3) | (1u << kLine) | (1u << 12);

class IrqTest : public KernelTest {
 protected:
  void SetUp() override {
    KernelTest::SetUp();
    g_irq = FakeIrqController{};
    g_now = 0;
    a_ = spawn("driver", Grant{abi::kDefaultPriority, abi::kDefaultPriority, kGranted});
    // b may run a thread at priority 1 (a server more urgent than a's threads).
    b_ = spawn("other", Grant{abi::kDefaultPriority, 1, kGranted});
  }
  Thread& a() { return main_thread(a_); }
  Thread& b() { return main_thread(b_); }
  Thread& context(Pid pid) { return k_->thread(k_->process(pid).irq_thread); }

  // Raises `line` at the fake controller and lets the kernel route it, as trap.cc does.
  void fire(uint32_t line) {
    g_irq.pending[line] = true;
    dispatch::external_interrupt(*k_);
  }
  // The running handler returns: its fetch from kIrqReturnAddress faults.
  void handler_returns() {
    dispatch::user_fault(*k_, static_cast<uint32_t>(Cause::InstrPageFault),
                         abi::kIrqReturnAddress, abi::kIrqReturnAddress);
  }
  // `b` is running when the interrupt comes.
  void claim_and_fire_while_b_runs() {
    ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, kArg).error, Error::Ok);
    KernelTestAccess::run(*k_, b());
    fire(kLine);
    ASSERT_EQ(k_->current(), &context(a_));
  }

  Pid a_ = 0, b_ = 0;
};

TEST_F(IrqTest, NonexistentLinesAreRefusedAndNothingIsMade) {
  const uint32_t pages = owned_by(a_);
  for (uint32_t line : {0u, 32u, 1000u, 0xffffffffu}) {
    EXPECT_EQ(sys(a(), Syscall::claim_interrupt, line, kHandler, 0).error, Error::InvalidArgument)
        << line;
    EXPECT_EQ(sys(a(), Syscall::free_interrupt, line).error, Error::InvalidArgument) << line;
  }
  EXPECT_EQ(owned_by(a_), pages);
  EXPECT_EQ(k_->process(a_).irq_thread, kNone);
}

// Lines by policy (abi/irq.h): a line the boot image did not grant is AccessDenied whether it
// is free or claimed and whatever the handler, after the range check and before all others;
// nothing is made (no context, no stack) and the line stays masked.
TEST_F(IrqTest, ALineTheImageDidNotGrantIsAccessDeniedWhateverItsState) {
  const Pid c = spawn("nolines");
  Thread& t = main_thread(c);
  const uint32_t pages = owned_by(c);
  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, kArg).error, Error::Ok);
  for (uint32_t line = 1; line < 32; ++line) {
    EXPECT_EQ(sys(t, Syscall::claim_interrupt, line, kHandler, 0).error, Error::AccessDenied)
        << line;  // free, or (kLine) claimed by a: never AlreadyExists
    EXPECT_EQ(sys(t, Syscall::claim_interrupt, line, 0x8000'0000, 0).error, Error::AccessDenied)
        << line;  // before the handler is looked at
    EXPECT_EQ(sys(t, Syscall::free_interrupt, line).error, Error::AccessDenied) << line;
    if (line != kLine) {
      EXPECT_FALSE(g_irq.enabled[line]) << line;
      EXPECT_EQ(k_->irq_line(line).owner, 0u) << line;
    }
  }
  for (uint32_t line : {0u, 32u, 0xffffffffu}) {  // the range comes first
    EXPECT_EQ(sys(t, Syscall::claim_interrupt, line, kHandler, 0).error, Error::InvalidArgument);
  }
  EXPECT_EQ(k_->irq_line(kLine).owner, a_);  // a's claim is untouched
  EXPECT_EQ(owned_by(c), pages);
  EXPECT_EQ(k_->process(c).irq_thread, kNone);
  // The granted processes are held to their grant too: a line outside it is refused, one in
  // it works.
  EXPECT_EQ(sys(b(), Syscall::claim_interrupt, 13, kHandler, 0).error, Error::AccessDenied);
  EXPECT_EQ(k_->process(b_).irq_thread, kNone);
  EXPECT_EQ(sys(b(), Syscall::claim_interrupt, 12, kHandler, 0).error, Error::Ok);
  EXPECT_TRUE(g_irq.enabled[12]);
  KernelTestAccess::run(*k_, t);
  fire(12);
  EXPECT_EQ(k_->current(), &context(b_));
  handler_returns();
  EXPECT_EQ(k_->current(), &t);
}

TEST_F(IrqTest, HandlerOutsideExecutableMemoryIsRefused) {
  uint32_t data = 0;
  {
    const Ret r = sys(a(), Syscall::map_memory, 0, 4096, kRw);
    ASSERT_EQ(r.error, Error::Ok);
    data = r.r[0];
  }
  const uint32_t pages = owned_by(a_);
  for (uint32_t handler : {0u, kHandler + 2, data, 0x5000'0000u, 0x8000'0000u,
                           abi::kIrqReturnAddress, 0xffff'fffcu}) {
    EXPECT_EQ(sys(a(), Syscall::claim_interrupt, kLine, handler, 0).error, Error::BadAddress)
        << std::hex << handler;
  }
  EXPECT_EQ(owned_by(a_), pages);
  EXPECT_EQ(k_->process(a_).irq_thread, kNone);
  EXPECT_FALSE(g_irq.enabled[kLine]);
  EXPECT_EQ(k_->irq_line(kLine).owner, 0u);
}

TEST_F(IrqTest, ALineHasOneOwner) {
  const uint32_t b_pages = owned_by(b_);
  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, kArg).error, Error::Ok);
  EXPECT_TRUE(g_irq.enabled[kLine]);
  EXPECT_EQ(sys(b(), Syscall::claim_interrupt, kLine, kHandler, 0).error, Error::AlreadyExists);
  EXPECT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, 0).error, Error::AlreadyExists);
  EXPECT_EQ(sys(b(), Syscall::free_interrupt, kLine).error, Error::AccessDenied);
  EXPECT_EQ(owned_by(b_), b_pages);
  EXPECT_EQ(k_->process(b_).irq_thread, kNone);
  // The first claim mapped the interrupt stack (two pages) and made the context.
  EXPECT_NE(k_->process(a_).irq_thread, kNone);
  EXPECT_EQ(sys(a(), Syscall::free_interrupt, kLine).error, Error::Ok);
  EXPECT_FALSE(g_irq.enabled[kLine]);
  EXPECT_EQ(sys(a(), Syscall::free_interrupt, kLine).error, Error::AccessDenied);  // twice
  EXPECT_EQ(sys(b(), Syscall::claim_interrupt, kLine, kHandler, 0).error, Error::Ok);
}

TEST_F(IrqTest, TheHandlerRunsInItsProcessOnItsStackAndReturns) {
  a().frame.x[3] = 0xabc0;  // gp and tp the handler must run with
  a().frame.x[4] = 0xdef0;
  claim_and_fire_while_b_runs();
  Thread& h = context(a_);
  EXPECT_EQ(h.pid, a_);
  EXPECT_EQ(h.satp, a().satp);
  EXPECT_EQ(h.frame.pc, kHandler);
  EXPECT_EQ(h.frame.a(0), kLine);
  EXPECT_EQ(h.frame.a(1), kArg);
  EXPECT_EQ(h.frame.sp(), abi::kIrqStackTop);
  EXPECT_EQ(h.frame.x[1], abi::kIrqReturnAddress);
  EXPECT_EQ(h.frame.x[3], 0xabc0u);
  EXPECT_EQ(h.frame.x[4], 0xdef0u);
  EXPECT_TRUE(k_->check_user_range(a_, abi::kIrqStackTop - 16, 16, true).is_ok());
  EXPECT_TRUE(g_irq.hart_masked);
  EXPECT_TRUE(g_irq.in_service[kLine]);
  EXPECT_EQ(b().state, ThreadState::Preempted);  // set aside, in no queue
  EXPECT_EQ(k_->active_irq(), kLine);

  handler_returns();
  EXPECT_FALSE(g_irq.in_service[kLine]);
  EXPECT_EQ(g_irq.completions, 1u);
  EXPECT_FALSE(g_irq.hart_masked);
  EXPECT_EQ(k_->active_irq(), 0u);
  EXPECT_EQ(h.state, ThreadState::IrqIdle);
  EXPECT_EQ(k_->current(), &b());
  EXPECT_TRUE(g_irq.enabled[kLine]);

  fire(kLine);  // and again: the context is reused
  EXPECT_EQ(k_->current(), &h);
  EXPECT_EQ(h.frame.pc, kHandler);
  handler_returns();
}

TEST_F(IrqTest, AMoreUrgentThreadWokenByTheHandlerRunsFirstAndThePreemptedOneKeepsItsPlace) {
  // b serves at priority 4, waiting; c (another thread of b's process) is ready at the same
  // priority; a's handler wakes the server with a Scalar, and b's server thread is more urgent.
  const Ret s = sys(b(), Syscall::create_server, kSid[0], kSid[1], kSid[2], kSid[3]);
  ASSERT_EQ(s.error, Error::Ok);
  const Ret c = sys(a(), Syscall::connect, kSid[0], kSid[1], kSid[2], kSid[3]);
  ASSERT_EQ(c.error, Error::Ok);
  Thread& server = b();
  server.priority = 1;
  sys(server, Syscall::receive, s.r[0]);
  ASSERT_EQ(server.state, ThreadState::Receiving);
  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, 0).error, Error::Ok);
  KernelTestAccess::run(*k_, a());
  fire(kLine);
  Thread& h = context(a_);
  ASSERT_EQ(k_->current(), &h);
  EXPECT_EQ(sys(h, Syscall::try_send_scalar, c.r[0], 9).error, Error::Ok);
  handler_returns();
  EXPECT_EQ(k_->current(), &server);         // the more urgent thread first
  EXPECT_EQ(a().state, ThreadState::Ready);  // then a, from the front of its queue
  k_->check_invariants();
}

TEST_F(IrqTest, TheTrapEntrysFastRouteTakesOnlyTheCommonCase) {
  EXPECT_FALSE(k_->upcall_now(0, 0));
  EXPECT_FALSE(k_->upcall_now(kMaxIrqLines, 0));
  EXPECT_FALSE(k_->upcall_now(kLine, 0));  // nobody owns it: interrupt() masks it
  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, kArg).error, Error::Ok);
  KernelTestAccess::run(*k_, b());
  ASSERT_TRUE(k_->upcall_now(kLine, 5));
  Thread& h = context(a_);
  EXPECT_EQ(k_->current(), &h);
  EXPECT_EQ(h.frame.pc, kHandler);
  EXPECT_EQ(h.frame.a(0), kLine);
  EXPECT_EQ(h.frame.a(1), kArg);
  EXPECT_EQ(h.frame.sp(), abi::kIrqStackTop);
  EXPECT_EQ(h.frame.x[1], abi::kIrqReturnAddress);
  EXPECT_EQ(b().state, ThreadState::Preempted);
  EXPECT_FALSE(k_->upcall_now(kLine, 6));  // a handler is running
  g_irq.in_service[kLine] = true;            // as the real controller would have it
  handler_returns();
  EXPECT_EQ(k_->current(), &b());
  EXPECT_FALSE(g_irq.in_service[kLine]);
}

TEST_F(IrqTest, AFetchFromTheReturnAddressOutsideAHandlerIsAFault) {
  KernelTestAccess::run(*k_, b());
  dispatch::user_fault(*k_, static_cast<uint32_t>(Cause::InstrPageFault), abi::kIrqReturnAddress,
                       abi::kIrqReturnAddress);
  EXPECT_EQ(k_->process(b_).state, ProcessState::Free);
}

TEST_F(IrqTest, BlockingCallsFromAHandlerAreRefusedAndNonBlockingOnesWork) {
  // b serves, waiting in receive; a is connected to it.
  const Ret s = sys(b(), Syscall::create_server, kSid[0], kSid[1], kSid[2], kSid[3]);
  ASSERT_EQ(s.error, Error::Ok);
  const Ret c = sys(a(), Syscall::connect, kSid[0], kSid[1], kSid[2], kSid[3]);
  ASSERT_EQ(c.error, Error::Ok);
  const uint32_t cid = c.r[0];
  sys(b(), Syscall::receive, s.r[0]);
  ASSERT_EQ(b().state, ThreadState::Receiving);

  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, kArg).error, Error::Ok);
  fire(kLine);
  Thread& h = context(a_);
  ASSERT_EQ(k_->current(), &h);
  // call_scalar would take the fastpath straight into the waiting server: refused instead.
  const struct {
    Syscall n;
    uint32_t a0;
  } blocking[] = {{Syscall::call_scalar, cid},     {Syscall::send_scalar, cid},
                  {Syscall::receive, 1},           {Syscall::reply_and_receive_next, 1},
                  {Syscall::wait_event, 0},        {Syscall::yield, 0},
                  {Syscall::connect, kSid[0]},     {Syscall::lend_memory, cid},
                  {Syscall::ring_setup, 0},        {Syscall::ring_enter, 1},
                  {Syscall::exit_thread, 0}};
  for (const auto& call : blocking) {
    EXPECT_EQ(sys(h, call.n, call.a0).error, abi::kErrorInHandler)
        << static_cast<uint32_t>(call.n);
    EXPECT_EQ(k_->current(), &h);
    EXPECT_EQ(h.state, ThreadState::Running);
  }
  EXPECT_EQ(b().state, ThreadState::Receiving);  // the server got nothing
  // Non-blocking calls work: a Scalar reaches the waiting server (which runs later).
  EXPECT_EQ(sys(h, Syscall::try_send_scalar, cid, 7).error, Error::Ok);
  EXPECT_EQ(b().state, ThreadState::Ready);
  EXPECT_EQ(k_->current(), &h);
  EXPECT_EQ(sys(h, Syscall::null).error, Error::Ok);
  EXPECT_EQ(sys(h, Syscall::reply, 0x10001, 0, 0).error, Error::InvalidHandle);
  handler_returns();
  EXPECT_EQ(k_->active_irq(), 0u);
}

TEST_F(IrqTest, AFaultingHandlerEndsItsProcessAndTheLineIsFreedAndMasked) {
  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, 12, kHandler, 0).error, Error::Ok);
  claim_and_fire_while_b_runs();
  k_->check_invariants();
  dispatch::user_fault(*k_, static_cast<uint32_t>(Cause::LoadPageFault), kHandler + 8, 0);
  EXPECT_EQ(k_->process(a_).state, ProcessState::Free);
  EXPECT_EQ(owned_by(a_), 0u);
  for (uint32_t line : {kLine, 12u}) {
    EXPECT_EQ(k_->irq_line(line).owner, 0u);
    EXPECT_FALSE(g_irq.enabled[line]);
  }
  EXPECT_FALSE(g_irq.in_service[kLine]);  // completed, so the controller is not stuck
  EXPECT_FALSE(g_irq.hart_masked);
  EXPECT_EQ(k_->active_irq(), 0u);
  EXPECT_EQ(k_->current(), &b());  // the kernel goes on
  EXPECT_EQ(sys(b(), Syscall::claim_interrupt, kLine, kHandler, 0).error, Error::Ok);
}

TEST_F(IrqTest, AHandlerThatOverrunsItsBudgetEndsItsProcess) {
  claim_and_fire_while_b_runs();
  dispatch::timer(*k_, 1);  // the tick right after the upcall: not yet
  EXPECT_EQ(k_->current(), &context(a_));  // and never preempted by it
  dispatch::timer(*k_, 2);
  EXPECT_EQ(k_->process(a_).state, ProcessState::Free);
  EXPECT_FALSE(g_irq.enabled[kLine]);
  EXPECT_FALSE(g_irq.in_service[kLine]);
  EXPECT_FALSE(g_irq.hart_masked);
  EXPECT_EQ(k_->current(), &b());
}

TEST_F(IrqTest, AnInterruptWhileAHandlerRunsIsHeldAndDeliveredWhenItReturns) {
  ASSERT_EQ(sys(b(), Syscall::claim_interrupt, 12, kHandler, 0x12).error, Error::Ok);
  claim_and_fire_while_b_runs();
  // The hart masks external interrupts during a handler; were one taken anyway, it waits.
  g_irq.pending[12] = true;
  g_irq.enabled[12] = true;
  dispatch::external_interrupt(*k_);
  EXPECT_EQ(k_->current(), &context(a_));
  EXPECT_TRUE(k_->irq_line(12).deferred);
  EXPECT_TRUE(g_irq.in_service[12]);
  handler_returns();
  EXPECT_EQ(k_->current(), &context(b_));  // b's handler, for line 12, at once
  EXPECT_EQ(context(b_).frame.a(0), 12u);
  EXPECT_EQ(context(b_).frame.a(1), 0x12u);
  handler_returns();
  EXPECT_FALSE(g_irq.in_service[12]);
  EXPECT_FALSE(g_irq.in_service[kLine]);
  EXPECT_EQ(k_->current(), &b());
}

TEST_F(IrqTest, ALineNobodyOwnsIsMasked) {
  g_irq.enabled[13] = true;  // e.g. left on by a previous owner's race
  KernelTestAccess::run(*k_, b());
  fire(13);
  EXPECT_FALSE(g_irq.enabled[13]);
  EXPECT_FALSE(g_irq.in_service[13]);
  EXPECT_EQ(k_->current(), &b());
}

TEST_F(IrqTest, AStormIsHeldUntilTheNextTickAndOthersRunAndNothingIsLost) {
  k_->set_irq_budget(100);
  g_now = 1000;
  claim_and_fire_while_b_runs();
  g_now += 60;
  handler_returns();  // 60 of 100 used
  EXPECT_FALSE(k_->irq_line(kLine).throttled);
  fire(kLine);
  ASSERT_EQ(k_->current(), &context(a_));
  g_now += 60;
  handler_returns();  // 120: over budget
  EXPECT_TRUE(k_->irq_line(kLine).throttled);
  EXPECT_EQ(k_->current(), &b());

  fire(kLine);  // the storm goes on: held, claimed, and the rest of the system runs
  EXPECT_EQ(k_->current(), &b());
  EXPECT_TRUE(k_->irq_line(kLine).deferred);
  EXPECT_TRUE(g_irq.in_service[kLine]);
  EXPECT_FALSE(g_irq.hart_masked);
  const unsigned completions = g_irq.completions;

  dispatch::timer(*k_, 1);  // the next tick delivers it
  EXPECT_EQ(k_->current(), &context(a_));
  EXPECT_FALSE(k_->irq_line(kLine).deferred);
  EXPECT_FALSE(k_->irq_line(kLine).throttled);
  EXPECT_EQ(context(a_).frame.pc, kHandler);
  handler_returns();
  EXPECT_EQ(g_irq.completions, completions + 1);
  EXPECT_FALSE(g_irq.in_service[kLine]);
  EXPECT_EQ(k_->current(), &b());
}

TEST_F(IrqTest, AHeldInterruptIsReleasedWhenItsLineIsFreedOrItsOwnerDies) {
  k_->set_irq_budget(0);
  claim_and_fire_while_b_runs();
  g_now += 1;
  handler_returns();
  fire(kLine);
  ASSERT_TRUE(k_->irq_line(kLine).deferred);
  EXPECT_EQ(sys(a(), Syscall::free_interrupt, kLine).error, Error::Ok);
  EXPECT_FALSE(g_irq.in_service[kLine]);
  EXPECT_FALSE(g_irq.enabled[kLine]);
  dispatch::timer(*k_, 1);
  EXPECT_NE(k_->current(), &context(a_));  // nothing delivered for a freed line

  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, 0).error, Error::Ok);
  KernelTestAccess::run(*k_, b());
  fire(kLine);
  g_now += 1;
  handler_returns();
  fire(kLine);
  ASSERT_TRUE(k_->irq_line(kLine).deferred);
  sys(a(), Syscall::terminate_process, 0);
  EXPECT_FALSE(g_irq.in_service[kLine]);
  EXPECT_EQ(k_->irq_line(kLine).owner, 0u);
}

TEST_F(IrqTest, DeathFreesEveryLineAndTheContext) {
  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, 0).error, Error::Ok);
  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, 3, kHandler, 0).error, Error::Ok);
  const Tid ctx = k_->process(a_).irq_thread;
  sys(a(), Syscall::terminate_process, 0);
  EXPECT_EQ(k_->process(a_).state, ProcessState::Free);
  EXPECT_EQ(k_->thread(ctx).state, ThreadState::Free);
  EXPECT_FALSE(g_irq.enabled[kLine]);
  EXPECT_FALSE(g_irq.enabled[3]);
  EXPECT_EQ(sys(b(), Syscall::claim_interrupt, 3, kHandler, 0).error, Error::Ok);
}

TEST_F(IrqTest, AProcessEndsWithItsLastThreadThoughItHasAnInterruptContext) {
  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, 0).error, Error::Ok);
  sys(a(), Syscall::exit_thread);
  EXPECT_EQ(k_->process(a_).state, ProcessState::Free);
  EXPECT_FALSE(g_irq.enabled[kLine]);
}

TEST_F(IrqTest, TheHandlerMayEndItsOwnProcess) {
  claim_and_fire_while_b_runs();
  sys(context(a_), Syscall::terminate_process, 5);
  EXPECT_EQ(k_->process(a_).state, ProcessState::Free);
  EXPECT_EQ(k_->current(), &b());  // the thread it interrupted goes on
  EXPECT_FALSE(g_irq.in_service[kLine]);
  EXPECT_FALSE(g_irq.hart_masked);
  EXPECT_EQ(k_->active_irq(), 0u);
}

// A line nobody owns (a spurious or stray interrupt of the controller) is masked at the
// controller, counted, and named in the kernel log: never lost silently (issue 14).
TEST_F(IrqTest, AnUnownedLineIsMaskedCountedAndLogged) {
  klog::reset();
  g_irq.enabled[kLine] = true;  // as if a driver had claimed it and gone
  const uint32_t before = k_->unrouted_irqs();
  fire(kLine);
  EXPECT_EQ(k_->unrouted_irqs(), before + 1);
  EXPECT_FALSE(g_irq.enabled[kLine]) << "the line is masked until someone claims it";
  EXPECT_EQ(k_->active_irq(), 0u);
  char text[128] = {};
  uint32_t lost = 0;
  klog::read(text, sizeof text - 1, &lost);
  EXPECT_NE(std::string(text).find("interrupt line 11 has no owner: masked"), std::string::npos)
      << text;
  // Claimed again, it is routed: the count stays.
  ASSERT_EQ(sys(a(), Syscall::claim_interrupt, kLine, kHandler, kArg).error, Error::Ok);
  EXPECT_TRUE(g_irq.enabled[kLine]);
  fire(kLine);
  EXPECT_EQ(k_->active_irq(), kLine);
  EXPECT_EQ(k_->unrouted_irqs(), before + 1);
  handler_returns();
}

// --- the kernel log's reader -------------------------------------------------------------------

TEST_F(IrqTest, TheKernelLogHasOneReaderAndNoticesIt) {
  klog::reset();
  const Ret s = sys(a(), Syscall::create_server, abi::kLogSid[0], abi::kLogSid[1], abi::kLogSid[2],
                    abi::kLogSid[3]);
  ASSERT_EQ(s.error, Error::Ok);
  const uint32_t handle = s.r[0];
  uint32_t buf = 0;
  {
    const Ret r = sys(a(), Syscall::map_memory, 0, 4096, kRw);
    ASSERT_EQ(r.error, Error::Ok);
    buf = r.r[0];
  }
  EXPECT_EQ(sys(a(), Syscall::kernel_log, handle + 1, buf, 64).error, Error::InvalidHandle);
  EXPECT_EQ(sys(a(), Syscall::kernel_log, handle, 0x5000'0000, 64).error, Error::BadAddress);
  EXPECT_EQ(sys(a(), Syscall::kernel_log, handle, 0x10000, 64).error, Error::BadAddress);  // r/o
  kprintf("hello from the kernel\n");
  Ret r = sys(a(), Syscall::kernel_log, handle, buf, 4096);
  ASSERT_EQ(r.error, Error::Ok);
  EXPECT_EQ(r.r[0], 22u);
  EXPECT_EQ(r.r[1], 0u);
  char text[32] = {};
  ASSERT_TRUE(k_->copy_from_user(a_, text, buf, 22).is_ok());
  EXPECT_EQ(std::string(text, 22), "hello from the kernel\n");

  // A server under any other SID may not read it, nor take it over.
  const Ret s2 = sys(b(), Syscall::create_server, 1, 2, 3, 4);
  ASSERT_EQ(s2.error, Error::Ok);
  EXPECT_EQ(sys(b(), Syscall::kernel_log, s2.r[0], buf, 64).error, Error::AccessDenied);
  const Ret other = sys(a(), Syscall::create_server, 5, 6, 7, 8);
  ASSERT_EQ(other.error, Error::Ok);
  EXPECT_EQ(sys(a(), Syscall::kernel_log, other.r[0], buf, 64).error, Error::AccessDenied);

  // New kernel output: the reader gets one notice from no process, however much is written.
  sys(a(), Syscall::receive, handle);  // the reader waits
  kprintf("process 9 died\n");
  kprintf("and another line\n");
  KernelTestAccess::run(*k_, b());
  sys(b(), Syscall::null);  // the end of any kernel entry posts the notice
  EXPECT_EQ(a().state, ThreadState::Ready);
  EXPECT_EQ(a().frame.a(2), abi::kLogKernelNotice);
  EXPECT_EQ(a().frame.a(3), static_cast<uint32_t>(abi::MessageKind::Scalar));  // sender 0: the kernel
  sys(b(), Syscall::null);
  EXPECT_EQ(sys(a(), Syscall::try_receive, handle).error, Error::WouldBlock);  // only one
  r = sys(a(), Syscall::kernel_log, handle, buf, 4096);
  EXPECT_EQ(r.r[0], 32u);

  // When the reader dies, a new log server may read.
  sys(a(), Syscall::terminate_process, 0);
  const Ret b_buf = sys(b(), Syscall::map_memory, 0, 4096, kRw);
  ASSERT_EQ(b_buf.error, Error::Ok);
  const Ret s3 = sys(b(), Syscall::create_server, abi::kLogSid[0], abi::kLogSid[1],
                     abi::kLogSid[2], abi::kLogSid[3]);
  ASSERT_EQ(s3.error, Error::Ok);
  EXPECT_EQ(sys(b(), Syscall::kernel_log, s3.r[0], b_buf.r[0], 64).error, Error::Ok);
  klog::reset();
}

}  // namespace
}  // namespace courier::test
