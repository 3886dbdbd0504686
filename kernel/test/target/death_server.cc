// death_server.cc — receives one call, lets a second one queue up, then dies without replying.
#include "common.h"

int main() {
  courier::Server server;
  if (courier::Server::create(test::kDoomedSid, &server) != courier::abi::Error::Ok) return 1;
  courier::Message m{};
  (void)server.receive(&m);
  for (int i = 0; i < 20; ++i) (void)courier::sys::yield();  // the second caller queues its call
  courier::print("doomed server exiting with a call unanswered\n");
  return 3;
}
