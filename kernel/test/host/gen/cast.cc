// cast.cc — see gen.h (Cast): naming threads, processes and answers by the steps that made
// them, so that replays with steps removed keep their meaning.
#include <algorithm>

#include "gen.h"

namespace courier::gen {

namespace {

bool by_thread(Op op) {
  return op == Op::Sys || op == Op::Store || op == Op::Ring || op == Op::Fault;
}

}  // namespace

void Cast::observe(World& w, const Step& ran) {
  Kernel& k = w.kernel();
  answered_.clear();
  uint32_t born = 0;
  for (Tid t = 0; t < kMaxThreads; ++t) {
    const bool live = k.thread(t).state != ThreadState::Free;
    if (!live) thread_[t] = 0;
    if (live && thread_[t] == 0) thread_[t] = ((ran.id + 1) << 4) | (born++ & 0xf);
  }
  for (Pid p = 0; p < kMaxProcesses; ++p) {
    const bool live = k.process(p).state == ProcessState::Alive;
    if (!live) process_[p] = 0;
    if (live && process_[p] == 0) process_[p] = ran.id + 1;
  }
  if (ran.op == Op::Sys && ran.tid < kMaxThreads && thread_[ran.tid] != 0)
    pending_[ran.tid] = Pending{thread_[ran.tid], ran};
  // A thread that can run again (and is not about to re-issue its call) has its answer.
  for (Tid t = 0; t < kMaxThreads; ++t) {
    Pending& p = pending_[t];
    if (p.name == 0) continue;
    if (p.name != thread_[t]) {
      p.name = 0;  // the thread is gone
      continue;
    }
    if (!w.can_act(t) || w.rewound(t)) continue;
    Answer a{p.step, k.thread(t).pid, {}};
    for (int i = 0; i < 8; ++i) a.r[i] = k.thread(t).frame.a(i);
    std::array<uint32_t, 8> regs;
    std::copy(a.r, a.r + 8, regs.begin());
    results_.emplace_back(p.step.id, regs);
    answered_.push_back(a);
    p.name = 0;
  }
}

Step Cast::named(const Step& s, uint32_t id) const {
  Step out = s;
  out.id = id;
  out.actor = 0;
  if (by_thread(s.op) && s.tid < kMaxThreads) out.actor = thread_[s.tid];
  if (s.op == Op::Kill && s.tid < kMaxProcesses) out.actor = process_[s.tid];
  return out;
}

bool Cast::resolve(const Step& s, Step* out) const {
  *out = s;
  if (s.actor != 0 && by_thread(s.op)) {
    const uint32_t* t = std::find(thread_, thread_ + kMaxThreads, s.actor);
    if (t == thread_ + kMaxThreads) return false;
    out->tid = static_cast<uint16_t>(t - thread_);
  }
  if (s.actor != 0 && s.op == Op::Kill) {
    const uint32_t* p = std::find(process_, process_ + kMaxProcesses, s.actor);
    if (p == process_ + kMaxProcesses) return false;
    out->tid = static_cast<uint16_t>(p - process_);
  }
  for (int i = 0; i < 7; ++i) {
    if (s.ref[i] == 0) continue;
    const uint32_t id = (s.ref[i] >> 3) - 1, reg = s.ref[i] & 7;
    // Answers are recorded in step order: the latest with that id (a retried call answers once).
    for (auto r = results_.rbegin(); r != results_.rend(); ++r) {
      if (r->first == id) {
        out->a[i] = r->second[reg];
        break;
      }
    }
  }
  return true;
}

}  // namespace courier::gen
