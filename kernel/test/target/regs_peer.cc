// regs_peer.cc — the other process of the register test (regs_root.cc): a server answered
// through the fastpath or the slow path, a sender that wakes the root's receive, and a thread
// that fills every register with its own sentinels (base 0xb0000000) when the root yields to it
// or is preempted for it, and checks them afterwards.
#include "regs_common.h"

using namespace courier;

namespace {

regs::Probe g_probe;

void probe_yield() {
  regs::load(g_probe, static_cast<uint32_t>(abi::Syscall::yield), 0, nullptr);
  regs::regs_probe_ecall(&g_probe);
  const regs::Want want[8] = {regs::exact(0), regs::exact(0), regs::exact(0)};
  regs::check(g_probe, want, "peer: registers after a yield back from another process");
}

// A syscall made with every register this process's sentinel, its arguments included (a
// try_send_scalar on no connection: the kernel reads them and refuses), so that the kernel has
// just handled the peer's values when the root's next syscall runs.
void make_secret() {
  regs::load(g_probe, static_cast<uint32_t>(abi::Syscall::try_send_scalar), 0, nullptr);
  regs::regs_probe_ecall(&g_probe);
}

void probe_spin(uint32_t count) {
  regs::load_spin(g_probe, count);
  regs::regs_probe_spin(&g_probe);
  const regs::Want want[8] = {{}, regs::any()};  // a1: the loop's count
  regs::check(g_probe, want, "peer: registers after spinning through timer preemption");
}

}  // namespace

int main() {
  Server server;
  if (Server::create(regs::kPeerSid, &server) != abi::Error::Ok) return 1;
  Connection root;
  bool slow = false;
  Message m{};
  abi::Error e = server.receive(&m);
  while (e == abi::Error::Ok) {
    uint32_t r0 = 0, r1 = 0;
    switch (m.id) {
      case regs::kEcho:
        r0 = m.w[0] + m.w[1];
        r1 = m.w[2] ^ m.w[3];
        if (slow) {
          // reply, then receive: both by the slow path.
          slow = false;
          (void)server.reply(m, r0, r1);
          e = server.receive(&m);
          continue;
        }
        break;
      case regs::kBeSlow: slow = true; break;
      case regs::kSendMe:
        if (root.cid() == 0) (void)Connection::connect(regs::kRootSid, &root);
        (void)root.send(regs::kSentId, regs::kSentWords[0], regs::kSentWords[1],
                        regs::kSentWords[2], regs::kSentWords[3]);
        break;
      case regs::kYieldProbe: probe_yield(); break;
      case regs::kSpinProbe: probe_spin(m.w[0]); break;
      case regs::kSecret: make_secret(); break;
      default: break;
    }
    e = server.reply_and_receive(&m, r0, r1);
  }
  return 0;
}
