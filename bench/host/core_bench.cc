// core_bench.cc — Google Benchmark over the portable core on the host's fake MMU.
//
// For tuning algorithms in seconds, without a simulator: the server queue, the sync path's
// send/receive through the real dispatcher, a call/reply round trip through the fastpath,
// page-table map/unmap, and the ownership checker. Host nanoseconds are not Courier's currency
// (results/ holds target counts); these numbers are for comparing one version of an algorithm
// with the next on the same machine.
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <vector>

#include "courier/abi/syscall.h"
#include "courier/core/kernel.h"
#include "courier/core/phys.h"
#include "dispatch.h"
#include "sync.h"

namespace courier {

// Stand-ins the host build needs (the rv32 kernel has its own).
namespace {
constexpr uint32_t kRamBase = 0x8000'0000;
constexpr uint32_t kRamPages = 1024;

// A kernel over fake RAM with a server process and a client process, connected.
struct World {
  std::vector<uint8_t> ram;
  std::unique_ptr<Kernel> k;
  Pid server = 0, client = 0;
  uint32_t handle = 0, cid = 0;

  World() : ram((kRamPages + 1) * kstd::kPageSize), k(std::make_unique<Kernel>()) {
    auto base = (reinterpret_cast<uintptr_t>(ram.data()) + kstd::kPageSize - 1) &
                ~uintptr_t{kstd::kPageSize - 1};
    g_phys_offset = base - kRamBase;
    k->init(kstd::Pfn(kRamBase >> 12), kRamPages, kstd::Pfn((kRamBase >> 12) + 16));
    server = spawn("server");
    client = spawn("client");
    handle = call(thread_of(server), abi::Syscall::create_server, 1, 2, 3, 4).frame.a(1);
    cid = call(thread_of(client), abi::Syscall::connect, 1, 2, 3, 4).frame.a(1);
  }

  Pid spawn(const char* name) {
    std::vector<uint32_t> words(0x2000 / 4, 0);
    auto* bytes = reinterpret_cast<uint8_t*>(words.data());
    const abi::ArchiveHeader h{abi::kArchiveMagic, abi::kArchiveVersion, 0x2000, 1, 1};
    abi::ArchiveProcess p{};
    std::strncpy(p.name, name, sizeof p.name - 1);
    p.entry = 0x10000;
    p.segment_count = 1;
    p.stack_size = 4096;
    p.priority = p.max_priority = abi::kDefaultPriority;
    const abi::ArchiveSegment s{0x10000, 0x1000, 0x10, 0x1000, abi::kSegRead | abi::kSegExec};
    std::memcpy(bytes, &h, sizeof h);
    std::memcpy(bytes + sizeof h, &p, sizeof p);
    std::memcpy(bytes + sizeof h + sizeof p, &s, sizeof s);
    auto archive = BootArchive::parse({bytes, words.size() * 4});
    (void)k->load(archive.value());
    Pid newest = 0;
    for (Pid i = 1; i < kMaxProcesses; ++i) {
      if (k->process(i).state == ProcessState::Alive) newest = i;
    }
    return newest;
  }

  Thread& thread_of(Pid pid) {
    for (Tid t = 0; t < kMaxThreads; ++t) {
      if (k->thread(t).state != ThreadState::Free && k->thread(t).pid == pid) return k->thread(t);
    }
    return k->thread(0);
  }

  // Runs a syscall as `t`, which must be the current thread or ready.
  Thread& call(Thread& t, abi::Syscall n, uint32_t a0 = 0, uint32_t a1 = 0, uint32_t a2 = 0,
               uint32_t a3 = 0) {
    while (k->current() != &t) {
      if (k->current() != nullptr)
        k->yield_current();
      else
        k->pick_next();
    }
    t.frame.a(0) = a0;
    t.frame.a(1) = a1;
    t.frame.a(2) = a2;
    t.frame.a(3) = a3;
    t.frame.a(7) = static_cast<uint32_t>(n);
    if (!sync::fastpath(*k)) dispatch::syscall(*k);
    return t;
  }
};

void BM_QueuePushPop(benchmark::State& state) {
  World w;
  Message m{};
  m.kind = abi::MessageKind::Scalar;
  const uint16_t index = static_cast<uint16_t>(w.handle - 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(w.k->enqueue(index, m));
    benchmark::DoNotOptimize(w.k->dequeue(index, &m));
  }
}
BENCHMARK(BM_QueuePushPop);

void BM_SyncSendReceive(benchmark::State& state) {
  World w;
  Thread& c = w.thread_of(w.client);
  Thread& s = w.thread_of(w.server);
  for (auto _ : state) {
    w.call(c, abi::Syscall::try_send_scalar, w.cid, 1);
    w.call(s, abi::Syscall::try_receive, w.handle);
  }
}
BENCHMARK(BM_SyncSendReceive);

void BM_SyncCallReplyFastpath(benchmark::State& state) {
  World w;
  Thread& c = w.thread_of(w.client);
  Thread& s = w.thread_of(w.server);
  w.call(s, abi::Syscall::receive, w.handle);  // the server waits
  for (auto _ : state) {
    w.call(c, abi::Syscall::call_scalar, w.cid, 1, 2, 3);  // switches to the server
    w.call(s, abi::Syscall::reply_and_receive_next, w.handle, s.frame.a(1), 4, 5);  // and back
  }
}
BENCHMARK(BM_SyncCallReplyFastpath);

void BM_MapUnmapPage(benchmark::State& state) {
  World w;
  const Pid pid = w.client;
  for (auto _ : state) {
    benchmark::DoNotOptimize(w.k->map_memory(pid, 0x30000000, 0x1000, kMemR | kMemW));
    benchmark::DoNotOptimize(w.k->unmap_memory(pid, 0x30000000, 0x1000));
  }
}
BENCHMARK(BM_MapUnmapPage);

void BM_CheckInvariants(benchmark::State& state) {
  World w;
  (void)w.k->map_memory(w.client, 0, 64 * 0x1000, kMemR | kMemW);
  for (auto _ : state) w.k->check_invariants();
}
BENCHMARK(BM_CheckInvariants);

}  // namespace
}  // namespace courier

BENCHMARK_MAIN();
