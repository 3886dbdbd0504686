// sync.cc — see ipc/sync/sync.h. This is the reference implementation of every sync operation;
// the fastpath in kernel/dispatch must behave identically (tested on the host).
#include "sync.h"

#include "courier/kstd/assert.h"

namespace courier::sync {

using abi::Error;
using abi::MessageKind;

namespace {

Message make_message(MessageKind kind, const ScalarArgs& a, const Thread& sender, Tid tid) {
  Message m{};
  m.kind = kind;
  m.id = a.id;
  for (int i = 0; i < 4; ++i) m.w[i] = a.w[i];
  m.sender_pid = sender.pid;
  m.sender_tid = tid;
  m.sender_gen = sender.generation;
  m.lend = kNoLend;
  m.async = kNoAsync;
  return m;
}

// Gives `receiver` the next queued message if there is one.
bool take_queued(Kernel& k, Thread& receiver, uint16_t index) {
  Message m;
  if (!k.dequeue(index, &m)) return false;
  uint32_t handle = 0;
  if (m.async != kNoAsync) {
    handle = k.handle_for(m);  // a batched call: its sender runs on, the ring gets the reply
  } else if (m.kind != MessageKind::Scalar && m.kind != MessageKind::Move) {
    Thread& sender = k.thread(m.sender_tid);
    KASSERT((sender.state == ThreadState::Calling || sender.state == ThreadState::Lending) &&
            sender.generation == m.sender_gen);
    sender.call_received = 1;
    handle = message_handle(m.sender_tid, m.sender_gen);
  }
  k.on_received(index, m);
  deliver(receiver, m, handle);
  k.queue_space(index);
  return true;
}

void wait_for_message(Kernel& k, Thread& caller, uint16_t index) {
  Server& s = k.server(index);
  // Receivers are served last-in first-out: the most recent one is the likeliest to be hot.
  caller.next = s.receivers;
  s.receivers = k.tid_of(caller);
  caller.wait_server = index;
  k.block_current(ThreadState::Receiving);
}

}  // namespace

void send_scalar(Kernel& k, const ScalarArgs& a, WhenFull when_full) {
  Thread& caller = *k.current();
  auto target = k.resolve(caller.pid, a.cid);
  if (target.is_err()) return set_result(caller, target.error());
  const uint16_t index = target.value();
  const Message m = make_message(MessageKind::Scalar, a, caller, k.tid_of(caller));
  if (Thread* r = k.take_receiver(index)) {
    deliver(*r, m, 0);
    k.make_ready(*r);
    return set_result(caller, Error::Ok);
  }
  if (k.enqueue(index, m)) {
    k.notify_arrival(index);
    return set_result(caller, Error::Ok);
  }
  if (when_full == WhenFull::Fail) return set_result(caller, Error::QueueFull);
  k.block_on_full_queue(index);
}

void call_scalar(Kernel& k, const ScalarArgs& a) {
  Thread& caller = *k.current();
  auto target = k.resolve(caller.pid, a.cid);
  if (target.is_err()) return set_result(caller, target.error());
  const uint16_t index = target.value();
  const Tid tid = k.tid_of(caller);
  ++caller.generation;  // a fresh handle for this call: older handles to this thread are stale
  const Message m = make_message(MessageKind::BlockingScalar, a, caller, tid);
  caller.wait_server = index;
  if (Thread* r = k.take_receiver(index)) {
    deliver(*r, m, message_handle(tid, caller.generation));
    caller.call_received = 1;
    if (k.may_run_directly(*r)) {
      k.switch_to_and_block(*r, ThreadState::Calling);
    } else {
      k.make_ready(*r);
      k.block_current(ThreadState::Calling);
    }
    return;
  }
  caller.call_received = 0;
  if (k.enqueue(index, m)) {
    k.notify_arrival(index);
    k.block_current(ThreadState::Calling);
    return;
  }
  k.block_on_full_queue(index);
}

void receive(Kernel& k, uint32_t server_handle, bool wait) {
  Thread& caller = *k.current();
  Server* s = k.owned_server(caller.pid, server_handle);
  if (s == nullptr) return set_result(caller, Error::InvalidHandle);
  const uint16_t index = static_cast<uint16_t>(server_handle - 1);
  if (take_queued(k, caller, index)) return;
  if (!wait) return set_result(caller, Error::WouldBlock);
  wait_for_message(k, caller, index);
}

void reply(Kernel& k, uint32_t msg, uint32_t r0, uint32_t r1) {
  Thread& caller = *k.current();
  Thread* client = reply_target(k, caller.pid, msg);
  if (client == nullptr) return set_result(caller, Error::InvalidHandle);
  set_result(*client, Error::Ok, r0, r1);
  client->wait_server = kNone;
  k.make_ready(*client);
  set_result(caller, Error::Ok);
}

void reply_and_receive(Kernel& k, uint32_t server_handle, uint32_t msg, uint32_t r0, uint32_t r1) {
  Thread& caller = *k.current();
  Server* s = k.owned_server(caller.pid, server_handle);
  if (s == nullptr) return set_result(caller, Error::InvalidHandle);
  const uint16_t index = static_cast<uint16_t>(server_handle - 1);
  Thread* client = nullptr;
  if (msg != 0) {
    // A handle that no longer names a waiting caller (it died, or the handle is stale) drops
    // the reply, and the receive goes ahead: a server loop must not spin on a vanished client.
    client = reply_target(k, caller.pid, msg);
    if (client != nullptr) {
      set_result(*client, Error::Ok, r0, r1);
      client->wait_server = kNone;
    }
  }
  if (take_queued(k, caller, index)) {
    if (client) k.make_ready(*client);
    return;
  }
  caller.next = s->receivers;
  s->receivers = k.tid_of(caller);
  caller.wait_server = index;
  if (client) {
    // Nothing else to serve: hand the CPU straight back to the client that was just answered,
    // unless a more urgent thread is waiting to run.
    if (k.may_run_directly(*client)) {
      k.switch_to_and_block(*client, ThreadState::Receiving);
    } else {
      k.make_ready(*client);
      k.block_current(ThreadState::Receiving);
    }
  } else {
    k.block_current(ThreadState::Receiving);
  }
}

}  // namespace courier::sync
