// message.cc — handing messages to servers: the plumbing every IPC path shares.
//
// A message goes straight to a server thread already waiting in receive, or into the server's
// bounded queue. Paths check queue_has_room() first and decide themselves what a full queue
// means (QueueFull, or block and retry), so nothing here can drop a message.
#include "courier/core/kernel.h"
#include "courier/kstd/assert.h"

namespace courier {

void deliver(Thread& t, const Message& m, uint32_t handle) {
  arch::TrapFrame& f = t.frame;
  f.a(0) = static_cast<uint32_t>(abi::Error::Ok);
  f.a(1) = handle;
  f.a(2) = m.id;
  // a3: the kind and who sent it (abi/syscall.h: the sender's pid, 0 for the kernel).
  f.a(3) = static_cast<uint32_t>(m.kind) | (m.sender_pid << abi::kMessageSenderShift);
  f.a(4) = m.w[0];
  f.a(5) = m.w[1];
  f.a(6) = m.w[2];
  f.a(7) = m.w[3];
}

Thread* Kernel::take_receiver(uint16_t index) {
  Server& s = servers_[index];
  if (s.receivers == kNone) return nullptr;
  Thread& r = threads_[s.receivers];
  s.receivers = r.next;
  r.next = kNone;
  r.wait_server = kNone;
  return &r;
}

void Kernel::on_received(uint16_t server, const Message& m) {
  if (m.async != kNoAsync) asyncs_[m.async].received = true;
  if (m.kind < abi::MessageKind::Borrow) [[likely]]
    return;
  // A memory message's pages were mapped hidden at the send: they appear now, not before.
  AddressSpace& space = processes_[servers_[server].owner].space;
  if (m.lend != kNoLend) {
    Lend& l = lends_[m.lend];
    l.received = true;
    if (!l.hidden) return;  // mapped valid at the send: this receiver was already waiting
    l.hidden = false;
    for (uint32_t i = 0; i < l.pages; ++i) {
      const bool ok = space.reveal_page(kstd::VirtAddr(l.borrower_va + i * kstd::kPageSize));
      KASSERT(ok);
    }
    return;
  }
  // A Move: its pages were the server's from the send; now they are its ordinary pages.
  space.adopt_range(kstd::VirtAddr(m.w[0]), m.w[1] / kstd::kPageSize);
}

void Kernel::drop_message(uint16_t server, const Message& m) {
  if (m.kind != abi::MessageKind::Move) return;  // lends are settled by their records
  Process& owner = processes_[servers_[server].owner];
  for (uint32_t off = 0; off < m.w[1]; off += kstd::kPageSize) {
    const auto gone = owner.space.unmap(kstd::VirtAddr(m.w[0] + off));
    KASSERT(gone.has_value() && gone->borrowed);
    frames_.free(gone->pfn);
    --owner.page_count;
  }
}

void Kernel::post(uint16_t index, const Message& m) {
  if (Thread* r = take_receiver(index)) {
    deliver(*r, m, handle_for(m));
    on_received(index, m);
    make_ready(*r);
    return;
  }
  const bool queued = enqueue(index, m);
  KASSERT(queued);  // callers check queue_has_room() first
  notify_arrival(index);
}

void Kernel::post_call(uint16_t index, Message& m) {
  Thread& caller = *current_;
  m.sender_tid = caller.tid;
  m.sender_pid = caller.pid;
  m.sender_gen = ++caller.generation;  // a fresh handle: older handles to this thread are stale
  m.async = kNoAsync;
  caller.wait_server = index;
  caller.lend = m.lend;
  if (m.lend != kNoLend) lends_[m.lend].handle = message_handle(caller.tid, caller.generation);
  const ThreadState waiting = m.lend != kNoLend ? ThreadState::Lending : ThreadState::Calling;
  if (Thread* r = take_receiver(index)) {
    deliver(*r, m, message_handle(caller.tid, caller.generation));
    on_received(index, m);
    caller.call_received = 1;
    if (may_run_directly(*r)) {
      switch_to_and_block(*r, waiting);
    } else {
      make_ready(*r);
      block_current(waiting);
    }
    return;
  }
  caller.call_received = 0;
  const bool queued = enqueue(index, m);
  KASSERT(queued);  // callers check queue_has_room() first
  notify_arrival(index);
  block_current(waiting);
}

}  // namespace courier
