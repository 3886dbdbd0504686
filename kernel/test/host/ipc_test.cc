// ipc_test.cc — servers, connections, queues and the sync path on the host: bad handles, full
// queues, death in every blocking state, and the fastpath against the slow path.
#include "kernel_fixture.h"

namespace courier::test {
namespace {

using abi::Error;
using abi::MessageKind;
using abi::Syscall;

constexpr uint32_t kSid[4] = {0x11, 0x22, 0x33, 0x44};

class IpcTest : public KernelTest {
 protected:
  void SetUp() override {
    KernelTest::SetUp();
    server_pid = spawn("server");
    client_pid = spawn("client");
    const Ret s = sys(srv(), Syscall::create_server, kSid[0], kSid[1], kSid[2], kSid[3]);
    ASSERT_EQ(s.error, Error::Ok);
    handle = s.r[0];
    const Ret c = sys(cli(), Syscall::connect, kSid[0], kSid[1], kSid[2], kSid[3]);
    ASSERT_EQ(c.error, Error::Ok);
    cid = c.r[0];
  }
  Thread& srv() { return main_thread(server_pid); }
  Thread& cli() { return main_thread(client_pid); }
  // Puts the server thread in receive (blocks: the queue is empty).
  void server_waits() {
    sys(srv(), Syscall::receive, handle);
    ASSERT_EQ(srv().state, ThreadState::Receiving);
  }
  Pid server_pid = 0, client_pid = 0;
  uint32_t handle = 0, cid = 0;
};

TEST_F(IpcTest, CallToAWaitingServerSwitchesStraightToIt) {
  server_waits();
  sys(cli(), Syscall::call_scalar, cid, 7, 1, 2, 3, 4);
  EXPECT_EQ(cli().state, ThreadState::Calling);
  EXPECT_EQ(k_->current(), &srv());
  const Ret m = result(srv());
  EXPECT_EQ(m.error, Error::Ok);
  EXPECT_NE(m.r[0], 0u);  // a reply handle
  EXPECT_EQ(m.r[1], 7u);
  EXPECT_EQ(m.r[2], static_cast<uint32_t>(MessageKind::BlockingScalar) |
                        (client_pid << abi::kMessageSenderShift));  // the kind and the sender
  EXPECT_EQ(m.r[3], 1u);
  EXPECT_EQ(m.r[6], 4u);
  sys(srv(), Syscall::reply_and_receive_next, handle, m.r[0], 10, 20);
  EXPECT_EQ(k_->current(), &cli());
  EXPECT_EQ(srv().state, ThreadState::Receiving);
  const Ret r = result(cli());
  EXPECT_EQ(r.error, Error::Ok);
  EXPECT_EQ(r.r[0], 10u);
  EXPECT_EQ(r.r[1], 20u);
}

TEST_F(IpcTest, ScalarsQueueInOrderAndAFullQueueIsNeverASilentDrop) {
  for (uint32_t i = 0; i < kQueueDepth; ++i) {
    ASSERT_EQ(sys(cli(), Syscall::try_send_scalar, cid, 100 + i, i).error, Error::Ok);
  }
  EXPECT_EQ(sys(cli(), Syscall::try_send_scalar, cid, 999).error, Error::QueueFull);
  EXPECT_EQ(k_->server(handle - 1).count, kQueueDepth);
  // A blocking send waits, with its registers intact so it can retry.
  const uint32_t pc = cli().frame.pc;
  sys(cli(), Syscall::send_scalar, cid, 555, 5);
  EXPECT_EQ(cli().state, ThreadState::SendBlocked);
  // Receiving one message makes room and the sender retries its ecall.
  const Ret first = sys(srv(), Syscall::try_receive, handle);
  EXPECT_EQ(first.r[1], 100u);
  EXPECT_EQ(first.r[0], 0u);  // a Scalar expects no reply
  EXPECT_EQ(cli().state, ThreadState::Ready);
  EXPECT_EQ(cli().frame.pc, pc);  // pc moved back onto the send's ecall: it runs again
  EXPECT_EQ(cli().frame.a(1), 555u);
  for (uint32_t i = 1; i < kQueueDepth; ++i)
    EXPECT_EQ(sys(srv(), Syscall::try_receive, handle).r[1], 100 + i);
  EXPECT_EQ(sys(srv(), Syscall::try_receive, handle).error, Error::WouldBlock);
}

TEST_F(IpcTest, BadHandlesGetErrors) {
  EXPECT_EQ(sys(cli(), Syscall::send_scalar, 0, 1).error, Error::InvalidHandle);
  EXPECT_EQ(sys(cli(), Syscall::call_scalar, kMaxConnections + 1, 1).error, Error::InvalidHandle);
  EXPECT_EQ(sys(cli(), Syscall::call_scalar, cid + 1, 1).error, Error::InvalidHandle);
  EXPECT_EQ(sys(cli(), Syscall::receive, handle).error, Error::InvalidHandle);  // not its server
  EXPECT_EQ(sys(cli(), Syscall::reply_and_receive_next, handle, 0, 0, 0).error,
            Error::InvalidHandle);
  EXPECT_EQ(sys(srv(), Syscall::receive, 0).error, Error::InvalidHandle);
  EXPECT_EQ(sys(srv(), Syscall::receive, 0xffffffff).error, Error::InvalidHandle);
  EXPECT_EQ(sys(srv(), Syscall::reply, 0, 1, 2).error, Error::InvalidHandle);
  EXPECT_EQ(sys(srv(), Syscall::reply, 0xffff0001, 1, 2).error,
            Error::InvalidHandle);  // wrong generation
  EXPECT_EQ(
      sys(srv(), Syscall::reply, message_handle(k_->tid_of(cli()), cli().generation), 1, 2).error,
      Error::InvalidHandle);  // the client is not calling
  EXPECT_EQ(sys(cli(), Syscall::destroy_server, handle).error, Error::InvalidHandle);
  EXPECT_EQ(sys(cli(), Syscall::disconnect, 9).error, Error::InvalidHandle);
  EXPECT_EQ(sys(cli(), Syscall::try_connect, 1, 2, 3, 4).error, Error::ServerNotFound);
  EXPECT_EQ(sys(srv(), Syscall::create_server, kSid[0], kSid[1], kSid[2], kSid[3]).error,
            Error::AlreadyExists);
  EXPECT_EQ(sys(cli(), Syscall::create_thread, 0x30000000, 0x7fff0000, 0, 0).error,
            Error::BadAddress);  // not code
  EXPECT_EQ(sys(cli(), Syscall::create_thread, 0x10000, 0x50000000, 0, 0).error,
            Error::BadAddress);  // no stack
  EXPECT_EQ(sys(cli(), Syscall::create_thread, 0x10000, 0x7fff0000, 0, abi::kPriorities).error,
            Error::InvalidArgument);
}

TEST_F(IpcTest, ReplyAndReceiveWithAStaleHandleDropsTheReplyAndReceives) {
  ASSERT_EQ(sys(cli(), Syscall::try_send_scalar, cid, 31).error, Error::Ok);
  const Ret m =
      sys(srv(), Syscall::reply_and_receive_next, handle, 0x00050003, 1, 2);  // nobody waits
  EXPECT_EQ(m.error, Error::Ok);
  EXPECT_EQ(m.r[1], 31u);  // the receive went ahead
  sys(srv(), Syscall::reply_and_receive_next, handle, 0x00050003, 1, 2);
  EXPECT_EQ(srv().state, ThreadState::Receiving);  // and waits when there is nothing
}

TEST_F(IpcTest, RandomSidsAreDistinctAndPerProcessLimitsHold) {
  Ret a = sys(srv(), Syscall::create_server, 0, 0, 0, 0);
  Ret b = sys(srv(), Syscall::create_server, 0, 0, 0, 0);
  ASSERT_EQ(a.error, Error::Ok);
  ASSERT_EQ(b.error, Error::Ok);
  EXPECT_FALSE(a.r[1] == b.r[1] && a.r[2] == b.r[2] && a.r[3] == b.r[3] && a.r[4] == b.r[4]);
  Error e = Error::Ok;
  for (int i = 0; i < 10 && e == Error::Ok; ++i)
    e = sys(srv(), Syscall::create_server, 0, 0, 0, 0).error;
  EXPECT_EQ(e, Error::LimitReached);
}

TEST_F(IpcTest, ConnectBlocksUntilTheServerExists) {
  sys(cli(), Syscall::connect, 5, 6, 7, 8);
  EXPECT_EQ(cli().state, ThreadState::Connecting);
  ASSERT_EQ(sys(srv(), Syscall::create_server, 5, 6, 7, 8).error, Error::Ok);
  EXPECT_EQ(cli().state, ThreadState::Ready);              // woken to retry its connect
  const Ret r = sys(cli(), Syscall::connect, 5, 6, 7, 8);  // what re-running the ecall does
  EXPECT_EQ(r.error, Error::Ok);
  EXPECT_NE(r.r[0], cid);
}

// --- death in every blocking state --------------------------------------------------------------

TEST_F(IpcTest, ServerDeathWakesQueuedAndServedCallersAndBlockedSenders) {
  // Client thread 2 gets a stack first (while the main thread is still free to ask).
  const Ret stack = sys(cli(), Syscall::map_memory, 0, 0x1000, kRw);
  ASSERT_EQ(stack.error, Error::Ok);
  auto tid2 = k_->create_thread(client_pid, 0x10000, stack.r[0] + 0x1000, 0, abi::kDefaultPriority);
  ASSERT_TRUE(tid2.is_ok());
  Thread& c1 = cli();
  Thread& c2 = k_->thread(tid2.value());
  // Client thread 1: its call has been received (the server is "working on it").
  server_waits();
  sys(c1, Syscall::call_scalar, cid, 1);
  ASSERT_EQ(k_->current(), &srv());
  EXPECT_EQ(c1.call_received, 1);
  // Client thread 2: its call is queued.
  sys(c2, Syscall::call_scalar, cid, 2);
  EXPECT_EQ(c2.state, ThreadState::Calling);
  EXPECT_EQ(c2.call_received, 0);
  // A third process fills the queue and blocks sending.
  const Pid third = spawn("third");
  ASSERT_EQ(sys(main_thread(third), Syscall::connect, kSid[0], kSid[1], kSid[2], kSid[3]).error,
            Error::Ok);
  while (sys(main_thread(third), Syscall::try_send_scalar, 1, 3).error == Error::Ok) {
  }
  sys(main_thread(third), Syscall::send_scalar, 1, 3);
  EXPECT_EQ(main_thread(third).state, ThreadState::SendBlocked);

  k_->destroy_process(server_pid, 0);
  EXPECT_EQ(owned_by(server_pid), 0u);
  EXPECT_EQ(tables_of(server_pid), 0u);
  // All three are runnable again (one of them already running: the server's CPU is free).
  EXPECT_TRUE(c1.state == ThreadState::Ready || c1.state == ThreadState::Running);
  EXPECT_EQ(result(c1).error, Error::ServerNotFound);
  EXPECT_TRUE(c2.state == ThreadState::Ready || c2.state == ThreadState::Running);
  EXPECT_EQ(result(c2).error, Error::ServerNotFound);
  EXPECT_NE(main_thread(third).state, ThreadState::SendBlocked);
  EXPECT_EQ(result(main_thread(third)).error, Error::ServerNotFound);
  // The connection stays dead, even after a new server takes the same slot and SID.
  const Pid again = spawn("again");
  ASSERT_EQ(
      sys(main_thread(again), Syscall::create_server, kSid[0], kSid[1], kSid[2], kSid[3]).error,
      Error::Ok);
  EXPECT_EQ(sys(c1, Syscall::send_scalar, cid, 1).error, Error::ServerNotFound);
  EXPECT_EQ(sys(c1, Syscall::call_scalar, cid, 1).error, Error::ServerNotFound);
}

TEST_F(IpcTest, ServerDeathWhileItsOwnThreadReceives) {
  server_waits();
  Thread& server_thread = srv();
  EXPECT_EQ(sys(cli(), Syscall::null).error, Error::Ok);
  k_->destroy_process(server_pid, 0);
  EXPECT_EQ(k_->server(handle - 1).state, ServerState::Free);
  EXPECT_EQ(server_thread.state, ThreadState::Free);
  EXPECT_EQ(k_->server(handle - 1).receivers, kNone);
  EXPECT_EQ(sys(cli(), Syscall::call_scalar, cid, 1).error, Error::ServerNotFound);
}

TEST_F(IpcTest, ClientDeathDropsWhatWaitsOnItKeepsItsScalarsAndRefusesStaleReplies) {
  // A second client thread's call is received (the server holds its handle), then the main
  // thread queues a Scalar and a third thread's call is queued; then the client dies. Its
  // Scalar asks nothing more of it: it was queued (the client was told so), and is delivered.
  // Its calls have nobody to answer: the queued one goes, the held handle is stale.
  const Ret stack = sys(cli(), Syscall::map_memory, 0, 0x2000, kRw);
  ASSERT_EQ(stack.error, Error::Ok);
  auto t2 = k_->create_thread(client_pid, 0x10000, stack.r[0] + 0x1000, 0, abi::kDefaultPriority);
  auto t3 = k_->create_thread(client_pid, 0x10000, stack.r[0] + 0x2000, 0, abi::kDefaultPriority);
  ASSERT_TRUE(t2.is_ok() && t3.is_ok());
  server_waits();
  sys(k_->thread(t2.value()), Syscall::call_scalar, cid, 1);
  const uint32_t msg = result(srv()).r[0];
  ASSERT_NE(msg, 0u);
  ASSERT_EQ(sys(cli(), Syscall::try_send_scalar, cid, 13, 0xcc).error, Error::Ok);
  sys(k_->thread(t3.value()), Syscall::call_scalar, cid, 2);  // queued behind Scalar 13
  const Pid other = spawn("other");
  ASSERT_EQ(sys(main_thread(other), Syscall::connect, kSid[0], kSid[1], kSid[2], kSid[3]).error,
            Error::Ok);
  ASSERT_EQ(sys(main_thread(other), Syscall::try_send_scalar, 1, 42).error, Error::Ok);
  ASSERT_EQ(k_->server(handle - 1).count, 3u);  // Scalar 13, call 2, the other's 42
  k_->destroy_process(client_pid, 0);
  k_->check_invariants();
  EXPECT_EQ(k_->server(handle - 1).count, 2u);  // the queued call went with its caller
  EXPECT_EQ(sys(srv(), Syscall::reply, msg, 1, 2).error, Error::InvalidHandle);
  // Its pid is not given to a new process while its Scalar waits to be received.
  const Pid newer = spawn("newer");
  EXPECT_NE(newer, client_pid);
  const Ret m13 = sys(srv(), Syscall::try_receive, handle);
  EXPECT_EQ(m13.error, Error::Ok);
  EXPECT_EQ(m13.r[0], 0u);  // a Scalar: nothing to answer
  EXPECT_EQ(m13.r[1], 13u);
  EXPECT_EQ(m13.r[2], static_cast<uint32_t>(MessageKind::Scalar) | (client_pid << abi::kMessageSenderShift));
  EXPECT_EQ(m13.r[3], 0xccu);
  EXPECT_EQ(spawn("newest"), client_pid);  // received: the pid is free to reuse
  const Ret m = sys(srv(), Syscall::try_receive, handle);
  EXPECT_EQ(m.error, Error::Ok);
  EXPECT_EQ(m.r[1], 42u);  // the other client's id
  EXPECT_EQ(m.r[2], static_cast<uint32_t>(MessageKind::Scalar) | (other << abi::kMessageSenderShift));
  EXPECT_EQ(sys(srv(), Syscall::try_receive, handle).error, Error::WouldBlock);
}

TEST_F(IpcTest, ClientDeathWhileSendBlockedAndWhileConnecting) {
  while (sys(cli(), Syscall::try_send_scalar, cid, 1).error == Error::Ok) {
  }
  sys(cli(), Syscall::send_scalar, cid, 1);
  ASSERT_EQ(cli().state, ThreadState::SendBlocked);
  const Pid waiter = spawn("waiter");
  sys(main_thread(waiter), Syscall::connect, 9, 9, 9, 9);
  ASSERT_EQ(main_thread(waiter).state, ThreadState::Connecting);
  k_->destroy_process(client_pid, 0);
  k_->destroy_process(waiter, 0);
  // The queued Scalars stay (they were sent); the blocked one was never sent and never will be.
  EXPECT_EQ(k_->server(handle - 1).count, kQueueDepth);
  EXPECT_EQ(k_->server(handle - 1).blocked_senders, 0u);
  for (uint32_t i = 0; i < kQueueDepth; ++i)
    EXPECT_EQ(sys(srv(), Syscall::try_receive, handle).r[1], 1u);
  EXPECT_EQ(sys(srv(), Syscall::try_receive, handle).error, Error::WouldBlock);
  EXPECT_EQ(sys(srv(), Syscall::create_server, 9, 9, 9, 9).error, Error::Ok);  // wakes nobody
}

TEST_F(IpcTest, WaitEventWakesOnArrival) {
  sys(srv(), Syscall::wait_event, 0);
  EXPECT_EQ(srv().state, ThreadState::Waiting);
  EXPECT_EQ(sys(cli(), Syscall::send_scalar, cid, 5).error, Error::Ok);
  EXPECT_EQ(srv().state, ThreadState::Ready);
  EXPECT_EQ(result(srv()).error, Error::Ok);
}

// wait_event's timeout in ticks is rounded up, on a 10 MHz clock (QEMU virt) and a 1 kHz one
// (the Precursor's TICKTIMER): a nonzero timeout never becomes "none", nor expires early.
TEST_F(IpcTest, WaitEventTimeoutsRoundUpToWholeTicks) {
  const uint32_t saved = dispatch::g_ticks_per_ms;
  struct Case {
    uint32_t per_ms, us;
    uint64_t ticks;
  };
  for (const Case c : {Case{10'000, 1, 10}, Case{10'000, 7, 70}, Case{10'000, 0xffff'ffff, 42'949'672'950},
                       Case{1, 1, 1}, Case{1, 999, 1}, Case{1, 1000, 1}, Case{1, 1001, 2},
                       Case{1, 0xffff'ffff, 4'294'968}}) {
    dispatch::g_ticks_per_ms = c.per_ms;
    g_now = 5000;
    sys(srv(), Syscall::wait_event, c.us);
    ASSERT_EQ(srv().state, ThreadState::Waiting) << c.us;
    EXPECT_EQ(srv().wake_at, 5000 + c.ticks) << c.per_ms << " ticks/ms, " << c.us << " us";
    k_->tick(5000 + c.ticks - 1);
    EXPECT_EQ(srv().state, ThreadState::Waiting) << c.us;
    k_->tick(5000 + c.ticks);
    EXPECT_NE(srv().state, ThreadState::Waiting) << c.us;  // ready, or already running
    EXPECT_EQ(result(srv()).error, Error::WouldBlock);
  }
  dispatch::g_ticks_per_ms = saved;
  g_now = 0;
}

// --- the fastpath is the slow path, faster ---------------------------------------------------

// Runs one call + reply-and-receive through `path` and records everything they leave behind.
struct Outcome {
  uint32_t server_regs[8], client_regs[8];
  ThreadState server_state, client_state;
  bool server_current, client_current;
  uint16_t receivers;
};

class FastpathTest : public IpcTest {
 protected:
  Outcome run(Path path) {
    server_waits();
    sys(cli(), Syscall::call_scalar, cid, 9, 1, 2, 3, 4, path);
    Outcome o{};
    for (int i = 0; i < 8; ++i) o.server_regs[i] = srv().frame.a(i);
    const uint32_t msg = srv().frame.a(1);
    sys(srv(), Syscall::reply_and_receive_next, handle, msg, 77, 88, 0, 0, path);
    record_rest(&o);
    return o;
  }
  // Everything but the server's registers (a caller records those when it wants them).
  void record_rest(Outcome* o) {
    for (int i = 0; i < 8; ++i) o->client_regs[i] = cli().frame.a(i);
    o->server_state = srv().state;
    o->client_state = cli().state;
    o->server_current = k_->current() == &srv();
    o->client_current = k_->current() == &cli();
    o->receivers = k_->server(handle - 1).receivers;
  }
  static void expect_same(const Outcome& fast, const Outcome& slow) {
    for (int i = 0; i < 8; ++i) {
      EXPECT_EQ(fast.server_regs[i], slow.server_regs[i]) << "server a" << i;
      EXPECT_EQ(fast.client_regs[i], slow.client_regs[i]) << "client a" << i;
    }
    EXPECT_EQ(fast.server_state, slow.server_state);
    EXPECT_EQ(fast.client_state, slow.client_state);
    EXPECT_EQ(fast.server_current, slow.server_current);
    EXPECT_EQ(fast.client_current, slow.client_current);
    EXPECT_EQ(fast.receivers, slow.receivers);
  }
};

TEST_F(FastpathTest, FastAndSlowPathsLeaveIdenticalState) {
  const Outcome fast = run(Path::Normal);
  // A fresh kernel for the slow path, set up identically.
  TearDown();
  SetUp();
  const Outcome slow = run(Path::SlowOnly);
  expect_same(fast, slow);
  EXPECT_EQ(fast.client_regs[1], 77u);
  EXPECT_EQ(fast.client_regs[2], 88u);
}

// A reply-and-receive with nothing to reply to (a server loop after return_memory or a send)
// and nothing queued: the fastpath waits at once and the scheduler's next thread runs, as the
// slow path does; with nothing else to run, or with work queued, it declines.
TEST_F(FastpathTest, APlainReceiveWaitsAsTheSlowPathDoes) {
  auto run_plain = [&](Path path) {
    KernelTestAccess::run(*k_, cli());  // the client runs, then the server: the client is ready
    KernelTestAccess::run(*k_, srv());
    EXPECT_EQ(cli().state, ThreadState::Ready);
    sys(srv(), Syscall::reply_and_receive_next, handle, 0, 5, 6, 0, 0, path);
    Outcome o{};
    for (int i = 0; i < 8; ++i) o.server_regs[i] = srv().frame.a(i);
    record_rest(&o);
    return o;
  };
  const Outcome fast = run_plain(Path::Normal);
  EXPECT_EQ(fast.server_state, ThreadState::Receiving);
  EXPECT_TRUE(fast.client_current);
  // The server then gets the client's call as from any receive.
  sys(cli(), Syscall::call_scalar, cid, 9, 1, 2, 3, 4);
  EXPECT_EQ(k_->current(), &srv());
  EXPECT_EQ(result(srv()).r[1], 9u);
  TearDown();
  SetUp();
  const Outcome slow = run_plain(Path::SlowOnly);
  expect_same(fast, slow);
  // Declines: a message queued (it is received instead), and nothing else ready.
  TearDown();
  SetUp();
  KernelTestAccess::run(*k_, srv());
  ASSERT_EQ(sys(cli(), Syscall::send_scalar, cid, 3).error, Error::Ok);
  KernelTestAccess::run(*k_, srv());
  srv().frame.a(0) = handle;
  srv().frame.a(1) = 0;
  srv().frame.a(7) = static_cast<uint32_t>(Syscall::reply_and_receive_next);
  EXPECT_FALSE(sync::fastpath(*k_));
  EXPECT_EQ(srv().state, ThreadState::Running);
  dispatch::syscall(*k_);
  EXPECT_EQ(result(srv()).r[1], 3u);  // the queued message, received
  sys(cli(), Syscall::exit_thread);   // the client ends: nothing else can run
  KernelTestAccess::run(*k_, srv());
  srv().frame.a(0) = handle;
  srv().frame.a(1) = 0;
  srv().frame.a(7) = static_cast<uint32_t>(Syscall::reply_and_receive_next);
  ASSERT_FALSE(k_->any_ready());
  EXPECT_FALSE(sync::fastpath(*k_));
  EXPECT_EQ(srv().state, ThreadState::Running);
}

TEST_F(FastpathTest, FastpathDeclinesWhenAGuardFails) {
  // No server waiting: the fastpath must decline and change nothing.
  KernelTestAccess::run(*k_, cli());
  cli().frame.a(0) = cid;
  cli().frame.a(7) = static_cast<uint32_t>(Syscall::call_scalar);
  EXPECT_FALSE(sync::fastpath(*k_));
  EXPECT_EQ(cli().state, ThreadState::Running);
  // A more urgent thread is ready: the call must not jump over it.
  server_waits();
  const Pid urgent_pid = spawn("urgent", Grant{abi::kDefaultPriority, 0});
  auto urgent = k_->create_thread(urgent_pid, 0x10000, 0x7fff0000, 0, 0);
  ASSERT_TRUE(urgent.is_ok());
  KernelTestAccess::run(*k_, cli());
  cli().frame.a(0) = cid;
  cli().frame.a(7) = static_cast<uint32_t>(Syscall::call_scalar);
  EXPECT_FALSE(sync::fastpath(*k_));
  dispatch::syscall(*k_);  // the slow path queues behind the scheduler instead
  EXPECT_EQ(srv().state, ThreadState::Ready);
  EXPECT_EQ(cli().state, ThreadState::Calling);
}

// --- threads and scheduling ------------------------------------------------------------------

TEST_F(KernelTest, PriorityRoundRobin) {
  const Pid pid = spawn("p", Grant{abi::kDefaultPriority, 1});
  Thread& main = main_thread(pid);
  auto hi = k_->create_thread(pid, 0x10000, 0x7fff0000, 0, 1);
  auto lo = k_->create_thread(pid, 0x10000, 0x7fff0000, 0, 6);
  ASSERT_TRUE(hi.is_ok() && lo.is_ok());
  ASSERT_TRUE(k_->pick_next());
  EXPECT_EQ(k_->current(), &k_->thread(hi.value()));  // most urgent first
  sys(k_->thread(hi.value()), Syscall::exit_thread);
  EXPECT_EQ(k_->current(), &main);
  sys(main, Syscall::yield);
  EXPECT_EQ(k_->current(), &main);  // nothing else at its priority: it runs on
  EXPECT_EQ(sys(main, Syscall::create_thread, 0x10000, 0x7fff0000, 0, abi::kDefaultPriority).error,
            Error::Ok);
  sys(main, Syscall::yield);
  EXPECT_NE(k_->current(), &main);  // a peer at the same priority gets its turn
  k_->tick(1);                      // preemption puts it back in line
  EXPECT_EQ(k_->current(), &main);
  EXPECT_EQ(k_->thread(lo.value()).state, ThreadState::Ready);  // the low one waits
}

TEST_F(KernelTest, ThreadLimitPerProcess) {
  const Pid pid = spawn("p");
  Error e = Error::Ok;
  int made = 0;
  while ((e = sys(main_thread(pid), Syscall::create_thread, 0x10000, 0x7fff0000, 0, 4).error) ==
         Error::Ok)
    ++made;
  EXPECT_EQ(e, Error::LimitReached);
  EXPECT_EQ(made + 1, static_cast<int>(kMaxThreadsPerProcess));
}

}  // namespace
}  // namespace courier::test
