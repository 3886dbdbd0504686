// batch.cc — see ipc/batch/batch.h.
//
// The kernel keeps its own copies of the indices it owns (sq_head, cq_tail) in the Thread and
// only publishes them to the header; the indices user code owns (sq_tail, cq_head) are read
// once per drain and checked before use. The ring's two frames are checked once, at
// ring_setup, and pinned: unmap, update_memory_flags and lend refuse them while the ring is
// registered, so the kernel can never write through a stale frame.
#include "batch.h"

#include "courier/core/phys.h"

namespace courier::batch {

using abi::Error;
using abi::RingCompletion;
using abi::RingEntry;
using abi::RingHeader;

bool view(Kernel&, const Thread& t, RingView* out) {
  if (t.ring_va == 0) return false;
  // Safe: the frames were checked to be the thread's own RAM at ring_setup and are pinned
  // (unmap, protect and lend refuse them) until the ring is unregistered or the thread ends.
  out->header = reinterpret_cast<volatile RingHeader*>(frame_ptr(t.ring_pfn[0]));
  out->cq =
      reinterpret_cast<volatile RingCompletion*>(frame_ptr(t.ring_pfn[0]) + abi::kRingCqOffset);
  out->sq = reinterpret_cast<const volatile RingEntry*>(frame_ptr(t.ring_pfn[1]));
  return true;
}

void forget(Kernel& k, Thread& t) {
  if (t.ring_va == 0) return;
  t.ring_va = 0;
  --k.process(t.pid).rings;
}

Error setup(Kernel& k, Thread& t, uint32_t va) {
  if (t.ring_reserved != 0) return Error::AccessDenied;  // completions still owed to the old ring
  // An entry of the old ring stopped at a preemption point is abandoned with the old ring.
  if (t.cont.op != Split::None && t.cont.origin == Origin::Ring) k.abandon(t);
  if (va == 0) {
    forget(k, t);
    return Error::Ok;
  }
  uint32_t end;
  if ((va & (kstd::kPageSize - 1)) || !kstd::checked_add(va, abi::kRingBytes, &end) ||
      va < kUserBase || end > kUserTop) {
    return va & (kstd::kPageSize - 1) ? Error::InvalidArgument : Error::BadAddress;
  }
  if (k.ring_pinned(t.pid, va, 2)) return Error::AccessDenied;  // another thread's ring
  kstd::Pfn pfn[2];
  for (uint32_t i = 0; i < 2; ++i) {
    const auto m = k.process(t.pid).space.lookup(kstd::VirtAddr(va + i * kstd::kPageSize));
    if (!m || m->lent || m->borrowed || !k.frames().contains(m->pfn) ||
        k.frames().owner(m->pfn) != Owner::process(t.pid) ||
        (m->flags & (kMemR | kMemW)) != (kMemR | kMemW)) {
      return Error::BadAddress;  // only the thread's own read-write RAM can be a ring
    }
    pfn[i] = m->pfn;
  }
  forget(k, t);
  t.ring_va = va;
  t.ring_pfn[0] = pfn[0];
  t.ring_pfn[1] = pfn[1];
  ++k.process(t.pid).rings;
  RingView v{};
  view(k, t, &v);
  t.ring_sq_head = v.header->sq_tail;  // start where the user's ring is now
  t.ring_cq_tail = v.header->cq_head;
  v.header->sq_head = t.ring_sq_head;
  v.header->cq_tail = t.ring_cq_tail;
  return Error::Ok;
}

}  // namespace courier::batch
