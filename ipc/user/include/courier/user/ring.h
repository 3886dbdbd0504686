// user/ring.h — libcourier's side of exception-less syscalls (FlexSC, abi/ring.h).
//
//   courier::Ring ring;
//   ring.setup();                              // maps and registers two pages
//   ring.submit(abi::Syscall::null, tag);      // no trap
//   ring.flush();                              // one trap drains everything submitted
//   abi::RingCompletion c; while (ring.poll(&c)) { ... }   // no trap
//   ring.wait(1);                              // trap and sleep until a completion is there
//
// Submitting more than the ring holds returns false: flush (and consume completions) first.
#pragma once

#include "courier/abi/ring.h"
#include "courier/user/ipc.h"

namespace courier {

class Ring {
 public:
  abi::Error setup() {
    uint32_t va = 0;
    const abi::Error e = map_memory(0, abi::kRingBytes, abi::kMemRead | abi::kMemWrite, &va);
    if (e != abi::Error::Ok) return e;
    const auto r = sys::ring_setup(va);
    if (r.error != abi::Error::Ok) return r.error;
    header_ = reinterpret_cast<volatile abi::RingHeader*>(va);
    cq_ = reinterpret_cast<volatile abi::RingCompletion*>(va + abi::kRingCqOffset);
    sq_ = reinterpret_cast<volatile abi::RingEntry*>(va + 4096);
    sq_tail_ = sq_head_ = header_->sq_tail;
    cq_head_ = cq_tail_ = header_->cq_head;
    return abi::Error::Ok;
  }

  // Queues one entry; false when the submission ring is full. Only the arguments given are
  // written: pass every argument the syscall takes (the rest of the entry is left as it was).
  template <class... Args>
  bool submit(abi::Syscall n, uint32_t tag, Args... args) {
    static_assert(sizeof...(Args) <= 6, "a syscall takes at most six arguments");
    const uint32_t tail = sq_tail_;
    // The kernel's sq_head is read only when the cached view says the ring may be full.
    if (tail - sq_head_ >= abi::kRingEntries) {
      sq_head_ = header_->sq_head;
      if (tail - sq_head_ >= abi::kRingEntries) return false;
    }
    volatile abi::RingEntry& e = sq_[tail % abi::kRingEntries];
    e.number = static_cast<uint32_t>(n);
    e.tag = tag;
    const uint32_t given[] = {static_cast<uint32_t>(args)..., 0};
    for (uint32_t i = 0; i < sizeof...(Args); ++i) e.a[i] = given[i];
    // All ring accesses are volatile, so the compiler keeps them in program order, and the
    // kernel reads the ring only at a trap of this hart: no fence is needed before the tail.
    sq_tail_ = tail + 1;
    header_->sq_tail = sq_tail_;
    return true;
  }

  // One trap: the kernel drains the ring. Returns the number of entries it consumed.
  uint32_t flush() {
    header_->cq_head = cq_head_;  // completions taken since the last trap free their slots
    return sys::ring_enter(0).r[0];
  }
  // Drains, then sleeps until `n` completions are waiting (or nothing is in flight).
  abi::Error wait(uint32_t n) {
    header_->cq_head = cq_head_;
    return sys::ring_enter(n).error;
  }

  // Takes the next completion without trapping; false if there is none. The slot is handed
  // back to the kernel at the next flush() or wait() (the kernel only looks then, or at
  // another trap, when an unpublished slot merely looks still in use).
  bool poll(abi::RingCompletion* out) {
    const uint32_t head = cq_head_;
    if (head == cq_tail_) {
      cq_tail_ = header_->cq_tail;  // only re-read the kernel's index when out of completions
      if (head == cq_tail_) return false;
    }
    const volatile abi::RingCompletion& c = cq_[head % abi::kRingEntries];
    *out = abi::RingCompletion{c.tag, c.error, {c.r[0], c.r[1]}};
    cq_head_ = head + 1;
    return true;
  }

  volatile abi::RingHeader* header() { return header_; }

 private:
  volatile abi::RingHeader* header_ = nullptr;
  volatile abi::RingCompletion* cq_ = nullptr;
  volatile abi::RingEntry* sq_ = nullptr;
  // This side's view of the indices: its own (exact) and the kernel's (as last read).
  uint32_t sq_tail_ = 0, sq_head_ = 0, cq_head_ = 0, cq_tail_ = 0;
};

}  // namespace courier
