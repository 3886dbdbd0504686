// abi/syscall.h — syscall numbers and the register calling convention.
//
// Registers: a7 = syscall number; a0..a5 = arguments. The kernel answers in a0 with an Error
// (0 = Ok) and in a1..a7 with up to seven result words (receive returns a whole message there).
// a0..a7 are clobbered; every other register is preserved.
#pragma once

#include <stdint.h>

#include "courier/abi/error.h"

namespace courier::abi {

enum class Syscall : uint32_t {
#define COURIER_SYSCALL(num, name, summary) name = num,
#include "courier/abi/syscalls.def"
#undef COURIER_SYSCALL
};

inline constexpr uint32_t kSyscallCount = 0
#define COURIER_SYSCALL(num, name, summary) +1
#include "courier/abi/syscalls.def"
#undef COURIER_SYSCALL
    ;

// What a syscall answers: the error and up to seven result words (a1..a7).
struct SysRet {
  Error error;
  uint32_t r[7];
};

// Message kinds (DESIGN.md §2), as receive reports them in a3.
enum class MessageKind : uint32_t {
  Scalar = 0,
  BlockingScalar = 1,
  Borrow = 2,
  MutableBorrow = 3,
  Move = 4,
};

// Memory permission flags for map_memory, update_memory_flags and map_physical.
enum MemFlag : uint32_t { kMemRead = 1, kMemWrite = 2, kMemExec = 4 };

// Thread priorities: 0 is the most urgent; new threads default to kDefaultPriority.
inline constexpr uint32_t kPriorities = 8;
inline constexpr uint32_t kDefaultPriority = 4;

}  // namespace courier::abi
