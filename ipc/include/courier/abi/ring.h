// abi/ring.h — exception-less system calls (FlexSC): the per-thread submission and completion
// rings.
//
// A thread registers two consecutive pages of its own memory with ring_setup(va). Page 0 holds
// the RingHeader and the completion ring, page 1 the submission ring. User code writes entries
// at sq_tail and advances it; the kernel consumes from its own sq_head (published back in the
// header) and posts completions at cq_tail; user code consumes completions from cq_head.
// Indices are free-running 32-bit counters; slot = index % entries.
//
// The kernel drains a ring when its thread calls ring_enter (one trap for any number of
// entries), opportunistically when that thread traps for another reason (a slow-path syscall
// or the timer), and when the hart would otherwise idle. Everything user code writes here is
// untrusted: an index that moves backwards or runs further than the ring holds is refused
// (ring_enter answers InvalidArgument and nothing is consumed); an entry with a bad number or
// argument gets an error completion, exactly like the same trapping syscall would.
//
// What may be submitted: null, send_scalar and try_send_scalar (both never block: a full queue
// completes with QueueFull), call_scalar (completes when the server replies; entries after it
// are not held up), map_memory, unmap_memory, update_memory_flags, reply, return_memory.
// Anything else completes with NotSupported.
#pragma once

#include <stdint.h>

namespace courier::abi {

inline constexpr uint32_t kRingEntries = 128;  // both rings
inline constexpr uint32_t kRingBytes = 2 * 4096;

struct RingHeader {
  uint32_t sq_tail;  // user: next free submission slot
  uint32_t sq_head;  // kernel: next submission it will consume
  uint32_t cq_tail;  // kernel: next free completion slot
  uint32_t cq_head;  // user: next completion it will consume
  uint32_t reserved[12];
};

struct RingEntry {
  uint32_t number;  // Syscall
  uint32_t tag;     // returned unchanged in the completion
  uint32_t a[6];    // arguments, as a0..a5 of the trapping syscall
};

struct RingCompletion {
  uint32_t tag;
  uint32_t error;  // Error
  uint32_t r[2];   // a1, a2 of the trapping syscall's answer
};

inline constexpr uint32_t kRingCqOffset = 64;  // completions follow the header in page 0
static_assert(sizeof(RingHeader) == kRingCqOffset);
static_assert(kRingCqOffset + kRingEntries * sizeof(RingCompletion) <= 4096);
static_assert(kRingEntries * sizeof(RingEntry) == 4096);

}  // namespace courier::abi
