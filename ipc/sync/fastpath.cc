// fastpath.cc — the IPC fastpath: a call to a waiting server, and a reply-and-receive that
// finds nothing queued, switch straight to the other thread with the scalars in registers.
//
// Written seL4-style: a straight chain of guards, each of which sends the syscall to the slow
// path (sync.cc, the reference) by returning false before anything has changed; then the
// transfer. Anyone can audit which conditions it assumes by reading the guards. The host tests
// run every scenario through both paths and compare every register and object they leave.
#include "sync.h"

#define UNLIKELY(c) __builtin_expect(!!(c), 0)

namespace courier::sync {

namespace {

using abi::Error;
using abi::Syscall;

bool fast_call(Kernel& k, Thread& caller) {
  arch::TrapFrame& f = caller.frame;
  const uint32_t slot = f.a(0) - 1;  // CID 0 wraps to a huge slot and fails the bound
  if (UNLIKELY(slot >= kMaxConnections)) return false;
  const Connection conn = k.process(caller.pid).connections[slot];
  if (UNLIKELY(conn.server == kNone)) return false;
  Server& s = k.server(conn.server);
  if (UNLIKELY(s.state != ServerState::Alive || s.generation != conn.generation)) return false;
  if (UNLIKELY(s.receivers == kNone)) return false;  // no server thread waiting: queue it
  Thread& r = k.thread(s.receivers);
  if (UNLIKELY(!k.may_run_directly(r))) return false;  // a more urgent thread is ready

  s.receivers = r.next;
  r.next = kNone;
  r.wait_server = kNone;
  ++caller.generation;
  caller.wait_server = conn.server;
  caller.call_received = 1;
  arch::TrapFrame& rf = r.frame;
  rf.a(0) = static_cast<uint32_t>(Error::Ok);
  rf.a(1) = message_handle(k.tid_of(caller), caller.generation);
  rf.a(2) = f.a(1);
  rf.a(3) = static_cast<uint32_t>(abi::MessageKind::BlockingScalar);
  rf.a(4) = f.a(2);
  rf.a(5) = f.a(3);
  rf.a(6) = f.a(4);
  rf.a(7) = f.a(5);
  k.switch_blocked(r, ThreadState::Calling);
  return true;
}

bool fast_reply_recv(Kernel& k, Thread& caller) {
  arch::TrapFrame& f = caller.frame;
  const uint32_t handle = f.a(0);
  Server* s = k.owned_server(caller.pid, handle);
  if (UNLIKELY(s == nullptr)) return false;
  if (UNLIKELY(f.a(1) == 0)) return false;  // nothing to reply to: a plain receive
  if (UNLIKELY(s->count != 0)) return false;  // more work queued: serve it first
  Thread* client = reply_target(k, caller.pid, f.a(1));
  if (UNLIKELY(client == nullptr)) return false;
  if (UNLIKELY(!k.may_run_directly(*client))) return false;

  client->frame.a(0) = static_cast<uint32_t>(Error::Ok);
  client->frame.a(1) = f.a(2);
  client->frame.a(2) = f.a(3);
  client->wait_server = kNone;
  const uint16_t index = static_cast<uint16_t>(handle - 1);
  caller.next = s->receivers;
  s->receivers = k.tid_of(caller);
  caller.wait_server = index;
  k.switch_blocked(*client, ThreadState::Receiving);
  return true;
}

}  // namespace

bool fastpath(Kernel& k) {
  Thread& caller = *k.current();
  const uint32_t number = caller.frame.a(7);
  if (number == static_cast<uint32_t>(Syscall::call_scalar)) return fast_call(k, caller);
  if (number == static_cast<uint32_t>(Syscall::reply_and_receive_next)) return fast_reply_recv(k, caller);
  return false;
}

}  // namespace courier::sync
