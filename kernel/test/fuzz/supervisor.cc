// supervisor.cc — the fuzz image's init (pid 1): starts fuzzer children in rounds, restarts
// them round after round, and checks that every page comes back.
//
// A round spawns `children` children (the spawn syscall, core/spawn.cc) and waits until all of
// them have died; then the system's free pages (process_info a3) must equal their count before
// the first round, when no child was alive either. Each child is watched by one thread of the
// supervisor that holds a call to the child's lifeline server (fuzz_abi.h): the call ends with
// ServerNotFound when the child dies, and the child answers it with its progress meanwhile.
// The child's seed comes from the run's seed, the round and the slot, so a round can be run
// again on its own (first_round).
//
// What it prints (through the log server), which scripts/fuzz reads:
//   fuzz: start seed S calls N children K life L first_round R
//   fuzz: baseline F free pages
//   fuzz: round R: C calls, D children, free F            (every round)
//   fuzz: round R: pages not balanced: free F, baseline B  (and keeps going)
//   fuzz: done: C calls, D children, R rounds, pages balanced | pages not balanced (...)
// and ends with exit code 0 when every round balanced, 1 otherwise.
#include "courier/user/ipc.h"
#include "courier/user/print.h"
#include "fuzz_abi.h"

using namespace courier;
using namespace courier::fuzz;
using abi::Error;

// The run's configuration: scripts/fuzz patches a copy of the image here (fuzz_abi.h).
extern "C" {
__attribute__((used)) volatile Config fuzz_config = {
    COURIER_FUZZ_CONFIG_MAGIC, 1, 0, 20'000, 4, 8'000, 0, 0};
}

extern "C" [[noreturn]] void watch(uint32_t index);

namespace {

constexpr uint32_t kRw = abi::kMemRead | abi::kMemWrite;
constexpr uint32_t kStacks = 0x4000'0000;  // the watchers' stacks, 16 KiB each
constexpr uint32_t kStackBytes = 0x2000;
constexpr uint32_t kDone = 0x646f'6e65;
// How long the pages may take to come back after the last death notice: a child that lost
// its lifeline early (its own calls can do that) is still alive and ends soon by itself.
constexpr uint32_t kSettleMs = 5'000;

struct Slot {
  uint32_t tag;
  uint64_t seed;
  uint32_t life;
  uint32_t calls;  // as the child last reported them
  Error end;       // how the supervisor's call ended
  uint32_t pid;    // the pid spawn gave it
};

Config g_cfg;
Slot g_slots[kMaxChildren];
// The supervisor's own server, where watchers post their child's end. One connection for all:
// the kernel gives a process one CID per server.
Connection g_done;

uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint32_t free_pages() { return sys::process_info().r[2]; }

void sleep_us(uint32_t us) { (void)sys::wait_event(us); }

// Spawns the child of slot `i` for `round` and starts its watcher. False on a failure the run
// cannot go on from (nothing else is alive, so the kernel should always have room).
bool start_child(uint32_t round, uint32_t i, uint32_t life) {
  Slot& s = g_slots[i];
  s.tag = 0x8000'0000u | (round << 4) | i;
  s.seed = mix(mix((uint64_t{g_cfg.seed_hi} << 32) | g_cfg.seed_lo) ^ (uint64_t{round} << 8) ^ i);
  s.life = life;
  s.calls = 0;
  s.end = Error::Ok;
  const auto r = sys::spawn(kChildIndex, s.tag);
  if (r.error != Error::Ok) {
    print("fuzz: round %u: spawn of child %u failed: %s\n", round, i, abi::error_name(r.error));
    return false;
  }
  s.pid = r.r[0];
  const uint32_t top = kStacks + (i + 1) * 2 * kStackBytes;
  const auto t = sys::create_thread(static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&watch)), top,
                                    i, abi::kDefaultPriority);
  if (t.error != Error::Ok) {
    print("fuzz: cannot start the watcher of child %u: %s\n", i, abi::error_name(t.error));
    return false;
  }
  return true;
}

// Once a child is dead, the kernel holds nothing on its behalf (abi/limits.h): the usage the
// kernel counts from its tables for that pid is zero in every share. False (and said) if not.
bool left_nothing(uint32_t round, const Slot& s) {
  const auto u = sys::usage(s.pid);
  bool zero = u.error == Error::Ok;
  for (uint32_t k = 0; k < 7; ++k) zero = zero && u.r[k] == 0;
  if (!zero) {
    print("fuzz: round %u: dead child pid %u still holds: %s pages %u threads %u servers %u "
          "connections %u lends %u batched %u borrowed %u\n",
          round, s.pid, abi::error_name(u.error), u.r[0], u.r[1], u.r[2], u.r[3], u.r[4], u.r[5],
          u.r[6]);
  }
  return zero;
}

// The free pages once nothing but the supervisor and the log server runs: they settle (the
// boot instance of the child exits at once) and stay put.
uint32_t settled_free_pages() {
  uint32_t last = free_pages();
  for (;;) {
    sleep_us(20'000);
    const uint32_t now = free_pages();
    if (now == last) return now;
    last = now;
  }
}

// Waits until the free pages are back at `baseline`, for at most kSettleMs; the count then.
uint32_t pages_back(uint32_t baseline) {
  uint32_t now = free_pages();
  for (uint32_t waited = 0; now != baseline && waited < kSettleMs; waited += 10) {
    sleep_us(10'000);
    now = free_pages();
  }
  return now;
}

}  // namespace

// One slot's watcher: meets the child at its lifeline, holds a call there until it dies.
extern "C" [[noreturn]] void watch(uint32_t index) {
  Slot& s = g_slots[index];
  const Sid life{{kLifelineSid0, kLifelineSid1, s.tag, ~s.tag}};
  Connection lifeline;
  Error e = Connection::connect(life, &lifeline);  // returns once the child registered it
  if (e == Error::Ok) {
    CallResult r = lifeline.call(kStart, static_cast<uint32_t>(s.seed),
                                 static_cast<uint32_t>(s.seed >> 32), s.life, g_cfg.flags);
    while (r.error == Error::Ok) {
      if (r.r[1] == (r.r[0] ^ kCheck) && r.r[0] > s.calls) s.calls = r.r[0];
      r = lifeline.call(kPoll);
    }
    e = r.error;
    (void)lifeline.disconnect();
  }
  s.end = e;
  (void)g_done.send(kDone, index);
  (void)sys::exit_thread();
  for (;;) {
  }
}

int main() {
  for (uint32_t i = 0; i < sizeof(Config) / 4; ++i) {
    reinterpret_cast<uint32_t*>(&g_cfg)[i] =
        reinterpret_cast<const volatile uint32_t*>(&fuzz_config)[i];
  }
  const uint32_t children = g_cfg.children == 0             ? 1
                            : g_cfg.children > kMaxChildren ? kMaxChildren
                                                            : g_cfg.children;
  const uint32_t life = g_cfg.life < 16 ? 16 : g_cfg.life;
  print("fuzz: start seed %08x%08x calls %u children %u life %u first_round %u\n", g_cfg.seed_hi,
        g_cfg.seed_lo, g_cfg.calls, children, life, g_cfg.first_round);
  if (sys::map_memory(kStacks, (kMaxChildren + 1) * 2 * kStackBytes, kRw).error != Error::Ok) {
    print("fuzz: cannot map the watchers' stacks\n");
    return 2;
  }
  Server done;
  if (Server::create(Sid{{0, 0, 0, 0}}, &done) != Error::Ok) {  // a random SID: ours alone
    print("fuzz: cannot create the supervisor's server\n");
    return 2;
  }
  if (Connection::connect(done.sid(), &g_done) != Error::Ok) {
    print("fuzz: cannot connect to the supervisor's server\n");
    return 2;
  }
  const uint32_t baseline = settled_free_pages();
  print("fuzz: baseline %u free pages\n", baseline);

  uint32_t calls = 0, spawned = 0, unbalanced = 0, first_bad = 0, worst = baseline, leaky = 0;
  uint32_t round = g_cfg.first_round;
  for (; calls < g_cfg.calls; ++round) {
    // The last round's children share what is left, but never fewer than 64 calls each.
    const uint32_t left = (g_cfg.calls - calls + children - 1) / children;
    const uint32_t round_life = left < life ? (left < 64 ? 64 : left) : life;
    uint32_t started = 0;
    for (uint32_t i = 0; i < children; ++i) {
      // Each child's own life: between a quarter of the most and the most.
      const uint64_t x = mix(g_cfg.seed_lo ^ (uint64_t{round} << 20) ^ i);
      const uint32_t l =
          round_life / 4 + static_cast<uint32_t>(x % (round_life - round_life / 4 + 1));
      if (!start_child(round, i, l)) break;
      ++started;
    }
    for (uint32_t ended = 0; ended < started;) {
      Message m;
      if (done.receive(&m) != Error::Ok) {
        print("fuzz: the supervisor's server failed\n");
        return 2;
      }
      if (m.id != kDone || m.w[0] >= children) continue;
      const Slot& s = g_slots[m.w[0]];
      calls += s.calls;
      ++ended;
      if (s.end != Error::ServerNotFound) {  // not a death notice: say so (the run goes on)
        print("fuzz: round %u: child %u: the lifeline call ended with %s\n", round, m.w[0],
              abi::error_name(s.end));
      }
    }
    spawned += started;
    const uint32_t now = pages_back(baseline);
    bool usage_zero = true;
    for (uint32_t i = 0; i < started; ++i) usage_zero = left_nothing(round, g_slots[i]) && usage_zero;
    if (!usage_zero) ++leaky;
    if (now != baseline) {
      if (unbalanced++ == 0) first_bad = round;
      if (now < worst) worst = now;
      print("fuzz: round %u: pages not balanced: free %u, baseline %u\n", round, now, baseline);
    }
    print("fuzz: round %u: %u calls, %u children, free %u\n", round, calls, spawned, now);
    if (started < children) {
      print("fuzz: done: %u calls, %u children, %u rounds, stopped: a child could not start\n",
            calls, spawned, round + 1 - g_cfg.first_round);
      return 1;
    }
  }
  const uint32_t rounds = round - g_cfg.first_round;
  if (leaky != 0) {
    print("fuzz: done: %u calls, %u children, %u rounds, usage not zero after death in %u rounds\n",
          calls, spawned, rounds, leaky);
    return 1;
  }
  if (unbalanced == 0) {
    print("fuzz: done: %u calls, %u children, %u rounds, pages balanced, usage zero after every "
          "death\n",
          calls, spawned, rounds);
    return 0;
  }
  print(
      "fuzz: done: %u calls, %u children, %u rounds, pages not balanced in %u rounds (first %u): "
      "lowest free %u, baseline %u\n",
      calls, spawned, rounds, unbalanced, first_bad, worst, baseline);
  return 1;
}
