// sync_bench.cc — the `sync` path's benchmarks, run as a user process on the kernel.
//
// sync/null_syscall: one trapping syscall that does nothing (Syscall::null), U→S→U.
#include "courier/user/syscall.h"
#include "harness.h"

namespace {

void null_syscall(void*) { (void)courier::sys::null(); }

}  // namespace

int main() {
  courier::bench::suite_begin("sync");
  courier::bench::run("sync/null_syscall", null_syscall, nullptr);
  courier::bench::suite_end("sync");
  return 0;
}
