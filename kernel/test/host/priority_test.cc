// priority_test.cc — priorities with a ceiling (abi/syscall.h, abi/boot_archive.h): the boot
// record gives each process its first thread's priority and the most urgent priority its
// threads may have; create_thread above it is AccessDenied and creates nothing, so a process
// can starve nobody the image placed above it (issue 13, finding 1).
#include "kernel_fixture.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::Syscall;

constexpr uint32_t kEntry = 0x10000;     // the fixture's text
constexpr uint32_t kStack = 0x7fff0000;  // the top of the fixture's first stack

uint32_t live_threads(Kernel& k) {
  uint32_t n = 0;
  for (Tid t = 0; t < kMaxThreads; ++t) n += k.thread(t).state != ThreadState::Free;
  return n;
}

TEST_F(KernelTest, CreateThreadAboveTheCeilingIsAccessDeniedAndNothingIsCreated) {
  const Pid pid = spawn("p");  // an ordinary program: first thread and ceiling at the default
  Thread& main = main_thread(pid);
  EXPECT_EQ(main.priority, abi::kDefaultPriority);
  EXPECT_EQ(k_->process(pid).max_priority, abi::kDefaultPriority);
  const uint32_t free_pages = k_->frames().free_count();
  const uint32_t threads = live_threads(*k_);
  const uint32_t generation = main.generation;
  for (uint32_t p = 0; p < abi::kDefaultPriority; ++p) {
    EXPECT_EQ(sys(main, Syscall::create_thread, kEntry, kStack, 0, p).error, Error::AccessDenied)
        << p;
  }
  EXPECT_EQ(k_->create_thread(pid, kEntry, kStack, 0, 0).error(), Error::AccessDenied);
  EXPECT_EQ(k_->process(pid).thread_count, 1u);
  EXPECT_EQ(live_threads(*k_), threads);
  EXPECT_EQ(k_->frames().free_count(), free_pages);
  EXPECT_EQ(main.generation, generation);
  EXPECT_EQ(k_->current(), &main);  // nothing more urgent appeared
  // The order of the checks: the entry and the stack first, then the priority's range, then
  // the ceiling.
  EXPECT_EQ(sys(main, Syscall::create_thread, 0x3000'0000, kStack, 0, 0).error, Error::BadAddress);
  EXPECT_EQ(sys(main, Syscall::create_thread, kEntry, 0x5000'0000, 0, 0).error, Error::BadAddress);
  EXPECT_EQ(sys(main, Syscall::create_thread, kEntry, kStack, 0, abi::kPriorities).error,
            Error::InvalidArgument);
  EXPECT_EQ(sys(main, Syscall::create_thread, kEntry, kStack, 0, 0xffff'ffff).error,
            Error::InvalidArgument);
  EXPECT_EQ(live_threads(*k_), threads);
  // At the ceiling and below it: as before.
  const Ret at = sys(main, Syscall::create_thread, kEntry, kStack, 0, abi::kDefaultPriority);
  ASSERT_EQ(at.error, Error::Ok);
  EXPECT_EQ(k_->thread(static_cast<Tid>(at.r[0])).priority, abi::kDefaultPriority);
  const Ret below = sys(main, Syscall::create_thread, kEntry, kStack, 0, abi::kPriorities - 1);
  ASSERT_EQ(below.error, Error::Ok);
  EXPECT_EQ(k_->thread(static_cast<Tid>(below.r[0])).priority, abi::kPriorities - 1);
  EXPECT_EQ(k_->process(pid).thread_count, 3u);
}

TEST_F(KernelTest, TheFirstThreadRunsAtItsRecordsPriorityUnderItsCeiling) {
  const Pid svc = spawn("svc", Grant{abi::kServicePriority, abi::kServicePriority});
  const Pid bg = spawn("bg", Grant{6, 3});
  EXPECT_EQ(main_thread(svc).priority, abi::kServicePriority);
  EXPECT_EQ(main_thread(bg).priority, 6u);
  EXPECT_EQ(
      sys(main_thread(svc), Syscall::create_thread, kEntry, kStack, 0, abi::kServicePriority - 1)
          .error,
      Error::AccessDenied);
  EXPECT_EQ(
      sys(main_thread(svc), Syscall::create_thread, kEntry, kStack, 0, abi::kServicePriority).error,
      Error::Ok);
  EXPECT_EQ(sys(main_thread(bg), Syscall::create_thread, kEntry, kStack, 0, 2).error,
            Error::AccessDenied);
  EXPECT_EQ(sys(main_thread(bg), Syscall::create_thread, kEntry, kStack, 0, 3).error, Error::Ok);
  EXPECT_EQ(k_->process(svc).thread_count, 2u);
  EXPECT_EQ(k_->process(bg).thread_count, 2u);
}

// Finding 1 on the host: a process spins a thread at the most urgent priority it can get; a
// service above it, woken by a message, still runs at the next tick. With a ceiling of 0 (what
// every process had before), the spinner wins instead.
class StarvationTest : public KernelTest {
 protected:
  // The service waits in receive; the hog starts a spinner at the most urgent priority the
  // kernel grants it, then sends the service a message and is preempted by the timer. Returns
  // the spinner's priority.
  uint32_t run(Grant hog_grant) {
    svc_ = spawn("svc", Grant{abi::kServicePriority, abi::kServicePriority});
    hog_ = spawn("hog", hog_grant);
    static constexpr uint32_t kSid[4] = {0x51, 0x52, 0x53, 0x54};
    const Ret s =
        sys(main_thread(svc_), Syscall::create_server, kSid[0], kSid[1], kSid[2], kSid[3]);
    EXPECT_EQ(s.error, Error::Ok);
    sys(main_thread(svc_), Syscall::receive, s.r[0]);
    EXPECT_EQ(main_thread(svc_).state, ThreadState::Receiving);
    Thread& hog = main_thread(hog_);
    uint32_t prio = 0;
    Ret r{};
    for (; prio < abi::kPriorities; ++prio) {
      r = sys(hog, Syscall::create_thread, kEntry, kStack, 0, prio);
      if (r.error == Error::Ok) break;
      EXPECT_EQ(r.error, Error::AccessDenied) << prio;
    }
    EXPECT_LT(prio, abi::kPriorities);
    spinner_ = &k_->thread(static_cast<Tid>(r.r[0]));
    // The spinner runs (it is at least as urgent as the hog's main thread) and sends.
    KernelTestAccess::run(*k_, *spinner_);
    const Ret c = sys(*spinner_, Syscall::try_connect, kSid[0], kSid[1], kSid[2], kSid[3]);
    EXPECT_EQ(c.error, Error::Ok);
    EXPECT_EQ(sys(*spinner_, Syscall::try_send_scalar, c.r[0], 7).error, Error::Ok);
    k_->tick(1);  // the timer: the most urgent ready thread runs
    return prio;
  }
  Pid svc_ = 0, hog_ = 0;
  Thread* spinner_ = nullptr;
};

TEST_F(StarvationTest, AThreadAtTheCeilingCannotStarveAServiceAboveIt) {
  EXPECT_EQ(run(Grant{}), abi::kDefaultPriority);
  EXPECT_EQ(k_->current(), &main_thread(svc_));
  EXPECT_EQ(spinner_->state, ThreadState::Ready);
}

TEST_F(StarvationTest, WithoutACeilingTheSpinnerWins) {
  EXPECT_EQ(run(Grant{abi::kDefaultPriority, 0}), 0u);
  EXPECT_EQ(k_->current(), spinner_);
  EXPECT_EQ(main_thread(svc_).state, ThreadState::Ready);  // woken, and starved
}

}  // namespace
}  // namespace courier::test
