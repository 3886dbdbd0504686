// user/syscall.h — the raw system call and one stub per syscall, generated from syscalls.def.
//
// courier::sys::<name>(a0, ..., a5) traps with a7 = the syscall's number. Arguments a syscall
// does not use are passed as zero. Typed wrappers live beside this (print.h, ...).
#pragma once

#include <stdint.h>

#include "courier/abi/syscall.h"

namespace courier::sys {

inline abi::SysRet raw(abi::Syscall n, uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0,
                       uint32_t a3 = 0, uint32_t a4 = 0, uint32_t a5 = 0) {
  register uint32_t r0 asm("a0") = a0;
  register uint32_t r1 asm("a1") = a1;
  register uint32_t r2 asm("a2") = a2;
  register uint32_t r3 asm("a3") = a3;
  register uint32_t r4 asm("a4") = a4;
  register uint32_t r5 asm("a5") = a5;
  register uint32_t r6 asm("a6");
  register uint32_t r7 asm("a7") = static_cast<uint32_t>(n);
  asm volatile("ecall"
               : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "=r"(r6), "+r"(r7)
               :
               : "memory");
  return abi::SysRet{static_cast<abi::Error>(r0), {r1, r2, r3, r4, r5, r6, r7}};
}

// The one syscall with a seventh argument (lend_memory's valid hint, in a6).
inline abi::SysRet raw7(abi::Syscall n, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3,
                        uint32_t a4, uint32_t a5, uint32_t a6) {
  register uint32_t r0 asm("a0") = a0;
  register uint32_t r1 asm("a1") = a1;
  register uint32_t r2 asm("a2") = a2;
  register uint32_t r3 asm("a3") = a3;
  register uint32_t r4 asm("a4") = a4;
  register uint32_t r5 asm("a5") = a5;
  register uint32_t r6 asm("a6") = a6;
  register uint32_t r7 asm("a7") = static_cast<uint32_t>(n);
  asm volatile("ecall"
               : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
               :
               : "memory");
  return abi::SysRet{static_cast<abi::Error>(r0), {r1, r2, r3, r4, r5, r6, r7}};
}

#define COURIER_SYSCALL(num, name, summary)                                                   \
  inline abi::SysRet name(uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0, uint32_t a3 = 0, \
                          uint32_t a4 = 0, uint32_t a5 = 0) {                                 \
    return raw(abi::Syscall::name, a0, a1, a2, a3, a4, a5);                                   \
  }
#include "courier/abi/syscalls.def"
#undef COURIER_SYSCALL

}  // namespace courier::sys
