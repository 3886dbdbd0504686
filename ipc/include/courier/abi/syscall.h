// abi/syscall.h — syscall numbers and the register calling convention.
//
// Registers: a7 = syscall number; a0..a5 = arguments. The kernel answers in a0 with an Error
// (0 = Ok) and in a1..a4 with up to four result words. Every other register is preserved.
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

// What a syscall answers: the error and up to four result words.
struct SysRet {
  Error error;
  uint32_t r[4];
};

}  // namespace courier::abi
