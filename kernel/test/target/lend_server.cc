// lend_server.cc — the well-behaved borrower of the lending test.
//   id 1: check the first word of each page (page i holds i), return with new hints
//   id 2: write 0xabcd into the first word, return
//   id 3: a Move: check, then unmap the pages (they are ours now)
//   id 4: keep the memory (its lender is about to die); id 5 (a call): return what was kept
#include "common.h"

using courier::abi::Error;
using courier::abi::MessageKind;

int main() {
  courier::Server server;
  if (courier::Server::create(test::kLendSid, &server) != Error::Ok) return 1;
  courier::Message held{};
  courier::Message m{};
  (void)server.receive(&m);
  for (;;) {
    auto* words = reinterpret_cast<volatile uint32_t*>(m.w[0]);
    uint32_t r0 = 0;
    switch (m.id) {
      case 1: {
        bool ok = true;
        for (uint32_t i = 0; i < m.w[1] / 4096; ++i) ok = ok && words[i * 1024] == i;
        (void)server.return_memory(m, ok ? m.w[2] * 2 : 0, m.w[3] * 2);
        break;
      }
      case 2:
        words[0] = 0xabcd;
        (void)server.return_memory(m, m.w[2], 4);
        break;
      case 3: {
        const bool ok = m.kind() == MessageKind::Move && words[1024] == 1;
        courier::print("server: moved pages %s\n", ok ? "arrived intact" : "WRONG");
        courier::print("server: unmapping moved pages -> %s\n",
                       courier::abi::error_name(courier::sys::unmap_memory(m.w[0], m.w[1]).error));
        break;
      }
      case 4:
        held = m;
        courier::print("server: holding a mutable borrow of %u bytes\n", m.w[1]);
        break;
      case 5:
        r0 = static_cast<uint32_t>(server.return_memory(held, 0, 0));
        courier::print("server: returned the held memory of a dead lender -> %s\n",
                       courier::abi::error_name(static_cast<Error>(r0)));
        break;
      default: break;
    }
    // A memory message is answered by return_memory (or kept), never by a reply: receive the
    // next message without replying to this one.
    if (m.kind() != MessageKind::Scalar && m.kind() != MessageKind::BlockingScalar) m.handle = 0;
    (void)server.reply_and_receive(&m, r0);
  }
}
