// syscalls.cc — the syscall table, generated from abi/syscalls.def, and what each entry does.
//
// Arguments are decoded from the caller's registers into SysArgs before any logic runs; each
// handler answers through set_result (or blocks the caller, to be answered later). A number
// outside the table answers NotSupported, as does a syscall whose IPC path this configuration
// leaves out. This file is the only one that knows which paths exist.
#include "courier/abi/syscall.h"
#include "courier/core/cause.h"
#include "courier/core/console.h"
#include "courier/core/platform.h"
#include "dispatch.h"
#include "copy.h"
#include "courier/abi/lend.h"
#include "lend.h"
#include "sync.h"

namespace courier::dispatch {

uint32_t g_ticks_per_us = 10;

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

void sys_null(Kernel&, Thread& t, const SysArgs&) { set_result(t, Error::Ok); }

void sys_debug_write(Kernel& k, Thread& t, const SysArgs& a) {
  constexpr uint32_t kMaxWrite = 4096;  // bounds the time one call can hold the kernel
  if (a.a[1] > kMaxWrite) return set_result(t, Error::InvalidArgument);
  auto ok = k.check_user_range(t.pid, a.a[0], a.a[1], false);
  if (ok.is_err()) return set_result(t, ok.error());
  char chunk[128];
  for (uint32_t done = 0; done < a.a[1];) {
    const uint32_t n = kstd::min<uint32_t>(sizeof chunk, a.a[1] - done);
    (void)k.copy_from_user(t.pid, chunk, a.a[0] + done, n);  // range checked above
    for (uint32_t i = 0; i < n; ++i) platform::console_putc(chunk[i]);
    done += n;
  }
  set_result(t, Error::Ok);
}

void sys_yield(Kernel& k, Thread& t, const SysArgs&) {
  set_result(t, Error::Ok);
  k.yield_current();
}

void sys_terminate_process(Kernel& k, Thread& t, const SysArgs& a) {
  const Pid pid = t.pid;
  announce_exit(k, pid, "exited with code", a.a[0]);
  k.destroy_process(pid, a.a[0]);
}

void sys_map_memory(Kernel& k, Thread& t, const SysArgs& a) {
  answer(t, k.map_memory(t.pid, a.a[0], a.a[1], a.a[2]));
}
void sys_unmap_memory(Kernel& k, Thread& t, const SysArgs& a) {
  answer(t, k.unmap_memory(t.pid, a.a[0], a.a[1]));
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
  if (!code || !(code->flags & kMemX) || (a.a[0] & 3)) return set_result(t, Error::BadAddress);
  if ((a.a[1] & 15) || k.check_user_range(t.pid, a.a[1] - 16, 16, true).is_err()) {
    return set_result(t, Error::BadAddress);
  }
  answer(t, k.create_thread(t.pid, a.a[0], a.a[1], a.a[2], a.a[3]));
}

void sys_exit_thread(Kernel& k, Thread& t, const SysArgs&) {
  if (k.process(t.pid).thread_count == 1) announce_exit(k, t.pid, "exited with code", 0);
  k.exit_current_thread();
}

void sys_wait_event(Kernel& k, Thread& t, const SysArgs& a) {
  Process& proc = k.process(t.pid);
  t.wake_at = a.a[0] ? platform::now() + uint64_t{a.a[0]} * g_ticks_per_us : 0;
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

void sys_destroy_server(Kernel& k, Thread& t, const SysArgs& a) { answer(t, k.destroy_server(t.pid, a.a[0])); }

void sys_connect(Kernel& k, Thread& t, const SysArgs& a) {
  auto r = k.connect(t.pid, a.a);
  if (r.is_err() && r.error() == Error::ServerNotFound) {
    for (int i = 0; i < 4; ++i) t.wait_sid[i] = a.a[i];
    return k.block_current(ThreadState::Connecting);  // retried when the server appears
  }
  answer(t, r);
}

void sys_try_connect(Kernel& k, Thread& t, const SysArgs& a) { answer(t, k.connect(t.pid, a.a)); }
void sys_disconnect(Kernel& k, Thread& t, const SysArgs& a) { answer(t, k.disconnect(t.pid, a.a[0])); }

sync::ScalarArgs scalar_args(const SysArgs& a) {
  return sync::ScalarArgs{a.a[0], a.a[1], {a.a[2], a.a[3], a.a[4], a.a[5]}};
}

void sys_send_scalar(Kernel& k, Thread&, const SysArgs& a) {
  sync::send_scalar(k, scalar_args(a), sync::WhenFull::Block);
}
void sys_try_send_scalar(Kernel& k, Thread&, const SysArgs& a) {
  sync::send_scalar(k, scalar_args(a), sync::WhenFull::Fail);
}
void sys_call_scalar(Kernel& k, Thread&, const SysArgs& a) { sync::call_scalar(k, scalar_args(a)); }
void sys_receive(Kernel& k, Thread&, const SysArgs& a) { sync::receive(k, a.a[0], true); }
void sys_try_receive(Kernel& k, Thread&, const SysArgs& a) { sync::receive(k, a.a[0], false); }
void sys_reply(Kernel& k, Thread&, const SysArgs& a) { sync::reply(k, a.a[0], a.a[1], a.a[2]); }
void sys_reply_and_receive_next(Kernel& k, Thread&, const SysArgs& a) {
  sync::reply_and_receive(k, a.a[0], a.a[1], a.a[2], a.a[3]);
}

void sys_lend_memory(Kernel& k, Thread&, const SysArgs& a) {
  const lend::Args args{a.a[0], a.a[1], a.a[2] & abi::kLendKindMask, a.a[3], a.a[4], a.a[5], a.a[6]};
  if (a.a[2] & ~(abi::kLendKindMask | abi::kLendByCopy)) return set_result(*k.current(), Error::InvalidArgument);
  if (a.a[2] & abi::kLendByCopy) return copy::send(k, args);
  lend::send(k, args);
}

void sys_return_memory(Kernel& k, Thread& t, const SysArgs& a) {
  Lend* l = k.find_lend(t.pid, a.a[0]);
  if (l == nullptr) return set_result(t, Error::InvalidHandle);  // not lent, or already returned
  if (a.a[1] > l->pages * kstd::kPageSize || a.a[2] > l->pages * kstd::kPageSize - a.a[1]) {
    return set_result(t, Error::InvalidArgument);
  }
  if (l->copy) {
    copy::return_memory(k, *l, a.a[1], a.a[2]);
  } else {
    lend::return_memory(k, *l, a.a[1], a.a[2]);
  }
  set_result(t, Error::Ok);
}

void sys_process_info(Kernel& k, Thread& t, const SysArgs&) {
  set_result(t, Error::Ok, t.pid, k.tid_of(t));
  t.frame.a(3) = k.frames().free_count();
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

}  // namespace

void syscall(Kernel& k) {
  Thread& t = *k.current();
  const uint32_t number = t.frame.a(7);
  if (number >= abi::kSyscallCount) return set_result(t, Error::NotSupported);
  // Handlers may overwrite a0..a7 with results; each reads all its arguments first.
  kTable[number](k, t, SysArgs{&t.frame.x[10]});
}

void user_fault(Kernel& k, uint32_t cause, uint32_t pc, uint32_t tval) {
  Thread& t = *k.current();
  const Pid pid = t.pid;
  kprintf("[kernel] process %u (%s) killed: %s at pc %08x, tval %08x\n", pid, k.process(pid).name,
          cause_name(cause), pc, tval);
  k.destroy_process(pid, killed_exit_code(cause));
}

void timer(Kernel& k, uint64_t now) { k.tick(now); }

}  // namespace courier::dispatch
