// hostile_mover.cc — process 2 of the hostile_xous985 test: asked to, it moves two pages by
// remapping and two by copying to process 1's server, which is not receiving, sends it a
// Scalar, and dies at once, its Moves and its Scalar still queued.
#include "hostile.h"

using namespace hostile;

int main() {
  courier::Server control;
  courier::Connection target;
  if (courier::Server::create(test::kDoomedSid, &control) != Error::Ok ||
      courier::Connection::connect(test::kLendSid, &target) != Error::Ok) {
    return 1;
  }
  courier::Message m{};
  (void)control.receive(&m);  // a call, never answered: this process ends holding it
  const courier::Transfer both[] = {courier::Transfer::Remap, courier::Transfer::Copy};
  for (const courier::Transfer how : both) {
    const uint32_t buf = test::pages(2);
    if (buf == 0) break;
    reinterpret_cast<volatile uint32_t*>(buf)[0] = 0x985;
    reinterpret_cast<volatile uint32_t*>(buf)[1024] = 0x986;
    (void)target.lend(MessageKind::Move, 1, reinterpret_cast<void*>(buf), 2 * kPage, 0, 0, how);
  }
  (void)target.try_send(0x985);
  sys::terminate_process(0);
  return 0;
}
