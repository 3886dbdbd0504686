// shares_secret_lender.cc — process 2 of the shares_hidden test: told to, it writes a secret
// in a fresh page and lends it (w[0]: the kind, by remapping or by copying) to process 1's
// server, from a thread of its own; told to wait, it answers when that lend has returned
// (r0 = what lend_memory answered), its page unmapped (a Move's is gone already).
#include "shares.h"

using namespace shares;

namespace {
Lender lender{};
Threads threads;
uint32_t buf = 0;
}  // namespace

int main() {
  courier::Connection server;
  if (courier::Connection::connect(kHoldSid, &server) != Error::Ok || !threads.reserve(6)) return 1;
  serve_commands([&](const courier::Message& m, uint32_t* r0, uint32_t* r1) {
    if (m.id == 1) {  // lend: w[0] = kind | transfer, w[1] = the secret's digit
      buf = test::pages(1);
      if (buf == 0) return;
      char* secret = reinterpret_cast<char*>(buf);
      const char text[] = "LEAKED secret #0";
      for (uint32_t i = 0; i < 16; ++i) secret[i] = text[i];
      secret[15] = static_cast<char>('0' + m.w[1]);
      lender = Lender{server.cid(), 8, m.w[0], buf, kPage, 0, Error::Ok};
      *r0 = static_cast<uint32_t>(threads.start(lend_and_exit, arg_of(lender)));
    } else if (m.id == 2) {  // wait: r0 = the lend's answer, r1 = 1 if it returned
      *r1 = wait_until([] { return lender.done != 0; });
      *r0 = static_cast<uint32_t>(lender.error);
      if ((m.w[0] & courier::abi::kLendKindMask) != static_cast<uint32_t>(MessageKind::Move))
        (void)sys::unmap_memory(buf, kPage);
    }
  });
  return 1;
}
