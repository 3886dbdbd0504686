// gen_fuzz.cc — libFuzzer as the generator's second engine: the fuzz input's bytes make the
// generator's choices (BytesChoices), so coverage guidance steers the same steps, arguments and
// checks the seeded runs use. A kernel panic or a failed check aborts: libFuzzer keeps the
// input as a crash file.
//
//   courier_gen_fuzz -max_total_time=3600 -len_control=0 corpus/   a long run (corpus/ keeps
//                                                                  what it learnt)
//   courier_gen_fuzz crash-<sha1>                        reproduce one input
//   COURIER_GEN_TRACE=1 courier_gen_fuzz crash-<sha1>    ... printing each step as a World call
//   COURIER_GEN_SHRINK=1 courier_gen_fuzz crash-<sha1>   shrink it to a regression test
//   COURIER_GEN_SEED_CORPUS=8 courier_gen_fuzz corpus/   first write the choices of seeded runs
//                                                        1..8 into corpus/ as inputs to start from
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gen.h"
#include "runner.h"

namespace {

using namespace courier::gen;

// Inputs longer than this many steps are cut: a few hundred steps reach every state a long run
// does, and short runs keep the execution rate up.
constexpr uint32_t kMaxSteps = 600;

// Writes the choices of seeded runs 1..n into `dir`, one input per seed. Each run happens in a
// child, so a seed that makes the kernel fail leaves its input behind, which the fuzzer then
// finds at once in its corpus.
void seed_corpus(const char* dir, uint32_t n) {
  mkdir(dir, 0755);
  for (uint32_t seed = 1; seed <= n; ++seed) {
    const std::string path = std::string(dir) + "/seed-" + std::to_string(seed);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) continue;
    std::fflush(nullptr);
    const pid_t child = fork();
    if (child == 0) {
      SeededChoices seeded(seed);
      RecordingChoices recording(seeded, fd);
      World w;
      drive(w, recording, kMaxSteps / 2);
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    close(fd);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char*** argv) {
  const char* n = std::getenv("COURIER_GEN_SEED_CORPUS");
  if (n == nullptr) return 0;
  // The first argument that is not an option is the corpus folder.
  for (char** a = *argv + 1; *a != nullptr; ++a) {
    if ((*a)[0] != '-') {
      seed_corpus(*a, static_cast<uint32_t>(std::strtoul(n, nullptr, 0)));
      break;
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool trace = std::getenv("COURIER_GEN_TRACE") != nullptr;
  static const bool shrinking = std::getenv("COURIER_GEN_SHRINK") != nullptr;
  if (shrinking) {
    // One input, one answer (libFuzzer may run an input twice, looking for leaks).
    const Outcome o = run_bytes(data, size, kMaxSteps);
    if (!o.failed) {
      std::printf("courier-gen: %zu steps, no failure\n", o.steps.size());
    } else {
      const Shrunk s =
          shrink(o, "FuzzInput", "courier_gen_fuzz input of " + std::to_string(size) + " bytes");
      std::printf("%s\n%s", o.headline.c_str(), s.cpp.c_str());
    }
    std::fflush(stdout);
    _exit(o.failed ? 1 : 0);
  }
  // One World for every input: reset() is a fresh kernel without a fresh 4 MiB buffer.
  static World* world = new World;
  world->reset();
  if (trace) world->set_trace(stdout);
  BytesChoices choices(data, size);
  drive(*world, choices, kMaxSteps);
  return 0;
}
