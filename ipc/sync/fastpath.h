// ipc/sync/fastpath.h — the IPC fastpath: a call to a waiting server, and a reply-and-receive
// that finds nothing queued, switch straight to the other thread with the scalars in registers;
// a reply-and-receive with nothing to reply to and nothing queued waits at once (fast_receive).
//
// Written seL4-style: a straight chain of guards, each of which sends the syscall to the slow
// path (sync.cc, the reference) by returning false before anything has changed; then the
// transfer. Anyone can audit which conditions it assumes by reading the guards. The host tests
// run every scenario through both paths and compare every register and object they leave.
// Inline, so the rv32 trap entry compiles each half straight into its handler.
#pragma once

#include "sync.h"

#define COURIER_UNLIKELY(c) __builtin_expect(!!(c), 0)

namespace courier::sync {

using abi::Error;
using abi::Syscall;

inline bool fast_call(Kernel& k, Thread& caller) {
  arch::TrapFrame& f = caller.frame;
  if (COURIER_UNLIKELY(caller.handler)) return false;  // an interrupt handler may not block
  const uint32_t slot = f.a(0) - 1;  // CID 0 wraps to a huge slot and fails the bound
  if (COURIER_UNLIKELY(slot >= kMaxConnections)) return false;
  const Pid pid = caller.pid;  // read once: it also names the sender in a3
  const Connection& conn = caller.connections[slot];  // its process's table
  if (COURIER_UNLIKELY(conn.server == kNone)) return false;
  Server& s = k.server(conn.server);
  if (COURIER_UNLIKELY(s.state != ServerState::Alive || s.generation != conn.generation))
    return false;
  if (COURIER_UNLIKELY(s.receivers == kNone)) return false;  // no server thread waiting: queue it
  Thread& r = k.thread(s.receivers);
  if (COURIER_UNLIKELY(!k.may_run_directly(r))) return false;  // a more urgent thread is ready

  s.receivers = r.next;
  r.next = kNone;
  r.wait_server = kNone;
  const uint32_t generation = caller.generation + 1;
  caller.generation = generation;
  caller.wait_server = conn.server;
  caller.call_received = 1;
  arch::TrapFrame& rf = r.frame;
  rf.a(0) = static_cast<uint32_t>(Error::Ok);
  rf.a(1) = message_handle(k.tid_of(caller), generation);
  rf.a(2) = f.a(1);
  rf.a(3) = static_cast<uint32_t>(abi::MessageKind::BlockingScalar) |
            (pid << abi::kMessageSenderShift);  // deliver()'s a3: kind and sender
  rf.a(4) = f.a(2);
  rf.a(5) = f.a(3);
  rf.a(6) = f.a(4);
  rf.a(7) = f.a(5);
  k.switch_blocked(r, ThreadState::Calling);
  return true;
}

inline bool fast_reply_recv(Kernel& k, Thread& caller) {
  arch::TrapFrame& f = caller.frame;
  if (COURIER_UNLIKELY(caller.handler)) return false;  // an interrupt handler may not block
  const uint32_t handle = f.a(0);
  Server* s = k.owned_server(caller.pid, handle);
  if (COURIER_UNLIKELY(s == nullptr)) return false;
  if (COURIER_UNLIKELY(f.a(1) == 0)) return false;    // nothing to reply to: a plain receive
  if (COURIER_UNLIKELY(s->count != 0)) return false;  // more work queued: serve it first
  // reply_target()'s checks, narrowed: the client must be waiting on this very server (a reply
  // through another server of the same process is legal, and left to the slow path).
  const uint32_t msg = f.a(1);
  const uint32_t slot = (msg & 0xffff) - 1;
  if (COURIER_UNLIKELY(slot >= kMaxThreads)) return false;
  Thread* client = &k.thread(static_cast<Tid>(slot));
  const uint16_t index = static_cast<uint16_t>(handle - 1);
  if (COURIER_UNLIKELY(client->state != ThreadState::Calling || client->wait_server != index ||
                       !client->call_received || (client->generation & 0xffff) != (msg >> 16))) {
    return false;
  }
  if (COURIER_UNLIKELY(!k.may_run_directly(*client))) return false;

  client->frame.a(0) = static_cast<uint32_t>(Error::Ok);
  client->frame.a(1) = f.a(2);
  client->frame.a(2) = f.a(3);
  client->wait_server = kNone;
  caller.next = s->receivers;
  s->receivers = k.tid_of(caller);
  caller.wait_server = index;
  k.switch_blocked(*client, ThreadState::Receiving);
  return true;
}

// reply_and_receive_next with nothing to reply to (a1 = 0: a server loop after return_memory
// or a send) and nothing queued: the caller waits at once and the scheduler's next thread
// runs. With nothing ready it declines (the slow path idles the hart). Out of line: the trap
// entry tries it only after fast_reply_recv declined, so the reply's fastpath pays nothing.
bool fast_receive(Kernel& k, Thread& caller);

}  // namespace courier::sync
