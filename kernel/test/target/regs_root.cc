// regs_root.cc — no register carries a value across a protection boundary (DESIGN.md §8).
//
// Each case fills every register with this process's sentinels (base 0x5a000000, regs_probe.S),
// crosses the boundary, and checks that every register is its own sentinel or the syscall's
// documented result (abi/syscall.h): a null syscall, an unknown number, an error, a call to a
// server in another process (regs_peer.cc) served by the fastpath and by the slow path, a
// receive woken by a message, a yield to the peer (which fills its registers with its own
// sentinels), timer preemptions while both spin, and a new thread's first registers.
#include "regs_common.h"

using namespace courier;

namespace {

using abi::Syscall;
using regs::any;
using regs::exact;
using regs::Want;

regs::Probe g_probe;
Connection g_peer;

uint32_t n(Syscall s) { return static_cast<uint32_t>(s); }

// The probe with `args` in a0.. and `number` in a7 (the rest: sentinels).
void probe(uint32_t number, uint32_t count = 0, const uint32_t* args = nullptr) {
  regs::load(g_probe, number, count, args);
  regs::regs_probe_ecall(&g_probe);
}

// Waits until the peer has handled everything sent to it before (its lines come first).
void sync_with_peer() { (void)g_peer.call(regs::kSync); }

void call_case(const char* what) {
  // Words unlike any syscall number or handle, so nothing can match them by chance.
  const uint32_t args[6] = {g_peer.cid(), regs::kEcho, 0x1111'0000,
                            0x2222'0000,  0x3333'0000, 0x4444'0000};
  probe(n(Syscall::call_scalar), 6, args);
  const Want want[8] = {exact(0), exact(args[2] + args[3]), exact(args[4] ^ args[5])};
  regs::check(g_probe, want, what);
}

void thread_start_case() {
  const uint32_t stack = test::pages(1);
  const uint32_t top = stack + 4096;
  volatile uint32_t* done = reinterpret_cast<volatile uint32_t*>(top - 132);
  const uint32_t args[4] = {
      static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&regs::regs_thread_entry)), top, 0x7e57a7a7,
      abi::kDefaultPriority};
  probe(n(Syscall::create_thread), 4, args);
  const Want want[8] = {exact(0), any(), exact(0)};  // a1: the new thread's id
  regs::check(g_probe, want, "registers after create_thread");
  while (*done == 0) (void)sys::yield();
  const volatile uint32_t* seen = reinterpret_cast<const volatile uint32_t*>(top - 128);
  int bad = 0;
  for (unsigned r = 1; r < 32; ++r) {
    const uint32_t want_r = r == 2 ? top : r == 10 ? 0x7e57a7a7 : 0;
    if (seen[r] != want_r) {
      print("  new thread: x%u = %08x, expected %08x\n", r, seen[r], want_r);
      ++bad;
    }
  }
  test::check(bad == 0,
              "a new thread starts with pc, sp and a0 as given, every other register zero");
}

}  // namespace

int main() {
  // Before anything else: the syscalls that answer at once.
  probe(n(Syscall::null));
  const Want ok_no_results[8] = {exact(0), exact(0), exact(0)};
  regs::check(g_probe, ok_no_results, "registers after a null syscall");

  probe(0x7777);
  const Want unknown[8] = {exact(static_cast<uint32_t>(abi::Error::NotSupported)), exact(0),
                           exact(0)};
  regs::check(g_probe, unknown, "registers after an unknown syscall number");

  const uint32_t bad_handle[1] = {0x4242};
  probe(n(Syscall::receive), 1, bad_handle);
  const Want invalid[8] = {exact(static_cast<uint32_t>(abi::Error::InvalidHandle)), exact(0),
                           exact(0)};
  regs::check(g_probe, invalid, "registers after a receive with a bad handle");

  probe(n(Syscall::process_info));
  const Want info[8] = {exact(0), any(), any(), any()};  // pid, tid, free pages
  regs::check(g_probe, info, "registers after process_info");

  const uint32_t own_pid[1] = {0};
  probe(n(Syscall::usage), 1, own_pid);
  const Want usage[8] = {exact(0), any(), any(), any(), any(), any(), any(), any()};
  regs::check(g_probe, usage, "registers after usage");
  const uint32_t no_pid[1] = {99};  // no such pid, even for init (this is pid 1)
  probe(n(Syscall::usage), 1, no_pid);
  const Want refused[8] = {exact(static_cast<uint32_t>(abi::Error::InvalidHandle)), exact(0),
                           exact(0)};
  regs::check(g_probe, refused, "registers after a refused usage");

  const uint32_t* sid = regs::kRootSid.w;  // the peer sends to it below
  probe(n(Syscall::create_server), 4, sid);
  const uint32_t own_handle = g_probe.out[11];
  const Want created[8] = {exact(0),      any(),         exact(sid[0]),
                           exact(sid[1]), exact(sid[2]), exact(sid[3])};
  regs::check(g_probe, created, "registers after create_server");

  // A server in another process. The first call (plain C++) leaves it waiting in receive, so
  // the probe's call goes through the fastpath, and so does the reply.
  test::expect_error(Connection::connect(regs::kPeerSid, &g_peer), abi::Error::Ok,
                     "connect to the peer");
  (void)g_peer.call(regs::kEcho);
  call_case("registers after call_scalar through the fastpath");
  // The peer is made ready by a Scalar first: the call finds no thread in receive and is
  // queued (slow path); the peer answers with reply, then receive (slow path too).
  (void)g_peer.try_send(regs::kBeSlow);
  call_case("registers after call_scalar through the slow path");

  // A receive that blocks and is woken by the peer's message.
  (void)g_peer.try_send(regs::kSendMe);
  const uint32_t recv_args[1] = {own_handle};
  probe(n(Syscall::receive), 1, recv_args);
  const Want woken[8] = {exact(0), exact(0), exact(regs::kSentId),
                         // a3: the kind, and the sender's pid (the peer is process 2).
                         exact(static_cast<uint32_t>(abi::MessageKind::Scalar) |
                               (regs::kPeerPid << abi::kMessageSenderShift)),
                         exact(regs::kSentWords[0]), exact(regs::kSentWords[1]),
                         exact(regs::kSentWords[2]), exact(regs::kSentWords[3])};
  regs::check(g_probe, woken, "registers after a receive woken by another process's message");

  // A yield to the peer, which fills its registers with its own sentinels and yields back.
  (void)g_peer.try_send(regs::kYieldProbe);
  probe(n(Syscall::yield));
  sync_with_peer();  // the probe's record is this process's memory: the peer cannot touch it
  regs::check(g_probe, ok_no_results, "registers after a yield to another process");

  // Both spin for about three time slices (30 ms) with their sentinels: the timer preempts
  // each for the other. a1 is the spin loop's own (its count).
  const uint32_t spin = regs::spin_count(g_probe, 30);
  (void)g_peer.try_send(regs::kSpinProbe, spin);
  regs::load_spin(g_probe, spin);
  regs::regs_probe_spin(&g_probe);
  sync_with_peer();
  const Want spin_want[8] = {{}, any()};
  regs::check(g_probe, spin_want, "registers after spinning through timer preemption");

  thread_start_case();

  print("regs done, %d failures\n", test::failures);
  return test::failures;
}
