// lend_toucher.cc — lends a page mutably, and then another of its threads touches it: that
// thread's access must fault (the lender has no access), which ends this process.
#include "common.h"

namespace {
volatile uint32_t* buffer = nullptr;

void lender(uint32_t) {
  courier::Connection c;
  (void)courier::Connection::connect(test::kLendSid, &c);
  (void)c.lend(courier::abi::MessageKind::MutableBorrow, 4, const_cast<uint32_t*>(buffer), 4096);
  courier::print("toucher: SURVIVED: the lend came back\n");
  courier::sys::exit_thread();
}
}  // namespace

int main() {
  buffer = reinterpret_cast<volatile uint32_t*>(test::pages(1));
  buffer[0] = 7;
  (void)courier::spawn_thread(lender, 0, 4096, courier::abi::kDefaultPriority, nullptr);
  (void)courier::sys::yield();  // the lender thread lends and blocks
  (void)courier::sys::yield();
  courier::print("toucher: reading a page this process has lent mutably\n");
  const uint32_t v = buffer[0];
  courier::print("toucher: SURVIVED reading %u\n", v);
  return 0;
}
