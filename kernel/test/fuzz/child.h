// child.h — the fuzzer child's state, shared by its threads (child.cc runs them, calls.cc
// makes the calls).
//
// Everything here is bias for the argument generator: what the child has mapped, received,
// created and connected, so that calls hit live objects as well as stale and made-up ones.
// Threads race on it freely; a torn update only changes which values get picked, and every
// index is reduced before use, so it never breaks the child's own code.
#pragma once

#include <stdint.h>

#include "courier/abi/syscall.h"
#include "fuzz_abi.h"

namespace courier::fuzz {

// xoshiro128** seeded through splitmix64: small, fast and good enough to pick arguments.
struct Rng {
  uint32_t s[4];
  void seed(uint64_t x);
  uint32_t next();
  uint32_t below(uint32_t n) { return static_cast<uint32_t>((uint64_t{next()} * n) >> 32); }
  bool one_in(uint32_t n) { return below(n) == 0; }
  template <class T, uint32_t N>
  T& pick(T (&a)[N]) {
    return a[below(N)];
  }
};

struct Region {
  uint32_t va, bytes;
  uint32_t handle;  // received memory: the message's handle (return_memory ends it)
  uint16_t kind;    // received memory: abi::MessageKind, else kNotReceived (or kMmio)
  uint8_t flags;    // MemFlags as last asked for
  uint8_t live;     // as far as this child knows, still mapped
  // A device mapping known for certain: mapped with no other call that may change mappings
  // around it, no batch ring in the child (whose entries the kernel drains at any of the
  // thread's traps, unseen) and no wild thread. Only such a region supports a verdict.
  uint8_t certain;
};
inline constexpr uint32_t kNotReceived = 0xff;

template <uint32_t N>
struct Recent {  // the last N values seen of something (live or stale by now)
  uint32_t v[N];
  uint32_t n;
  void add(uint32_t x) { v[n++ % N] = x; }
  bool empty() const { return n == 0; }
};

struct State {
  uint32_t tag;
  uint64_t seed;
  uint32_t life;   // calls before the child ends itself
  uint32_t flags;  // Config::flags
  uint32_t pid;
  uint32_t lifeline;     // our lifeline server: never a fuzzed argument
  uint32_t held;         // the supervisor's lifeline call, while we hold it (0: none)
  uint32_t calls;        // made by every thread together
  uint32_t reported;     // calls the supervisor has been told of
  uint32_t threads;      // our own fuzzing threads alive, the main one too (not wild ones)
  uint32_t wild;         // threads were started at arbitrary code addresses
  uint32_t stop;         // the life is over: fuzzing threads leave
  uint32_t stacks;       // bitmap of stack slots in use (kStackPool)
  uint32_t trace_slots;  // bitmap of trace rings in use
  uint32_t rtc;          // our mapping of the RTC, if we have one
  uint32_t violations;
  Region regions[24];  // mapped or received; newest replace oldest
  uint32_t region_n;
  uint32_t region_seq;  // odd while a thread writes a region (add_region): readers check it
  uint32_t rings;       // 1 once any thread tried to register a batch ring
  uint32_t wild_tried;  // 1 once a thread was asked for at an arbitrary address
  uint32_t forgets;   // forget() calls so far (a lend restores what it hid only if none came)
  uint32_t epoch;     // calls so far that may change this child's mappings (call() counts)
  Recent<16> msgs;    // message handles received
  Recent<8> servers;  // server handles created
  Recent<16> cids;
  Recent<8> lines;      // interrupt lines claimed
  uint32_t sids[8][4];  // SIDs registered (kernel-random ones too)
  uint32_t sid_n;
};
extern State g;

// Where this child's threads get their stacks: kMaxStacks slots of kStackBytes, with a guard
// page below each.
inline constexpr uint32_t kStackPool = 0x4000'0000;
inline constexpr uint32_t kStackBytes = 0x2000;
inline constexpr uint32_t kStackStride = 0x3000;
inline constexpr uint32_t kMaxStacks = 6;
// One page of scratch stack for threads started at arbitrary code addresses.
inline constexpr uint32_t kWildStack = 0x4010'0000;
// The watchdog's own stack (kStackBytes): outside the pool, which its bitmap in State governs,
// and outside every address the calls pick on purpose, so that nothing the child does to
// itself short of a wild thread can stop the watchdog.
inline constexpr uint32_t kWatchdogStack = 0x4020'0000;

// One fuzzing thread (or the interrupt handler) and its own random stream and trace ring.
struct Ctx {
  Rng rng;
  TraceRing* trace;
  uint32_t calls;
  bool handler;
  uint32_t stack;    // its stack slot (kStackPool), kMaxStacks for the main thread's own stack
  uint32_t ring_va;  // this thread's registered batch ring (0: none)
};

// A traced system call: recorded before it is made (a6 only lend_memory uses).
abi::SysRet call(Ctx& c, abi::Syscall n, uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0,
                 uint32_t a3 = 0, uint32_t a4 = 0, uint32_t a5 = 0, uint32_t a6 = 0);
// A traced pseudo-call (Action): recorded as done at once.
void note(Ctx& c, Action a, uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0);

// One random step: a system call, a memory access, or a ring filled and entered.
void step(Ctx& c);
// The kernel answered something it must never answer: printed through the kernel log. Not
// from a thread started at an arbitrary address (on kWildStack): its Ctx is garbage.
void violation(Ctx& c, const char* what, uint32_t value);
// The stack pointer, to tell a genuine upcall (on the interrupt stack) from a thread that
// wandered into the handler's code.
inline uint32_t stack_pointer() {
  uint32_t sp;
  asm volatile("mv %0, sp" : "=r"(sp));
  return sp;
}
// Ends the process, or this thread, in one of the ways a process can (Death in child.cc).
[[noreturn]] void die(Ctx& c);
// Tells the supervisor how far we are, if we hold its call.
void report();

// The interrupt handler calls.cc claims lines with.
extern "C" void fuzz_irq_handler(uint32_t line, uint32_t arg);
// Starts one more fuzzing thread (create_thread, traced) on a free stack slot at `priority`.
abi::Error start_thread(Ctx& c, uint32_t priority);

// The program image (ipc/user/user.ld): text from kText, the first thread's stack below kStackTop.
inline constexpr uint32_t kText = 0x10000;
inline constexpr uint32_t kStackTop = 0x7fff'0000;

}  // namespace courier::fuzz
