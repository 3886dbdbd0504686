// runner.h — running generated sequences where a kernel panic cannot take the runner with it,
// and shrinking a failure to a short reproducer (delta debugging).
//
// A host kernel panic prints its reason and aborts (test_support.cc), and so do the World's own
// checks, ASan and UBSan. So each run happens in a child process (fork): it writes every step
// to a file before doing it, and its stderr to another, and the parent reads both once the child
// has ended. A failure is named by its signature, the first line that says what went wrong
// ("KERNEL PANIC: ... at file:line", "GEN CHECK FAILED: ...", the sanitizer's verdict); a
// shrunk sequence must fail with the same signature, so shrinking never wanders off to another
// bug.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gen.h"

namespace courier::gen {

struct Outcome {
  bool failed = false;
  std::string headline;     // the failure's first telling line
  std::string signature;    // the same, less what may differ between replays (pids, addresses)
  std::string report;       // everything the run wrote to stderr
  std::vector<Step> steps;  // the steps that ran; when it failed, the last one is where
  std::string trace;        // with tracing: the steps as World calls, with their outcomes
};

// Generates and runs `steps` steps, the choices seeded by `seed`, in a child process.
Outcome run_seed(uint64_t seed, uint32_t steps);
// The same, the choices taken from fuzz input bytes (at most `max_steps` steps).
Outcome run_bytes(const uint8_t* data, size_t size, uint32_t max_steps);
// Replays `steps` on a fresh World in a child process, stopping at the first failure.
Outcome replay(const std::vector<Step>& steps, bool trace);

// Delta debugging (ddmin, by complements): a subsequence of `steps`, as short as it could find
// within `budget` tests, for which `fails` still holds. `fails` may cut its candidate down to
// the prefix that ran (a replay stops where it fails). `tests` counts the calls of `fails`.
std::vector<Step> minimise(const std::vector<Step>& steps,
                           const std::function<bool(std::vector<Step>&)>& fails, uint32_t budget,
                           uint32_t* tests);

// The shortest sequence minimise() finds, within `budget` replays and `seconds`, that fails as
// `failure` did, printed as a GoogleTest test named `name`, with `origin` (how to regenerate
// the failure) in its opening comment.
struct Shrunk {
  std::vector<Step> steps;
  uint32_t replays = 0;
  std::string cpp;
};
Shrunk shrink(const Outcome& failure, const std::string& name, const std::string& origin,
              uint32_t budget = 2000, double seconds = 120);

}  // namespace courier::gen
