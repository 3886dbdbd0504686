// fastpath.cc — the fastpath's entry for callers that have not decoded the syscall number
// (the host tests); the rv32 trap entry calls the two halves in fastpath.h directly.
#include "fastpath.h"

namespace courier::sync {

bool fastpath(Kernel& k) {
  Thread& caller = *k.current();
  const uint32_t number = caller.frame.a(7);
  if (number == static_cast<uint32_t>(Syscall::call_scalar)) return fast_call(k, caller);
  if (number == static_cast<uint32_t>(Syscall::reply_and_receive_next))
    return fast_reply_recv(k, caller);
  return false;
}

}  // namespace courier::sync
