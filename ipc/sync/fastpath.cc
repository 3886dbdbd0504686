// fastpath.cc — the fastpath's entry for callers that have not decoded the syscall number
// (the host tests), and the out-of-line plain receive; the rv32 trap entry calls the two
// inline halves in fastpath.h directly, and fast_receive when the reply half declines.
#include "fastpath.h"

namespace courier::sync {

bool fast_receive(Kernel& k, Thread& caller) {
  arch::TrapFrame& f = caller.frame;
  if (COURIER_UNLIKELY(caller.handler || f.a(1) != 0)) return false;  // a handler may not block
  const uint32_t handle = f.a(0);
  Server* s = k.owned_server(caller.pid, handle);
  if (COURIER_UNLIKELY(s == nullptr || s->count != 0 || !k.any_ready())) return false;
  caller.next = s->receivers;
  s->receivers = k.tid_of(caller);
  caller.wait_server = static_cast<uint16_t>(handle - 1);
  k.block_current(ThreadState::Receiving);
  return true;
}

bool fastpath(Kernel& k) {
  Thread& caller = *k.current();
  const uint32_t number = caller.frame.a(7);
  if (number == static_cast<uint32_t>(Syscall::call_scalar)) return fast_call(k, caller);
  if (number == static_cast<uint32_t>(Syscall::reply_and_receive_next))
    return fast_reply_recv(k, caller) || fast_receive(k, caller);
  return false;
}

}  // namespace courier::sync
