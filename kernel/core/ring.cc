// ring.cc — the kernel's side of a thread's batch ring that outlives a drain: completions
// posted later (async calls answered by a server, or ended by its death).
//
// The ring format is ABI (abi/ring.h); draining it is the batch path's job (ipc/batch). The
// ring's frames were checked at ring_setup and are pinned while registered, so writing
// through them here is safe.
#include "courier/abi/ring.h"

#include "courier/core/kernel.h"
#include "courier/core/phys.h"

namespace courier {

using abi::Error;

void Kernel::post_completion(Thread& t, uint32_t tag, Error e, uint32_t r0, uint32_t r1) {
  if (t.ring_reserved == 0) return;
  --t.ring_reserved;
  if (t.ring_va == 0) return;  // the ring went away: the completion has nowhere to go
  // Safe: pinned frames of the thread's own ring (see above).
  auto* header = reinterpret_cast<volatile abi::RingHeader*>(frame_ptr(t.ring_pfn[0]));
  auto* cq = reinterpret_cast<volatile abi::RingCompletion*>(frame_ptr(t.ring_pfn[0]) +
                                                             abi::kRingCqOffset);
  volatile abi::RingCompletion& slot = cq[t.ring_cq_tail++ % abi::kRingEntries];
  slot.tag = tag;
  slot.error = static_cast<uint32_t>(e);
  slot.r[0] = r0;
  slot.r[1] = r1;
  header->cq_tail = t.ring_cq_tail;
  if (t.state == ThreadState::RingWait) make_ready(t);
}

uint32_t Kernel::completions_available(Thread& t) {
  if (t.ring_va == 0) return 0;
  const auto* header = reinterpret_cast<const volatile abi::RingHeader*>(frame_ptr(t.ring_pfn[0]));
  const uint32_t n = t.ring_cq_tail - header->cq_head;
  return n > abi::kRingEntries ? 0 : n;
}

AsyncCall* Kernel::alloc_async(Pid client) {
  // The table holds every process's share (objects.h): within it, a free record exists.
  Process& proc = processes_[client];
  if (proc.async_count >= kMaxAsyncPerProcess) return nullptr;
  for (AsyncCall& a : asyncs_) {
    if (!a.active) {
      const uint32_t gen = a.generation + 1;
      a = AsyncCall{};
      a.active = true;
      a.generation = gen;
      a.client_pid = client;
      ++proc.async_count;
      return &a;
    }
  }
  return nullptr;
}

void Kernel::free_async(AsyncCall& a) {
  a.active = false;
  --processes_[a.client_pid].async_count;
}

AsyncCall* Kernel::find_async(Pid server_pid, uint32_t handle) {
  if (!(handle & kAsyncHandleBit)) return nullptr;
  const uint32_t slot = handle & 0x7fff;
  if (slot >= kMaxAsync) return nullptr;
  AsyncCall& a = asyncs_[slot];
  if (!a.active || !a.received || (a.generation & 0xffff) != (handle >> 16) ||
      servers_[a.server].owner != server_pid || servers_[a.server].state != ServerState::Alive) {
    return nullptr;
  }
  return &a;
}

void Kernel::complete_async(AsyncCall& a, Error e, uint32_t r0, uint32_t r1) {
  free_async(a);
  Thread& t = threads_[a.client];
  if (t.state == ThreadState::Free || t.pid != a.client_pid) return;  // the client is gone
  post_completion(t, a.tag, e, r0, r1);
}

}  // namespace courier
