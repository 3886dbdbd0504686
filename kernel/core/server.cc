// server.cc — servers, connections and their bounded message queues.
//
// A server is a SID (128 bits) owned by one process, with a queue of kQueueDepth messages and
// a list of its threads blocked in receive. A connection is a slot in the client's table naming
// a server and the server's generation at connect time: when a server dies its generation
// moves on, so every old connection to it answers ServerNotFound for good, even if the slot is
// reused by a new server. Which SIDs a process may register, and where random SIDs come from,
// is names.cc's business.
#include "courier/core/kernel.h"
#include "courier/kstd/assert.h"

namespace courier {

using abi::Error;

namespace {
bool same_sid(const uint32_t a[4], const uint32_t b[4]) {
  return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}
}  // namespace

kstd::Result<uint16_t, Error> Kernel::create_server(Pid pid, const uint32_t sid_in[4]) {
  Process& proc = processes_[pid];
  uint32_t sid[4] = {sid_in[0], sid_in[1], sid_in[2], sid_in[3]};
  if ((sid[0] | sid[1] | sid[2] | sid[3]) == 0) {
    random_sid(sid);
  } else if (!may_register(pid, sid)) {
    return kstd::err(Error::AccessDenied);  // the boot image reserved it for another process
  }
  if (proc.server_count >= kMaxServersPerProcess) return kstd::err(Error::LimitReached);
  uint16_t slot = kNone;
  for (uint16_t s = 0; s < kMaxServers; ++s) {
    if (servers_[s].state == ServerState::Alive && same_sid(servers_[s].sid, sid)) {
      return kstd::err(Error::AlreadyExists);
    }
    if (slot == kNone && servers_[s].state == ServerState::Free) slot = s;
  }
  if (slot == kNone) return kstd::err(Error::LimitReached);
  Server& srv = servers_[slot];
  const uint16_t gen = static_cast<uint16_t>(srv.generation + 1);
  srv = Server{};
  srv.generation = gen;
  srv.state = ServerState::Alive;
  srv.owner = pid;
  srv.receivers = kNone;
  for (int i = 0; i < 4; ++i) srv.sid[i] = sid[i];
  ++proc.server_count;
  // Clients blocked in connect() for this SID retry now.
  for (Thread& t : threads_) {
    if (t.state == ThreadState::Connecting && same_sid(t.wait_sid, sid)) {
      t.frame.pc -= 4;  // re-issue the ecall: connect() runs again and now finds the server
      make_ready(t);
    }
  }
  return slot;
}

void Kernel::wake_with(Thread& t, Error e) {
  set_result(t, e);
  t.wait_server = kNone;
  t.lend = kNoLend;
  make_ready(t);
}

void Kernel::remove_from_receivers(Thread& t) {
  KASSERT(t.state == ThreadState::Receiving && t.wait_server != kNone);
  Server& s = servers_[t.wait_server];
  const Tid id = tid_of(t);
  Tid* link = &s.receivers;
  while (*link != kNone && *link != id) link = &threads_[*link].next;
  KASSERT(*link == id);
  *link = t.next;
  t.next = kNone;
  t.wait_server = kNone;
}

void Kernel::kill_server(uint16_t index) {
  Server& s = servers_[index];
  KASSERT(s.state == ServerState::Alive);
  // Lends to it still in progress (core/preempt.h) are undone; their lenders find it gone.
  abandon_lends_to(index);
  // Async (batched) calls to it complete with ServerNotFound.
  for (AsyncCall& a : asyncs_) {
    if (a.active && a.server == index) complete_async(a, Error::ServerNotFound, 0, 0);
  }
  // Lends sent to it end now: the borrower's mappings or copies go, the lender gets its access
  // back and wakes with ServerNotFound (below, with the other callers).
  for (Lend& l : lends_) {
    if (!l.active || l.server != index) continue;
    unmap_lend(l);
    finish_lend(l, Error::ServerNotFound, 0, 0);
  }
  // Its own threads waiting in receive, its callers (queued or being served) and senders
  // waiting for queue space all learn that the server is gone.
  while (s.receivers != kNone) {
    Thread& t = threads_[s.receivers];
    remove_from_receivers(t);
    wake_with(t, Error::ServerNotFound);
  }
  for (Thread& t : threads_) {
    if ((t.state == ThreadState::Calling || t.state == ThreadState::Lending ||
         t.state == ThreadState::SendBlocked) &&
        t.wait_server == index) {
      wake_with(t, Error::ServerNotFound);
    }
  }
  for (uint8_t i = 0; i < s.count; ++i) drop_message(index, s.queue[(s.head + i) % kQueueDepth]);
  s.state = ServerState::Free;
  s.count = 0;
  s.head = 0;
  s.blocked_senders = 0;
  ++s.generation;
  --processes_[s.owner].server_count;
}

kstd::Result<void, Error> Kernel::destroy_server(Pid pid, uint32_t handle) {
  if (owned_server(pid, handle) == nullptr) return kstd::err(Error::InvalidHandle);
  kill_server(static_cast<uint16_t>(handle - 1));
  return {};
}

kstd::Result<uint32_t, Error> Kernel::connect(Pid pid, const uint32_t sid[4]) {
  uint16_t index = kNone;
  for (uint16_t s = 0; s < kMaxServers; ++s) {
    if (servers_[s].state == ServerState::Alive && same_sid(servers_[s].sid, sid)) index = s;
  }
  if (index == kNone) return kstd::err(Error::ServerNotFound);
  Process& proc = processes_[pid];
  uint32_t free_slot = kMaxConnections;
  for (uint32_t c = 0; c < kMaxConnections; ++c) {
    const Connection& conn = proc.connections[c];
    if (conn.server == index && conn.generation == servers_[index].generation) return c + 1;
    // A slot naming a dead server stays dead until disconnect(), so the old CID keeps
    // answering ServerNotFound rather than silently reaching a new server.
    if (conn.server == kNone && free_slot == kMaxConnections) free_slot = c;
  }
  if (free_slot == kMaxConnections) return kstd::err(Error::LimitReached);
  proc.connections[free_slot] = Connection{index, servers_[index].generation};
  return free_slot + 1;
}

kstd::Result<void, Error> Kernel::disconnect(Pid pid, uint32_t cid) {
  if (cid == 0 || cid > kMaxConnections) return kstd::err(Error::InvalidHandle);
  Connection& conn = processes_[pid].connections[cid - 1];
  if (conn.server == kNone) return kstd::err(Error::InvalidHandle);
  conn = Connection{kNone, 0};
  return {};
}

kstd::Result<uint16_t, Error> Kernel::resolve(Pid pid, uint32_t cid) {
  if (cid == 0 || cid > kMaxConnections) return kstd::err(Error::InvalidHandle);
  const Connection& conn = processes_[pid].connections[cid - 1];
  if (conn.server == kNone) return kstd::err(Error::InvalidHandle);
  const Server& s = servers_[conn.server];
  if (s.state != ServerState::Alive || s.generation != conn.generation) {
    return kstd::err(Error::ServerNotFound);
  }
  return conn.server;
}

bool Kernel::enqueue(uint16_t index, const Message& m) {
  Server& s = servers_[index];
  if (s.count == kQueueDepth) return false;
  s.queue[(s.head + s.count) % kQueueDepth] = m;
  ++s.count;
  return true;
}

bool Kernel::dequeue(uint16_t index, Message* out) {
  Server& s = servers_[index];
  if (s.count == 0) return false;
  *out = s.queue[s.head];
  s.head = static_cast<uint8_t>((s.head + 1) % kQueueDepth);
  --s.count;
  return true;
}

void Kernel::block_on_full_queue(uint16_t index) {
  Thread& t = *current();
  t.wait_server = index;
  ++servers_[index].blocked_senders;
  block_current(ThreadState::SendBlocked);
}

void Kernel::queue_space(uint16_t index) {
  Server& s = servers_[index];
  if (s.blocked_senders == 0) return;
  for (Thread& t : threads_) {
    if (t.state == ThreadState::SendBlocked && t.wait_server == index) {
      t.frame.pc -= 4;  // re-issue the send now that there is room
      t.wait_server = kNone;
      --s.blocked_senders;
      make_ready(t);
      return;
    }
  }
}

void Kernel::notify_arrival(uint16_t index) {
  Process& proc = processes_[servers_[index].owner];
  if (proc.waiting_threads == 0) return;
  for (Thread& t : threads_) {
    if (t.state == ThreadState::Waiting && t.pid == servers_[index].owner) {
      --proc.waiting_threads;
      set_result(t, Error::Ok);
      make_ready(t);
    }
  }
}

}  // namespace courier
