// syscalls.cc — the syscall table, generated from abi/syscalls.def.
//
// Arguments are decoded from the frame into SysArgs before any logic runs; each handler returns
// its SysRet, which is written back into a0..a4. A number outside the table answers
// NotSupported, as does a syscall whose IPC path this configuration leaves out.
#include "courier/abi/syscall.h"
#include "dispatch.h"
#include "process0.h"

namespace courier::dispatch {
namespace {

using abi::Error;
using abi::SysRet;

struct SysArgs {
  uint32_t a[6];
};

SysRet ok() { return SysRet{Error::Ok, {0, 0, 0, 0}}; }
SysRet fail(Error e) { return SysRet{e, {0, 0, 0, 0}}; }

SysRet sys_null(const SysArgs&) { return ok(); }
SysRet sys_yield(const SysArgs&) { return ok(); }

SysRet sys_debug_write(const SysArgs& args) {
  auto bytes = process0::user_bytes(args.a[0], args.a[1]);
  if (bytes.is_err()) return fail(bytes.error());
  process0::console_write(bytes.value());
  return ok();
}

SysRet sys_terminate_process(const SysArgs& args) { process0::terminate(args.a[0]); }

using Handler = SysRet (*)(const SysArgs&);

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

arch::TrapFrame* syscall(arch::TrapFrame* frame) {
  const uint32_t number = frame->a(7);
  const SysArgs args{{frame->a(0), frame->a(1), frame->a(2), frame->a(3), frame->a(4), frame->a(5)}};
  const SysRet ret = number < abi::kSyscallCount ? kTable[number](args) : fail(Error::NotSupported);
  frame->a(0) = static_cast<uint32_t>(ret.error);
  for (unsigned i = 0; i < 4; ++i) frame->a(1 + i) = ret.r[i];
  return frame;
}

arch::TrapFrame* user_fault(arch::TrapFrame* frame, uint32_t cause, uint32_t tval) {
  process0::fault(*frame, cause, tval);
}

}  // namespace courier::dispatch
