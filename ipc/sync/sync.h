// ipc/sync/sync.h — the synchronous IPC path: scalar messages by trap (DESIGN.md §3 `sync`).
//
// Each function acts for the kernel's current thread (the caller) and either answers it at once
// or blocks it; see core/kernel.h. Messages reach a receiver in registers:
//   a0 = Ok, a1 = message handle (0 for a Scalar), a2 = id, a3 = kind | (sender pid << 16)
//   (abi/syscall.h), a4..a7 = the four words.
// A call that finds a server thread already waiting in receive switches straight to it (the
// caller blocks, the server runs next without a trip through the scheduler); a reply-and-
// receive that finds its queue empty switches straight back to the caller it replied to.
#pragma once

#include "courier/core/kernel.h"

namespace courier::sync {

struct ScalarArgs {
  uint32_t cid;
  uint32_t id;
  uint32_t w[4];
};

enum class WhenFull : uint8_t { Block, Fail };

void send_scalar(Kernel& k, const ScalarArgs& a, WhenFull when_full);
void call_scalar(Kernel& k, const ScalarArgs& a);
void receive(Kernel& k, uint32_t server_handle, bool wait);
void reply(Kernel& k, uint32_t msg, uint32_t r0, uint32_t r1);
void reply_and_receive(Kernel& k, uint32_t server_handle, uint32_t msg, uint32_t r0, uint32_t r1);

// The caller waiting for a reply that `msg` names, if a thread of `server_pid` may answer it.
inline Thread* reply_target(Kernel& k, Pid server_pid, uint32_t msg) {
  const uint32_t slot = (msg & 0xffff) - 1;  // slot 0 wraps and fails the bound
  if (slot >= kMaxThreads) return nullptr;
  Thread& t = k.thread(static_cast<Tid>(slot));
  // (A memory message's sender is Lending, not Calling: it is answered by return_memory.)
  if (t.state != ThreadState::Calling || !t.call_received ||
      (t.generation & 0xffff) != (msg >> 16) || t.wait_server == kNone ||
      k.server(t.wait_server).owner != server_pid) {
    return nullptr;
  }
  return &t;
}

// The guard-chained fastpath for call_scalar and reply_and_receive_next (fastpath.cc). Returns
// false, having changed nothing, whenever any guard fails; the caller then takes the slow path.
bool fastpath(Kernel& k);
// The two halves (fast_call, fast_reply_recv) are inline in fastpath.h, for a trap handler
// that has already decoded the syscall number.

}  // namespace courier::sync
