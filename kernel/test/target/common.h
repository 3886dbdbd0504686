// common.h — small helpers shared by the target test programs.
#pragma once

#include "courier/abi/error.h"
#include "courier/user/ipc.h"
#include "courier/user/print.h"

namespace test {

inline int failures = 0;

// Prints one check's outcome; the CTest expectations match the "ok"/"FAIL" lines.
inline void check(bool ok, const char* what) {
  courier::print("%s: %s\n", ok ? "ok" : "FAIL", what);
  if (!ok) ++failures;
}

inline void expect_error(courier::abi::Error got, courier::abi::Error want, const char* what) {
  const bool ok = got == want;
  courier::print("%s: %s -> %s", ok ? "ok" : "FAIL", what, courier::abi::error_name(got));
  if (!ok) courier::print(" (expected %s)", courier::abi::error_name(want));
  courier::print("\n");
  if (!ok) ++failures;
}

inline constexpr courier::Sid kPongSid{{0x706f6e67, 1, 2, 3}};
inline constexpr courier::Sid kDoomedSid{{0x646f6f6d, 1, 2, 3}};
inline constexpr courier::Sid kReportSid{{0x72657074, 1, 2, 3}};
inline constexpr courier::Sid kLendSid{{0x6c656e64, 1, 2, 3}};
inline constexpr courier::Sid kScribbleSid{{0x73637269, 1, 2, 3}};

// Whole pages of memory, mapped read-write; 0 if the kernel refused.
inline uint32_t pages(uint32_t count) {
  uint32_t va = 0;
  if (courier::map_memory(0, count * 4096, courier::abi::kMemRead | courier::abi::kMemWrite, &va) !=
      courier::abi::Error::Ok) {
    return 0;
  }
  return va;
}

}  // namespace test
