// generator.cc — see gen.h: how each step is chosen.
//
// The weights favour the calls that create and end shared state (lends of every kind, rings,
// servers, threads, deaths) over the ones that only read it, and the arguments favour the values
// that sit on a boundary of that state: the pages a process maps, borrows or just unmapped, the
// lend window, handles it was given, handles another process was given, handles that went
// stale, and the addresses and sizes every range check has to refuse. A value taken verbatim
// from an earlier answer carries a ref to it (Step::ref), so shrunk replays stay meaningful.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "courier/abi/lend.h"
#include "courier/abi/log.h"
#include "courier/abi/ring.h"
#include "courier/core/cause.h"
#include "gen.h"

namespace courier::gen {

using abi::MessageKind;
using abi::Syscall;

namespace {

constexpr uint32_t kPage = kstd::kPageSize;
constexpr size_t kPoolSize = 48;  // remembered values of each kind (the oldest are forgotten)
// The fixture's device window (kernel_fixture.h): map_physical's only legal source.
constexpr uint32_t kMmioBase = 0x1000'1000, kMmioPages = 8;
constexpr uint32_t kStackTop = 0x7fff'0000;  // the first thread's stack ends here (process.cc)

constexpr uint32_t n(Syscall s) { return static_cast<uint32_t>(s); }

bool is_receive(uint32_t number) {
  return number == n(Syscall::receive) || number == n(Syscall::try_receive) ||
         number == n(Syscall::reply_and_receive_next);
}

// Register `reg` of the answer to step `id` (Step::ref).
constexpr uint32_t ref(uint32_t id, uint32_t reg) { return ((id + 1) << 3) | reg; }

}  // namespace

uint32_t SeededChoices::below(uint32_t bound) {
  state_ += 0x9e37'79b9'7f4a'7c15ull;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebull;
  z ^= z >> 31;
  return bound <= 1 ? 0 : static_cast<uint32_t>(z % bound);
}

uint32_t BytesChoices::below(uint32_t bound) {
  const uint32_t bytes = bound <= 0x100 ? 1 : bound <= 0x1'0000 ? 2 : 4;
  uint32_t v = 0;
  for (uint32_t i = 0; i < bytes; ++i) {
    v = (v << 8) | (used_ < size_ ? data_[used_] : 0);
    ++used_;
  }
  return bound <= 1 ? 0 : v % bound;
}

uint32_t RecordingChoices::below(uint32_t n) {
  const uint32_t v = inner_.below(n);
  const uint32_t bytes = n <= 0x100 ? 1 : n <= 0x1'0000 ? 2 : 4;
  uint8_t out[4];
  for (uint32_t i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(v >> (8 * (bytes - 1 - i)));
  if (write(fd_, out, bytes) != static_cast<ssize_t>(bytes)) std::abort();
  return v;
}

// --- what the processes know ------------------------------------------------------------------

void Generator::remember(Pool& pool, Known k) {
  for (Known& have : pool) {
    if (have.value.v == k.value.v && have.pid == k.pid && have.extra.v == k.extra.v) {
      have = k;  // the latest answer names it best
      return;
    }
  }
  if (pool.size() == kPoolSize) pool.erase(pool.begin());
  pool.push_back(k);
}

bool Generator::recall(const Pool& pool, Pid pid, uint32_t own, Known* out) {
  if (pool.empty()) return false;
  if (c_.percent(own)) {
    // The most recent ones are the likeliest to still be live: look from the end.
    uint32_t mine = 0;
    for (const Known& k : pool) mine += k.pid == pid;
    if (mine != 0) {
      uint32_t skip = c_.below(mine) % 4;  // one of the last four of its own
      for (size_t i = pool.size(); i-- > 0;) {
        if (pool[i].pid != pid) continue;
        if (skip-- == 0 || i == 0) {
          *out = pool[i];
          return true;
        }
      }
    }
  }
  *out = pool[c_.below(static_cast<uint32_t>(pool.size()))];
  return true;
}

Generator::Arg Generator::known_as(const Pool& pool, Pid pid, uint32_t v) const {
  for (size_t i = pool.size(); i-- > 0;) {
    if (pool[i].pid == pid && pool[i].value.v == v) return pool[i].value;
  }
  return Arg{v};
}

bool Generator::recall_large(Pid pid, Known* out) {
  std::vector<Known> fit;
  for (const Known& k : regions_) {
    if (k.pid == pid && k.extra.v >= abi::kRingBytes) fit.push_back(k);
  }
  if (fit.empty()) return recall(regions_, pid, 90, out);
  *out = fit[c_.below(static_cast<uint32_t>(fit.size()))];
  return true;
}

void Generator::forget_the_dead() {
  // What a dead process learnt is still worth trying, by others, as stale handles: it stays,
  // but no longer counts as anyone's own (pid 0 is never a process).
  for (Pool* pool : {&servers_, &cids_, &messages_, &regions_, &unmapped_}) {
    for (Known& k : *pool) {
      if (k.pid != 0 && w_.kernel().process(k.pid).state != ProcessState::Alive) k.pid = 0;
    }
  }
}

// --- arguments ------------------------------------------------------------------------------

uint32_t Generator::own_page(Pid pid, bool writable) {
  std::vector<uint32_t> pages;
  w_.kernel().process(pid).space.for_each([&](kstd::VirtAddr va, const Mapping& m) {
    if (!writable || (m.flags & kMemW)) pages.push_back(va.raw());
  });
  if (pages.empty()) return 0x10000;
  return pages[c_.below(static_cast<uint32_t>(pages.size()))];
}

Generator::Arg Generator::address(Pid pid) {
  Known k;
  const uint32_t r = c_.below(100);
  if (r < 25) return Arg{own_page(pid)};
  if (r < 45 && recall(regions_, pid, 85, &k)) return k.value;
  if (r < 53) return Arg{kLendWindowBase + c_.below(8) * kPage};
  if (r < 58 && recall(unmapped_, pid, 85, &k)) return k.value;
  if (r < 62) {
    for (Tid t = 0; t < kMaxThreads; ++t) {
      const Thread& th = w_.kernel().thread(t);
      if (th.state != ThreadState::Free && th.pid == pid && th.ring_va != 0) return Arg{th.ring_va};
    }
  }
  if (r < 67) {
    const uint32_t kernel[] = {0x8000'0000, 0x8000'1000, 0x8010'0000,
                               0xffff'f000, 0x7fff'f000, abi::kIrqStackTop - abi::kIrqStackSize,
                               0xfffe'0000};
    return Arg{c_.pick(kernel)};
  }
  if (r < 80) return Arg{c_.pick({0x3000'0000u, 0x4000'0000u}) + c_.below(16) * kPage};
  if (r < 85) return Arg{c_.pick({0u, 0x10000u, kStackTop - 0x2000, 0x2000'0000u, 0xf000u})};
  if (r < 92) return Arg{own_page(pid) + c_.pick({1u, 2u, 4u, 0x800u, 0xffcu})};
  return Arg{c_.percent(50) ? c_.word() & ~(kPage - 1) : c_.word()};
}

Generator::Arg Generator::size() {
  Known k;
  const uint32_t r = c_.below(100);
  if (r < 55) return Arg{kPage * (1 + c_.below(4))};
  if (r < 65) return Arg{abi::kRingBytes};
  if (r < 75 && recall(regions_, 0, 0, &k)) return k.extra;
  if (r < 80) return Arg{0};
  if (r < 86) return Arg{c_.pick({1u, 0x800u, 0xfffu, 0x1001u})};
  if (r < 94) {
    return Arg{c_.pick({0xffff'f000u, 0x8000'0000u, 0x10'0000u, (kMaxLendPages + 1) * kPage,
                        kMaxLendPages * kPage, 0x7fff'0000u})};
  }
  return Arg{c_.word()};
}

uint32_t Generator::flags() {
  const uint32_t rw = abi::kMemRead | abi::kMemWrite;
  if (c_.percent(60)) return rw;
  return c_.pick({uint32_t{abi::kMemRead}, rw | abi::kMemExec, abi::kMemRead | abi::kMemExec,
                  uint32_t{abi::kMemExec}, uint32_t{abi::kMemWrite}, 0u, 8u, 0xffff'ffffu});
}

uint32_t Generator::lend_kind() {
  uint32_t kind = c_.pick({static_cast<uint32_t>(MessageKind::Borrow),
                           static_cast<uint32_t>(MessageKind::MutableBorrow),
                           static_cast<uint32_t>(MessageKind::Move)});
  if (c_.percent(6)) kind = c_.pick({0u, 1u, 5u, 0xffu});
  if (c_.percent(45)) kind |= abi::kLendByCopy;
  if (c_.percent(2)) kind |= 0x200;
  return kind;
}

Generator::Arg Generator::cid(Pid pid) {
  // Its own connections first (the kernel's table is what connect told it, slot by slot).
  const Process& proc = w_.kernel().process(pid);
  std::vector<uint32_t> own;
  for (uint32_t c = 0; c < kMaxConnections; ++c) {
    if (proc.connections[c].server != kNone) own.push_back(c + 1);
  }
  if (!own.empty() && c_.percent(80))
    return known_as(cids_, pid, own[c_.below(static_cast<uint32_t>(own.size()))]);
  Known k;
  if (c_.percent(60) && recall(cids_, pid, 50, &k)) return k.value;
  return Arg{c_.pick({0u, 1u, 2u, 3u, kMaxConnections, kMaxConnections + 1, 0xffff'ffffu})};
}

Generator::Arg Generator::server_handle(Pid pid) {
  std::vector<uint32_t> own;
  for (uint16_t i = 0; i < kMaxServers; ++i) {
    const Server& srv = w_.kernel().server(i);
    if (srv.state == ServerState::Alive && srv.owner == pid) own.push_back(i + 1u);
  }
  if (!own.empty() && c_.percent(80))
    return known_as(servers_, pid, own[c_.below(static_cast<uint32_t>(own.size()))]);
  Known k;
  if (c_.percent(70) && recall(servers_, pid, 50, &k)) return k.value;
  return Arg{c_.pick({0u, 1u, 2u, kMaxServers, kMaxServers + 1, 0xffff'ffffu})};
}

Generator::Arg Generator::message(Pid pid) {
  // The handles of memory it holds (receive told it each one) ...
  std::vector<uint32_t> held;
  for (uint8_t i = 0; i < kMaxLends; ++i) {
    const Lend& l = w_.kernel().lend(i);
    if (l.active && l.received && l.borrower == pid) held.push_back(l.handle);
  }
  if (!held.empty() && c_.percent(60))
    return known_as(messages_, pid, held[c_.below(static_cast<uint32_t>(held.size()))]);
  // ... else what it received, what others received, and their neighbours.
  Known k;
  const uint32_t r = c_.below(100);
  if (r < 80 && recall(messages_, pid, 90, &k)) {
    if (c_.percent(90)) return k.value;
    // Its neighbours: a stale generation, another slot, the async bit flipped.
    return Arg{k.value.v + c_.pick({0x1'0000u, 0xffff'0000u, 1u, uint32_t{kAsyncHandleBit}})};
  }
  return Arg{c_.pick({0u, 1u, 0x1'0001u, kAsyncHandleBit, kAsyncHandleBit | 0x1'0000u, c_.word()})};
}

void Generator::sid(Step* s) {
  const uint32_t r = c_.below(100);
  if (r < 40) {
    // A live server's name (names are not secret unless random), as the answer that told it.
    std::vector<uint16_t> live;
    for (uint16_t i = 0; i < kMaxServers; ++i) {
      if (w_.kernel().server(i).state == ServerState::Alive) live.push_back(i);
    }
    if (!live.empty()) {
      const Server& srv = w_.kernel().server(live[c_.below(static_cast<uint32_t>(live.size()))]);
      for (int i = 0; i < 4; ++i) put(s, i, Arg{srv.sid[i]});
      for (const Sid& known : sids_) {
        bool same = true;
        for (int i = 0; i < 4; ++i) same &= known.w[i].v == srv.sid[i];
        if (same) {
          for (int i = 0; i < 4; ++i) put(s, i, known.w[i]);
        }
      }
      return;
    }
  }
  if (r < 65 && !sids_.empty()) {
    const Sid& known = sids_[c_.below(static_cast<uint32_t>(sids_.size()))];
    for (int i = 0; i < 4; ++i) put(s, i, known.w[i]);
    return;
  }
  uint32_t w[4];
  if (r < 88) {
    const uint32_t v = 1 + c_.below(4);  // a few well-known names everyone tries
    for (uint32_t& x : w) x = v;
  } else if (r < 94) {
    for (uint32_t& x : w) x = 0;  // ask for a random one
  } else if (r < 97) {
    for (int i = 0; i < 4; ++i) w[i] = abi::kLogSid[i];
  } else {
    for (uint32_t& x : w) x = c_.word();
  }
  for (int i = 0; i < 4; ++i) put(s, i, Arg{w[i]});
}

uint32_t Generator::stack_top(Pid pid) {
  Known k;
  if (c_.percent(50) && recall(regions_, pid, 100, &k) && k.pid == pid)
    return k.value.v + k.extra.v;
  if (c_.percent(85)) return kStackTop - c_.below(4) * 0x100;
  return c_.pick({0u, 0x10000u + kPage, 0x8000'0000u, kStackTop + 4});
}

// --- learning from answers --------------------------------------------------------------------

void Generator::learn(const Cast::Answer& a) {
  const Step& s = a.step;
  const uint32_t id = s.id;
  if (a.r[0] != 0) return;  // only successes teach anything
  switch (static_cast<Syscall>(s.number)) {
    case Syscall::create_server: {
      remember(servers_, Known{Arg{a.r[1], ref(id, 1)}, a.pid, Arg{0}});
      Sid sid;
      for (int i = 0; i < 4; ++i) sid.w[i] = Arg{a.r[2 + i], ref(id, 2 + i)};
      sids_.erase(std::remove_if(sids_.begin(), sids_.end(),
                                 [&](const Sid& o) {
                                   bool same = true;
                                   for (int i = 0; i < 4; ++i) same &= o.w[i].v == sid.w[i].v;
                                   return same;
                                 }),
                  sids_.end());
      if (sids_.size() == kPoolSize) sids_.erase(sids_.begin());
      sids_.push_back(sid);
      break;
    }
    case Syscall::connect:
    case Syscall::try_connect:
      remember(cids_, Known{Arg{a.r[1], ref(id, 1)}, a.pid, Arg{0}});
      break;
    case Syscall::map_memory:
    case Syscall::map_physical: {
      // The size asked for is the region's: the kernel answers with its address only.
      const uint32_t bytes = s.number == n(Syscall::map_memory) ? s.a[1] : s.a[2];
      remember(regions_, Known{Arg{a.r[1], ref(id, 1)}, a.pid, Arg{bytes}});
      break;
    }
    default:
      if (!is_receive(s.number)) break;
      if (a.r[1] != 0) remember(messages_, Known{Arg{a.r[1], ref(id, 1)}, a.pid, Arg{a.r[3]}});
      if (a.r[3] >= static_cast<uint32_t>(MessageKind::Borrow) &&
          a.r[3] <= static_cast<uint32_t>(MessageKind::Move)) {
        remember(regions_, Known{Arg{a.r[4], ref(id, 4)}, a.pid, Arg{a.r[5], ref(id, 5)}});
      }
      break;
  }
}

void Generator::ran(const Step& s, const std::vector<Cast::Answer>& answers) {
  if (s.op == Op::Sys && s.number == n(Syscall::unmap_memory) && s.tid < kMaxThreads) {
    remember(unmapped_, Known{Arg{s.a[0], s.ref[0]}, w_.kernel().thread(s.tid).pid, Arg{0}});
  }
  for (const Cast::Answer& a : answers) learn(a);
}

// --- choosing steps -------------------------------------------------------------------------

void Generator::fill_ring_entry(Pid pid, Step* s) {
  const Syscall entries[] = {Syscall::null,          Syscall::map_memory,
                             Syscall::unmap_memory,  Syscall::update_memory_flags,
                             Syscall::send_scalar,   Syscall::try_send_scalar,
                             Syscall::call_scalar,   Syscall::reply,
                             Syscall::return_memory, Syscall::lend_memory,
                             Syscall::ring_setup,    Syscall::receive};
  const Syscall e = c_.percent(97) ? c_.pick(entries) : static_cast<Syscall>(c_.below(64));
  s->number = n(e);
  s->a[6] = c_.below(1000);  // the tag
  switch (e) {
    case Syscall::map_memory:
      put(s, 0, c_.percent(30) ? Arg{0} : address(pid));
      put(s, 1, size());
      s->a[2] = flags();
      break;
    case Syscall::unmap_memory:
      put(s, 0, address(pid));
      put(s, 1, size());
      break;
    case Syscall::update_memory_flags:
      put(s, 0, address(pid));
      put(s, 1, size());
      s->a[2] = flags();
      break;
    case Syscall::send_scalar:
    case Syscall::try_send_scalar:
    case Syscall::call_scalar:
      put(s, 0, cid(pid));
      for (int i = 1; i < 6; ++i) s->a[i] = c_.below(8);
      break;
    case Syscall::reply:
    case Syscall::return_memory:
      put(s, 0, message(pid));
      s->a[1] = c_.percent(80) ? 0 : c_.pick({1u, kPage, 0x2000u, 0xffff'ffffu});
      s->a[2] = c_.percent(80) ? 0 : c_.pick({1u, kPage, 0xffff'ffffu});
      break;
    default:
      for (int i = 0; i < 6; ++i) put(s, i, c_.percent(50) ? address(pid) : Arg{c_.below(4)});
      break;
  }
}

bool Generator::thread_step(Tid tid, Step* s) {
  Kernel& k = w_.kernel();
  const Thread& t = k.thread(tid);
  const Pid pid = t.pid;
  *s = Step{Op::Sys, c_.percent(15), tid, 0, {}};
  enum Action : uint8_t {
    kMap,
    kUnmap,
    kProtect,
    kMapPhysical,
    kLend,
    kReceive,
    kTryReceive,
    kReturn,
    kReply,
    kReplyReceive,
    kRingSetup,
    kRingPush,
    kRingEnter,
    kRingIndex,
    kCreateServer,
    kDestroyServer,
    kConnect,
    kTryConnect,
    kDisconnect,
    kSend,
    kTrySend,
    kCall,
    kCreateThread,
    kExitThread,
    kTerminate,
    kWaitEvent,
    kYield,
    kInfo,
    kStore,
    kFault,
    kDebugWrite,
    kKernelLog,
    kIrq,
    kJunk,
  };
  struct Weighted {
    Action action;
    uint32_t weight;
  };
  // Weights lean on what this process lacks or holds: a server, a connection, queued
  // messages, memory lent to it. Deaths stay rare, so processes live long enough to build up
  // shared state.
  const Process& proc = k.process(pid);
  const bool has_ring = t.ring_va != 0;
  bool connected = false, queued = false, holds_lend = false;
  for (const Connection& c : proc.connections) connected |= c.server != kNone;
  for (uint16_t i = 0; i < kMaxServers; ++i) {
    const Server& srv = k.server(i);
    queued |= srv.state == ServerState::Alive && srv.owner == pid && srv.count > 0;
  }
  for (uint8_t i = 0; i < kMaxLends; ++i) {
    holds_lend |= k.lend(i).active && k.lend(i).received && k.lend(i).borrower == pid;
  }
  const Weighted table[] = {
      {kMap, 10},
      {kUnmap, 8},
      {kProtect, 5},
      {kMapPhysical, 4},
      {kLend, connected ? 24u : 2u},
      {kReceive, 5},
      {kTryReceive, queued ? 30u : 6u},
      {kReturn, holds_lend ? 24u : 3u},
      {kReply, 4},
      {kReplyReceive, 2},
      {kRingSetup, has_ring ? 2u : 6u},
      {kRingPush, has_ring ? 14u : 0u},
      {kRingEnter, has_ring ? 6u : 1u},
      {kRingIndex, has_ring ? 1u : 0u},
      {kCreateServer, proc.server_count == 0 ? 16u : 3u},
      {kDestroyServer, 3},
      {kConnect, 2},
      {kTryConnect, connected ? 4u : 16u},
      {kDisconnect, 2},
      {kSend, 3},
      {kTrySend, 4},
      {kCall, 4},
      {kCreateThread, proc.thread_count < 3 ? 8u : 2u},
      {kExitThread, 1},
      {kTerminate, 1},
      {kWaitEvent, 1},
      {kYield, 1},
      {kInfo, 1},
      {kStore, 5},
      {kFault, 1},
      {kDebugWrite, 1},
      {kKernelLog, 1},
      {kIrq, 3},
      {kJunk, 1},
  };
  // Ways to die weigh a third of the rest, unit for unit.
  auto weight = [](const Weighted& w) {
    const bool death = w.action == kExitThread || w.action == kTerminate || w.action == kFault;
    return death ? w.weight : 3 * w.weight;
  };
  uint32_t total = 0;
  for (const Weighted& w : table) total += weight(w);
  uint32_t r = c_.below(total);
  Action action = kInfo;
  for (const Weighted& w : table) {
    if (r < weight(w)) {
      action = w.action;
      break;
    }
    r -= weight(w);
  }
  auto set = [&](Syscall number) { s->number = n(number); };
  switch (action) {
    case kMap:
      set(Syscall::map_memory);
      put(s, 0, c_.percent(35) ? Arg{0} : address(pid));
      put(s, 1, size());
      s->a[2] = flags();
      break;
    case kUnmap:
    case kProtect: {
      set(action == kUnmap ? Syscall::unmap_memory : Syscall::update_memory_flags);
      Known region;
      if (c_.percent(40) && recall(regions_, pid, 90, &region)) {
        put(s, 0, region.value);
        put(s, 1, c_.percent(70) ? region.extra : size());
      } else {
        put(s, 0, address(pid));
        put(s, 1, size());
      }
      s->a[2] = flags();
      break;
    }
    case kMapPhysical: {
      set(Syscall::map_physical);
      const uint32_t r2 = c_.below(100);
      s->a[0] = r2 < 75   ? kMmioBase + c_.below(kMmioPages + 2) * kPage
                : r2 < 85 ? 0x8000'0000 + c_.below(1024) * kPage
                          : c_.pick({0x0010'1000u, 0u, kMmioBase + 4, 0xffff'f000u, c_.word()});
      put(s, 1, c_.percent(40) ? Arg{0} : address(pid));
      put(s, 2, c_.percent(80) ? Arg{kPage * (1 + c_.below(2))} : size());
      s->a[3] = flags();
      break;
    }
    case kLend: {
      set(Syscall::lend_memory);
      put(s, 0, cid(pid));
      s->a[1] = c_.below(100);
      s->a[2] = lend_kind();
      Known region;
      const uint32_t r2 = c_.below(100);
      if (r2 < 35) {
        const bool mutable_borrow =
            (s->a[2] & abi::kLendKindMask) == static_cast<uint32_t>(MessageKind::MutableBorrow);
        s->a[3] = own_page(pid, mutable_borrow);
        s->a[4] = kPage * (1 + c_.below(2));
      } else if (r2 < 75 && recall(regions_, pid, 90, &region)) {
        put(s, 3, region.value);  // often what it received: a re-lend
        put(s, 4, c_.percent(75) ? region.extra : Arg{kPage});
      } else {
        put(s, 3, address(pid));
        put(s, 4, c_.percent(80) ? Arg{kPage * (1 + c_.below(3))} : size());
      }
      s->a[5] = c_.percent(80) ? 0 : c_.pick({1u, 0x10u, kPage, kPage + 1});
      s->a[6] = c_.percent(80) ? 0 : c_.pick({1u, 0x100u, kPage, 0xffff'ffffu});
      break;
    }
    case kReceive:
    case kTryReceive:
      set(action == kReceive ? Syscall::receive : Syscall::try_receive);
      put(s, 0, server_handle(pid));
      break;
    case kReturn:
      set(Syscall::return_memory);
      put(s, 0, message(pid));
      s->a[1] = c_.percent(80) ? 0 : c_.pick({0x10u, kPage, 0x2001u, 0xffff'ffffu});
      s->a[2] = c_.percent(80) ? 0 : c_.pick({0x10u, kPage, 0xffff'ffffu});
      break;
    case kReply:
      set(Syscall::reply);
      put(s, 0, message(pid));
      s->a[1] = c_.below(100);
      s->a[2] = c_.below(100);
      break;
    case kReplyReceive:
      set(Syscall::reply_and_receive_next);
      put(s, 0, server_handle(pid));
      put(s, 1, c_.percent(70) ? message(pid) : Arg{0});
      s->a[2] = c_.below(100);
      break;
    case kRingSetup: {
      set(Syscall::ring_setup);
      Known region;
      if (c_.percent(10)) {
        s->a[0] = 0;  // unregister
      } else if (c_.percent(60) && recall_large(pid, &region)) {
        put(s, 0, region.value);  // a mapping of its own, or pages it was lent
      } else {
        put(s, 0, address(pid));
      }
      break;
    }
    case kRingPush:
      s->op = Op::Ring;
      fill_ring_entry(pid, s);
      break;
    case kRingEnter:
      set(Syscall::ring_enter);
      s->a[0] = c_.percent(75) ? 0 : c_.pick({1u, 2u, 200u});
      break;
    case kRingIndex:
      // The user's own ring indices, untrusted: runs past the ring, goes backwards.
      s->op = Op::Store;
      s->a[0] = t.ring_va + c_.pick({uint32_t{offsetof(abi::RingHeader, sq_tail)},
                                     uint32_t{offsetof(abi::RingHeader, cq_head)},
                                     uint32_t{offsetof(abi::RingHeader, sq_head)}});
      s->a[1] =
          c_.pick({0u, 1u, abi::kRingEntries, abi::kRingEntries + 1, 0xffff'ffffu, 0x8000'0000u});
      break;
    case kCreateServer:
      set(Syscall::create_server);
      if (c_.percent(40)) break;  // all zero: the kernel picks a random SID
      sid(s);
      break;
    case kDestroyServer:
      set(Syscall::destroy_server);
      put(s, 0, server_handle(pid));
      break;
    case kConnect:
    case kTryConnect:
      set(action == kConnect ? Syscall::connect : Syscall::try_connect);
      sid(s);
      break;
    case kDisconnect:
      set(Syscall::disconnect);
      put(s, 0, cid(pid));
      break;
    case kSend:
    case kTrySend:
    case kCall:
      set(action == kSend      ? Syscall::send_scalar
          : action == kTrySend ? Syscall::try_send_scalar
                               : Syscall::call_scalar);
      put(s, 0, cid(pid));
      for (int i = 1; i < 6; ++i) s->a[i] = c_.below(16);
      break;
    case kCreateThread:
      set(Syscall::create_thread);
      s->a[0] = c_.percent(90) ? 0x10000 + 4 * c_.below(8)
                               : c_.pick({0u, 0x10002u, 0x8000'0000u, kLendWindowBase});
      s->a[1] = stack_top(pid);
      s->a[2] = c_.below(16);
      s->a[3] = c_.percent(90) ? c_.below(abi::kPriorities) : abi::kPriorities;
      break;
    case kExitThread: set(Syscall::exit_thread); break;
    case kTerminate:
      set(Syscall::terminate_process);
      s->a[0] = c_.below(4);
      break;
    case kWaitEvent:
      set(Syscall::wait_event);
      s->a[0] = c_.percent(60) ? 1 + c_.below(50) : 0;
      break;
    case kYield: set(Syscall::yield); break;
    case kInfo: {
      const uint32_t k = c_.below(4);
      set(k == 0 ? Syscall::null : k == 1 ? Syscall::process_info : Syscall::usage);
      if (k > 1) s->a[0] = c_.percent(50) ? 0 : c_.below(kMaxProcesses + 2);  // own, or any pid
      break;
    }
    case kStore:
      // Mostly into its own writable memory (received pages too): a store elsewhere ends it.
      s->op = Op::Store;
      s->a[0] = (c_.percent(85) ? own_page(pid, true) : address(pid).v) + 4 * c_.below(1024);
      // Sometimes a well-formed user PTE for kernel RAM: what a page-table takeover writes.
      s->a[1] = c_.percent(30) ? ((0x8000'0000u >> 12) << 10) | 0xdf : c_.word();
      break;
    case kFault: s->op = Op::Fault; break;
    case kDebugWrite:
      set(Syscall::debug_write);
      put(s, 0, address(pid));
      s->a[1] = c_.pick({0u, 1u, 16u, kPage, 4097u, 0xffff'ffffu});
      break;
    case kKernelLog:
      set(Syscall::kernel_log);
      put(s, 0, server_handle(pid));
      put(s, 1, address(pid));
      s->a[2] = c_.pick({0u, 16u, kPage, 0xffff'ffffu});
      break;
    case kIrq:
      set(c_.percent(60) ? Syscall::claim_interrupt : Syscall::free_interrupt);
      s->a[0] = c_.pick({0u, 1u, 5u, 10u, 31u, 32u});
      put(s, 1, c_.percent(80) ? Arg{0x10000} : address(pid));
      s->a[2] = c_.below(4);
      break;
    case kJunk:
      s->number = c_.pick({abi::kSyscallCount, abi::kSyscallCount + 1, 0xffu, 0xffff'ffffu});
      for (int i = 0; i < 7; ++i) s->a[i] = c_.word();
      break;
  }
  return true;
}

bool Generator::next(Step* out) {
  if (c_.exhausted()) return false;
  Kernel& k = w_.kernel();
  forget_the_dead();
  std::vector<Tid> actors;
  for (Tid tid = 0; tid < kMaxThreads; ++tid) {
    if (w_.can_act(tid)) actors.push_back(tid);
  }
  if (k.active_irq() != 0 && !actors.empty()) {
    // The hart runs an interrupt handler until it returns: only it acts, or time passes.
    if (c_.percent(5)) {
      *out = Step{Op::Timer, false, 0, 0, {c_.pick({1000u, 1'000'000u})}};
      return true;
    }
    if (c_.percent(35)) {
      *out = Step{Op::Fault,
                  false,
                  actors[0],
                  0,
                  {static_cast<uint32_t>(Cause::InstrPageFault), abi::kIrqReturnAddress}};
      return true;
    }
    return thread_step(actors[0], out);
  }
  const uint32_t live = k.live_processes();
  if (c_.percent(3)) {
    // An interrupt: mostly on a line someone claimed.
    std::vector<uint32_t> claimed;
    for (uint32_t line = 1; line < kMaxIrqLines; ++line) {
      if (k.irq_line(line).owner != 0) claimed.push_back(line);
    }
    const uint32_t line = !claimed.empty() && c_.percent(85)
                              ? claimed[c_.below(static_cast<uint32_t>(claimed.size()))]
                              : c_.below(kMaxIrqLines + 1);
    *out = Step{Op::Irq, false, 0, 0, {line}};
    return true;
  }
  if (live == 0 || (live < 3 && c_.percent(30)) || (live < kMaxLive && c_.percent(2))) {
    *out = Step{Op::Spawn, false, 0, 0, {}};
    return true;
  }
  if (c_.percent(3)) {
    *out = Step{Op::Timer, false, 0, 0, {c_.pick({10u, 1000u, 100'000u, 1'000'000u})}};
    return true;
  }
  if (actors.empty()) {
    // Everyone waits for someone: the hart idles (rings drain), time passes, or the generator
    // starts someone new or ends someone stuck.
    const uint32_t r = c_.below(100);
    if (r < 25 && k.current() == nullptr && !k.any_ready()) {
      *out = Step{Op::Idle, false, 0, 0, {}};
    } else if (r < 50) {
      *out = Step{Op::Timer, false, 0, 0, {c_.pick({1000u, 1'000'000u})}};
    } else if (live < kMaxLive) {
      *out = Step{Op::Spawn, false, 0, 0, {}};
    } else {
      std::vector<Pid> alive;
      for (Pid p = 1; p < kMaxProcesses; ++p) {
        if (k.process(p).state == ProcessState::Alive) alive.push_back(p);
      }
      const Pid victim = alive[c_.below(static_cast<uint32_t>(alive.size()))];
      *out = Step{Op::Kill, false, static_cast<uint16_t>(victim), 0, {}};
    }
    return true;
  }
  const Tid tid = actors[c_.below(static_cast<uint32_t>(actors.size()))];
  return thread_step(tid, out);
}

uint32_t drive(World& w, Choices& c, uint32_t max_steps, void (*record)(const Step&, void*),
               void* ctx) {
  Generator g(w, c);
  Cast cast;
  uint32_t done = 0;
  Step s;
  while (done < max_steps && g.next(&s)) {
    s = cast.named(s, done);
    if (record) record(s, ctx);
    w.run(s);
    cast.observe(w, s);
    g.ran(s, cast.answered());
    ++done;
  }
  return done;
}

}  // namespace courier::gen
