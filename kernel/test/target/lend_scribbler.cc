// lend_scribbler.cc — a borrower that writes into memory it was only lent read-only: the write
// must fault and end this process; its lender gets its pages back.
#include "common.h"

int main() {
  courier::Server server;
  if (courier::Server::create(test::kScribbleSid, &server) != courier::abi::Error::Ok) return 1;
  courier::Message m{};
  (void)server.receive(&m);
  courier::print("scribbler: writing into a read-only borrow\n");
  *reinterpret_cast<volatile uint32_t*>(m.w[0]) = 0xbad;
  courier::print("scribbler: SURVIVED the write\n");
  return 0;
}
