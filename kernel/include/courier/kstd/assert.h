// kstd/assert.h — internal invariants.
//
// KASSERT guards the kernel's own invariants, never user input: user input is answered with an
// error code (DESIGN.md §8). A failed assertion is a kernel bug; the environment decides what a
// panic is (the rv32 kernel prints and exits through the test finisher, host tests abort so
// that gtest death tests can observe it).
#pragma once

namespace kstd {
[[noreturn]] void panic(const char* reason, const char* file, int line);
}  // namespace kstd

#define KPANIC(reason) ::kstd::panic((reason), __FILE__, __LINE__)
#define KASSERT(cond)                                                \
  do {                                                               \
    if (__builtin_expect(!(cond), 0)) {                              \
      ::kstd::panic("assertion failed: " #cond, __FILE__, __LINE__); \
    }                                                                \
  } while (0)
