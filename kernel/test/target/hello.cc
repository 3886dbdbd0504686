// hello.cc — the first user program: proves the U→S→U trap path and the syscall convention.
//
// Each check prints what it saw; the boot test matches these lines and the exit status.
#include "courier/abi/syscall.h"
#include "courier/user/print.h"
#include "courier/user/syscall.h"

using courier::print;
using courier::abi::Error;
using courier::abi::error_name;

int main() {
  print("hello from U-mode\n");
  const auto null_ret = courier::sys::null();
  print("null syscall returned %s\n", error_name(null_ret.error));

  // One past the last syscall number must be refused, not crash or be misrouted.
  const auto unknown =
      courier::sys::raw(static_cast<courier::abi::Syscall>(courier::abi::kSyscallCount));
  print("unknown syscall returned %s\n", error_name(unknown.error));

  // A pointer into the kernel's memory must be refused: the kernel only reads user memory.
  const auto bad = courier::sys::debug_write(0x80000000u, 16);
  print("bad pointer returned %s\n", error_name(bad.error));

  const bool ok = null_ret.error == Error::Ok && unknown.error == Error::NotSupported &&
                  bad.error == Error::BadAddress;
  return ok ? 0 : 1;
}
