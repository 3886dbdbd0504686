// usage.cc — what a process holds, counted from the kernel's tables (abi/limits.h).
//
// The usage syscall answers this, and check_invariants() holds the counters the limits are
// enforced with (page_count, the address space's table count, thread_count, server_count,
// async_count) against it. Counting from the tables, not from the counters, is what makes
// "a dead process left nothing behind" a check rather than a restatement.
#include "courier/core/kernel.h"

namespace courier {

Kernel::Usage Kernel::usage(Pid pid) const {
  Usage u{};
  if (pid == 0 || pid >= kMaxProcesses) return u;
  for (uint32_t i = 0; i < frames_.total(); ++i) {
    const Owner o = frames_.owner(frames_.base() + i);
    u.pages += (o.kind == OwnerKind::Process || o.kind == OwnerKind::PageTable) && o.pid == pid;
  }
  for (const MmioClaim& c : mmio_) u.pages += c.pid == pid;
  // Frames a call in progress holds reserved for it: charged already, not yet its own.
  for (const Thread& t : threads_) {
    const Continuation& c = t.cont;
    if (t.state == ThreadState::Free) continue;
    if ((c.op == Split::MapMemory && t.pid == pid) || (c.op == Split::Lend && c.copy && c.peer == pid))
      u.pages += c.reserved;
  }
  for (const Thread& t : threads_) u.threads += t.state != ThreadState::Free && t.pid == pid && !t.handler;
  for (const Server& s : servers_) u.servers += s.state == ServerState::Alive && s.owner == pid;
  for (const Lend& l : lends_) {
    u.lends += l.active && l.lender == pid;
    u.borrowed += l.active && l.borrower == pid;
  }
  for (const AsyncCall& a : asyncs_) u.asyncs += a.active && a.client_pid == pid;
  const Process& p = processes_[pid];
  if (p.state == ProcessState::Alive) {
    for (const Connection& c : p.connections) u.connections += c.server != kNone;
  }
  return u;
}

}  // namespace courier
