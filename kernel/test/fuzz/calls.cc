// calls.cc — one random step of a fuzzer child: which system call, with which arguments.
//
// Every syscall of abi/syscalls.def is made, with arguments biased toward what makes kernels
// fail: the child's own mappings and the memory it received (whole, partly, one page past the
// end), the lend window (0x6000_0000), kernel addresses (0x8000_0000), odd sizes and ranges
// that wrap, handles, CIDs and server handles that are live, stale or someone else's, SIDs
// that other children registered (the kFamily SIDs), interrupt lines, ring entries with
// garbage. Memory is touched too (read, written), as an attacker's program would.
//
// A few answers are checked on the spot, where the right one is known whatever happened
// before (spawn is init's, the kernel log the log server's, kernel memory nobody's, blocking
// calls refused in an interrupt handler, no thread above the ceiling, no line the image did
// not grant): a wrong one is a violation (child.cc), which
// scripts/fuzz counts as a failure.
#include "child.h"
#include "courier/abi/irq.h"
#include "courier/abi/lend.h"
#include "courier/abi/limits.h"
#include "courier/abi/log.h"
#include "courier/services/alarm_clock.h"
#include "courier/services/board.h"
#include "courier/user/cycles.h"
#include "courier/abi/ring.h"

namespace courier::fuzz {
namespace {

using abi::Error;
using abi::MessageKind;
using abi::Syscall;

constexpr uint32_t kPage = 0x1000;
constexpr uint32_t kRw = abi::kMemRead | abi::kMemWrite;
constexpr uint32_t kLendWindow = 0x6000'0000;
constexpr uint32_t kKernelBase = 0x8000'0000;
constexpr uint32_t kMmio = 0xfe;  // Region::kind of a map_physical mapping
constexpr uint32_t kRtc = board::kRtc;    // the board's alarm clock (services/board/<platform>/)
constexpr uint32_t kUart = board::kUart0;  // the log server's

uint32_t addr_of(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

// Threads of the child add regions concurrently: each takes its own slot, and region_seq is odd
// while one is being written, so a verdict can tell that what it read may have been torn.
Region& add_region(uint32_t va, uint32_t bytes, uint32_t kind, uint32_t flags,
                   bool certain = false) {
  __atomic_add_fetch(&g.region_seq, 1, __ATOMIC_ACQ_REL);
  Region& r = g.regions[__atomic_fetch_add(&g.region_n, 1, __ATOMIC_RELAXED) % 24];
  r = Region{va, bytes, 0, static_cast<uint16_t>(kind), static_cast<uint8_t>(flags), 1,
             static_cast<uint8_t>(certain)};
  __atomic_add_fetch(&g.region_seq, 1, __ATOMIC_ACQ_REL);
  return r;
}

bool overlaps(const Region& r, uint32_t va, uint32_t bytes) {
  return uint64_t{r.va} < uint64_t{va} + bytes && uint64_t{va} < uint64_t{r.va} + r.bytes;
}

// update_memory_flags (perhaps) changed some pages: a region that overlaps the range keeps only
// the permissions both had, so that touches stay clear of pages that may have lost theirs.
void reflag(uint32_t va, uint32_t bytes, uint32_t flags) {
  for (Region& r : g.regions) {
    if (overlaps(r, va, bytes)) r.flags &= static_cast<uint8_t>(flags);
  }
}

// The range was (perhaps) unmapped or moved away: regions that overlap it are stale now.
void forget(uint32_t va, uint32_t bytes) {
  __atomic_fetch_add(&g.forgets, 1, __ATOMIC_RELAXED);
  for (Region& r : g.regions) {
    if (overlaps(r, va, bytes)) r.live = 0;
  }
  if (g.rtc != 0 && g.rtc - va < bytes) g.rtc = 0;
}

void forget_received(uint32_t handle) {
  for (Region& r : g.regions) {
    if (r.handle == handle && r.kind != kNotReceived) r.live = 0;
  }
}

// Any region (live or stale: both make good syscall arguments).
bool pick_region(Ctx& c, Region* out) {
  const uint32_t n = g.region_n < 24 ? g.region_n : 24;
  if (n == 0) return false;
  *out = g.regions[c.rng.below(n)];
  return true;
}

// A region the child may touch with `flag` (kMemRead or kMemWrite) without faulting, as far
// as it knows: live RAM allowing the access (devices only through do_alarm).
bool pick_touchable(Ctx& c, uint32_t flag, Region* out) {
  for (int tries = 0; tries < 8; ++tries) {
    if (!pick_region(c, out)) return false;
    if (out->live && (out->flags & flag) && out->kind != kMmio && out->bytes >= 4) return true;
  }
  return false;
}

// A page of the program itself (text, the first thread's stack, trace, scratch and interrupt
// stacks): unmapping, protecting or lending these is self-harm, and often death. Its data and
// the stack pool stay out of it: they hold the watchdog's stack and state, and a child that
// overwrote those could outlive its life and hold up the round.
uint32_t image_addr(Ctx& c) {
  const uint32_t where[] = {
      kText,    kText + kPage,    kStackTop - kPage, kStackTop - 3 * kPage,
      kTraceVa, kTraceVa + kPage, kWildStack,        abi::kIrqStackTop - abi::kIrqStackSize};
  return c.rng.pick(where);
}

// The watchdog's stack and the child's own state: no picked address or range touches them
// (the random ones would, once in a long while), so the watchdog always ends its child. Larger
// ranges than 1 MiB may: they cross unmapped pages (guard pages, gaps), which the kernel refuses
// whole, and keeping them tests exactly that.
bool guarded(uint32_t va, uint32_t bytes) {
  if (bytes > 0x10'0000) return false;
  const Region keep[] = {{kWatchdogStack, kStackBytes, 0, 0, 0, 0},
                         {addr_of(&g) & ~(kPage - 1), 2 * kPage + sizeof g, 0, 0, 0, 0}};
  return overlaps(keep[0], va, bytes ? bytes : 1) || overlaps(keep[1], va, bytes ? bytes : 1);
}

uint32_t pick_addr(Ctx& c) {
  static constexpr uint32_t kSpecial[] = {0,           kPage,       0xffff'f000,
                                          0xffff'ffff, 0x7fff'f000, kKernelBase - kPage,
                                          0xf000'0000, 0x0001'0000};
  static constexpr uint32_t kOdd[] = {1, 2, 3, 0x800, 0xfff, 0xffc};
  const uint32_t k = c.rng.below(100);
  uint32_t a;
  Region r;
  if (k < 45 && pick_region(c, &r)) {
    switch (c.rng.below(5)) {
      case 0: a = r.va + r.bytes; break;  // just past the end
      case 1: a = r.va - kPage; break;
      default: a = r.va + kPage * c.rng.below(r.bytes / kPage + 1); break;
    }
  } else if (k < 55) {
    a = kLendWindow + kPage * c.rng.below(64);
  } else if (k < 60) {
    a = kKernelBase + kPage * c.rng.below(1024);
  } else if (k < 61) {
    a = image_addr(c);
  } else if (k < 70) {
    a = 0x2000'0000 + kPage * c.rng.below(256);  // where map_memory(0, ...) puts things
  } else if (k < 75) {
    a = c.rng.pick(kSpecial);
  } else if (k < 88) {
    a = 0x3000'0000 + kPage * c.rng.below(1024);
  } else {
    a = c.rng.next() & (c.rng.one_in(2) ? ~(kPage - 1) : ~0u);
  }
  if (c.rng.one_in(16)) a += c.rng.pick(kOdd);
  return guarded(a, kPage) ? kLendWindow : a;
}

uint32_t pick_size(Ctx& c, uint32_t va) {
  static constexpr uint32_t kOdd[] = {1, 3, 4095, 4097, 0x1800, 0x10};
  static constexpr uint32_t kHuge[] = {0x1000'0000, 0x8000'0000, 0xffff'f000,
                                       0xffff'ffff, 0x40'0000,   0x30'0000};
  const uint32_t k = c.rng.below(100);
  if (k < 55) return kPage * (1 + c.rng.below(4));
  if (k < 65) return kPage * (5 + c.rng.below(64));
  if (k < 70) return 0;
  if (k < 76) return c.rng.pick(kOdd);
  if (k < 80) return c.rng.pick(kHuge);
  if (k < 90) return (0u - va) + kPage * c.rng.below(3);  // the range wraps (or ends at 2^32)
  return c.rng.next();
}

uint32_t pick_flags(Ctx& c) {
  static constexpr uint32_t kFlags[] = {kRw, kRw, kRw, kRw, 1, 1, 5, 7, 0, 2, 4, 8, 0xff, 3 | 8};
  return c.rng.one_in(12) ? c.rng.next() : c.rng.pick(kFlags);
}

uint32_t pick_cid(Ctx& c) {
  const uint32_t k = c.rng.below(10);
  if (k < 6 && !g.cids.empty()) return c.rng.pick(g.cids.v);
  if (k < 9) return c.rng.below(20);
  return c.rng.next();
}

// A server handle: ours (live or destroyed), anyone's (they are global indices), or nonsense.
// Never the lifeline: the supervisor's death notice must end only with the child.
uint32_t pick_server(Ctx& c) {
  const uint32_t k = c.rng.below(10);
  uint32_t h;
  if (k < 6 && !g.servers.empty()) {
    h = c.rng.pick(g.servers.v);
  } else if (k < 9) {
    h = c.rng.below(27);
  } else {
    h = c.rng.next();
  }
  return h == g.lifeline ? 0 : h;
}

// A message handle: received (answered or not), forged ((generation << 16) | (tid + 1)), or
// nonsense. Never the lifeline call we hold.
uint32_t pick_msg(Ctx& c) {
  const uint32_t k = c.rng.below(10);
  uint32_t h;
  if (k < 7 && !g.msgs.empty()) {
    h = c.rng.pick(g.msgs.v);
  } else if (k < 9) {
    h = (c.rng.below(4) << 16) | (1 + c.rng.below(48));
    if (c.rng.one_in(4)) h |= 0x8000 | c.rng.below(32);  // a batched call's handle
  } else {
    h = c.rng.next();
  }
  return h == __atomic_load_n(&g.held, __ATOMIC_RELAXED) ? 0 : h;
}

enum class SidUse { Create, TryConnect, Connect };

// A SID: one of the family (which other children register too), one this child registered,
// all zero (create: the kernel picks), garbage, or the log server's (reserved: create only; a
// child never talks to the log server, so that nothing it does can hold the console up).
void pick_sid(Ctx& c, SidUse use, uint32_t out[4]) {
  const uint32_t k = c.rng.below(100);
  if (k < 60 || use == SidUse::Connect) {
    out[0] = kFamily0;
    out[1] = kFamily1;
    out[2] = c.rng.below(4);
    out[3] = c.rng.below(4);
    if (use != SidUse::Connect || k >= 80 || g.sid_n == 0) return;
  }
  if (k < 80 && g.sid_n != 0) {
    const uint32_t* s = g.sids[c.rng.below(g.sid_n < 8 ? g.sid_n : 8)];
    for (int i = 0; i < 4; ++i) out[i] = s[i];
    return;
  }
  if (k < 88 || (k >= 96 && use != SidUse::Create)) {
    out[0] = out[1] = out[2] = out[3] = 0;
    return;
  }
  if (k < 96) {
    for (int i = 0; i < 4; ++i) out[i] = c.rng.next();
    return;
  }
  for (int i = 0; i < 4; ++i) out[i] = abi::kLogSid[i];
}

// A received message: remember its handle and memory, and often answer it at once, so that
// the lender or caller (this child, or another) goes on.
void took(Ctx& c, const abi::SysRet& r) {
  if (r.error != Error::Ok) return;
  const uint32_t handle = r.r[0];
  const auto kind = abi::message_kind(r.r[2]);
  // Every message a child's server can get was sent by a process: the kernel's own messages
  // (the log notice) go to the log server only, and the kind is one of the five.
  if (abi::message_sender(r.r[2]) == 0 || kind > MessageKind::Move)
    violation(c, "receive answered a3", r.r[2]);
  if (handle != 0) g.msgs.add(handle);
  const bool memory = kind == MessageKind::Borrow || kind == MessageKind::MutableBorrow ||
                      kind == MessageKind::Move;
  if (memory) {
    add_region(r.r[3], r.r[4], static_cast<uint32_t>(kind),
               kind == MessageKind::Borrow ? abi::kMemRead : kRw)
        .handle = handle;
  }
  if (!c.rng.one_in(2)) return;
  if (kind == MessageKind::BlockingScalar && handle != 0) {
    (void)call(c, Syscall::reply, handle, c.rng.next(), c.rng.next());
  } else if (kind == MessageKind::Borrow || kind == MessageKind::MutableBorrow) {
    const uint32_t valid = c.rng.one_in(4) ? c.rng.next() : r.r[4];
    if (call(c, Syscall::return_memory, handle, c.rng.one_in(4) ? c.rng.below(r.r[4] + 2) : 0,
             valid)
            .error == Error::Ok) {
      forget_received(handle);
    }
  } else if (kind == MessageKind::Move) {
    if (call(c, Syscall::unmap_memory, r.r[3], r.r[4]).error == Error::Ok) forget(r.r[3], r.r[4]);
  }
}

// Calls that may block; in an interrupt handler each must be refused (abi/irq.h).
bool may_block(Syscall n) {
  switch (n) {
    case Syscall::yield:
    case Syscall::exit_thread:
    case Syscall::wait_event:
    case Syscall::connect:
    case Syscall::send_scalar:
    case Syscall::call_scalar:
    case Syscall::receive:
    case Syscall::reply_and_receive_next:
    case Syscall::lend_memory:
    case Syscall::ring_setup:
    case Syscall::ring_enter: return true;
    default: return false;
  }
}

// Makes the call, and checks what holds whatever came before.
abi::SysRet checked(Ctx& c, Syscall n, uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0,
                    uint32_t a3 = 0, uint32_t a4 = 0, uint32_t a5 = 0, uint32_t a6 = 0) {
  const abi::SysRet r = call(c, n, a0, a1, a2, a3, a4, a5, a6);
  const bool upcall =
      stack_pointer() - (abi::kIrqStackTop - abi::kIrqStackSize) < abi::kIrqStackSize;
  if (c.handler && upcall && may_block(n) && r.error != abi::kErrorInHandler) {
    violation(c, "blocking call in an interrupt handler not refused: (syscall << 16) | error",
              (static_cast<uint32_t>(n) << 16) | static_cast<uint32_t>(r.error));
  }
  return r;
}

// --- one function per kind of step ----------------------------------------------------------

void do_null(Ctx& c) { (void)checked(c, Syscall::null); }
void do_yield(Ctx& c) { (void)checked(c, Syscall::yield); }

void do_debug_write(Ctx& c) {
  static const char kLine[] = "fuzz: debug_write\n";
  if (c.rng.one_in(10)) {
    (void)checked(c, Syscall::debug_write, addr_of(kLine), sizeof kLine - 1);
    return;
  }
  // Ranges the kernel must refuse before reading a byte (no junk reaches the console): kernel
  // memory, wrapping ranges, lengths over its limit.
  const uint32_t va = c.rng.one_in(2) ? kKernelBase + c.rng.below(0x40'0000) : pick_addr(c);
  const uint32_t len = va >= kKernelBase ? 1 + c.rng.below(64) : 4097 + c.rng.below(0x10000);
  if (checked(c, Syscall::debug_write, va, len).error == Error::Ok) {
    violation(c, "debug_write accepted", va);
  }
}

void do_bad_number(Ctx& c) {
  const uint32_t n = abi::kSyscallCount + (c.rng.one_in(2) ? c.rng.below(8) : c.rng.next() >> 1);
  const abi::SysRet r = call(c, static_cast<Syscall>(n), c.rng.next(), c.rng.next());
  if (r.error != Error::NotSupported) violation(c, "unknown syscall number answered", n);
}

void do_map(Ctx& c) {
  const uint32_t va = c.rng.one_in(3) ? 0 : pick_addr(c);
  const uint32_t bytes = pick_size(c, va);
  const uint32_t flags = pick_flags(c);
  const abi::SysRet r = checked(c, Syscall::map_memory, va, bytes, flags);
  if (r.error != Error::Ok) return;
  uint32_t end;
  if (r.r[0] < 0x1'0000 || __builtin_add_overflow(r.r[0], bytes, &end) || end > kKernelBase) {
    violation(c, "map_memory outside user space at", r.r[0]);
  }
  add_region(r.r[0], bytes, kNotReceived, flags);
}

// An address and size for unmap/protect/lend: most often a whole region or part of one.
void pick_range(Ctx& c, uint32_t* va, uint32_t* bytes) {
  Region r;
  if (c.rng.below(10) < 7 && pick_region(c, &r) && r.bytes >= kPage) {
    const uint32_t pages = r.bytes / kPage;
    const uint32_t first = c.rng.one_in(2) ? 0 : c.rng.below(pages);
    *va = r.va + first * kPage;
    *bytes = c.rng.one_in(2) ? r.bytes - first * kPage : kPage * (1 + c.rng.below(pages - first));
    if (c.rng.one_in(10)) *bytes += kPage;  // one page too many
  } else {
    *va = pick_addr(c);
    *bytes = pick_size(c, *va);
  }
  if (guarded(*va, *bytes)) {
    *va = kLendWindow;
    *bytes = kPage;
  }
}

void do_unmap(Ctx& c) {
  uint32_t va, bytes;
  pick_range(c, &va, &bytes);
  forget(va, bytes);  // even if refused: part of the range may be gone
  (void)checked(c, Syscall::unmap_memory, va, bytes);
}

void do_protect(Ctx& c) {
  uint32_t va, bytes;
  pick_range(c, &va, &bytes);
  const uint32_t flags = pick_flags(c);
  // A device mapping never becomes executable (map_physical refuses that too, issue 12 #8). The
  // verdict stands only on a device mapping known for certain (Region::certain), if no other
  // call of this child changed its mappings meanwhile, no region was being written while they
  // were read, and the child never had a batch ring nor a wild thread (both change mappings
  // unseen: the kernel drains ring entries at any trap, a wild thread runs arbitrary code).
  const uint32_t epoch = __atomic_load_n(&g.epoch, __ATOMIC_ACQUIRE);
  const uint32_t seq = __atomic_load_n(&g.region_seq, __ATOMIC_ACQUIRE);
  bool device = false;
  for (const Region& r : g.regions)
    device = device || (r.live && r.certain && r.kind == kMmio && overlaps(r, va, bytes));
  reflag(va, bytes, flags);  // even if refused: part of the range may have changed
  const abi::SysRet r = checked(c, Syscall::update_memory_flags, va, bytes, flags);
  const bool alone = __atomic_load_n(&g.epoch, __ATOMIC_ACQUIRE) == epoch + 1 && !(seq & 1) &&
                     __atomic_load_n(&g.region_seq, __ATOMIC_ACQUIRE) == seq &&
                     !__atomic_load_n(&g.rings, __ATOMIC_ACQUIRE) &&
                     !__atomic_load_n(&g.wild_tried, __ATOMIC_ACQUIRE) &&
                     !__atomic_load_n(&g.wild, __ATOMIC_ACQUIRE);
  if (r.error == Error::Ok && device && alone && (flags & abi::kMemExec)) {
    violation(c, "update_memory_flags made a device mapping executable at", va);
  }
}

void do_map_physical(Ctx& c) {
  const uint32_t k = c.rng.below(100);
  uint32_t pa;
  bool forbidden = false;  // RAM and the kernel's devices (board::kKernelDevices)
  if (k < 35) {
    pa = kRtc;
  } else if (k < 45) {
    pa = kUart;
  } else if (k < 60) {
    // Devices nobody owns (virtio slots on QEMU virt), and one page past them.
    pa = board::kSpareDevice + kPage * c.rng.below(board::kSpareDevicePages + 1);
  } else if (k < 75) {
    constexpr uint32_t kDevices = sizeof board::kKernelDevices / sizeof board::kKernelDevices[0];
    const board::Range& d = board::kKernelDevices[(k - 60) * kDevices / 15];
    pa = d.base + (d.pages > 1 ? kPage * c.rng.below(d.pages) : 0);
    forbidden = true;
  } else if (k < 85) {
    pa = board::kRamBase + kPage * c.rng.below(1024);
    forbidden = true;
  } else {
    pa = c.rng.next();
  }
  const uint32_t va = c.rng.below(10) < 6 ? 0 : pick_addr(c);
  const uint32_t bytes = c.rng.below(10) < 7 ? kPage : pick_size(c, va);
  const uint32_t flags = c.rng.below(10) < 7 ? kRw : pick_flags(c);
  const uint32_t epoch = __atomic_load_n(&g.epoch, __ATOMIC_ACQUIRE);
  const abi::SysRet r = checked(c, Syscall::map_physical, pa, va, bytes, flags);
  if (r.error != Error::Ok) return;
  // Certain only if no other call of this child could have unmapped it before it is recorded.
  const bool certain = __atomic_load_n(&g.epoch, __ATOMIC_ACQUIRE) == epoch + 1 &&
                       !__atomic_load_n(&g.rings, __ATOMIC_ACQUIRE) &&
                       !__atomic_load_n(&g.wild_tried, __ATOMIC_ACQUIRE) &&
                       !__atomic_load_n(&g.wild, __ATOMIC_ACQUIRE);
  if (forbidden) violation(c, "map_physical granted", pa);
  if (flags & abi::kMemExec) violation(c, "map_physical granted an executable mapping of", pa);
  if (pa == kUart) violation(c, "map_physical granted the log server's UART", pa);
  if (pa == kRtc) g.rtc = r.r[0];
  add_region(r.r[0], bytes < kPage ? kPage : bytes, kMmio, flags, certain);
}

void do_create_thread(Ctx& c) {
  const uint32_t k = c.rng.below(100);
  if (k < 55) {
    (void)start_thread(
        c, abi::kDefaultPriority + c.rng.below(abi::kPriorities - abi::kDefaultPriority));
  } else if (k < 60) {
    // Above the child's ceiling (the image's default, kDefaultPriority: abi/syscall.h).
    const Error e = start_thread(c, c.rng.below(abi::kDefaultPriority));
    if (e != Error::AccessDenied && e != Error::LimitReached)  // LimitReached: no stack slot
      violation(c, "create_thread above the ceiling answered", static_cast<uint32_t>(e));
  } else if (k < 65) {
    (void)start_thread(c, c.rng.one_in(2) ? abi::kPriorities : abi::kPriorities + c.rng.next() / 2);
  } else {
    // Anywhere: most such entries or stacks are refused; one that is not runs whatever it
    // lands on, on the scratch stack, at the least urgent priority (never above the others:
    // a busy urgent thread would starve the supervisor, as strict priorities allow).
    const bool text = k < 72;
    const uint32_t entry = text ? kText + 4 * c.rng.below(0x3000 / 4) : pick_addr(c);
    const uint32_t sp = text ? kWildStack + kPage : pick_addr(c);
    const uint32_t prio =
        c.rng.one_in(4) ? abi::kPriorities + c.rng.below(4) : abi::kPriorities - 1;
    __atomic_store_n(&g.wild_tried, 1, __ATOMIC_RELEASE);  // verdicts end here (Region::certain)
    if (checked(c, Syscall::create_thread, entry, sp, c.rng.next(), prio).error == Error::Ok) {
      g.wild = 1;
    }
  }
}

void do_wait_event(Ctx& c) {
  (void)checked(c, Syscall::wait_event, c.rng.one_in(20) ? 0 : 1 + c.rng.below(20'000));
}

void do_create_server(Ctx& c) {
  uint32_t sid[4];
  pick_sid(c, SidUse::Create, sid);
  const abi::SysRet r = checked(c, Syscall::create_server, sid[0], sid[1], sid[2], sid[3]);
  const bool log = sid[0] == abi::kLogSid[0] && sid[1] == abi::kLogSid[1] &&
                   sid[2] == abi::kLogSid[2] && sid[3] == abi::kLogSid[3];
  if (r.error != Error::Ok) return;
  if (log) violation(c, "create_server of the log's reserved SID granted", sid[0]);
  g.servers.add(r.r[0]);
  uint32_t* keep = g.sids[g.sid_n++ % 8];
  for (int i = 0; i < 4; ++i) keep[i] = r.r[1 + i];
}

void do_destroy_server(Ctx& c) {
  if (checked(c, Syscall::destroy_server, pick_server(c)).error != Error::Ok) return;
  // Memory lent to that server goes back to its lenders: perhaps some of what we received.
  for (Region& r : g.regions) {
    if (r.kind != kNotReceived && r.kind != kMmio) r.live = 0;
  }
}

void do_connect(Ctx& c, bool wait) {
  uint32_t sid[4];
  pick_sid(c, wait ? SidUse::Connect : SidUse::TryConnect, sid);
  const abi::SysRet r =
      checked(c, wait ? Syscall::connect : Syscall::try_connect, sid[0], sid[1], sid[2], sid[3]);
  if (r.error == Error::Ok) g.cids.add(r.r[0]);
}
void do_connect(Ctx& c) { do_connect(c, true); }
void do_try_connect(Ctx& c) { do_connect(c, false); }

void do_disconnect(Ctx& c) { (void)checked(c, Syscall::disconnect, pick_cid(c)); }

void do_send(Ctx& c, Syscall n) {
  (void)checked(c, n, pick_cid(c), c.rng.next(), c.rng.next(), c.rng.next(), c.rng.next(),
                c.rng.next());
}
void do_send_scalar(Ctx& c) { do_send(c, Syscall::send_scalar); }
void do_try_send_scalar(Ctx& c) { do_send(c, Syscall::try_send_scalar); }
void do_call_scalar(Ctx& c) { do_send(c, Syscall::call_scalar); }

void do_receive(Ctx& c) { took(c, checked(c, Syscall::receive, pick_server(c))); }
void do_try_receive(Ctx& c) { took(c, checked(c, Syscall::try_receive, pick_server(c))); }
void do_reply(Ctx& c) { (void)checked(c, Syscall::reply, pick_msg(c), c.rng.next(), c.rng.next()); }
void do_reply_and_receive(Ctx& c) {
  const uint32_t msg = c.rng.one_in(3) ? 0 : pick_msg(c);
  took(c, checked(c, Syscall::reply_and_receive_next, pick_server(c), msg, c.rng.next(),
                  c.rng.next()));
}

void do_process_info(Ctx& c) {
  const abi::SysRet r = checked(c, Syscall::process_info);
  if (r.error != Error::Ok || r.r[0] != g.pid) violation(c, "process_info says pid", r.r[0]);
}

// Its own usage stays within the shares (abi/limits.h); nobody else's is a child's to see.
void do_usage(Ctx& c) {
  const uint32_t other = c.rng.one_in(2) ? c.rng.below(20) : c.rng.next();
  const abi::SysRet r = call(c, Syscall::usage, c.rng.one_in(2) ? 0 : other);
  if (r.error == Error::AccessDenied) return;  // another pid (checked below)
  if (r.error != Error::Ok) return violation(c, "usage answered", static_cast<uint32_t>(r.error));
  if (r.r[1] == 0 || r.r[1] > abi::kMaxThreadsPerProcess || r.r[2] > abi::kMaxServersPerProcess ||
      r.r[3] > abi::kMaxConnectionsPerProcess || r.r[4] > abi::kMaxLendsPerProcess ||
      r.r[5] > abi::kMaxAsyncPerProcess) {
    violation(c, "usage beyond a share, threads", r.r[1]);
  }
  const abi::SysRet o = call(c, Syscall::usage, other);
  if (other != 0 && other != g.pid && o.error != Error::AccessDenied)
    violation(c, "usage of another pid answered", static_cast<uint32_t>(o.error));
}

void do_lend(Ctx& c) {
  static constexpr uint32_t kKinds[] = {2, 3, 4, 2, 3, 4, 2, 3, 4, 0, 1, 5, 0xff};
  uint32_t kind = c.rng.pick(kKinds);
  if (c.rng.one_in(2)) kind |= abi::kLendByCopy;
  if (c.rng.one_in(30)) kind |= c.rng.next() & ~(abi::kLendKindMask | abi::kLendByCopy);
  uint32_t va, bytes;
  pick_range(c, &va, &bytes);
  if (c.rng.below(10) < 7 && bytes > 4 * kPage) bytes = kPage * (1 + c.rng.below(4));
  const bool hints = c.rng.below(10) < 6;
  const uint32_t offset = hints ? 0 : c.rng.next() % (bytes + 2);
  const uint32_t valid = hints ? bytes : c.rng.next();
  // While lent the pages may be out of reach (other threads must not touch them); after a
  // Move they are the server's for good.
  uint32_t lent = 0;
  const uint32_t mark = __atomic_add_fetch(&g.forgets, 1, __ATOMIC_RELAXED);
  for (uint32_t i = 0; i < 24; ++i) {
    Region& reg = g.regions[i];
    if (reg.live && overlaps(reg, va, bytes)) {
      reg.live = 0;
      lent |= 1u << i;
    }
  }
  const abi::SysRet r =
      checked(c, Syscall::lend_memory, pick_cid(c), c.rng.next(), kind, va, bytes, offset, valid);
  if (r.error == Error::Ok &&
      (kind & abi::kLendKindMask) == static_cast<uint32_t>(MessageKind::Move)) {
    return;
  }
  // Meanwhile another thread may have unmapped some of it, or lent it: then it stays hidden.
  if (__atomic_load_n(&g.forgets, __ATOMIC_RELAXED) != mark) return;
  for (uint32_t i = 0; i < 24; ++i) {
    if (lent & (1u << i)) g.regions[i].live = 1;
  }
}

void do_return(Ctx& c) {
  const bool hints = c.rng.below(10) < 7;
  const uint32_t msg = pick_msg(c);
  if (checked(c, Syscall::return_memory, msg, hints ? 0 : c.rng.next() % 0x3000,
              hints ? kPage : c.rng.next())
          .error == Error::Ok) {
    forget_received(msg);
  }
}

void do_ring_setup(Ctx& c) {
  const uint32_t k = c.rng.below(10);
  uint32_t va;
  Region r;
  if (k < 4) {
    const abi::SysRet m = checked(c, Syscall::map_memory, 0, abi::kRingBytes, kRw);
    if (m.error != Error::Ok) return;
    add_region(m.r[0], abi::kRingBytes, kNotReceived, kRw);
    va = m.r[0];
  } else if (k < 7 && pick_region(c, &r)) {
    va = r.va;
  } else if (k < 8) {
    va = 0;
  } else {
    va = pick_addr(c);
  }
  if (checked(c, Syscall::ring_setup, va).error == Error::Ok) c.ring_va = va;
}

// A ring entry: one of the calls rings take (abi/ring.h), or anything else.
void fill_entry(Ctx& c, volatile abi::RingEntry& e) {
  static constexpr Syscall kRingCalls[] = {Syscall::null,
                                           Syscall::send_scalar,
                                           Syscall::try_send_scalar,
                                           Syscall::call_scalar,
                                           Syscall::map_memory,
                                           Syscall::unmap_memory,
                                           Syscall::update_memory_flags,
                                           Syscall::reply,
                                           Syscall::return_memory};
  const uint32_t k = c.rng.below(10);
  const Syscall n = k < 8 ? c.rng.pick(kRingCalls) : static_cast<Syscall>(c.rng.below(40));
  uint32_t a[6] = {c.rng.next(), c.rng.next(), c.rng.next(),
                   c.rng.next(), c.rng.next(), c.rng.next()};
  switch (n) {
    case Syscall::send_scalar:
    case Syscall::try_send_scalar:
    case Syscall::call_scalar: a[0] = pick_cid(c); break;
    case Syscall::map_memory:
      a[0] = c.rng.one_in(2) ? 0 : pick_addr(c);
      a[1] = pick_size(c, a[0]);
      a[2] = pick_flags(c);
      break;
    case Syscall::unmap_memory:
    case Syscall::update_memory_flags:
      pick_range(c, &a[0], &a[1]);
      a[2] = pick_flags(c);
      // Whether it worked is known only later: assume it did (so touches keep off).
      if (n == Syscall::unmap_memory) forget(a[0], a[1]);
      if (n == Syscall::update_memory_flags) reflag(a[0], a[1], a[2]);
      break;
    case Syscall::reply:
    case Syscall::return_memory: a[0] = pick_msg(c); break;
    default: break;
  }
  e.number = c.rng.one_in(50) ? c.rng.next() : static_cast<uint32_t>(n);
  e.tag = c.rng.next();
  for (int i = 0; i < 6; ++i) e.a[i] = a[i];
}

void do_ring_enter(Ctx& c) {
  if (c.ring_va == 0 || c.rng.one_in(10)) {
    (void)checked(c, Syscall::ring_enter, c.rng.below(3));
    return;
  }
  // Safe: the thread's registered ring (two pages of its own, pinned while registered).
  auto* h = reinterpret_cast<volatile abi::RingHeader*>(static_cast<uintptr_t>(c.ring_va));
  auto* sq = reinterpret_cast<volatile abi::RingEntry*>(static_cast<uintptr_t>(c.ring_va + kPage));
  const uint32_t n = 1 + c.rng.below(8);
  const uint32_t tail = h->sq_tail;
  for (uint32_t i = 0; i < n; ++i) fill_entry(c, sq[(tail + i) % abi::kRingEntries]);
  uint32_t new_tail = tail + n;
  if (c.rng.one_in(16)) {
    const uint32_t bad[] = {tail - 3, tail + abi::kRingEntries + 1, c.rng.next(), h->sq_head - 1};
    new_tail = c.rng.pick(bad);
  }
  h->sq_tail = new_tail;
  note(c, kActRing, c.ring_va, n, new_tail);
  const uint32_t want = c.rng.one_in(8) ? 1 + c.rng.below(n) : 0;
  (void)checked(c, Syscall::ring_enter, want);
  h->cq_head = c.rng.one_in(16) ? c.rng.next() : h->cq_tail;
}

void do_claim_interrupt(Ctx& c) {
  const uint32_t k = c.rng.below(10);
  const uint32_t line = k < 4 ? 11 : k < 5 ? 10 : c.rng.below(40);
  const uint32_t handler = c.rng.below(10) < 7
                               ? addr_of(reinterpret_cast<const void*>(&fuzz_irq_handler))
                               : pick_addr(c);
  const Error e = checked(c, Syscall::claim_interrupt, line, handler, c.rng.next()).error;
  if (e == Error::Ok) g.lines.add(line);
  // A line the image did not grant the child (the UART's among them): AccessDenied, whatever
  // the handler and whoever holds the line (abi/irq.h).
  if (line >= 1 && line < 32 && (FUZZ_IRQ_LINES & (1u << line)) == 0 && e != Error::AccessDenied)
    violation(c, "claim_interrupt of a line not granted answered (line << 16) | error",
              (line << 16) | static_cast<uint32_t>(e));
}

void do_free_interrupt(Ctx& c) {
  const uint32_t line =
      c.rng.below(10) < 7 && !g.lines.empty() ? c.rng.pick(g.lines.v) : c.rng.below(40);
  (void)checked(c, Syscall::free_interrupt, line);
}

void do_kernel_log(Ctx& c) {
  uint32_t va, bytes;
  pick_range(c, &va, &bytes);
  if (checked(c, Syscall::kernel_log, pick_server(c), va, bytes).error == Error::Ok) {
    violation(c, "kernel_log granted to a child, buffer", va);
  }
}

void do_spawn(Ctx& c) {
  const uint32_t index = c.rng.one_in(2) ? c.rng.below(4) : c.rng.next();
  const abi::SysRet r = call(c, Syscall::spawn, index, c.rng.next());
  if (r.error != Error::AccessDenied)
    violation(c, "spawn by a child answered", static_cast<uint32_t>(r.error));
}

// Reads memory: mostly what the child has, rarely what it must not (a fault ends it).
void do_load(Ctx& c) {
  Region r;
  uint32_t va;
  const uint32_t k = c.rng.below(1000);
  if (k < 900 && pick_touchable(c, abi::kMemRead, &r)) {
    va = r.va + (c.rng.below(r.bytes) & ~3u);
  } else if (k < 985) {
    const uint32_t safe[] = {kText, addr_of(&g), kStackTop - kPage, kTraceVa};
    va = c.rng.pick(safe);
  } else if (k < 995 && pick_region(c, &r)) {
    va = r.va + (c.rng.below(r.bytes | 4) & ~3u);  // perhaps stale by now
  } else {
    va = c.rng.one_in(2) ? kKernelBase + 4 * c.rng.below(0x10'0000) : pick_addr(c) & ~3u;
  }
  note(c, kActLoad, va);
  // Safe for the kernel whatever va is: a fault ends this process, which is what is tested.
  const uint32_t v = *reinterpret_cast<volatile uint32_t*>(static_cast<uintptr_t>(va));
  if (va >= kKernelBase) violation(c, "user load from kernel memory at", va);
  (void)v;
}

// Writes what the child holds writable (its own mappings, memory lent to it, the RTC): pages
// that should be nobody's get scribbled on, if the kernel let any through. Rarely, memory it
// may not write (a fault ends it).
void do_store(Ctx& c) {
  Region r;
  if (c.rng.below(1000) < 990) {
    if (!pick_touchable(c, abi::kMemWrite, &r)) return;
  } else if (!pick_region(c, &r) || r.bytes < 4) {
    return;
  }
  const uint32_t va = r.va + (c.rng.below(r.bytes) & ~3u);
  const uint32_t value =
      c.rng.one_in(2) ? c.rng.next() : 0x0000'00ff | (c.rng.next() & 0x3ffc'0000);
  note(c, kActStore, va, value);
  *reinterpret_cast<volatile uint32_t*>(static_cast<uintptr_t>(va)) = value;
}

void do_alarm(Ctx& c) {
  if (g.rtc == 0) return;
  note(c, kActAlarm, g.rtc);
  // Up to 2 ms ahead (services/alarm_clock.h). A stale mapping faults: one more way for a
  // child to end.
  const board::AlarmClock clock(g.rtc);
  const uint64_t now = clock.now();
  clock.alarm_at(now + c.rng.below(2 * board::AlarmClock::kTicksPerMs));
}

// The kernel clock (time): it does not go back, and its rate is the one libcourier assumes.
void do_time(Ctx& c) {
  const abi::SysRet a = checked(c, Syscall::time);
  const abi::SysRet b = checked(c, Syscall::time);
  if (a.error != Error::Ok || b.error != Error::Ok) return violation(c, "time answered", 1);
  if (a.r[2] != kTimeTicksPerMs) violation(c, "time says ticks per ms", a.r[2]);
  const uint64_t t0 = (uint64_t{a.r[1]} << 32) | a.r[0], t1 = (uint64_t{b.r[1]} << 32) | b.r[0];
  if (t1 < t0) violation(c, "time went back, low word", b.r[0]);
}

struct Choice {
  uint16_t weight;
  void (*run)(Ctx&);
};

// How often each step is taken (out of the sum). Blocking calls are rare: a thread stuck in
// one waits for another thread, or another child, or the watchdog.
constexpr Choice kChoices[] = {
    {10, do_null},
    {6, do_debug_write},
    {15, do_yield},
    {90, do_map},
    {55, do_unmap},
    {40, do_protect},
    {25, do_map_physical},
    {12, do_create_thread},
    {6, do_wait_event},
    {30, do_create_server},
    {12, do_destroy_server},
    {3, do_connect},
    {40, do_try_connect},
    {12, do_disconnect},
    {12, do_send_scalar},
    {50, do_try_send_scalar},
    {10, do_call_scalar},
    {6, do_receive},
    {80, do_try_receive},
    {45, do_reply},
    {5, do_reply_and_receive},
    {8, do_process_info},
    {80, do_lend},
    {55, do_return},
    {15, do_ring_setup},
    {35, do_ring_enter},
    {10, do_claim_interrupt},
    {8, do_free_interrupt},
    {4, do_kernel_log},
    {3, do_spawn},
    {4, do_usage},
    {4, do_bad_number},
    {30, do_load},
    {30, do_store},
    {4, do_alarm},
    {4, do_time},
};

// Every syscall of abi/syscalls.def, and where it is made (a syscall appended there fails the
// build here until the fuzzer makes it too). terminate_process and exit_thread: die().
constexpr Syscall kCovered[] = {
    Syscall::null,
    Syscall::debug_write,
    Syscall::yield,
    Syscall::terminate_process,
    Syscall::map_memory,
    Syscall::unmap_memory,
    Syscall::update_memory_flags,
    Syscall::map_physical,
    Syscall::create_thread,
    Syscall::exit_thread,
    Syscall::wait_event,
    Syscall::create_server,
    Syscall::destroy_server,
    Syscall::connect,
    Syscall::try_connect,
    Syscall::disconnect,
    Syscall::send_scalar,
    Syscall::try_send_scalar,
    Syscall::call_scalar,
    Syscall::receive,
    Syscall::try_receive,
    Syscall::reply,
    Syscall::reply_and_receive_next,
    Syscall::process_info,
    Syscall::lend_memory,
    Syscall::return_memory,
    Syscall::ring_setup,
    Syscall::ring_enter,
    Syscall::claim_interrupt,
    Syscall::free_interrupt,
    Syscall::kernel_log,
    Syscall::spawn,
    Syscall::usage,
    Syscall::time,
};
constexpr bool covers_every_syscall() {
  for (uint32_t n = 0; n < abi::kSyscallCount; ++n) {
    bool found = false;
    for (Syscall s : kCovered) found = found || static_cast<uint32_t>(s) == n;
    if (!found) return false;
  }
  return sizeof kCovered / sizeof kCovered[0] == abi::kSyscallCount;
}
static_assert(covers_every_syscall(), "a syscall the fuzzer does not make: add a step for it");

constexpr uint32_t total_weight() {
  uint32_t n = 0;
  for (const Choice& ch : kChoices) n += ch.weight;
  return n;
}

}  // namespace

void step(Ctx& c) {
  uint32_t x = c.rng.below(total_weight());
  for (const Choice& ch : kChoices) {
    if (x < ch.weight) return ch.run(c);
    x -= ch.weight;
  }
}

}  // namespace courier::fuzz
