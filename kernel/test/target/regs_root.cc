// regs_root.cc — no register carries a value across a protection boundary (DESIGN.md §8).
//
// Each case fills every register with this process's sentinels (base 0x5a000000, regs_probe.S),
// crosses the boundary, and checks that every register is its own sentinel or the syscall's
// documented result (abi/syscall.h): a null syscall, an unknown number, an error, a call to a
// server in another process (regs_peer.cc) served by the fastpath and by the slow path, a
// receive woken by a message, a yield to the peer (which fills its registers with its own
// sentinels), timer preemptions while both spin, and a new thread's first registers.
#include "courier/kstd/format.h"
#include "regs_common.h"

using namespace courier;

namespace {

using abi::Syscall;
using regs::any;
using regs::exact;
using regs::result;
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

// Every syscall kind, each right after the peer made a syscall full of its own sentinels (so
// the kernel has just handled another process's values): arguments that make it answer at
// once (mostly refused: bad handles, addresses, lines), or, for wait_event, block briefly and
// come back through the idle loop. Each is checked twice: the call to the peer (a switch to
// another process and back) and the kind itself. On an error a1, a2 are 0 (ring_enter's a1:
// a result) and a3..a7 the caller's; on Ok, the kind's result words are any value but a
// secret, a1 and a2 are 0 where it has none, the rest the caller's.
struct Kind {
  uint32_t number;
  uint8_t results;  // result words on Ok, from a1 (syscalls.def)
  uint8_t count;
  uint32_t args[6];
};

void every_kind_case(uint32_t own_handle) {
  constexpr uint32_t kBad = 0x4242;
  const uint32_t rw = abi::kMemRead | abi::kMemWrite;
  const uint32_t* peer = regs::kPeerSid.w;
  const uint32_t* root = regs::kRootSid.w;
  const Kind kinds[] = {
      {n(Syscall::null), 0, 0, {}},
      {n(Syscall::debug_write), 0, 2, {0x10, 4}},
      {n(Syscall::yield), 0, 0, {}},
      {n(Syscall::map_memory), 1, 3, {0x1, 4096, rw}},
      {n(Syscall::unmap_memory), 0, 2, {0x1, 4096}},
      {n(Syscall::update_memory_flags), 0, 3, {0x1, 4096, abi::kMemRead}},
      {n(Syscall::map_physical), 1, 4, {0x1, 0, 4096, rw}},
      {n(Syscall::create_thread), 1, 4, {0, 0, 0, abi::kPriorities}},
      {n(Syscall::wait_event), 0, 1, {1000}},
      {n(Syscall::create_server), 5, 4, {root[0], root[1], root[2], root[3]}},
      {n(Syscall::destroy_server), 0, 1, {kBad}},
      {n(Syscall::connect), 1, 4, {peer[0], peer[1], peer[2], peer[3]}},
      {n(Syscall::try_connect), 1, 4, {0x0bad, 0x0bad, 0x0bad, 0x0bad}},
      {n(Syscall::disconnect), 0, 1, {kBad}},
      {n(Syscall::send_scalar), 0, 2, {kBad, 1}},
      {n(Syscall::try_send_scalar), 0, 2, {kBad, 1}},
      {n(Syscall::call_scalar), 2, 2, {kBad, 1}},
      {n(Syscall::receive), 7, 1, {kBad}},
      {n(Syscall::try_receive), 7, 1, {own_handle}},
      {n(Syscall::reply), 0, 1, {kBad}},
      {n(Syscall::reply_and_receive_next), 7, 2, {kBad, 0}},
      {n(Syscall::process_info), 3, 0, {}},
      {n(Syscall::lend_memory), 0, 5, {kBad, 1, 2, 0x1000, 4096}},
      {n(Syscall::return_memory), 0, 1, {kBad}},
      {n(Syscall::ring_setup), 0, 1, {0x1}},
      {n(Syscall::ring_enter), 1, 1, {0}},
      {n(Syscall::claim_interrupt), 0, 3, {31, 0x1000, 0}},
      {n(Syscall::free_interrupt), 0, 1, {31}},
      {n(Syscall::kernel_log), 2, 3, {kBad, 0x1000, 16}},
      {n(Syscall::spawn), 1, 2, {99, 0}},
      {n(Syscall::usage), 7, 1, {0}},
      {n(Syscall::time), 3, 0, {}},
      {n(Syscall::time) + 1, 0, 0, {}},
      {0xffff'ffff, 0, 0, {}},
  };
  const uint32_t secret_call[2] = {g_peer.cid(), regs::kSecret};
  const Want answered[8] = {exact(0), exact(0), exact(0)};
  int bad = 0;
  uint32_t checked = 0;
  for (const Kind& k : kinds) {
    probe(n(Syscall::call_scalar), 2, secret_call);
    bad += regs::bad_registers(g_probe, answered, "the peer's secret call");
    probe(k.number, k.count, k.args);
    Want want[8] = {any()};
    const uint32_t e = g_probe.out[10];
    if (e > static_cast<uint32_t>(abi::Error::Interrupted)) {
      print("  syscall %u: a0 = %08x, not an Error\n", k.number, e);
      ++bad;
    }
    if (e == 0) {
      // a1, a2: zero where the kind has no result there (abi/syscall.h).
      want[1] = want[2] = exact(0);
      for (unsigned i = 1; i <= k.results; ++i) want[i] = result();
    } else {
      want[1] = k.number == n(Syscall::ring_enter) ? result() : exact(0);
      want[2] = exact(0);
    }
    char what[32];
    (void)kstd::sformat(what, sizeof what, "syscall %u", k.number);
    bad += regs::bad_registers(g_probe, want, what);
    ++checked;
  }
  char line[96];
  (void)kstd::sformat(line, sizeof line,
                      "registers after every syscall kind, each after the peer's secret (%u kinds)",
                      checked);
  test::check(bad == 0, line);
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

  every_kind_case(own_handle);
  thread_start_case();

  print("regs done, %d failures\n", test::failures);
  return test::failures;
}
