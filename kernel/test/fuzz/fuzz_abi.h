// fuzz_abi.h — what the in-target fuzzer's parts agree on (see README.md in this folder):
// the supervisor's configuration block that scripts/fuzz patches, the lifeline protocol
// between the supervisor and a child, the SIDs children use, and the trace a child keeps of
// its last calls, which the fuzz image's panic hook (panic_trace.cc) prints.
#pragma once

#include <stdint.h>

namespace courier::fuzz {

// The fuzz image's boot archive: the supervisor (pid 1), the child program, then the log.
inline constexpr uint32_t kChildIndex = 1;
inline constexpr char kChildName[] = "fuzz_child";

// --- the run's configuration -----------------------------------------------------------------
// One instance, in the supervisor's .data, starts with these 16 bytes (the string and its NUL);
// scripts/fuzz finds them in (a copy of) the image and overwrites the fields after them. The
// values built in are the defaults. (Nothing else in the image holds these bytes.)
#define COURIER_FUZZ_CONFIG_MAGIC "courier-fuzz-v1"
struct Config {
  char magic[16];
  uint32_t seed_lo, seed_hi;
  uint32_t calls;        // stop starting rounds once this many calls are done
  uint32_t children;     // children alive at once (1 .. kMaxChildren)
  uint32_t life;         // most calls one child makes before it ends itself
  uint32_t first_round;  // rounds before it are skipped (their seeds are not used): replay
  uint32_t flags;        // kFlag*
};
static_assert(sizeof(Config) == 44);
inline constexpr uint32_t kMaxChildren = 6;   // the supervisor's thread budget
inline constexpr uint32_t kFlagNoDeaths = 1;  // children never die on purpose before their end

// --- the lifeline ---------------------------------------------------------------------------
// Each child registers a server under lifeline_sid(tag), `tag` being the spawn argument (never
// zero; a child started with 0 — the one the kernel starts at boot — exits at once). The
// supervisor calls it (BlockingScalar) and the child holds the call, answering it with its
// progress now and then, after which the supervisor calls again: when the child dies, the
// pending call ends with ServerNotFound. That is the supervisor's death notice (the kernel has
// no other), with nothing the child could send the supervisor unasked.
//   first call:  id kStart, words = child seed (lo, hi), life (calls), flags
//   later calls: id kPoll
//   replies:     r0 = calls made so far, r1 = r0 ^ kCheck (anything else is ignored)
inline constexpr uint32_t kLifelineSid0 = 0x6c696665;  // "life"
inline constexpr uint32_t kLifelineSid1 = 0x6c696e65;  // "line"
inline constexpr uint32_t kStart = 0x5741'0001;
inline constexpr uint32_t kPoll = 0x5741'0002;
inline constexpr uint32_t kCheck = 0x3c3c'a5a5;

// Servers children create and connect to: a family of 16 SIDs, so that children find each
// other's servers ({kFamily0, kFamily1, owner 0..3, k 0..3}).
inline constexpr uint32_t kFamily0 = 0x7a7a'7566;  // "fuzz"
inline constexpr uint32_t kFamily1 = 0x7276'7273;

// --- the trace ------------------------------------------------------------------------------
// Each child maps kTraceBytes at kTraceVa first thing, and each of its threads records every
// call there before making it (and its error after), in a ring of the last kTraceEntries. The
// kernel-side hook of the fuzz image reads them when the kernel panics, through the child's
// page tables. Rings 0..3 lie in the first page, 4..7 in the second; ring 7 is the interrupt
// handler's.
inline constexpr uint32_t kTraceVa = 0x5000'0000;
inline constexpr uint32_t kTraceBytes = 0x2000;
inline constexpr uint32_t kTraceMagic = 0x4654'5243;  // "CRTF"
inline constexpr uint32_t kTraceRings = 8;
inline constexpr uint32_t kTraceEntries = 31;
inline constexpr uint32_t kHandlerRing = 7;

// Pseudo-calls recorded in a trace entry's `number` beside the syscalls.
enum Action : uint16_t {
  kActLoad = 0x100,   // a[0] = address read
  kActStore = 0x101,  // a[0] = address written, a[1] = value
  kActDie = 0x102,    // a[0] = how (Death in child.cc)
  kActRing = 0x103,   // ring entries written: a[0] = ring va, a[1] = count, a[2] = tail written
  kActAlarm = 0x104,  // the RTC's alarm armed: a[0] = its va
};

struct TraceEntry {
  uint32_t index;   // the thread's call count at this call (1-based)
  uint16_t number;  // syscall number or Action
  uint8_t done;     // 0 while the call is in flight
  uint8_t error;    // abi::Error it answered
  uint32_t a[6];
};

struct TraceRing {
  uint32_t tid;
  uint32_t next;  // entries written (free-running; slot = next % kTraceEntries)
  uint32_t pad[2];
  TraceEntry e[kTraceEntries];
};

struct TraceHeader {
  uint32_t magic;
  uint32_t tag;
  uint32_t seed_lo, seed_hi;
  uint32_t calls;  // the whole child's
  uint32_t pad[11];
};

static_assert(sizeof(TraceEntry) == 32);
static_assert(sizeof(TraceRing) == 1008);
static_assert(sizeof(TraceHeader) + 4 * sizeof(TraceRing) == 4096);

// Where ring r lies, as an offset from kTraceVa (never across a page boundary).
constexpr uint32_t trace_ring_offset(uint32_t r) {
  return r < 4 ? sizeof(TraceHeader) + r * sizeof(TraceRing) : 4096 + (r - 4) * sizeof(TraceRing);
}

}  // namespace courier::fuzz
