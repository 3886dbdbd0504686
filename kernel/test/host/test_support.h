// test_support.h — host stand-ins for the platform (see test_support.cc).
#pragma once

#include <cstdint>
#include <string>

namespace courier::test {
// Everything the kernel console printed since the test last cleared it.
extern std::string console_output;

// A PLIC stand-in: lines a test raises (pending), what the kernel enabled, and what it has
// claimed and not completed yet (in service).
struct FakeIrqController {
  static constexpr unsigned kLines = 32;
  bool pending[kLines] = {};
  bool enabled[kLines] = {};
  bool in_service[kLines] = {};
  bool hart_masked = false;
  unsigned completions = 0;
};
extern FakeIrqController g_irq;
// What platform::irq_pending() answers the kernel's preemption points (core/preempt.h): the
// check numbered `fire_at` (counting from 0 since the last reset) finds an interrupt pending,
// or every check does (`always`); `checks` counts them.
struct FakePreemption {
  int64_t fire_at = -1;
  bool always = false;
  uint64_t checks = 0;
};
extern FakePreemption g_preempt;
// The platform timer as the kernel reads it (platform::now()); tests move it.
extern uint64_t g_now;
}  // namespace courier::test
