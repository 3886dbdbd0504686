// batch_test.cc — FlexSC rings on the fake MMU: entries complete like their trapping
// syscalls, every untrusted index and entry is checked, ring pages stay pinned, async calls
// complete with the reply or with the server's death, and nothing leaks.
#include "courier/abi/ring.h"
#include "kernel_fixture.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::RingCompletion;
using abi::RingEntry;
using abi::RingHeader;
using abi::Syscall;

constexpr uint32_t kRing = 0x30000000;
constexpr uint32_t kSq = kRing + 4096;

class BatchTest : public KernelTest {
 protected:
  void SetUp() override {
    KernelTest::SetUp();
    server_pid = spawn("server");
    pid = spawn("client");
    handle = sys(srv(), Syscall::create_server, 3, 3, 3, 3).r[0];
    cid = sys(me(), Syscall::connect, 3, 3, 3, 3).r[0];
    ASSERT_EQ(sys(me(), Syscall::map_memory, kRing, abi::kRingBytes, kRw).error, Error::Ok);
    ASSERT_EQ(sys(me(), Syscall::ring_setup, kRing).error, Error::Ok);
  }
  Thread& me() { return main_thread(pid); }
  Thread& srv() { return main_thread(server_pid); }

  RingHeader header() {
    RingHeader h{};
    EXPECT_TRUE(k_->copy_from_user(pid, &h, kRing, sizeof h).is_ok());
    return h;
  }
  void set(uint32_t field_offset, uint32_t v) {
    ASSERT_TRUE(k_->copy_to_user(pid, kRing + field_offset, &v, 4).is_ok());
  }
  // Writes an entry at the user's sq_tail and advances it.
  void submit(Syscall n, uint32_t tag, std::initializer_list<uint32_t> args = {}) {
    RingEntry e{static_cast<uint32_t>(n), tag, {0, 0, 0, 0, 0, 0}};
    uint32_t i = 0;
    for (uint32_t a : args) e.a[i++] = a;
    const uint32_t tail = header().sq_tail;
    ASSERT_TRUE(
        k_->copy_to_user(pid, kSq + (tail % abi::kRingEntries) * sizeof e, &e, sizeof e).is_ok());
    set(offsetof(RingHeader, sq_tail), tail + 1);
  }
  RingCompletion completion(uint32_t index) {
    RingCompletion c{};
    EXPECT_TRUE(k_->copy_from_user(
                      pid, &c, kRing + abi::kRingCqOffset + (index % abi::kRingEntries) * sizeof c,
                      sizeof c)
                    .is_ok());
    return c;
  }
  Ret enter(uint32_t want = 0) { return sys(me(), Syscall::ring_enter, want); }

  Pid pid = 0, server_pid = 0;
  uint32_t handle = 0, cid = 0;
};

TEST_F(BatchTest, EntriesCompleteInOrderLikeTheirSyscalls) {
  submit(Syscall::null, 10);
  submit(Syscall::map_memory, 11, {0x40000000, 0x1000, kRw});
  submit(Syscall::try_send_scalar, 12, {cid, 5, 6, 7, 8, 9});
  submit(Syscall::unmap_memory, 13, {0x40000000, 0x1000});
  const Ret r = enter();
  EXPECT_EQ(r.error, Error::Ok);
  EXPECT_EQ(r.r[0], 4u);  // consumed
  const RingHeader h = header();
  EXPECT_EQ(h.sq_head, 4u);
  EXPECT_EQ(h.cq_tail, 4u);
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(completion(i).tag, 10 + i);
    EXPECT_EQ(completion(i).error, 0u) << i;
  }
  EXPECT_EQ(completion(1).r[0], 0x40000000u);              // map_memory's answer
  const Ret m = sys(srv(), Syscall::try_receive, handle);  // the scalar arrived
  EXPECT_EQ(m.r[1], 5u);
  EXPECT_EQ(m.r[6], 9u);
  EXPECT_FALSE(k_->process(pid).space.lookup(kstd::VirtAddr(0x40000000)).has_value());
}

TEST_F(BatchTest, BadEntriesGetErrorCompletions) {
  submit(static_cast<Syscall>(999), 1);
  submit(Syscall::yield, 2);                                  // not batchable
  submit(Syscall::map_memory, 3, {0x40000000, 0x1000, 64});   // bad flags
  submit(Syscall::map_memory, 4, {0x80000000, 0x1000, kRw});  // kernel space
  submit(Syscall::send_scalar, 5, {77, 1});                   // no such connection
  submit(Syscall::reply, 6, {0x12345678, 1, 2});              // no such caller
  submit(Syscall::return_memory, 7, {0x8001, 0, 0});          // nothing lent
  submit(Syscall::unmap_memory, 8, {kRing, 0x1000});          // the ring itself: pinned
  EXPECT_EQ(enter().r[0], 8u);
  const Error want[] = {Error::NotSupported,  Error::NotSupported,  Error::InvalidArgument,
                        Error::BadAddress,    Error::InvalidHandle, Error::InvalidHandle,
                        Error::InvalidHandle, Error::AccessDenied};
  for (uint32_t i = 0; i < 8; ++i)
    EXPECT_EQ(completion(i).error, static_cast<uint32_t>(want[i])) << i;
}

TEST_F(BatchTest, UntrustedIndicesAreRefusedAndNothingIsConsumed) {
  submit(Syscall::null, 1);
  set(offsetof(RingHeader, sq_tail), 1 + abi::kRingEntries);  // runs past the ring
  EXPECT_EQ(enter().error, Error::InvalidArgument);
  set(offsetof(RingHeader, sq_tail), 0xffffffff);  // moved backwards
  EXPECT_EQ(enter().error, Error::InvalidArgument);
  set(offsetof(RingHeader, sq_tail), 1);
  set(offsetof(RingHeader, cq_head), 5);  // claims completions that were never posted
  EXPECT_EQ(enter().error, Error::InvalidArgument);
  EXPECT_EQ(header().sq_head, 0u);
  set(offsetof(RingHeader, cq_head), 0);
  EXPECT_EQ(enter().r[0], 1u);  // repaired: it goes through
}

TEST_F(BatchTest, AFullCompletionRingStopsTheDrainWithoutLosingEntries) {
  for (uint32_t round = 0; round < 2; ++round) {
    for (uint32_t i = 0; i < abi::kRingEntries / 2; ++i) submit(Syscall::null, i);
    EXPECT_EQ(enter().r[0], abi::kRingEntries / 2);
  }
  // 128 completions are waiting, none consumed: the next entry cannot complete.
  submit(Syscall::null, 999);
  EXPECT_EQ(enter().error, Error::QueueFull);
  EXPECT_EQ(header().sq_head, abi::kRingEntries);  // still in the ring
  set(offsetof(RingHeader, cq_head), 1);           // the user consumes one
  EXPECT_EQ(enter().r[0], 1u);
  EXPECT_EQ(completion(abi::kRingEntries).tag, 999u);
}

TEST_F(BatchTest, RingPagesArePinnedAndChecked) {
  EXPECT_EQ(sys(me(), Syscall::unmap_memory, kRing, 0x1000).error, Error::AccessDenied);
  EXPECT_EQ(sys(me(), Syscall::unmap_memory, kRing + 0x1000, 0x2000).error, Error::AccessDenied);
  EXPECT_EQ(sys(me(), Syscall::update_memory_flags, kRing, 0x2000, abi::kMemRead).error,
            Error::AccessDenied);
  // A second thread may not register a ring over this one, nor over unsuitable memory.
  const Ret stack = sys(me(), Syscall::map_memory, 0, 0x1000, kRw);
  auto t2 = k_->create_thread(pid, 0x10000, stack.r[0] + 0x1000, 0, abi::kDefaultPriority);
  ASSERT_TRUE(t2.is_ok());
  Thread& other = k_->thread(t2.value());
  EXPECT_EQ(sys(other, Syscall::ring_setup, kRing).error, Error::AccessDenied);
  EXPECT_EQ(sys(other, Syscall::ring_setup, kRing + 4).error, Error::InvalidArgument);
  EXPECT_EQ(sys(other, Syscall::ring_setup, 0x50000000).error, Error::BadAddress);  // unmapped
  EXPECT_EQ(sys(other, Syscall::ring_setup, 0x10000).error, Error::BadAddress);  // read-only text
  EXPECT_EQ(sys(other, Syscall::ring_setup, 0x80000000).error, Error::BadAddress);  // kernel
  EXPECT_EQ(sys(other, Syscall::ring_setup, 0xfffff000).error, Error::BadAddress);  // wraps
  // Unregistered, the pages are ordinary again.
  EXPECT_EQ(sys(me(), Syscall::ring_setup, 0).error, Error::Ok);
  EXPECT_EQ(sys(me(), Syscall::unmap_memory, kRing, abi::kRingBytes).error, Error::Ok);
  EXPECT_EQ(k_->process(pid).rings, 0u);
}

TEST_F(BatchTest, OtherTrapsDrainTheRingToo) {
  submit(Syscall::null, 1);
  submit(Syscall::null, 2);
  EXPECT_EQ(sys(me(), Syscall::process_info).error, Error::Ok);  // any slow-path syscall
  EXPECT_EQ(header().cq_tail, 2u);
  submit(Syscall::null, 3);
  KernelTestAccess::run(*k_, me());
  dispatch::timer(*k_, 1);  // a timer tick of the thread
  EXPECT_EQ(header().cq_tail, 3u);
}

TEST_F(BatchTest, ABatchedCallCompletesWithTheReplyAndOthersAreNotHeldUp) {
  sys(srv(), Syscall::receive, handle);
  submit(Syscall::call_scalar, 50, {cid, 9, 1, 2, 3, 4});
  submit(Syscall::null, 51);
  const Ret r = enter(2);  // wants two completions: the null one is there, the call is not
  EXPECT_EQ(me().state, ThreadState::RingWait);
  EXPECT_EQ(header().cq_tail, 1u);
  EXPECT_EQ(completion(0).tag, 51u);  // not held up by the call before it
  (void)r;
  const Ret m = result(srv());
  ASSERT_EQ(m.error, Error::Ok);
  EXPECT_EQ(m.r[1], 9u);
  EXPECT_NE(m.r[0] & kAsyncHandleBit, 0u);
  sys(srv(), Syscall::reply_and_receive_next, handle, m.r[0], 70, 80);
  EXPECT_EQ(srv().state, ThreadState::Receiving);  // answered, and waits for the next message
  EXPECT_NE(me().state, ThreadState::RingWait);    // woken by the completion
  EXPECT_EQ(completion(1).tag, 50u);
  EXPECT_EQ(completion(1).r[0], 70u);
  EXPECT_EQ(completion(1).r[1], 80u);
  EXPECT_EQ(me().ring_reserved, 0u);
  // The handle is used up: a second reply is refused.
  EXPECT_EQ(sys(srv(), Syscall::reply, m.r[0], 1, 1).error, Error::InvalidHandle);
}

TEST_F(BatchTest, ServerDeathCompletesBatchedCallsWithAnError) {
  submit(Syscall::call_scalar, 60, {cid, 1});
  enter();
  EXPECT_EQ(me().ring_reserved, 1u);
  k_->destroy_process(server_pid, 0);
  EXPECT_EQ(me().ring_reserved, 0u);
  EXPECT_EQ(completion(0).tag, 60u);
  EXPECT_EQ(completion(0).error, static_cast<uint32_t>(Error::ServerNotFound));
}

TEST_F(BatchTest, AClientDyingWithCallsInFlightLeavesNothingBehind) {
  sys(srv(), Syscall::receive, handle);
  submit(Syscall::call_scalar, 70, {cid, 1});
  submit(Syscall::call_scalar, 71, {cid, 2});  // queued behind the first
  enter();
  const uint32_t msg = result(srv()).r[0];
  k_->destroy_process(pid, 0);
  EXPECT_EQ(k_->server(handle - 1).count, 0u);  // its queued call went with it
  EXPECT_EQ(sys(srv(), Syscall::reply, msg, 1, 2).error, Error::InvalidHandle);
  EXPECT_EQ(owned_by(pid), 0u);
}

TEST_F(BatchTest, SendsWaitInOrderForRoomInTheQueue) {
  for (uint32_t i = 0; i < kQueueDepth + 3; ++i) submit(Syscall::send_scalar, i, {cid, i});
  submit(Syscall::try_send_scalar, 100, {cid, 100});
  EXPECT_EQ(enter().r[0], kQueueDepth);  // ring_enter(0) does not wait: it consumed what fit
  EXPECT_EQ(header().sq_head, kQueueDepth);
  enter(1);  // with a count, it waits for room
  EXPECT_EQ(me().state, ThreadState::SendBlocked);
  for (uint32_t i = 0; i < kQueueDepth; ++i)
    EXPECT_EQ(sys(srv(), Syscall::try_receive, handle).r[1], i);
  EXPECT_EQ(me().state, ThreadState::Ready);  // and runs ring_enter again
  EXPECT_EQ(enter().r[0], 4u);
  EXPECT_EQ(completion(kQueueDepth + 3).error, 0u);  // room for the try_send as well, in order
}

// --- preemption points (core/preempt.h) ------------------------------------------------------

TEST_F(BatchTest, AMapEntryStoppedMidWayResumesAtTheNextEnter) {
  submit(Syscall::map_memory, 20, {0x40000000, 16 * 0x1000, kRw});
  submit(Syscall::null, 21);
  g_preempt = FakePreemption{3, false, 0};  // after the entry's fourth page
  const uint32_t pc = me().frame.pc;
  enter();
  ASSERT_TRUE(parked(me(), pc));  // ring_enter is issued again, its registers untouched
  EXPECT_EQ(header().sq_head, 0u);  // the entry stays in the ring, not completed
  EXPECT_EQ(me().cont.op, Split::MapMemory);
  EXPECT_FALSE(k_->process(pid).space.lookup(kstd::VirtAddr(0x40000000)).has_value());
  g_preempt = FakePreemption{};
  const Ret r = enter();
  EXPECT_EQ(r.error, Error::Ok);
  EXPECT_EQ(r.r[0], 2u);  // what the call consumed, both times it was issued
  EXPECT_EQ(completion(0).tag, 20u);
  EXPECT_EQ(completion(0).error, 0u);
  EXPECT_EQ(completion(0).r[0], 0x40000000u);
  EXPECT_EQ(completion(1).tag, 21u);
  for (uint32_t i = 0; i < 16; ++i)
    EXPECT_TRUE(k_->process(pid).space.lookup(kstd::VirtAddr(0x40000000 + i * 0x1000))) << i;
}

TEST_F(BatchTest, TheDrainStopsBetweenEntriesAndTheCountCoversEveryIssue) {
  for (uint32_t i = 0; i < 100; ++i) submit(Syscall::null, i);
  g_preempt.always = true;
  uint32_t entries = 0;
  const Ret r = sys_until_done(me(), Syscall::ring_enter, 0, 0, 0, 0, 0, 0, &entries);
  EXPECT_EQ(r.error, Error::Ok);
  EXPECT_EQ(r.r[0], 100u);
  EXPECT_EQ(entries, 2u);  // a preemption point every Budget::kUnitsPerPoint (64) entries
  for (uint32_t i = 0; i < 100; ++i) EXPECT_EQ(completion(i).tag, i);
}

TEST_F(BatchTest, AStoppedEntryTheUserRewroteIsAbandoned) {
  const uint32_t before = k_->frames().free_count();
  submit(Syscall::map_memory, 30, {0x40000000, 16 * 0x1000, kRw});
  g_preempt = FakePreemption{3, false, 0};
  const uint32_t pc = me().frame.pc;
  enter();
  ASSERT_TRUE(parked(me(), pc));
  const RingEntry null_entry{static_cast<uint32_t>(Syscall::null), 31, {0, 0, 0, 0, 0, 0}};
  ASSERT_TRUE(k_->copy_to_user(pid, kSq, &null_entry, sizeof null_entry).is_ok());
  g_preempt = FakePreemption{};
  EXPECT_EQ(enter().r[0], 1u);
  EXPECT_EQ(completion(0).tag, 31u);
  EXPECT_FALSE(k_->process(pid).space.any_mapped(kstd::VirtAddr(0x40000000), 16));
  EXPECT_EQ(k_->frames().free_count(), before - 1);  // the range's table stays, empty
  EXPECT_EQ(k_->frames().reserved(), 0u);
}

TEST_F(BatchTest, ATrappingLongCallAbandonsAStoppedEntry) {
  submit(Syscall::map_memory, 40, {0x40000000, 16 * 0x1000, kRw});
  g_preempt = FakePreemption{3, false, 0};
  enter();
  EXPECT_EQ(me().cont.origin, Origin::Ring);
  // An interrupt stays pending, so no drain follows the call (it would run the entry again).
  g_preempt.always = true;
  ASSERT_EQ(sys(me(), Syscall::map_memory, 0x50000000, 0x1000, kRw).error, Error::Ok);
  EXPECT_EQ(me().cont.op, Split::None);
  EXPECT_FALSE(k_->process(pid).space.any_mapped(kstd::VirtAddr(0x40000000), 16));
  EXPECT_EQ(header().sq_head, 0u);
  g_preempt = FakePreemption{};
  const Ret r = enter();  // the entry runs from the start
  EXPECT_EQ(r.r[0], 1u);
  EXPECT_EQ(completion(0).r[0], 0x40000000u);
}

TEST_F(BatchTest, ARingWaitsWhileItsThreadHasAStoppedCallToIssueAgain) {
  g_preempt = FakePreemption{2, false, 0};
  const uint32_t pc = me().frame.pc;
  sys(me(), Syscall::map_memory, 0x40000000, 8 * 0x1000, kRw);
  ASSERT_TRUE(parked(me(), pc));
  submit(Syscall::null, 50);
  dispatch::drain_rings(*k_);  // idle: another thread's drain of this ring
  EXPECT_EQ(header().sq_head, 0u);
  g_preempt = FakePreemption{};
  EXPECT_EQ(sys(me(), Syscall::map_memory, 0x40000000, 8 * 0x1000, kRw).error, Error::Ok);
  EXPECT_EQ(header().sq_head, 1u);  // drained after the call, as at any trap
}

}  // namespace
}  // namespace courier::test
