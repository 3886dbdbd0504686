// hostile_dying_lender.cc — process 2 of the hostile_adopt tests: lends two pages by remapping
// (Borrow) to process 1's server, then ends itself when process 1 asks, while the page is
// still borrowed.
#include "hostile.h"

using namespace hostile;

namespace {
Lender lender{};
}  // namespace

int main() {
  courier::Server control;
  courier::Connection adopter;
  Threads threads;
  const uint32_t buf = test::pages(2);
  if (courier::Server::create(test::kDoomedSid, &control) != Error::Ok ||
      courier::Connection::connect(test::kLendSid, &adopter) != Error::Ok || !threads.reserve(1) ||
      buf == 0) {
    return 1;
  }
  reinterpret_cast<volatile uint32_t*>(buf)[0] = 0x1234;
  reinterpret_cast<volatile uint32_t*>(buf)[1024] = 0x1235;
  lender = Lender{adopter.cid(), 1, static_cast<uint32_t>(MessageKind::Borrow), buf, 2 * kPage, 0,
                  Error::Ok};
  (void)threads.start(lend_and_exit, arg_of(lender));
  // Process 1 calls when it holds the page; the call is never answered: this process ends.
  courier::Message m{};
  (void)control.receive(&m);
  sys::terminate_process(0);
  return 0;
}
