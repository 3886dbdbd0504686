// lend_server.cc — the server of the lend/copy benchmarks: returns every borrow at once,
// unmaps every moved range, and answers calls (the Move benchmark's acknowledgement).
#include "bench_ids.h"

int main() {
  courier::Server server;
  if (courier::Server::create(bench::kLendSid, &server) != courier::abi::Error::Ok) return 1;
  courier::Message m{};
  (void)server.receive(&m);
  for (;;) {
    switch (m.kind()) {
      case courier::abi::MessageKind::Borrow:
      case courier::abi::MessageKind::MutableBorrow:
        (void)server.return_memory(m, m.w[2], m.w[3]);
        m.handle = 0;  // answered by return_memory: nothing to reply
        break;
      case courier::abi::MessageKind::Move: (void)courier::sys::unmap_memory(m.w[0], m.w[1]); break;
      default: break;
    }
    (void)server.reply_and_receive(&m, 0);
  }
}
