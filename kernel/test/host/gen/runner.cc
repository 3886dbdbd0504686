// runner.cc — see runner.h.
#include "runner.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace courier::gen {

namespace {

// A run that takes longer than this is a hang: the kernel looping is a failure like any other.
constexpr unsigned kChildSeconds = 300;

std::string read_all(FILE* f) {
  std::string s;
  std::fflush(f);
  std::rewind(f);
  char buf[4096];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, got);
  return s;
}

// The line that names the failure (`headline`), and the same without the pids, addresses and
// frames that may differ between replays (the signature).
std::string signature_of(const std::string& err, int status, std::string* headline) {
  size_t start = 0;
  std::string asan;
  while (start < err.size()) {
    size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    const std::string line = err.substr(start, end - start);
    start = end + 1;
    if (line.find("KERNEL PANIC:") != std::string::npos)
      return *headline = line.substr(line.find("KERNEL"));
    if (line.find("GEN CHECK FAILED:") != std::string::npos) {
      // The kind of violation, not which pid, tid, address or frame showed it: a shorter
      // replay may show it in another slot.
      std::string kind;
      const std::string text = line.substr(line.find("GEN"));
      *headline = text;
      for (size_t i = 0; i < text.size();) {
        if (std::isdigit(static_cast<unsigned char>(text[i]))) {
          kind += '#';
          while (i < text.size() && std::isxdigit(static_cast<unsigned char>(text[i]))) ++i;
          if (i < text.size() && text[i] == 'x') ++i;
          while (i < text.size() && std::isxdigit(static_cast<unsigned char>(text[i]))) ++i;
          continue;
        }
        kind += text[i++];
      }
      return kind;
    }
    if (line.find("runtime error:") != std::string::npos) return *headline = line;
    if (asan.empty() && line.find("ERROR: AddressSanitizer:") != std::string::npos) {
      const size_t at = line.find("AddressSanitizer:");
      asan = line.substr(at, line.find(" on ", at) - at);
    } else if (!asan.empty() && line.find("#0 ") != std::string::npos) {
      const size_t in = line.find(" in ");
      return *headline = asan + (in == std::string::npos ? "" : line.substr(in));
    }
  }
  if (!asan.empty()) return *headline = asan;
  if (WIFSIGNALED(status)) {
    if (WTERMSIG(status) == SIGALRM) return *headline = "hang: the run did not end";
    return *headline = std::string("killed by signal ") + strsignal(WTERMSIG(status));
  }
  return *headline = "exit status " + std::to_string(WEXITSTATUS(status));
}

void write_step(const Step& s, void* ctx) {
  // Straight to the file, unbuffered: the step must be there if running it aborts.
  const int fd = *static_cast<int*>(ctx);
  if (write(fd, &s, sizeof s) != static_cast<ssize_t>(sizeof s)) std::abort();
}

// Runs `body(steps_fd, trace)` in a child and collects what it left behind.
Outcome isolated(const std::function<void(int, FILE*)>& body, bool trace) {
  FILE* steps = std::tmpfile();
  FILE* err = std::tmpfile();
  FILE* out = trace ? std::tmpfile() : nullptr;
  if (!steps || !err || (trace && !out)) std::abort();
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t child = fork();
  if (child < 0) std::abort();
  if (child == 0) {
    dup2(fileno(err), 2);
    alarm(kChildSeconds);
    body(fileno(steps), out);
    if (out) std::fflush(out);
    _exit(0);  // no atexit handlers: the parent's test framework is not the child's business
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
  }
  Outcome o;
  o.failed = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  o.report = read_all(err);
  if (o.failed) o.signature = signature_of(o.report, status, &o.headline);
  const std::string raw = read_all(steps);
  o.steps.resize(raw.size() / sizeof(Step));
  if (!o.steps.empty()) std::memcpy(o.steps.data(), raw.data(), o.steps.size() * sizeof(Step));
  if (out) o.trace = read_all(out);
  std::fclose(steps);
  std::fclose(err);
  if (out) std::fclose(out);
  return o;
}

}  // namespace

Outcome run_seed(uint64_t seed, uint32_t steps) {
  return isolated(
      [&](int fd, FILE* trace) {
        SeededChoices c(seed);
        World w;
        w.set_trace(trace);
        drive(w, c, steps, write_step, &fd);
      },
      false);
}

Outcome run_bytes(const uint8_t* data, size_t size, uint32_t max_steps) {
  return isolated(
      [&](int fd, FILE* trace) {
        BytesChoices c(data, size);
        World w;
        w.set_trace(trace);
        drive(w, c, max_steps, write_step, &fd);
      },
      false);
}

Outcome replay(const std::vector<Step>& steps, bool trace) {
  return isolated(
      [&](int fd, FILE* out) {
        World w;
        w.set_trace(out);
        Cast cast;
        for (const Step& s : steps) {
          Step now;
          if (!cast.resolve(s, &now)) continue;  // its thread was never created this time
          write_step(now, &fd);
          w.run(now);
          cast.observe(w, now);
        }
      },
      trace);
}

std::vector<Step> minimise(const std::vector<Step>& steps,
                           const std::function<bool(std::vector<Step>&)>& fails, uint32_t budget,
                           uint32_t* tests) {
  std::vector<Step> cur = steps;
  size_t parts = 2;
  *tests = 0;
  while (cur.size() >= 2 && *tests < budget) {
    const size_t chunk = (cur.size() + parts - 1) / parts;
    bool reduced = false;
    for (size_t start = 0; start < cur.size() && *tests < budget; start += chunk) {
      std::vector<Step> candidate(cur.begin(), cur.begin() + start);
      candidate.insert(candidate.end(), cur.begin() + std::min(cur.size(), start + chunk),
                       cur.end());
      ++*tests;
      if (fails(candidate)) {
        cur = std::move(candidate);
        parts = std::max<size_t>(parts - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (parts >= cur.size()) break;  // every single step is needed: 1-minimal
      parts = std::min(cur.size(), parts * 2);
    }
  }
  return cur;
}

namespace {

// A traced step that most likely changed nothing: refused with an error, or skipped.
bool inert(const std::string& line) {
  const size_t at = line.rfind("  // ");
  if (at == std::string::npos) return false;
  const std::string outcome = line.substr(at + 5);
  if (outcome.rfind("skipped", 0) == 0) return true;
  for (uint32_t e = 1; e <= static_cast<uint32_t>(abi::Error::Interrupted); ++e) {
    const std::string name = abi::error_name(static_cast<abi::Error>(e));
    if (outcome == name || outcome.rfind(name + " ", 0) == 0) return true;
  }
  return false;
}

}  // namespace

Shrunk shrink(const Outcome& failure, const std::string& name, const std::string& origin,
              uint32_t budget, double seconds) {
  Shrunk r;
  const auto start = std::chrono::steady_clock::now();
  auto fails = [&](std::vector<Step>& candidate) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > seconds)
      return false;  // out of time: keep what we have
    Outcome o = replay(candidate, false);
    if (!o.failed || o.signature != failure.signature) return false;
    candidate = std::move(o.steps);  // it may fail the same way before its end
    return true;
  };
  // First, in one go, every step that was refused or skipped: usually they changed nothing (a
  // refused call may still matter, e.g. by moving a thread's generation, so it is a guess).
  std::vector<Step> steps = failure.steps;
  {
    const Outcome traced = replay(steps, true);
    std::vector<uint32_t> inert_ids;
    size_t line_start = 0, i = 0;
    while (line_start < traced.trace.size() && i < traced.steps.size()) {
      size_t end = traced.trace.find('\n', line_start);
      if (end == std::string::npos) end = traced.trace.size();
      if (inert(traced.trace.substr(line_start, end - line_start)))
        inert_ids.push_back(traced.steps[i].id);
      line_start = end + 1;
      ++i;
    }
    std::vector<Step> active;
    for (const Step& st : steps) {
      if (std::find(inert_ids.begin(), inert_ids.end(), st.id) == inert_ids.end())
        active.push_back(st);
    }
    ++r.replays;
    if (active.size() < steps.size() && fails(active)) steps = active;
  }
  uint32_t tests = 0;
  steps = minimise(steps, fails, budget, &tests);
  r.replays += tests;
  r.steps = steps;
  const Outcome traced = replay(steps, true);
  std::string body = traced.trace;
  if (!body.empty() && body.back() != '\n') body += "  // <- fails here\n";
  r.cpp = "// " + origin + ": failed at step " + std::to_string(failure.steps.size()) +
          ", shrunk to " + std::to_string(steps.size()) + " steps in " + std::to_string(r.replays) +
          " replays\n// " +
          (traced.failed ? traced.headline : failure.headline + " (did not reproduce!)") +
          "\nTEST(GenRegression, " + name + ") {\n  gen::World w;\n" + body + "}\n";
  return r;
}

}  // namespace courier::gen
