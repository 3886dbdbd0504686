// panic_trace.cc — kernel side of the fuzz image only: when the kernel panics, print what each
// fuzzer child was doing (its last calls, from the trace it keeps at fuzz::kTraceVa).
//
// Overrides the kernel's weak panic_report_hook() (core/panic.cc), which runs once, after the
// panic's reason is on the console. The kernel's state may be broken here, so this only reads:
// it finds the children by name, walks their page tables for the two trace pages, takes only
// frames that are RAM, and treats everything in them as untrusted (indices are reduced, the
// magic is checked). A fault in here is a second panic, which ends the machine at once.
#include "courier/abi/syscall.h"
#include "courier/core/console.h"
#include "courier/core/kernel.h"
#include "courier/core/phys.h"
#include "fuzz_abi.h"

namespace courier {
extern Kernel g_kernel;
}

namespace {

using namespace courier;

constexpr uint32_t kShown = 12;  // the last calls of each thread that are printed

const char* call_name(uint32_t n) {
  switch (n) {
#define COURIER_SYSCALL(num, name, summary) \
  case num:                                 \
    return #name;
#include "courier/abi/syscalls.def"
#undef COURIER_SYSCALL
    case fuzz::kActLoad: return "(load)";
    case fuzz::kActStore: return "(store)";
    case fuzz::kActDie: return "(die)";
    case fuzz::kActRing: return "(ring entries)";
    case fuzz::kActAlarm: return "(rtc alarm)";
    default: return "(bad syscall number)";
  }
}

bool is_child(const Process& p) {
  for (uint32_t i = 0; i < sizeof fuzz::kChildName; ++i) {
    if (p.name[i] != fuzz::kChildName[i]) return false;
  }
  return true;
}

// The kernel's view of the child's trace page `page` (0 or 1), or nullptr.
const uint8_t* trace_page(Kernel& k, const Process& p, uint32_t page) {
  const auto m = p.space.lookup(kstd::VirtAddr(fuzz::kTraceVa + page * kstd::kPageSize));
  if (!m || !k.frames().contains(m->pfn)) return nullptr;
  // Safe: a RAM frame; the kernel maps all of RAM.
  return frame_ptr(m->pfn);
}

void print_ring(const fuzz::TraceRing& r, uint32_t index) {
  const uint32_t next = r.next;
  if (next == 0) return;
  const uint32_t shown = next < kShown ? next : kShown;
  for (uint32_t i = next - shown; i != next; ++i) {
    const fuzz::TraceEntry& e = r.e[i % fuzz::kTraceEntries];
    kprintf("fuzz trace:   thread %u (tid %u) #%u %s(%x, %x, %x, %x, %x, %x) -> %s\n", index, r.tid,
            e.index, call_name(e.number), e.a[0], e.a[1], e.a[2], e.a[3], e.a[4], e.a[5],
            e.done ? abi::error_name(static_cast<abi::Error>(e.error)) : "(in flight)");
  }
  klog::flush_to_console();  // the log ring is small: out with each thread's lines
}

}  // namespace

extern "C" void panic_report_hook() {
  Kernel& k = g_kernel;
  if (const Thread* t = k.current()) {
    kprintf("fuzz trace: the current thread is pid %u tid %u\n", t->pid, t->tid);
  }
  for (Pid pid = 1; pid < kMaxProcesses; ++pid) {
    const Process& p = k.process(pid);
    if (p.state != ProcessState::Alive || !is_child(p)) continue;
    const uint8_t* pages[2] = {trace_page(k, p, 0), trace_page(k, p, 1)};
    // Safe: a frame's start is aligned for the header's words.
    const auto* h = reinterpret_cast<const fuzz::TraceHeader*>(pages[0]);
    if (h == nullptr || h->magic != fuzz::kTraceMagic) {
      kprintf("fuzz trace: pid %u: no trace\n", pid);
      continue;
    }
    kprintf("fuzz trace: pid %u tag %x seed %08x%08x, %u calls\n", pid, h->tag, h->seed_hi,
            h->seed_lo, h->calls);
    for (uint32_t r = 0; r < fuzz::kTraceRings; ++r) {
      const uint32_t off = fuzz::trace_ring_offset(r);
      const uint8_t* page = pages[off / kstd::kPageSize];
      if (page == nullptr) continue;
      // Safe: trace_ring_offset keeps every ring inside one page, at a word-aligned offset.
      print_ring(*reinterpret_cast<const fuzz::TraceRing*>(page + off % kstd::kPageSize), r);
    }
  }
  kprintf("fuzz trace: end\n");
}
