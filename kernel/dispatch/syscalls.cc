// syscalls.cc — the syscall table, generated from abi/syscalls.def, and what each entry does.
//
// Arguments are decoded from the caller's registers into SysArgs before any logic runs; each
// handler answers through set_result (or blocks the caller, to be answered later). A number
// outside the table answers NotSupported, as does a syscall whose IPC path this configuration
// leaves out. This file is the only one that knows which paths exist.
#include "batch.h"
#include "copy.h"
#include "courier/abi/irq.h"
#include "courier/abi/lend.h"
#include "courier/abi/syscall.h"
#include "courier/core/cause.h"
#include "courier/core/console.h"
#include "courier/core/platform.h"
#include "dispatch.h"
#include "lend.h"
#include "lend_fastpath.h"
#include "sync.h"

namespace courier::dispatch {

constinit uint32_t g_ticks_per_ms = 10'000;
#if !defined(__riscv)
bool g_memory_fastpath = true;
#endif

// The IPC paths this configuration compiles in (kernel/CMakeLists.txt sets them from
// COURIER_CONFIG). A path left out answers NotSupported, and the linker drops its code.
constexpr bool kLendPath = COURIER_PATH_LEND;
constexpr bool kCopyPath = COURIER_PATH_COPY;
constexpr bool kBatchPath = COURIER_PATH_BATCH;

namespace {

using abi::Error;

// The caller's argument registers, read in place (a0..a6).
struct SysArgs {
  const uint32_t* a;
};

template <class T>
void answer(Thread& t, const kstd::Result<T, Error>& r) {
  if (r.is_err()) return set_result(t, r.error());
  set_result(t, Error::Ok, static_cast<uint32_t>(r.value()));
}
void answer(Thread& t, const kstd::Result<void, Error>& r) {
  set_result(t, r.is_ok() ? Error::Ok : r.error());
}

void announce_exit(Kernel& k, Pid pid, const char* how, uint32_t code) {
  kprintf("[kernel] process %u (%s) %s %u\n", pid, k.process(pid).name, how, code);
}

// A scalar message from `t` with id a[1] and words a[2..5] (a batched send or call).
Message scalar_message(abi::MessageKind kind, const Thread& t, const uint32_t* a) {
  Message m{};
  m.kind = kind;
  m.id = a[1];
  for (int i = 0; i < 4; ++i) m.w[i] = a[2 + i];
  m.sender_pid = t.pid;
  m.sender_tid = t.tid;
  return m;
}

// return_memory by `t` (trapping or batched): which path settles it is the lend's business. A
// MutableBorrow by copy may stop at a preemption point in its copy back (kPreempted).
__attribute__((always_inline)) inline Error return_lend(Kernel& k, Thread& t, uint32_t msg,
                                                        uint32_t offset, uint32_t valid,
                                                        Budget& budget) {
  Lend* l = k.find_lend(t.pid, msg);
  Error e = Error::Ok;
  if (l == nullptr) {
    e = Error::InvalidHandle;  // not lent, or already returned
  } else if (offset > l->pages * kstd::kPageSize || valid > l->pages * kstd::kPageSize - offset) {
    e = Error::InvalidArgument;
  }
  if (e != Error::Ok) {
    if (t.cont.op == Split::ReturnMemory) k.abandon(t);  // its lend ended meanwhile
    return e;
  }
  if (l->copy) {
    if constexpr (kCopyPath) {
      if (copy::return_memory(k, *l, offset, valid, t.cont, budget)) return kPreempted;
    }
  } else {
    if constexpr (kLendPath) lend::return_memory(k, *l, offset, valid);
  }
  return Error::Ok;
}

// Answers a batched call (an async handle) from server process `pid`.
Error answer_async(Kernel& k, Pid pid, uint32_t msg, uint32_t r0, uint32_t r1) {
  AsyncCall* a = k.find_async(pid, msg);
  if (a == nullptr) return Error::InvalidHandle;
  k.complete_async(*a, Error::Ok, r0, r1);
  return Error::Ok;
}

// A call that stopped at a preemption point (core/preempt.h): its thread's pc goes back to the
// ecall, every register as the thread left it, so the thread issues the very same call again
// once the pending interrupt has been taken; the call then resumes from its continuation.
inline bool stopped(abi::Error e) { return e == kPreempted; }
template <class T>
inline bool stopped(const kstd::Result<T, Error>& r) {
  return r.is_err() && stopped(r.error());
}
constexpr uint32_t number_of(abi::Syscall s) { return static_cast<uint32_t>(s); }
// A trapping call that leaves its continuation open (it stopped, or blocked to be issued
// again): the continuation names it by the pc after its ecall and a0..a6.
inline void record(Kernel& k, Thread& t, abi::Syscall s) {
  k.split_record(t, Origin::Trap, t.frame.pc, number_of(s), &t.frame.x[10], 7);
}
inline void park(Kernel& k, Thread& t, abi::Syscall s) {
  record(k, t, s);
  t.frame.pc -= 4;
}

// A call that may block, made by an interrupt handler: refused at once (abi/irq.h). Checked
// in the handlers of such calls only, so the others pay nothing for it.
inline bool refused_in_handler(Thread& t) {
  if (!t.handler) [[likely]]
    return false;
  set_result(t, abi::kErrorInHandler);
  return true;
}

void sys_null(Kernel&, Thread& t, const SysArgs&) { set_result(t, Error::Ok); }

// The bytes go into the kernel log as the caller's own lines, marked with its pid and with
// control bytes shown escaped (ProcessText, abi/log.h): nothing a process writes can read as
// a line of the kernel's, nor continue one, nor be continued by one.
void sys_debug_write(Kernel& k, Thread& t, const SysArgs& a) {
  constexpr uint32_t kMaxWrite = 4096;  // bounds the time one call can hold the kernel
  if (a.a[1] > kMaxWrite) return set_result(t, Error::InvalidArgument);
  auto ok = k.check_user_range(t.pid, a.a[0], a.a[1], false);
  if (ok.is_err()) return set_result(t, ok.error());
  ProcessText text(t.pid);
  char chunk[128];
  for (uint32_t done = 0; done < a.a[1];) {
    const uint32_t n = kstd::min<uint32_t>(sizeof chunk, a.a[1] - done);
    (void)k.copy_from_user(t.pid, chunk, a.a[0] + done, n);  // range checked above
    text.put(chunk, n);
    done += n;
  }
  text.finish();  // a write that did not end its line: the end of the call does
  set_result(t, Error::Ok);
}

void sys_yield(Kernel& k, Thread& t, const SysArgs&) {
  if (refused_in_handler(t)) return;
  set_result(t, Error::Ok);
  k.yield_current();
}

void sys_terminate_process(Kernel& k, Thread& t, const SysArgs& a) {
  const Pid pid = t.pid;
  announce_exit(k, pid, "exited with code", a.a[0]);
  k.destroy_process(pid, a.a[0]);
}

void sys_map_memory(Kernel& k, Thread& t, const SysArgs& a) {
  k.split_begin(t, Origin::Trap, t.frame.pc, number_of(abi::Syscall::map_memory), a.a, 7);
  Budget budget(true);
  const auto r = k.map_memory(t.pid, a.a[0], a.a[1], a.a[2], &t.cont, &budget);
  if (stopped(r)) return park(k, t, abi::Syscall::map_memory);
  answer(t, r);
}
void sys_unmap_memory(Kernel& k, Thread& t, const SysArgs& a) {
  k.split_begin(t, Origin::Trap, t.frame.pc, number_of(abi::Syscall::unmap_memory), a.a, 7);
  Budget budget(true);
  const auto r = k.unmap_memory(t.pid, a.a[0], a.a[1], &t.cont, &budget);
  if (stopped(r)) return park(k, t, abi::Syscall::unmap_memory);
  answer(t, r);
}
void sys_update_memory_flags(Kernel& k, Thread& t, const SysArgs& a) {
  answer(t, k.update_memory_flags(t.pid, a.a[0], a.a[1], a.a[2]));
}
void sys_map_physical(Kernel& k, Thread& t, const SysArgs& a) {
  answer(t, k.map_physical(t.pid, a.a[0], a.a[1], a.a[2], a.a[3]));
}

void sys_create_thread(Kernel& k, Thread& t, const SysArgs& a) {
  // The entry must be executable user memory and the stack writable: checked now, so a bad
  // thread fails here with an error instead of faulting later.
  const auto code = k.process(t.pid).space.lookup(kstd::VirtAddr(a.a[0]));
  if (!code || !(code->flags & kMemX) || (a.a[0] & (abi::kInstructionAlign - 1))) {
    return set_result(t, Error::BadAddress);
  }
  if ((a.a[1] & 15) || k.check_user_range(t.pid, a.a[1] - 16, 16, true).is_err()) {
    return set_result(t, Error::BadAddress);
  }
  answer(t, k.create_thread(t.pid, a.a[0], a.a[1], a.a[2], a.a[3]));
}

void sys_exit_thread(Kernel& k, Thread& t, const SysArgs&) {
  if (refused_in_handler(t)) return;
  if (k.process(t.pid).thread_count == 1) announce_exit(k, t.pid, "exited with code", 0);
  k.exit_current_thread();
}

// A timeout in timer ticks, rounded up: a nonzero timeout never becomes 0 (no timeout at all),
// also where a tick is a millisecond (the Precursor's TICKTIMER). Exact, without a division,
// where a microsecond is a whole number of ticks (10 on QEMU virt and the sim SoC).
uint64_t us_to_ticks(uint32_t us) {
  if (g_ticks_per_ms % 1000 == 0) return uint64_t{us} * (g_ticks_per_ms / 1000);
  return (uint64_t{us} * g_ticks_per_ms + 999) / 1000;
}

void sys_wait_event(Kernel& k, Thread& t, const SysArgs& a) {
  if (refused_in_handler(t)) return;
  Process& proc = k.process(t.pid);
  t.wake_at = a.a[0] ? platform::now() + us_to_ticks(a.a[0]) : 0;
  ++proc.waiting_threads;
  k.block_current(ThreadState::Waiting);
}

void sys_create_server(Kernel& k, Thread& t, const SysArgs& a) {
  auto r = k.create_server(t.pid, a.a);
  if (r.is_err()) return set_result(t, r.error());
  const Server& s = k.server(r.value());
  set_result(t, Error::Ok, r.value() + 1u, s.sid[0]);
  t.frame.a(3) = s.sid[1];
  t.frame.a(4) = s.sid[2];
  t.frame.a(5) = s.sid[3];
}

void sys_destroy_server(Kernel& k, Thread& t, const SysArgs& a) {
  answer(t, k.destroy_server(t.pid, a.a[0]));
}

void sys_connect(Kernel& k, Thread& t, const SysArgs& a) {
  if (refused_in_handler(t)) return;
  auto r = k.connect(t.pid, a.a);
  if (r.is_err() && r.error() == Error::ServerNotFound) {
    for (int i = 0; i < 4; ++i) t.wait_sid[i] = a.a[i];
    return k.block_current(ThreadState::Connecting);  // retried when the server appears
  }
  answer(t, r);
}

void sys_try_connect(Kernel& k, Thread& t, const SysArgs& a) { answer(t, k.connect(t.pid, a.a)); }
void sys_disconnect(Kernel& k, Thread& t, const SysArgs& a) {
  answer(t, k.disconnect(t.pid, a.a[0]));
}

sync::ScalarArgs scalar_args(const SysArgs& a) {
  return sync::ScalarArgs{a.a[0], a.a[1], {a.a[2], a.a[3], a.a[4], a.a[5]}};
}

void sys_send_scalar(Kernel& k, Thread& t, const SysArgs& a) {
  if (refused_in_handler(t)) return;
  sync::send_scalar(k, scalar_args(a), sync::WhenFull::Block);
}
void sys_try_send_scalar(Kernel& k, Thread&, const SysArgs& a) {
  sync::send_scalar(k, scalar_args(a), sync::WhenFull::Fail);
}
void sys_call_scalar(Kernel& k, Thread& t, const SysArgs& a) {
  if (refused_in_handler(t)) return;
  sync::call_scalar(k, scalar_args(a));
}
void sys_receive(Kernel& k, Thread& t, const SysArgs& a) {
  if (refused_in_handler(t)) return;
  sync::receive(k, a.a[0], true);
}
void sys_try_receive(Kernel& k, Thread&, const SysArgs& a) { sync::receive(k, a.a[0], false); }
void sys_reply(Kernel& k, Thread& t, const SysArgs& a) {
  if (a.a[0] & kAsyncHandleBit)
    return set_result(t, answer_async(k, t.pid, a.a[0], a.a[1], a.a[2]));
  sync::reply(k, a.a[0], a.a[1], a.a[2]);
}
void sys_reply_and_receive_next(Kernel& k, Thread& t, const SysArgs& a) {
  if (refused_in_handler(t)) return;
  if (a.a[1] & kAsyncHandleBit) {
    // Answer the batched call, then receive as usual (the caller is not waiting to run).
    if (k.owned_server(t.pid, a.a[0]) == nullptr) return set_result(t, Error::InvalidHandle);
    (void)answer_async(k, t.pid, a.a[1], a.a[2], a.a[3]);  // a vanished caller: reply dropped
    return sync::receive(k, a.a[0], true);
  }
  sync::reply_and_receive(k, a.a[0], a.a[1], a.a[2], a.a[3]);
}

void sys_lend_memory(Kernel& k, Thread& t, const SysArgs& a) {
  if constexpr (kLendPath) {
    if (g_memory_fastpath && lend::fast_lend(k, t)) [[likely]]
      return;
  }
  if (refused_in_handler(t)) return;
  const lend::Args args{a.a[0], a.a[1], a.a[2] & abi::kLendKindMask, a.a[3], a.a[4],
                        a.a[5], a.a[6]};
  if (a.a[2] & ~(abi::kLendKindMask | abi::kLendByCopy))
    return set_result(*k.current(), Error::InvalidArgument);
  const bool by_copy = (a.a[2] & abi::kLendByCopy) != 0;
  if (by_copy ? !kCopyPath : !kLendPath) return set_result(*k.current(), Error::NotSupported);
  k.split_begin(t, Origin::Trap, t.frame.pc, number_of(abi::Syscall::lend_memory), a.a, 7);
  bool stopped_here = false;
  if (by_copy) {
    if constexpr (kCopyPath) stopped_here = copy::send(k, args);
  } else {
    if constexpr (kLendPath) stopped_here = lend::send(k, args);
  }
  if (stopped_here) return park(k, t, abi::Syscall::lend_memory);  // it is still current
  // Blocked on a full queue with its pages waiting (lend::post_pages): issued again later.
  if (t.cont.op != Split::None) [[unlikely]]
    record(k, t, abi::Syscall::lend_memory);
}

void sys_return_memory(Kernel& k, Thread& t, const SysArgs& a) {
  if constexpr (kLendPath) {
    if (g_memory_fastpath && lend::fast_return(k, t)) [[likely]]
      return;
  }
  k.split_begin(t, Origin::Trap, t.frame.pc, number_of(abi::Syscall::return_memory), a.a, 7);
  Budget budget(true);
  const Error e = return_lend(k, t, a.a[0], a.a[1], a.a[2], budget);
  if (stopped(e)) return park(k, t, abi::Syscall::return_memory);
  set_result(t, e);
}

// --- batch: what a ring entry does --------------------------------------------------------
//
// Each entry behaves like the trapping syscall of the same number, except that nothing
// blocks: a send to a full queue completes with QueueFull. The thread that owns the ring need
// not be the one running (rings are also drained when the hart would otherwise idle), so
// every entry acts for `t` explicitly.
inline batch::Outcome run_entry(Kernel& k, Thread& t, uint32_t number, uint32_t tag,
                                const volatile uint32_t* args, uint32_t index, Budget& budget,
                                batch::Completion* out) {
  using batch::Outcome;
  // An entry stopped at a preemption point resumes only as the same entry at the same index
  // (split_begin compares its arguments); anything else there abandons it.
  if (t.cont.op != Split::None && (t.cont.key != index || t.cont.number != number)) [[unlikely]]
    k.abandon(t);
  // Each case copies the arguments it uses out of user memory once, first.
  uint32_t a[6];
  auto take = [&](uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) a[i] = args[i];
  };
  auto status = [&](const kstd::Result<void, Error>& r) {
    out->error = r.is_ok() ? Error::Ok : r.error();
  };
  if (number == static_cast<uint32_t>(abi::Syscall::null)) return Outcome::Done;  // the common test
  switch (static_cast<abi::Syscall>(number)) {
    case abi::Syscall::send_scalar:
    case abi::Syscall::try_send_scalar: {
      take(6);
      auto target = k.resolve(t.pid, a[0]);
      if (target.is_err()) {
        out->error = target.error();
        return Outcome::Done;
      }
      if (!k.queue_has_room(target.value())) {
        if (number == static_cast<uint32_t>(abi::Syscall::try_send_scalar)) {
          out->error = Error::QueueFull;
          return Outcome::Done;
        }
        out->r[0] = target.value();  // a send waits, in order, for room in the queue
        return Outcome::Retry;
      }
      k.post(target.value(), scalar_message(abi::MessageKind::Scalar, t, a));
      return Outcome::Done;
    }
    case abi::Syscall::call_scalar: {
      // A BlockingScalar that does not block: the reply arrives later as a completion.
      take(6);
      auto target = k.resolve(t.pid, a[0]);
      if (target.is_err()) {
        out->error = target.error();
        return Outcome::Done;
      }
      if (!k.queue_has_room(target.value())) {
        out->r[0] = target.value();
        return Outcome::Retry;
      }
      AsyncCall* call = k.alloc_async(t.pid);
      if (call == nullptr) {
        out->error = Error::LimitReached;
        return Outcome::Done;
      }
      call->client = t.tid;
      call->server = target.value();
      call->tag = tag;
      Message m = scalar_message(abi::MessageKind::BlockingScalar, t, a);
      m.async = k.async_index(*call);
      k.post(target.value(), m);
      return Outcome::Pending;
    }
    case abi::Syscall::map_memory: {
      take(3);
      k.split_begin(t, Origin::Ring, index, number, a, 3);
      auto r = k.map_memory(t.pid, a[0], a[1], a[2], &t.cont, &budget);
      if (stopped(r)) {  // the entry stays in the ring; the drain stops here
        k.split_record(t, Origin::Ring, index, number, a, 3);
        return Outcome::Preempted;
      }
      out->error = r.is_ok() ? Error::Ok : r.error();
      out->r[0] = r.value_or(0);
      return Outcome::Done;
    }
    case abi::Syscall::unmap_memory: {
      take(2);
      k.split_begin(t, Origin::Ring, index, number, a, 2);
      const auto r = k.unmap_memory(t.pid, a[0], a[1], &t.cont, &budget);
      if (stopped(r)) {
        k.split_record(t, Origin::Ring, index, number, a, 2);
        return Outcome::Preempted;
      }
      status(r);
      return Outcome::Done;
    }
    case abi::Syscall::update_memory_flags:
      take(3);
      status(k.update_memory_flags(t.pid, a[0], a[1], a[2]));
      return Outcome::Done;
    case abi::Syscall::reply: {
      take(3);
      if (a[0] & kAsyncHandleBit) {
        out->error = answer_async(k, t.pid, a[0], a[1], a[2]);
        return Outcome::Done;
      }
      Thread* client = sync::reply_target(k, t.pid, a[0]);
      if (client == nullptr) {
        out->error = Error::InvalidHandle;
        return Outcome::Done;
      }
      set_result(*client, Error::Ok, a[1], a[2]);
      client->wait_server = kNone;
      k.make_ready(*client);
      return Outcome::Done;
    }
    case abi::Syscall::return_memory: {
      take(3);
      k.split_begin(t, Origin::Ring, index, number, a, 3);
      const Error e = return_lend(k, t, a[0], a[1], a[2], budget);
      if (stopped(e)) {
        k.split_record(t, Origin::Ring, index, number, a, 3);
        return Outcome::Preempted;
      }
      out->error = e;
      return Outcome::Done;
    }
    default: out->error = Error::NotSupported; return Outcome::Done;
  }
}

// The executor as a type of its own, so drain<> compiles run_entry into its loop.
struct RunEntry {
  batch::Outcome operator()(Kernel& k, Thread& t, uint32_t number, uint32_t tag,
                            const volatile uint32_t* args, uint32_t index, Budget& budget,
                            batch::Completion* out) const {
    return run_entry(k, t, number, tag, args, index, budget, out);
  }
};

// A drain that nobody waits for (FlexSC: at another trap, or idle). None while an interrupt is
// pending, or while the thread has a trapping call stopped at a preemption point to issue
// again; it stops at the next preemption point (the entries left wait for the next drain).
void drain_opportunistically(Kernel& k, Thread& t) {
  if (t.cont.op != Split::None && t.cont.origin == Origin::Trap) return;
  if (platform::irq_pending()) return;
  Budget budget(true);
  (void)batch::drain(k, t, RunEntry{}, budget);
}

void sys_ring_setup(Kernel& k, Thread& t, const SysArgs& a) {
  if (refused_in_handler(t)) return;
  if constexpr (!kBatchPath) return set_result(t, Error::NotSupported);
  set_result(t, batch::setup(k, t, a.a[0]));
}

void sys_ring_enter(Kernel& k, Thread& t, const SysArgs& a) {
  if (refused_in_handler(t)) return;
  if constexpr (!kBatchPath) return set_result(t, Error::NotSupported);
  const uint32_t want = a.a[0];
  Continuation& c = t.cont;
  // A trapping call left stopped is abandoned; a ring entry left stopped resumes in the drain.
  if (c.op != Split::None && c.origin == Origin::Trap) k.abandon(t);
  // What this very call consumed before it was stopped or blocked (same pc, same a0).
  uint32_t before = 0;
  if (c.enter_key != 0 && c.enter_key == t.frame.pc && c.enter_want == want)
    before = c.enter_consumed;
  c.enter_key = 0;
  Budget budget(true);
  auto r = batch::drain(k, t, RunEntry{}, budget);
  const uint32_t consumed = before + (r.is_ok() ? r.value() : r.error().consumed);
  if (r.is_err()) {
    const batch::Stopped s = r.error();
    const bool again = stopped(s.error) || (s.error == Error::WouldBlock && want != 0);
    if (again) {  // issued again (after the interrupt, or when the queue has room): counts on
      c.enter_key = t.frame.pc;
      c.enter_want = want;
      c.enter_consumed = consumed;
    }
    if (stopped(s.error)) {
      t.frame.pc -= 4;  // issued again once the interrupt is taken; its count is kept above
      return;
    }
    if (s.error == Error::WouldBlock && want != 0) {
      return k.block_on_full_queue(s.server);  // ring_enter runs again when there is room
    }
    if (s.error != Error::WouldBlock) return set_result(t, s.error, consumed);
  }
  set_result(t, Error::Ok, consumed);
  if (want != 0 && k.completions_available(t) < want && t.ring_reserved != 0) {
    k.block_current(ThreadState::RingWait);  // woken when a pending entry completes
  }
}

void sys_claim_interrupt(Kernel& k, Thread& t, const SysArgs& a) {
  answer(t, k.claim_interrupt(t.pid, a.a[0], a.a[1], a.a[2]));
}
void sys_free_interrupt(Kernel& k, Thread& t, const SysArgs& a) {
  answer(t, k.free_interrupt(t.pid, a.a[0]));
}

void sys_kernel_log(Kernel& k, Thread& t, const SysArgs& a) {
  auto attached = k.attach_log_reader(t.pid, a.a[0]);
  if (attached.is_err()) return set_result(t, attached.error());
  auto ok = k.check_user_range(t.pid, a.a[1], a.a[2], true);
  if (ok.is_err()) return set_result(t, ok.error());
  char chunk[128];
  uint32_t done = 0, lost = 0, lost_now = 0;
  while (done < a.a[2] && klog::unread() != 0) {
    const uint32_t n = klog::read(chunk, kstd::min<uint32_t>(sizeof chunk, a.a[2] - done),
                                  &lost_now);
    lost += lost_now;
    (void)k.copy_to_user(t.pid, a.a[1] + done, chunk, n);  // range checked above
    done += n;
  }
  if (klog::unread() == 0) k.log_drained();
  set_result(t, Error::Ok, done, lost);
}

// Init (pid 1) starts a boot archive process again (core/spawn.cc).
void sys_spawn(Kernel& k, Thread& t, const SysArgs& a) {
  answer(t, k.spawn(t.pid, a.a[0], a.a[1]));
}

void sys_process_info(Kernel& k, Thread& t, const SysArgs&) {
  set_result(t, Error::Ok, t.pid, k.tid_of(t));
  t.frame.a(3) = k.frames().free_count();
}

// The kernel clock for user code that cannot read a counter (the Precursor has no time CSR).
void sys_time(Kernel&, Thread& t, const SysArgs&) {
  const uint64_t now = platform::now();
  set_result(t, Error::Ok, static_cast<uint32_t>(now), static_cast<uint32_t>(now >> 32));
  t.frame.a(3) = g_ticks_per_ms;
}

// What a process holds against its limits (abi/limits.h): its own, or (init only) any pid's.
void sys_usage(Kernel& k, Thread& t, const SysArgs& a) {
  const Pid pid = a.a[0] == 0 ? t.pid : a.a[0] >= kMaxProcesses ? 0 : static_cast<Pid>(a.a[0]);
  if (a.a[0] != 0 && a.a[0] != t.pid && t.pid != 1) return set_result(t, Error::AccessDenied);
  if (a.a[0] >= kMaxProcesses) return set_result(t, Error::InvalidHandle);
  const Kernel::Usage u = k.usage(pid);
  set_result(t, Error::Ok, u.pages, u.threads);
  t.frame.a(3) = u.servers;
  t.frame.a(4) = u.connections;
  t.frame.a(5) = u.lends;
  t.frame.a(6) = u.asyncs;
  t.frame.a(7) = u.borrowed;
}

using Handler = void (*)(Kernel&, Thread&, const SysArgs&);

// Indexed by syscall number: the .def list must be dense and in order, which is checked below.
constexpr Handler kTable[] = {
#define COURIER_SYSCALL(num, name, summary) sys_##name,
#include "courier/abi/syscalls.def"
#undef COURIER_SYSCALL
};
constexpr uint32_t kNumbers[] = {
#define COURIER_SYSCALL(num, name, summary) num,
#include "courier/abi/syscalls.def"
#undef COURIER_SYSCALL
};
constexpr bool numbers_dense() {
  for (uint32_t i = 0; i < abi::kSyscallCount; ++i) {
    if (kNumbers[i] != i) return false;
  }
  return true;
}
static_assert(numbers_dense(), "syscalls.def must list numbers 0, 1, 2, ... in order");

// Out of line, so the common syscall path keeps its small frame.
__attribute__((noinline)) void drain_after_syscall(Kernel& k, Thread& t, uint32_t number) {
  if constexpr (kBatchPath) {
    if (number != static_cast<uint32_t>(abi::Syscall::ring_enter) && k.current() == &t) {
      drain_opportunistically(k, t);
    }
  }
}

}  // namespace

void syscall(Kernel& k) {
  Thread& t = *k.current();
  const uint32_t number = t.frame.a(7);
  if (number >= abi::kSyscallCount) return set_result(t, Error::NotSupported);
  // Handlers may overwrite a0..a7 with results; each reads all its arguments first.
  kTable[number](k, t, SysArgs{&t.frame.x[10]});
  // FlexSC: any trap of a thread with a ring also drains it (ring_enter already did).
  if (t.ring_va != 0) [[unlikely]]
    drain_after_syscall(k, t, number);
  k.notify_log_reader();
}

void drain_rings(Kernel& k) {
  if constexpr (!kBatchPath) return;
  for (Tid i = 0; i < kMaxThreads; ++i) {
    Thread& t = k.thread(i);
    if (t.state != ThreadState::Free && t.ring_va != 0) drain_opportunistically(k, t);
  }
}

void user_fault(Kernel& k, uint32_t cause, uint32_t pc, uint32_t tval) {
  Thread& t = *k.current();
  const Pid pid = t.pid;
  // A handler returning: its fetch from kIrqReturnAddress (abi/irq.h).
  if (t.handler && pc == abi::kIrqReturnAddress &&
      (cause == static_cast<uint32_t>(Cause::InstrPageFault) ||
       cause == static_cast<uint32_t>(Cause::InstrAccessFault))) {
    k.interrupt_return();
    return k.notify_log_reader();
  }
  // Misaligned loads and stores are finished here, as QEMU performs them (misaligned.cc).
  if (cause == static_cast<uint32_t>(Cause::LoadMisaligned) ||
      cause == static_cast<uint32_t>(Cause::StoreMisaligned)) {
    const MisalignedResult r = emulate_misaligned(k, cause, tval);
    if (r.done) return;
    cause = r.cause;
    tval = r.tval;
  }
  kprintf("[kernel] process %u (%s) killed: %s%s at pc %08x, tval %08x\n", pid,
          k.process(pid).name, t.handler ? "interrupt handler: " : "", cause_name(cause), pc,
          tval);
  k.destroy_process(pid, killed_exit_code(cause));
  k.notify_log_reader();
}

void timer(Kernel& k, uint64_t now) {
  if constexpr (kBatchPath) {
    if (Thread* t = k.current(); t != nullptr && t->ring_va != 0) drain_opportunistically(k, *t);
  }
  if (k.irq_tick()) {
    const Pid pid = k.current()->pid;
    kprintf("[kernel] process %u (%s) killed: interrupt handler of line %u overran its budget\n",
            pid, k.process(pid).name, k.active_irq());
    k.destroy_process(pid, killed_exit_code(static_cast<uint32_t>(Irq::STimer) | kCauseInterrupt));
  }
  k.tick(now);
  k.notify_log_reader();
}

void external_interrupt(Kernel& k) {
  // One line per entry: if more are pending, the hart traps again at once (or the idle loop
  // comes back), after the handler this one starts has returned.
  const uint32_t line = platform::irq_claim();
  if (line != 0) k.interrupt(line);
}

}  // namespace courier::dispatch
