// gen_test.cc — generative tests (gen/gen.h): seeded sequences of syscalls, stores, faults and
// deaths from several processes, with every invariant checked after every step; a failure is
// shrunk and printed as a regression test to paste.
//
// The default run is short (16 seeds of 400 steps). A long run on demand, with its figures:
//   COURIER_GEN_SEEDS=500 COURIER_GEN_STEPS=2000 build/host/kernel/test/kernel_host_tests
//     --gtest_filter='Gen.Seeded*'
// COURIER_GEN_SEED picks the first seed (default 1); COURIER_GEN_SHRINK=0 reports failures
// without shrinking them, COURIER_GEN_SHRINK_SECONDS=S gives each failure S seconds of shrinking
// (default 30); COURIER_GEN_TRACE=1 prints every seed's steps as World calls.
#include "gen/gen.h"

#include <chrono>
#include <cstdlib>
#include <map>

#include "courier/core/sv32.h"
#include "gen/runner.h"

namespace courier::gen {
namespace {

using abi::Syscall;
using test::kRamBase;
using test::kRw;

uint64_t env(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 0) : fallback;
}

TEST(Gen, SeededRunsKeepEveryInvariant) {
  const uint64_t first = env("COURIER_GEN_SEED", 1);
  const uint64_t seeds = env("COURIER_GEN_SEEDS", 16);
  const uint32_t steps = static_cast<uint32_t>(env("COURIER_GEN_STEPS", 400));
  const bool shrinking = env("COURIER_GEN_SHRINK", 1) != 0;
  const bool tracing = env("COURIER_GEN_TRACE", 0) != 0;
  const double shrink_seconds = static_cast<double>(env("COURIER_GEN_SHRINK_SECONDS", 30));
  const auto start = std::chrono::steady_clock::now();
  uint64_t ran = 0, failures = 0;
  // Per kind of failure, the seeds that showed it; the one that failed soonest is shrunk.
  struct Kind {
    std::vector<uint64_t> seeds;
    uint64_t seed = 0;
    Outcome first;
  };
  std::map<std::string, Kind> kinds;
  for (uint64_t seed = first; seed < first + seeds; ++seed) {
    Outcome o = run_seed(seed, steps);
    ran += o.steps.size();
    if (tracing)
      std::printf("// seed %llu\n%s", static_cast<unsigned long long>(seed),
                  replay(o.steps, true).trace.c_str());
    if (!o.failed) continue;
    ++failures;
    Kind& k = kinds[o.signature];
    k.seeds.push_back(seed);
    if (k.seeds.size() == 1 || o.steps.size() < k.first.steps.size()) {
      k.seed = seed;
      k.first = std::move(o);
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "courier-gen: seeds %llu..%llu, %u steps each: %llu steps run, %llu failed "
      "(%zu distinct), %.1f s\n",
      static_cast<unsigned long long>(first), static_cast<unsigned long long>(first + seeds - 1),
      steps, static_cast<unsigned long long>(ran), static_cast<unsigned long long>(failures),
      kinds.size(), secs);
  for (const auto& [signature, k] : kinds) {
    std::string also;
    for (uint64_t s : k.seeds) also += " " + std::to_string(s);
    const std::string origin = "courier-gen seed " + std::to_string(k.seed) +
                               " (COURIER_GEN_SEED=" + std::to_string(k.seed) +
                               " COURIER_GEN_SEEDS=1 COURIER_GEN_STEPS=" + std::to_string(steps) +
                               "; seeds failing so:" + also + ")";
    if (!shrinking) {
      ADD_FAILURE() << origin << ", step " << k.first.steps.size() << ": " << k.first.headline
                    << "\n"
                    << k.first.report;
      continue;
    }
    const Shrunk s =
        shrink(k.first, "Seed" + std::to_string(k.seed), origin, 100'000, shrink_seconds);
    ADD_FAILURE() << k.first.headline << "\n" << s.cpp;
  }
}

TEST(Gen, ASeedAlwaysGivesTheSameSequence) {
  const Outcome a = run_seed(12345, 150), b = run_seed(12345, 150);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.signature, b.signature);
  EXPECT_GT(a.steps.size(), 0u);
  EXPECT_NE(run_seed(12346, 150).steps, a.steps);
}

TEST(Gen, TheSameBytesGiveTheSameSequence) {
  const uint8_t bytes[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6};
  const Outcome a = run_bytes(bytes, sizeof bytes, 100), b = run_bytes(bytes, sizeof bytes, 100);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_GT(a.steps.size(), 0u);
}

TEST(Gen, MinimiseKeepsOnlyWhatTheFailureNeeds) {
  // A stand-in failure: a timer step of 7 ticks followed, later, by one of 9.
  std::vector<Step> steps;
  for (uint32_t i = 0; i < 200; ++i) steps.push_back(Step{Op::Timer, false, 0, 0, {i % 13}});
  auto fails = [](std::vector<Step>& c) {
    bool seven = false;
    for (const Step& s : c) {
      if (s.a[0] == 7) seven = true;
      if (seven && s.a[0] == 9) return true;
    }
    return false;
  };
  uint32_t tests = 0;
  const std::vector<Step> small = minimise(steps, fails, 1000, &tests);
  ASSERT_EQ(small.size(), 2u);
  EXPECT_EQ(small[0].a[0], 7u);
  EXPECT_EQ(small[1].a[0], 9u);
  EXPECT_LT(tests, 200u);
}

TEST(Gen, AReplayPrintsItsStepsAsCalls) {
  std::vector<Step> steps = {Step{Op::Spawn, false, 0, 0, {}},
                             Step{Op::Sys,
                                  false,
                                  0,
                                  static_cast<uint32_t>(Syscall::map_memory),
                                  {0x3000'0000, 0x2000, kRw}},
                             Step{Op::Kill, false, 1, 0, {}}, Step{Op::Kill, false, 1, 0, {}}};
  const Outcome o = replay(steps, true);
  EXPECT_FALSE(o.failed) << o.report;
  EXPECT_EQ(o.steps, steps);
  EXPECT_NE(o.trace.find("w.spawn();  // pid 1, tid 0\n"), std::string::npos) << o.trace;
  EXPECT_NE(o.trace.find("w.sys(0, Syscall::map_memory, {0x30000000, 0x2000, 3});  // Ok"),
            std::string::npos)
      << o.trace;
  EXPECT_NE(o.trace.find("w.kill(1);  // skipped: not alive"), std::string::npos) << o.trace;
}

TEST(Gen, TheReachCheckRefusesAUserEntryForKernelRam) {
  // What a page-table takeover writes: a user read-write entry for the kernel's first page.
  World w;
  w.spawn();
  w.sys(0, Syscall::map_memory, {0x3000'0000, 0x1000, kRw});
  const auto* root = reinterpret_cast<sv32::Pte*>(frame_ptr(w.kernel().process(1).space.root()));
  auto* table = reinterpret_cast<sv32::Pte*>(frame_ptr(sv32::pfn_of(root[0x3000'0000 >> 22])));
  table[0] = sv32::leaf(kstd::Pfn(kRamBase >> 12), sv32::kR | sv32::kW | sv32::kU);
  EXPECT_DEATH(
      w.check_reach(1),
      "GEN CHECK FAILED: pid 1 va 0x30000000 \\(rw\\) reaches frame 0x80000, a kernel frame");
}

}  // namespace
}  // namespace courier::gen
