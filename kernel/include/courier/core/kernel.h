// core/kernel.h — the kernel's state and the narrow interface the IPC paths use.
//
// One Kernel object holds every table: frames, processes, threads, servers, the run queues. The
// rv32 image has exactly one (constinit, in .bss); host tests make a fresh one per test against
// a buffer of fake physical memory, so every scenario starts from a known state.
//
// Syscall handlers (kernel/dispatch) and IPC paths (ipc/*) act on `current()`: the thread that
// trapped. A handler either answers at once (set_result) or blocks the caller (block_*); the
// dispatcher then resumes whichever thread `current()` names afterwards, so a blocking call,
// a direct switch to a server, and preemption are all just changes to current().
#pragma once

#include "courier/abi/irq.h"
#include "courier/core/boot_archive.h"
#include "courier/core/console.h"
#include "courier/core/frames.h"
#include "courier/core/objects.h"
#include "courier/kstd/chacha20.h"
#include "courier/kstd/result.h"
#include "courier/kstd/span.h"

namespace courier {

class Kernel {
 public:
  // Boot: take RAM [ram_base, ram_base + ram_pages), the kernel image ending at first_free.
  void init(kstd::Pfn ram_base, uint32_t ram_pages, kstd::Pfn first_free);
  // Creates every process in the archive (the first becomes pid 1), each with one thread.
  kstd::Result<void, abi::Error> load(const BootArchive& archive);
  // Starts an image (core/names.cc): keys the random-SID generator with the archive's seed
  // stirred with `stir` (the platform timer at boot), creates its processes (load), then
  // reserves its SIDs for the processes it names. AlreadyExists, before anything is created,
  // if one of those SIDs is reserved already; LimitReached if the reservations do not fit.
  kstd::Result<void, abi::Error> boot(const BootArchive& archive, uint64_t stir);

  // --- threads and scheduling --------------------------------------------------------------
  Thread* current() { return current_; }
  Thread& thread(Tid t) { return threads_[t]; }
  Tid tid_of(const Thread& t) const { return t.tid; }
  Process& process_of(const Thread& t) { return processes_[t.pid]; }
  Process& process(Pid p) { return processes_[p]; }
  Server& server(uint16_t s) { return servers_[s]; }

  void make_ready(Thread& t);         // Free/blocked -> Ready (appended to its queue)
  void block_current(ThreadState s);  // current -> blocked; picks the next thread
  void yield_current();               // current -> back of its queue; picks the next thread
  void switch_to(Thread& t);          // current -> Ready (front), `t` runs now (direct switch)
  void switch_to_and_block(Thread& t, ThreadState s);  // current blocks, `t` runs now
  // The fastpath's switch: `t` is blocked (in no queue), the current thread blocks in `s`.
  void switch_blocked(Thread& t, ThreadState s) {
    current_->state = s;
    t.state = ThreadState::Running;
    current_ = &t;
  }
  // Picks the next thread if there is no current one. False when nothing can run (idle).
  bool pick_next();
  bool any_ready() const { return ready_mask_ != 0; }
  // True when no ready thread is more urgent than `t`: a direct switch to `t` then respects
  // priorities exactly as going through the scheduler would.
  bool may_run_directly(const Thread& t) const {
    return (ready_mask_ & t.more_urgent) == 0;
  }

  kstd::Result<Tid, abi::Error> create_thread(Pid pid, uint32_t pc, uint32_t sp, uint32_t arg,
                                              uint32_t priority);
  void exit_current_thread();
  void tick(uint64_t now);  // timer: wake sleepers whose time has come, preempt

  // --- processes -----------------------------------------------------------------------------
  // Ends a process and reclaims everything it owned (DESIGN.md §2 "Death").
  void destroy_process(Pid pid, uint32_t exit_code);
  uint32_t live_processes() const;
  // The first boot process is the image's "init": when it ends, the machine stops with its exit
  // code (the other processes are servers it started; tests and benchmarks rely on this).
  bool first_process_ended() const { return (exit_work_ & kExitHalt) != 0; }
  uint32_t first_exit_code() const { return first_exit_code_; }
  // Keeps the boot archive (which must stay in place, unchanged, for the life of the system)
  // so that init can spawn its processes again (core/spawn.cc); without it spawn is NotSupported.
  void keep_archive(kstd::Span<const uint8_t> bytes) { archive_ = bytes; }
  // Starts archive process `index` anew, its first thread's a0 = `arg`; `caller` must be pid 1.
  kstd::Result<Pid, abi::Error> spawn(Pid caller, uint32_t index, uint32_t arg);

  // --- per-process shares (abi/limits.h) -------------------------------------------------------
  // Pages charged to `pid`: its own pages (RAM, MMIO, received Moves and copies) and its page
  // tables.
  uint32_t pages_used(Pid pid) const {
    return processes_[pid].page_count + processes_[pid].space.tables();
  }
  // True if `pid` may take `new_pages` more pages of its own while [va, va + mapped) gets
  // mapped in its space (with the page tables that needs), within kMaxPagesPerProcess.
  bool within_quota(Pid pid, uint32_t new_pages, uint32_t va, uint32_t mapped) const {
    const uint32_t tables = processes_[pid].space.tables_needed(kstd::VirtAddr(va), mapped);
    return pages_used(pid) + new_pages + tables <= kMaxPagesPerProcess;
  }
  // What `pid` holds now, counted from the tables (the usage syscall; abi/limits.h).
  struct Usage {
    uint32_t pages, threads, servers, connections, lends, asyncs, borrowed;
  };
  Usage usage(Pid pid) const;

  // --- memory --------------------------------------------------------------------------------
  // With a continuation and a budget the call may stop at a preemption point (kPreempted,
  // `c` recording how far it got) and resumes when called again with the same `c`; without,
  // it runs to the end (the kernel's own small mappings).
  kstd::Result<uint32_t, abi::Error> map_memory(Pid pid, uint32_t va, uint32_t bytes,
                                                uint32_t flags, Continuation* c = nullptr,
                                                Budget* b = nullptr);
  kstd::Result<void, abi::Error> unmap_memory(Pid pid, uint32_t va, uint32_t bytes,
                                              Continuation* c = nullptr, Budget* b = nullptr);
  kstd::Result<void, abi::Error> update_memory_flags(Pid pid, uint32_t va, uint32_t bytes,
                                                     uint32_t flags);
  kstd::Result<uint32_t, abi::Error> map_physical(Pid pid, uint32_t pa, uint32_t va, uint32_t bytes,
                                                  uint32_t flags);
  // Copies between a user range and the kernel after checking every page is mapped, user-
  // accessible and (for writes) writable in `pid`'s space. BadAddress otherwise; nothing is
  // copied unless the whole range is valid.
  kstd::Result<void, abi::Error> copy_from_user(Pid pid, void* dst, uint32_t va, uint32_t len);
  kstd::Result<void, abi::Error> copy_to_user(Pid pid, uint32_t va, const void* src, uint32_t len);
  kstd::Result<void, abi::Error> check_user_range(Pid pid, uint32_t va, uint32_t len, bool write);
  // True if [va, va + pages) holds a page of a batch ring one of `pid`'s threads registered:
  // such pages stay put (unmap, protect and lend refuse them) until the ring is unregistered.
  bool ring_pinned(Pid pid, uint32_t va, uint32_t pages);

  // --- servers and connections ---------------------------------------------------------------
  kstd::Result<uint16_t, abi::Error> create_server(Pid pid, const uint32_t sid[4]);
  kstd::Result<void, abi::Error> destroy_server(Pid pid, uint32_t handle);
  // The live server `handle` (1-based) if `pid` owns it.
  Server* owned_server(Pid pid, uint32_t handle) {
    if (handle - 1 >= kMaxServers) return nullptr;  // handle 0 wraps and fails too
    Server& s = servers_[handle - 1];
    return s.state == ServerState::Alive && s.owner == pid ? &s : nullptr;
  }
  kstd::Result<uint32_t, abi::Error> connect(Pid pid, const uint32_t sid[4]);
  kstd::Result<void, abi::Error> disconnect(Pid pid, uint32_t cid);
  // The live server a connection names: InvalidHandle for a bad CID, ServerNotFound if it died.
  kstd::Result<uint16_t, abi::Error> resolve(Pid pid, uint32_t cid);
  bool enqueue(uint16_t server, const Message& m);  // false if full
  bool dequeue(uint16_t server, Message* out);      // false if empty
  // A message left the queue: wake one thread blocked on a full queue (it retries its send).
  void queue_space(uint16_t server);
  // The current thread's send found `server`'s queue full: it waits for queue_space().
  void block_on_full_queue(uint16_t server);
  // A message arrived for `server`'s process: wake its wait_event threads.
  void notify_arrival(uint16_t server);

  // --- names (DESIGN.md §8: names are authority; core/names.cc) -----------------------------
  // False if `sid` is reserved for a process other than `pid` (or for a process that is gone).
  bool may_register(Pid pid, const uint32_t sid[4]) const;
  // Process `pid` is dying: the names reserved for it stay reserved, for nobody (a name never
  // passes to whoever reuses the slot).
  void orphan_names(Pid pid);
  // 128 unpredictable bits from the CSPRNG (kstd/chacha20.h), never all zero.
  void random_sid(uint32_t sid[4]);
  void seed_random(const uint32_t seed[kstd::kChaChaKeyWords], uint64_t stir) {
    rng_.seed(seed, stir);
  }

  // --- messages (shared by the IPC paths) ------------------------------------------------------
  // The first thread waiting in receive on `server`, taken off the list; nullptr if none.
  Thread* take_receiver(uint16_t server);
  bool queue_has_room(uint16_t server) const {
    return servers_[server].receivers != kNone || servers_[server].count < kQueueDepth;
  }
  // Sends `m` from the current thread, which then waits for the answer (reply or
  // return_memory). Requires queue_has_room(). A waiting receiver gets it at once (and runs
  // next when the scheduler allows), otherwise it is queued.
  void post_call(uint16_t server, Message& m);
  // Sends `m` without waiting (Scalar, Move). Requires queue_has_room().
  void post(uint16_t server, const Message& m);
  // A receiver of `server` took message `m`: mark what it carries as received (a Move's pages
  // become the server's to touch).
  void on_received(uint16_t server, const Message& m);
  // Message `m` queued at `server` will never be received (its sender or the server ended): a
  // Move's pages, the server's but never handed to it, are freed.
  void drop_message(uint16_t server, const Message& m);

  // --- batch rings (the ring format is ABI: abi/ring.h) -----------------------------------------
  // Fills one of `t`'s reserved completion slots; wakes it if it waits in ring_enter.
  void post_completion(Thread& t, uint32_t tag, abi::Error e, uint32_t r0, uint32_t r1);
  // Completions waiting in `t`'s ring that user code has not consumed.
  uint32_t completions_available(Thread& t);
  // A record for a batched call of `client`'s; nullptr once it holds kMaxAsyncPerProcess.
  AsyncCall* alloc_async(Pid client);
  void free_async(AsyncCall& a);
  uint8_t async_index(const AsyncCall& a) const { return static_cast<uint8_t>(&a - asyncs_); }
  AsyncCall& async(uint8_t i) { return asyncs_[i]; }
  // The received async call `handle` names, if a thread of `server_pid` may answer it.
  AsyncCall* find_async(Pid server_pid, uint32_t handle);
  // Answers an async call: its completion goes to the client's ring; the record is freed.
  void complete_async(AsyncCall& a, abi::Error e, uint32_t r0, uint32_t r1);
  // The handle a receiver gets for `m` (0 if it expects no answer from a thread).
  uint32_t handle_for(const Message& m) const {
    if (m.async != kNoAsync) return async_handle(m.async, asyncs_[m.async].generation);
    return 0;
  }

  // --- lending (records shared by the lend and copy paths) --------------------------------------
  // The lend record of thread `lender` (each thread has one: a lender waits for its answer).
  Lend* alloc_lend(Tid lender);
  Lend& lend(uint8_t i) { return lends_[i]; }
  uint8_t lend_index(const Lend& l) const { return static_cast<uint8_t>(&l - lends_); }
  // The active lend `handle` names whose borrower is `pid`, or nullptr.
  Lend* find_lend(Pid borrower, uint32_t handle);
  // Checks that [va, va + pages) are mapped, own RAM pages of `pid`, not lent or borrowed, all
  // with the same permissions (returned), readable, and writable if `need_write`.
  kstd::Result<uint32_t, abi::Error> check_lendable(Pid pid, uint32_t va, uint32_t pages,
                                                    bool need_write);
  // Wakes the lender of `l` (if it still waits) with `e` and the hints, and frees the record.
  void finish_lend(Lend& l, abi::Error e, uint32_t offset, uint32_t valid);
  // Ends a lend's mappings: the borrower's side goes (its own copies or adopted frames are
  // freed), and a live lender's access is restored.
  void unmap_lend(Lend& l);
  // Process death: settle every lend `pid` takes part in (DESIGN.md §2 "Death").
  void reclaim_lends(Pid pid);

  // --- interrupts (abi/irq.h) ----------------------------------------------------------------
  kstd::Result<void, abi::Error> claim_interrupt(Pid pid, uint32_t line, uint32_t handler,
                                                 uint32_t arg);
  kstd::Result<void, abi::Error> free_interrupt(Pid pid, uint32_t line);
  // The controller delivered `line` (claimed there): upcall its owner's handler, preempting the
  // current thread, or mask the line if nobody should see it now.
  void interrupt(uint32_t line);
  // The rv32 trap entry's fast route for the common case: if `line` has an owner ready to take
  // it, start the upcall now (the caller masks the hart's external interrupts, as
  // platform::irq_mask_all would) and return true; otherwise leave it all to interrupt().
  // `now` is the platform timer's low word.
  bool upcall_now(uint32_t line, uint32_t now) {
    if (line - 1u >= kMaxIrqLines - 1u) return false;  // line 0 wraps and fails too
    const IrqLine& l = irq_lines_[line];
    if (l.owner == 0 || active_irq_ != 0 || l.throttled) return false;
    irq_started_ = now;
    upcall_frame(line);
    return true;
  }
  // The running handler returned: the line is completed, its context idles, the interrupted
  // thread resumes (or whatever is most urgent).
  void interrupt_return();
  // The line whose handler is running (0: none). current() is then that handler's context.
  uint32_t active_irq() const { return active_irq_; }
  // Per timer tick: budgets start again and held interrupts are upcalled. True if the running
  // handler has overrun its time (its process must end).
  bool irq_tick();
  // The time each line's upcalls may use per tick (abi/irq.h), in platform timer ticks.
  void set_irq_budget(uint32_t ticks) { irq_budget_ = ticks; }
  const IrqLine& irq_line(uint32_t line) const { return irq_lines_[line]; }
  // Interrupts the controller delivered on a line nobody owned (each masked the line, and the
  // kernel log says which).
  uint32_t unrouted_irqs() const { return unrouted_irqs_; }
  // The lines process `pid` may claim (its boot record's irq_lines, abi/boot_archive.h).
  uint32_t irq_allowed(Pid pid) const { return irq_allowed_[pid]; }

  // --- the kernel log's reader (core/console.h, abi/log.h) -----------------------------------
  // Makes `pid`'s server `handle` the reader of the kernel log. AccessDenied unless that server
  // is registered under abi::kLogSid, or if another live server already reads it.
  kstd::Result<void, abi::Error> attach_log_reader(Pid pid, uint32_t handle);
  // At the end of a kernel entry: if the log holds unread bytes and its reader has not been
  // told yet, post it a kLogKernelNotice (a full queue is retried at the next entry). Costs a
  // flag test unless the log was written (klog::g_written).
  void notify_log_reader() {
    if (klog::g_written) [[unlikely]]
      post_log_notice();
  }
  void log_drained() { log_notice_pending_ = false; }

  // --- long calls: preemption points (core/preempt.h, core/preempt.cc) ----------------------
  // Before a call that may stop at a preemption point: if `t`'s continuation is this very call
  // (same origin and key, same number and arguments) it is left to resume; anything else in
  // progress is abandoned first.
  void split_begin(Thread& t, Origin origin, uint32_t key, uint32_t number, const uint32_t* args,
                   uint32_t nargs) {
    if (t.cont.op != Split::None) [[unlikely]]
      split_check(t, origin, key, number, args, nargs);
  }
  // After it, if it left its continuation open (it stopped, or blocked to be issued again):
  // the continuation names this call, for split_begin to know it again.
  void split_record(Thread& t, Origin origin, uint32_t key, uint32_t number, const uint32_t* args,
                    uint32_t nargs);
  // Undoes what `t`'s stopped call did, which nobody could observe: as if it was never made.
  // `dying`: `t`'s process is ending (its own space goes anyway; only what lies elsewhere is
  // undone).
  void abandon(Thread& t, bool dying = false);
  // A range a call builds in place (map_memory's pages, a lend's window: c.va, c.pages, built
  // up to c.done) is taken when the call first stops: what was built becomes pending again,
  // the rest is taken as pending entries with `flags`, and `frames` frames are reserved for it.
  // False, with nothing changed, if the tables or the frames cannot be had.
  bool take_range(AddressSpace& space, Continuation& c, uint32_t flags, uint32_t frames);
  // A lend in progress to `server`, which is dying: each one is abandoned (its lender will
  // find the server gone when it resumes).
  void abandon_lends_to(uint16_t server);
  // Gives back the pages of dying processes in bounded steps; with `preemptible`, stops when an
  // interrupt is pending (after one step at least) and goes on at the next kernel exit.
  void reap(bool preemptible = true);
  // Work the trap exit must do before resuming a thread: the machine stops, or a process is
  // being reaped. One byte, so the exit's common path tests it once.
  bool exit_work() const { return exit_work_ != 0; }
  bool reaping() const { return (exit_work_ & kExitReap) != 0; }  // a dying process to reap

  // --- checks --------------------------------------------------------------------------------
  // Recounts frame ownership against every page table and object table; panics on a mismatch.
  void check_invariants();
  FrameTable& frames() { return frames_; }

 private:
  friend struct KernelTestAccess;
  void check_dying(Pid pid, uint32_t owned, uint32_t owned_tables);  // invariants rule 10
  void enqueue_ready(Thread& t, bool front);
  void remove_ready(Thread& t);
  void remove_from_receivers(Thread& t);
  void wake_with(Thread& t, abi::Error e);
  kstd::Result<Pid, abi::Error> create_process(const abi::ArchiveProcess& p, const BootArchive& a);
  void release_frame(Pid pid, const Mapping& m);
  void kill_server(uint16_t s);
  void release_interrupts(Pid pid);
  // A free thread slot made into a fresh thread of `pid` in `state`; nullptr if none is free.
  Thread* new_thread(Pid pid, uint32_t priority, ThreadState state);
  void post_log_notice();
  // map_memory's steps (core/preempt.cc): finding room, taking the range, filling it.
  kstd::Result<uint32_t, abi::Error> map_search(Pid pid, Continuation& c, Budget& b);
  kstd::Result<uint32_t, abi::Error> map_start(Pid pid, uint32_t va, Continuation& c,
                                               Budget& b);
  kstd::Result<uint32_t, abi::Error> map_fill(Pid pid, Continuation& c, Budget& b);
  // unmap_memory's second step (core/preempt.cc): the checked range's pages given back.
  kstd::Result<void, abi::Error> unmap_release(Pid pid, Continuation& c, Budget& b);
  void split_check(Thread& t, Origin origin, uint32_t key, uint32_t number, const uint32_t* args,
                   uint32_t nargs);
  void upcall(uint32_t line);
  // Points the owner's interrupt context at the handler and makes it current; the interrupted
  // thread is set aside (Preempted), in no queue, and resumes first when the handler returns.
  void upcall_frame(uint32_t line) {
    const IrqLine& l = irq_lines_[line];
    Process& proc = processes_[l.owner];
    Thread& h = threads_[proc.irq_thread];
    if (current_ != nullptr) current_->state = ThreadState::Preempted;
    irq_preempted_ = current_;
    h.frame.pc = l.handler;
    h.frame.x[1] = abi::kIrqReturnAddress;
    h.frame.x[2] = abi::kIrqStackTop;
    h.frame.x[3] = proc.irq_gp;
    h.frame.x[4] = proc.irq_tp;
    h.frame.a(0) = line;
    h.frame.a(1) = l.arg;
    h.state = ThreadState::Running;
    current_ = &h;
    active_irq_ = line;
    irq_ticks_ = 0;
  }
  void end_upcall();
  void deliver_deferred();

  // Hot scalars first: they are read on every IPC fastpath, at small offsets.
  Tid ready_head_[abi::kPriorities] = {};
  Tid ready_tail_[abi::kPriorities] = {};
  Thread* current_ = nullptr;
  uint32_t ready_mask_ = 0;  // bit p set: run queue p is not empty
  uint32_t first_exit_code_ = 0;
  static constexpr uint8_t kExitHalt = 1, kExitReap = 2;
  uint8_t exit_work_ = 0;  // kExitHalt: the first process ended; kExitReap: a process is dying
  Process processes_[kMaxProcesses] = {};
  Thread threads_[kMaxThreads] = {};
  Server servers_[kMaxServers] = {};
  Lend lends_[kMaxLends] = {};
  AsyncCall asyncs_[kMaxAsync] = {};
  IrqLine irq_lines_[kMaxIrqLines] = {};
  // Per process, from its boot record: bit n, it may claim line n. Kept out of Process (read
  // only by claim_interrupt), so the hot tables above keep their size and offsets.
  uint32_t irq_allowed_[kMaxProcesses] = {};
  uint16_t log_server_ = kNone;  // the kernel log's reader, and its generation when attached
  uint16_t log_server_gen_ = 0;
  bool log_notice_pending_ = false;
  uint32_t active_irq_ = 0;  // the line whose handler runs now
  Thread* irq_preempted_ = nullptr;  // the thread the running upcall interrupted (Preempted)
  uint32_t irq_ticks_ = 0;   // timer ticks seen while it runs
  uint32_t irq_started_ = 0;  // when the kernel took it (platform timer, low word)
  uint32_t irq_budget_ = 50'000;  // per line per tick (set_irq_budget)
  uint32_t unrouted_irqs_ = 0;    // interrupts of lines nobody owned: masked (interrupt())
  kstd::ChaChaRng rng_;  // keyed by boot(); host tests seed it with seed_random()
  // SIDs the boot image reserved, and the process each belongs to (0: its owner is gone).
  struct ReservedSid {
    uint32_t sid[4];
    Pid owner;
  };
  static constexpr uint32_t kMaxReservedSids = abi::kArchiveMaxReservedSids;
  ReservedSid reserved_sids_[kMaxReservedSids] = {};
  uint32_t reserved_sid_count_ = 0;
  // MMIO claimed through map_physical: which process owns each claimed page.
  struct MmioClaim {
    uint32_t pfn;
    Pid pid;
  };
  static constexpr uint32_t kMaxMmio = (kMaxProcesses - 1) * abi::kMaxMmioPagesPerProcess;
  MmioClaim mmio_[kMaxMmio] = {};
  kstd::Span<const uint8_t> archive_{};  // the boot archive, if kept (keep_archive)
  Pid reaping_ = 0;          // the dying process reap() is giving back (0: none started)
  uint32_t reap_cursor_ = 0;  // where its address space's teardown goes on
  // Last: it is large, and the hot tables above then sit at small offsets from the object.
  FrameTable frames_{};

 public:
  // Set by the platform: physical ranges map_physical may hand out (device windows).
  struct MmioWindow {
    uint32_t base, size;
  };
  static constexpr uint32_t kMaxMmioWindows = 4;
  MmioWindow mmio_windows[kMaxMmioWindows] = {};
  uint32_t mmio_window_count = 0;
};

// Writes `m` into `t`'s registers as receive's answer: a0 = Ok, a1 = handle, a2 = id,
// a3 = kind, a4..a7 = the four words.
void deliver(Thread& t, const Message& m, uint32_t handle);

// Writes a syscall answer into a thread's registers (a0 = error, a1.. = results).
inline void set_result(Thread& t, abi::Error e, uint32_t r1 = 0, uint32_t r2 = 0) {
  t.frame.a(0) = static_cast<uint32_t>(e);
  t.frame.a(1) = r1;
  t.frame.a(2) = r2;
}

}  // namespace courier
