// user/cycles.h (the Precursor) — the platform clock from U-mode: the kernel's, by syscall.
//
// The same names as every platform's header (ipc/user/platform/qemu-virt/.../cycles.h):
//   read_time()       the platform clock, in ticks since boot (monotonic, 64 bits)
//   kTimeTicksPerMs   its ticks per millisecond
// The Precursor's core has no time or cycle CSR (reading one is an illegal instruction), so the
// clock is the kernel's, the TICKTIMER's milliseconds, through the `time` syscall (abi/syscall.h;
// a trap per read, some hundred cycles). (Benchmarks count with their own counter:
// bench/target/counter/<platform>/.)
#pragma once

#include <stdint.h>

#include "courier/user/syscall.h"

namespace courier {

inline uint64_t read_time() {
  const abi::SysRet r = sys::time();
  return (static_cast<uint64_t>(r.r[1]) << 32) | r.r[0];
}

inline constexpr uint64_t kTimeTicksPerMs = 1;

}  // namespace courier
