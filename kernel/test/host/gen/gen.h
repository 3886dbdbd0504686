// gen.h — generative tests on the host: a seeded, reproducible, shrinking sequence generator
// over the real kernel (issue 12), and the world it runs in.
//
// A run is a sequence of Steps: a process is spawned, a thread issues a syscall through the
// same dispatcher (and fastpath) the rv32 trap handler uses, a thread stores a word through its
// own page tables (ring entries are written this way), a thread faults, the timer ticks, the
// idle hart drains the rings. After every step the World checks the kernel's own
// check_invariants() (a broken invariant panics) and a few checks of its own that take the
// attacker's view: what can a user page-table entry reach, what frame does a registered ring
// name, do the free pages come back when everyone has died (World::check below).
//
// The Generator chooses each step from the kernel's state as it is (which threads can run,
// what each process maps) and from what the processes have learnt (server handles, CIDs,
// message handles and addresses, SIDs), biased towards the values an attacker would try: its
// own mappings, the lend window, received pages, stale and foreign handles, kernel addresses,
// unaligned and wrapping ranges. Its decisions come from a Choices: a seeded PRNG for the
// GoogleTest runs, or the fuzz input's bytes for libFuzzer (gen_fuzz.cc).
//
// A Step is concrete (no reference to the generator's state), so a failing run is replayed with
// steps removed (delta debugging, runner.h) and printed as calls on a World: paste the printout
// into a TEST and it is a named regression test.
//
// What this deliberately does not do: upcall interrupt handlers (a handler's context is not
// something the generator could issue calls from faithfully), or model the kernel's answers in
// any detail. It finds states the kernel must never reach, not wrong error codes.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "kernel_fixture.h"

namespace courier::gen {

enum class Op : uint8_t {
  Spawn,  // a new process (the fixture's: 4 KiB of text at 0x10000, an 8 KiB stack)
  Sys,    // thread `tid` issues syscall `number` with a0..a6 = a[0..6]
  Store,  // thread `tid` stores the word a[1] at a[0] through its own page tables
  Ring,   // thread `tid` writes entry {number, tag a[6], a[0..5]} into its ring, bumps sq_tail
  Fault,  // thread `tid` faults: cause a[0] at pc a[1] (0, 0: an illegal instruction where it
          // is); an interrupt handler returns by faulting at abi::kIrqReturnAddress
  Timer,  // the timer ticks, a[0] platform ticks later
  Idle,   // nothing can run: the hart drains every ring (skipped if something can run)
  Kill,   // process `tid` (a pid here) ends: how the generator gets out of a deadlock
  Irq,    // interrupt line a[0] is raised at the controller and taken (an upcall if claimed)
};

struct Step {
  Op op;
  bool slow;        // Sys: skip the IPC fastpath (the slow path must behave the same)
  uint16_t tid;     // the acting thread (Sys, Store, Ring, Fault); the pid for Kill
  uint32_t number;  // Sys, Ring: the syscall number
  uint32_t a[7];
  // For replays with steps removed (Cast): this step's place in the generated run, and the name
  // of the thread (or, for Kill, the process) that `tid` was when it was generated. 0: none,
  // `tid` stands as it is.
  uint32_t id = 0;
  uint32_t actor = 0;
  // a[i] was an earlier call's answer: ((that step's id + 1) << 3) | the register (a0..a7).
  uint32_t ref[7] = {};
  bool operator==(const Step&) const = default;
};

// The step as the World call a reproducer makes, e.g. `sys(3, Syscall::map_memory, {...})`.
std::string to_cpp(const Step& s);

// Where the generator's decisions come from.
class Choices {
 public:
  virtual ~Choices() = default;
  // A value in [0, n); n >= 1.
  virtual uint32_t below(uint32_t n) = 0;
  // True once a byte-driven source has run dry (the run then ends).
  virtual bool exhausted() const { return false; }
  uint32_t word() { return (below(1u << 16) << 16) | below(1u << 16); }
  bool percent(uint32_t p) { return below(100) < p; }
  template <class T, size_t N>
  T pick(const T (&options)[N]) {
    return options[below(N)];
  }
};

// splitmix64: small, fast, and the same sequence on every host for a given seed.
class SeededChoices final : public Choices {
 public:
  explicit SeededChoices(uint64_t seed) : state_(seed) {}
  uint32_t below(uint32_t n) override;

 private:
  uint64_t state_;
};

// The fuzz input, consumed front to back: one byte for a choice among up to 256, two for up to
// 65536, four otherwise. When it runs out every choice is 0 and exhausted() is true.
class BytesChoices final : public Choices {
 public:
  BytesChoices(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint32_t below(uint32_t n) override;
  bool exhausted() const override { return used_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t used_ = 0;
};

// A fresh kernel over fake RAM (the host fixture's), and what each Step does to it. Only one
// World may exist at a time: the kernel reaches physical memory through a global offset.
class World : public test::KernelTest {
 public:
  World() { reset(); }
  ~World() override;
  void TestBody() override {}
  // Starts again from a fresh kernel (reusing the RAM buffer: cheaper than a new World).
  void reset();

  // --- the steps, as a printed reproducer calls them ---------------------------------------
  void spawn() { run(Step{Op::Spawn, false, 0, 0, {}}); }
  void sys(Tid tid, abi::Syscall n, std::initializer_list<uint32_t> args) {
    run(sys_step(tid, n, args, false));
  }
  void sys_slow(Tid tid, abi::Syscall n, std::initializer_list<uint32_t> args) {
    run(sys_step(tid, n, args, true));
  }
  void store(Tid tid, uint32_t va, uint32_t value) {
    run(Step{Op::Store, false, tid, 0, {va, value}});
  }
  void ring(Tid tid, abi::Syscall n, uint32_t tag, std::initializer_list<uint32_t> args);
  void fault(Tid tid, uint32_t cause = 0, uint32_t pc = 0) {
    run(Step{Op::Fault, false, tid, 0, {cause, pc}});
  }
  void irq(uint32_t line) { run(Step{Op::Irq, false, 0, 0, {line}}); }
  void timer(uint32_t ticks) { run(Step{Op::Timer, false, 0, 0, {ticks}}); }
  void idle() { run(Step{Op::Idle, false, 0, 0, {}}); }
  void kill(Pid pid) { run(Step{Op::Kill, false, static_cast<uint16_t>(pid), 0, {}}); }

  // Does one step, then checks everything (a failure aborts, after saying what it was).
  void run(const Step& s);

  // --- what the generator may look at ----------------------------------------------------
  Kernel& kernel() { return *k_; }
  // Thread `tid` may run now: runnable (Ready or Running) and not an interrupt context, or,
  // while an interrupt handler runs, that handler and nothing else.
  bool can_act(Tid tid) const;
  // Thread `tid` was woken to re-issue the ecall it blocked in (its pc points at it again).
  bool rewound(Tid tid) const;
  // The physical page user code of `pid` reaches at `va` (Sv32 walk, U and R/W checked), or
  // ~0u when the access would fault.
  uint32_t translate(Pid pid, uint32_t va, bool write) const;
  uint32_t baseline_free() const { return baseline_free_; }
  // The reach check of check() for one live process (aborts on a violation).
  void check_reach(Pid pid);

  // Each step is written to `out` as it runs, as C++, followed by its outcome.
  void set_trace(FILE* out) { trace_ = out; }

 private:
  static Step sys_step(Tid tid, abi::Syscall n, std::initializer_list<uint32_t> args, bool slow);
  std::string execute(const Step& s);
  std::string execute_sys(const Step& s);
  // A thread about to act first re-issues the ecall it was woken to retry.
  void resume(Tid tid);
  void issue(Thread& t, uint32_t number, const uint32_t a[7], bool slow);
  // User loads and stores through the page tables; false when the access faults (the thread's
  // process has then been ended by the kernel's fault path).
  bool user_load(Thread& t, uint32_t va, uint32_t* value);
  bool user_store(Thread& t, uint32_t va, uint32_t value);
  void check();
  [[noreturn]] void fail(const char* fmt, ...) const __attribute__((format(printf, 2, 3)));

  struct Ecall {
    uint32_t pc;      // where thread's ecall is
    uint32_t number;  // what it asked for
  };
  Ecall ecall_[kMaxThreads] = {};
  uint32_t baseline_free_ = 0;
  FILE* trace_ = nullptr;
};

// Who is who when a run is replayed with steps removed: a thread is named after the step that
// created it, a process after the step that spawned it, not by their table slots, which shift
// when an earlier spawn or create_thread is removed. So a shrunk replay still has the same
// thread make the same call, and a step whose thread was never created is dropped. Likewise an
// argument the generator took from an earlier answer (a handle, a CID, a SID, an address) names
// that answer (Step::ref), and a replay passes whatever that answer is this time.
class Cast {
 public:
  // A call's answer, once its thread can run again: a0..a7.
  struct Answer {
    Step step;
    Pid pid;
    uint32_t r[8];
  };

  // After `ran` (as resolved) has run: what appeared is named after it, what died is forgotten
  // (a step only ever creates or ends things, never both), and calls that have been answered
  // since are in answered().
  void observe(World& w, const Step& ran);
  const std::vector<Answer>& answered() const { return answered_; }
  // `actor` filled in from `tid` (as the generator chose it).
  Step named(const Step& s, uint32_t id) const;
  // The step as it applies now: `tid` from `actor`, arguments from the answers they name;
  // false if the actor is gone.
  bool resolve(const Step& s, Step* out) const;

 private:
  uint32_t thread_[kMaxThreads] = {};  // 0: no thread, or not named
  uint32_t process_[kMaxProcesses] = {};
  // Each thread's call still to be answered (valid when its name matches).
  struct Pending {
    uint32_t name;
    Step step;
  };
  Pending pending_[kMaxThreads] = {};
  std::vector<std::pair<uint32_t, std::array<uint32_t, 8>>> results_;  // by step id, ascending
  std::vector<Answer> answered_;
};

// Chooses steps for a World. Learns handles, SIDs and addresses from the answers the kernel
// gives, the way a hostile process would.
class Generator {
 public:
  Generator(World& w, Choices& c) : w_(w), c_(c) {}
  // The next step for the world as it is now; false when the choices have run out.
  bool next(Step* out);
  // Called after `s` has run, with the answers that came in (Cast::answered).
  void ran(const Step& s, const std::vector<Cast::Answer>& answers);

  static constexpr uint32_t kMaxLive = 4;  // processes the generator keeps alive

 private:
  // A value and, if it came from an answer, which (Step::ref's encoding; 0: a literal).
  struct Arg {
    uint32_t v;
    uint32_t ref = 0;
  };
  struct Known {
    Arg value;
    Pid pid;    // who learnt it (0: a process that has died)
    Arg extra;  // regions: bytes; messages: kind
  };
  struct Sid {
    Arg w[4];
  };
  using Pool = std::vector<Known>;

  void learn(const Cast::Answer& a);
  static void remember(Pool& pool, Known k);
  // A remembered value, `own` percent of the time one that `pid` learnt itself.
  bool recall(const Pool& pool, Pid pid, uint32_t own, Known* out);
  // The remembered entry for a value read from the kernel's tables, for its ref.
  Arg known_as(const Pool& pool, Pid pid, uint32_t v) const;
  void forget_the_dead();
  // One of `pid`'s regions of two pages or more (a ring fits), else any region.
  bool recall_large(Pid pid, Known* out);

  bool thread_step(Tid tid, Step* s);
  void fill_ring_entry(Pid pid, Step* s);
  static void put(Step* s, int i, Arg a) {
    s->a[i] = a.v;
    s->ref[i] = a.ref;
  }

  // Biased arguments.
  Arg address(Pid pid);
  uint32_t own_page(Pid pid, bool writable = false);
  Arg size();
  uint32_t flags();
  uint32_t lend_kind();
  Arg cid(Pid pid);
  Arg server_handle(Pid pid);
  Arg message(Pid pid);
  void sid(Step* s);  // a[0..3]
  uint32_t stack_top(Pid pid);

  World& w_;
  Choices& c_;
  Pool servers_, cids_, messages_, regions_, unmapped_;
  std::vector<Sid> sids_;
};

// Generates and runs up to `max_steps` steps on `w` (fresh, or reset()); `record` (if any) sees
// each step just before it runs. Returns the number of steps run (fewer when the choices ran
// out).
uint32_t drive(World& w, Choices& c, uint32_t max_steps,
               void (*record)(const Step&, void*) = nullptr, void* ctx = nullptr);

// Passes another source's choices on and writes each down as the bytes BytesChoices would read
// back as the same choice: a seeded run becomes a fuzz input (a seed for libFuzzer's corpus).
class RecordingChoices final : public Choices {
 public:
  RecordingChoices(Choices& inner, int fd) : inner_(inner), fd_(fd) {}
  uint32_t below(uint32_t n) override;

 private:
  Choices& inner_;
  int fd_;  // written as it goes, so a run that aborts still leaves its input behind
};

}  // namespace courier::gen
