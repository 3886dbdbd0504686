// child.cc — a fuzzer child: its life from spawn to death (the calls themselves: calls.cc).
//
// The supervisor spawns this program with a non-zero tag. The child maps its trace pages and
// thread stacks, registers its lifeline server and waits for the supervisor's first call,
// which brings its seed and its life (how many calls it makes). Then its threads make seeded
// random calls — the main thread, a couple of helpers it starts, and whatever threads the
// calls start — until the life is spent, and the child ends in one of the ways a process can
// end (Death). It may also end earlier, on purpose now and then, or by what its own calls did
// to it (an unmapped stack, a lent-away page touched): all of that is the point.
//
// A watchdog thread keeps the child honest: blocking calls are part of the fuzzing, so every
// thread may end up waiting for something that never comes. When no call has returned for
// kStuckMs, the watchdog ends the process (so the supervisor's round always ends). It also
// answers the supervisor's lifeline call with the child's progress every tick.
#include "child.h"

#include "courier/abi/irq.h"
#include "courier/kstd/format.h"
#include "courier/services/alarm_clock.h"
#include "courier/user/cycles.h"
#include "courier/user/syscall.h"

namespace courier::fuzz {

State g;

namespace {

using abi::Error;
using abi::Syscall;

constexpr uint32_t kTickUs = 10'000;    // the watchdog's period (the kernel's tick)
constexpr uint64_t kStuckMs = 40;       // no call returned for this long: stuck
constexpr uint32_t kDeathOdds = 6000;   // a death on purpose, per call
constexpr uint32_t kStuckExit = 0x57;   // exit codes, so the console says which end it was
constexpr uint32_t kReportEvery = 256;  // calls between reports by a fuzzing thread
constexpr uint32_t kHelpers = 2;        // fuzzing threads the main thread starts

bool g_traced = false;
bool g_watchdog_stack = false;

TraceHeader* header() { return reinterpret_cast<TraceHeader*>(kTraceVa); }

TraceRing* take_trace(uint32_t want) {
  if (!g_traced) return nullptr;
  for (uint32_t r = want; r < kHandlerRing; ++r) {
    const uint32_t bit = 1u << r;
    if (__atomic_fetch_or(&g.trace_slots, bit, __ATOMIC_ACQ_REL) & bit) continue;
    // Safe: inside the trace pages this child mapped (fuzz_abi.h layout).
    auto* ring = reinterpret_cast<TraceRing*>(kTraceVa + trace_ring_offset(r));
    ring->next = 0;
    ring->tid = sys::process_info().r[1];
    return ring;
  }
  return nullptr;
}

void give_trace(TraceRing* ring) {
  if (ring == nullptr) return;
  for (uint32_t r = 0; r < kHandlerRing; ++r) {
    if (kTraceVa + trace_ring_offset(r) == reinterpret_cast<uintptr_t>(ring)) {
      __atomic_fetch_and(&g.trace_slots, ~(1u << r), __ATOMIC_ACQ_REL);
    }
  }
}

uint64_t now_ms() { return read_time() / kTimeTicksPerMs; }

// The supervisor's next lifeline call, if it has come: held until we report.
void take_lifeline() {
  if (__atomic_load_n(&g.held, __ATOMIC_ACQUIRE) != 0) return;
  const auto r = sys::try_receive(g.lifeline);
  if (r.error != Error::Ok) return;
  const auto kind = abi::message_kind(r.r[2]);  // a3: kind | (sender pid << 16)
  if (kind == abi::MessageKind::BlockingScalar && r.r[0] != 0) {
    __atomic_store_n(&g.held, r.r[0], __ATOMIC_RELEASE);
  } else if (kind == abi::MessageKind::Borrow || kind == abi::MessageKind::MutableBorrow) {
    (void)sys::return_memory(r.r[0], 0, 0);  // nobody should send these here; do not keep them
  }
}

// What a fuzzing thread does until the life is over or its own budget is spent.
void fuzz(Ctx& c, uint32_t budget) {
  while (!__atomic_load_n(&g.stop, __ATOMIC_ACQUIRE) && c.calls < budget) {
    if (__atomic_load_n(&g.calls, __ATOMIC_RELAXED) >= g.life) {
      __atomic_store_n(&g.stop, 1, __ATOMIC_RELEASE);
      break;
    }
    if (!(g.flags & kFlagNoDeaths) && c.rng.one_in(kDeathOdds)) die(c);
    step(c);
    if (c.calls % kReportEvery == 0) {
      take_lifeline();
      report();
    }
  }
}

// Leaves this thread: its trace ring and stack slot (if it has one: a thread of ours) go back
// first. The last two steps touch no stack, so a thread that takes the slot at once cannot be
// hurt by this one's last moments.
[[noreturn]] void leave_thread(TraceRing* ring, uint32_t slot) {
  give_trace(ring);
  if (slot < kMaxStacks) __atomic_fetch_sub(&g.threads, 1, __ATOMIC_ACQ_REL);
  uint32_t* stacks = &g.stacks;
  const uint32_t mask = slot < kMaxStacks ? ~(1u << slot) : ~0u;
  register uint32_t a7 asm("a7") = static_cast<uint32_t>(Syscall::exit_thread);
  asm volatile("amoand.w zero, %1, (%0)\n ecall" ::"r"(stacks), "r"(mask), "r"(a7) : "memory");
  __builtin_unreachable();
}

// The watchdog: reports every tick; ends the process when nothing moves any more (or, when the
// life is over and every fuzzing thread has left, by leaving itself: the last thread's exit).
[[noreturn]] void watchdog() {
  uint32_t last = g.calls;
  uint64_t moved = now_ms(), reported = moved;
  for (;;) {
    (void)sys::wait_event(kTickUs);  // or earlier: a message came (the supervisor's next call)
    take_lifeline();
    const uint64_t now = now_ms();
    const uint32_t calls = __atomic_load_n(&g.calls, __ATOMIC_RELAXED);
    // At most once a tick: the supervisor calls again at once, which wakes us again.
    if (calls != g.reported && now - reported >= kTickUs / 1000) {
      reported = now;
      report();
    }
    const bool over = __atomic_load_n(&g.stop, __ATOMIC_ACQUIRE) != 0;
    if (over && __atomic_load_n(&g.threads, __ATOMIC_ACQUIRE) == 0) {
      report();
      if (!g.wild) (void)sys::exit_thread();  // the last thread: the process ends with it
      (void)sys::terminate_process(0);
    }
    if (calls != last) {
      last = calls;
      moved = now;
    } else if (now - moved > kStuckMs) {
      report();
      (void)sys::terminate_process(kStuckExit);
    }
  }
}

void map_own_memory() {
  constexpr uint32_t kRw = abi::kMemRead | abi::kMemWrite;
  g_traced = sys::map_memory(kTraceVa, kTraceBytes, kRw).error == Error::Ok;
  if (g_traced) {
    header()->magic = kTraceMagic;
    header()->tag = g.tag;
  }
  for (uint32_t i = 0; i < kMaxStacks; ++i) {
    // A slot that cannot be mapped stays marked in use: no thread is started on it.
    if (sys::map_memory(kStackPool + i * kStackStride + 0x1000, kStackBytes, kRw).error !=
        Error::Ok) {
      g.stacks |= 1u << i;
    }
  }
  (void)sys::map_memory(kWildStack, 0x1000, kRw);
  g_watchdog_stack = sys::map_memory(kWatchdogStack, kStackBytes, kRw).error == Error::Ok;
}

// The lifeline (fuzz_abi.h), then the supervisor's first call: seed, life, flags.
void meet_supervisor() {
  for (;;) {
    const auto r = sys::create_server(kLifelineSid0, kLifelineSid1, g.tag, ~g.tag);
    if (r.error == Error::Ok) {
      g.lifeline = r.r[0];
      break;
    }
    (void)sys::wait_event(1000);  // every server slot taken: others will die and free some
  }
  for (;;) {
    const auto r = sys::receive(g.lifeline);
    if (r.error != Error::Ok) continue;
    if (abi::message_kind(r.r[2]) == abi::MessageKind::BlockingScalar &&
        r.r[1] == kStart) {
      g.seed = (uint64_t{r.r[4]} << 32) | r.r[3];
      g.life = r.r[5];
      g.flags = r.r[6];
      g.held = r.r[0];
      break;
    }
  }
  if (g_traced) {
    header()->seed_lo = static_cast<uint32_t>(g.seed);
    header()->seed_hi = static_cast<uint32_t>(g.seed >> 32);
  }
}

uint32_t take_stack() {
  for (uint32_t i = 0; i < kMaxStacks; ++i) {
    const uint32_t bit = 1u << i;
    if (!(__atomic_fetch_or(&g.stacks, bit, __ATOMIC_ACQ_REL) & bit)) return i;
  }
  return kMaxStacks;
}

uint32_t stack_top(uint32_t slot) {
  return kStackPool + slot * kStackStride + 0x1000 + kStackBytes;
}

void give_stack(uint32_t slot) {
  if (slot < kMaxStacks) __atomic_fetch_and(&g.stacks, ~(1u << slot), __ATOMIC_ACQ_REL);
}

// The ways a child dies on purpose. Those that should not return fall through to the next.
enum class Death : uint32_t {
  Terminate,
  ExitThread,
  LoadNull,
  LoadKernel,
  StoreText,
  JumpWild,
  Illegal,
  Breakpoint,
  StackOverflow,
  Count
};

__attribute__((noinline)) uint32_t overflow(uint32_t depth) {
  volatile uint32_t frame[256];
  frame[0] = depth;
  if (depth == ~0u) return frame[0];  // never: the stack ends long before
  return overflow(depth + 1) + frame[0];
}

}  // namespace

void Rng::seed(uint64_t x) {
  for (uint32_t& w : s) {
    x += 0x9e3779b97f4a7c15ull;  // splitmix64
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    w = static_cast<uint32_t>(z ^ (z >> 31));
  }
  if ((s[0] | s[1] | s[2] | s[3]) == 0) s[0] = 1;
}

uint32_t Rng::next() {
  const uint32_t r = ((s[1] * 5) << 7 | (s[1] * 5) >> 25) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = s[3] << 11 | s[3] >> 21;
  return r;
}

namespace {

// Whether a syscall may change the caller's own mappings (directly, or through what it
// receives, returns, destroys or drains from its ring).
bool remaps(Syscall n) {
  switch (n) {
    case Syscall::map_memory:
    case Syscall::unmap_memory:
    case Syscall::update_memory_flags:
    case Syscall::map_physical:
    case Syscall::destroy_server:
    case Syscall::receive:
    case Syscall::try_receive:
    case Syscall::reply_and_receive_next:
    case Syscall::lend_memory:
    case Syscall::return_memory:
    case Syscall::ring_enter:
    case Syscall::claim_interrupt: return true;
    default: return false;
  }
}

}  // namespace

abi::SysRet call(Ctx& c, Syscall n, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4,
                 uint32_t a5, uint32_t a6) {
  ++c.calls;
  if (remaps(n)) __atomic_add_fetch(&g.epoch, 1, __ATOMIC_ACQ_REL);
  TraceEntry* e = nullptr;
  if (c.trace != nullptr) {
    e = &c.trace->e[c.trace->next % kTraceEntries];
    *e = TraceEntry{c.calls, static_cast<uint16_t>(n), 0, 0, {a0, a1, a2, a3, a4, a5}};
    ++c.trace->next;
  }
  // A registered ring's entries are drained at any later trap of its thread (or when the hart
  // idles): from the first attempt to register one, the child's record of its mappings is
  // never certain again (Region::certain).
  if (n == Syscall::ring_setup) __atomic_store_n(&g.rings, 1, __ATOMIC_RELEASE);
  const abi::SysRet r = sys::raw7(n, a0, a1, a2, a3, a4, a5, a6);
  if (e != nullptr) {
    e->error = static_cast<uint8_t>(r.error);
    e->done = 1;
  }
  const uint32_t total = __atomic_add_fetch(&g.calls, 1, __ATOMIC_RELAXED);
  if (g_traced) header()->calls = total;
  return r;
}

void note(Ctx& c, Action a, uint32_t a0, uint32_t a1, uint32_t a2) {
  ++c.calls;
  if (c.trace == nullptr) return;
  c.trace->e[c.trace->next % kTraceEntries] =
      TraceEntry{c.calls, static_cast<uint16_t>(a), 1, 0, {a0, a1, a2, 0, 0, 0}};
  ++c.trace->next;
}

void report() {
  const uint32_t held = __atomic_exchange_n(&g.held, 0, __ATOMIC_ACQ_REL);
  if (held == 0) return;
  const uint32_t n = __atomic_load_n(&g.calls, __ATOMIC_RELAXED);
  if (sys::reply(held, n, n ^ kCheck).error == Error::Ok) g.reported = n;
}

void violation(Ctx& c, const char* what, uint32_t value) {
  if (stack_pointer() - kWildStack < 0x1000) return;
  char line[160];
  const size_t n = kstd::sformat(
      line, sizeof line, "FUZZ VIOLATION: %s %08x (child tag %x seed %08x%08x, call %u)\n", what,
      value, g.tag, static_cast<uint32_t>(g.seed >> 32), static_cast<uint32_t>(g.seed), c.calls);
  ++g.violations;
  (void)sys::debug_write(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(line)),
                         static_cast<uint32_t>(n < sizeof line ? n : sizeof line - 1));
}

extern "C" [[noreturn]] void watchdog_entry(uint32_t) { watchdog(); }

void die(Ctx& c) {
  report();
  const auto how = static_cast<Death>(c.rng.below(static_cast<uint32_t>(Death::Count)));
  note(c, kActDie, static_cast<uint32_t>(how));
  switch (how) {
    case Death::ExitThread:
      if (c.handler) break;  // refused there: the process ends below instead
      if (c.stack != kMaxStacks) leave_thread(c.trace, c.stack);
      // The main thread's exit ends the life (the watchdog then ends the process).
      __atomic_store_n(&g.stop, 1, __ATOMIC_RELEASE);
      __atomic_fetch_sub(&g.threads, 1, __ATOMIC_ACQ_REL);
      (void)call(c, Syscall::exit_thread);
      break;
    case Death::LoadNull: (void)*reinterpret_cast<volatile uint32_t*>(uintptr_t{0}); break;
    case Death::LoadKernel: {
      const uint32_t v = *reinterpret_cast<volatile uint32_t*>(uintptr_t{0x8000'0000});
      violation(c, "user load from kernel memory returned", v);
      break;
    }
    case Death::StoreText: *reinterpret_cast<volatile uint32_t*>(uintptr_t{kText}) = 0; break;
    case Death::JumpWild: reinterpret_cast<void (*)()>(uintptr_t{0x0ff0'0000})(); break;
    case Death::Illegal: asm volatile(".word 0"); break;
    case Death::Breakpoint: asm volatile("ebreak"); break;
    case Death::StackOverflow: (void)overflow(0); break;
    case Death::Terminate:
    case Death::Count: break;
  }
  (void)call(c, Syscall::terminate_process, c.rng.below(256));
  for (;;) {
  }
}

extern "C" [[noreturn]] void fuzz_thread_entry(uint32_t arg) {
  // Its stack slot is where its stack is (arg only seeds it): a thread that wandered in here
  // from elsewhere owns no slot, and gives none back.
  const auto sp = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
  const uint32_t slot = (sp - kStackPool - 0x1000) / kStackStride;
  const bool ours = sp > kStackPool && slot < kMaxStacks;
  if (!ours) g.wild = 1;
  __atomic_fetch_add(&g.threads, ours ? 1 : 0, __ATOMIC_ACQ_REL);
  Ctx c{};
  c.rng.seed(g.seed ^ (uint64_t{arg} << 17) ^ arg);
  c.trace = take_trace(1);
  c.stack = ours ? slot : kMaxStacks + 1;
  fuzz(c, 200 + c.rng.below(8000));
  leave_thread(c.trace, c.stack);
}

// Starts a fuzzing thread on a free stack slot: `arg` carries the slot (and seeds the thread).
Error start_thread(Ctx& c, uint32_t priority) {
  const uint32_t slot = take_stack();
  if (slot == kMaxStacks) return Error::LimitReached;
  const uint32_t arg = (c.rng.next() & ~0xfu) | slot;
  const auto r = call(c, Syscall::create_thread,
                      static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&fuzz_thread_entry)),
                      stack_top(slot), arg, priority);
  if (r.error != Error::Ok) give_stack(slot);
  return r.error;
}

extern "C" void fuzz_irq_handler(uint32_t line, uint32_t arg) {
  static uint32_t upcalls = 0;
  // Only an upcall returns to kIrqReturnAddress (abi/irq.h); a thread started somewhere in our
  // text may have wandered in here instead, and is no handler.
  const bool upcall =
      __builtin_return_address(0) == reinterpret_cast<void*>(abi::kIrqReturnAddress);
  if (g.rtc != 0) {
    // The alarm's interrupt is a level: quieten it (a stale mapping faults: one more way to die).
    board::AlarmClock(g.rtc).clear_interrupt();
  }
  Ctx c{};
  c.handler = upcall;
  c.rng.seed(g.seed ^ (uint64_t{++upcalls} << 32) ^ line ^ arg);
  if (g_traced) {
    c.trace = reinterpret_cast<TraceRing*>(kTraceVa + trace_ring_offset(kHandlerRing));
  }
  if (!(g.flags & kFlagNoDeaths) && c.rng.one_in(150)) {
    if (c.rng.one_in(2)) (void)*reinterpret_cast<volatile uint32_t*>(uintptr_t{0});  // fault
    for (;;) {  // overrun the handler's budget: the kernel ends the process
    }
  }
  for (uint32_t n = c.rng.below(6); n != 0; --n) step(c);
}

}  // namespace courier::fuzz

using namespace courier::fuzz;

int main(int tag, char**) {
  if (tag == 0) return 0;  // the instance the kernel starts at boot: the supervisor spawns us
  g.tag = static_cast<uint32_t>(tag);
  g.threads = 1;  // this one
  g.pid = courier::sys::process_info().r[0];
  map_own_memory();
  meet_supervisor();
  Ctx c{};
  c.rng.seed(g.seed);
  c.trace = take_trace(0);
  c.stack = kMaxStacks;
  if (!g_watchdog_stack || courier::sys::create_thread(
                               static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&watchdog_entry)),
                               kWatchdogStack + kStackBytes, 0, courier::abi::kDefaultPriority)
                                   .error != courier::abi::Error::Ok) {
    report();
    return 1;  // no watchdog, no fuzzing: a stuck child would hold up the round
  }
  for (uint32_t i = 0; i < kHelpers; ++i) (void)start_thread(c, courier::abi::kDefaultPriority);
  fuzz(c, ~0u);
  die(c);
}
